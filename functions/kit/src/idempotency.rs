//! `Idempotency-Key` on writes a client may retry. The core decides (fresh, replay,
//! conflict, an abandoned claim taken over); this module keeps the records in SQL
//! table `idempotency`, scoped to the caller, and replays stored answers.
//!
//! A handler stores its success answer with [`Claim::store`] *inside the
//! transaction of its work*, so the work and its answer commit together: a request
//! that dies mid-way leaves neither, and after the core's claim time-to-live the
//! next request with the key runs afresh. Answers given outside a transaction
//! (refusals) are stored or released by [`Claim::finish`].

use crate::context::{RequestContext, header};
use crate::db::Db;
use crate::db::DbError;
use crate::responses::{Answer, Failure, raw};
use crate::tx::TxError;
use spin_sdk::http::HeaderMap;
use time::OffsetDateTime;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::idempotency::{
    Decision, Fingerprint, HEADER_IDEMPOTENCY_KEY, IdempotencyError, IdempotencyKey,
    StoredResponse, decide, expired_before, should_store, stale_before,
};

/// The scope of the agency key that runs the scheduled expiry.
pub const SCOPE_MAINTAIN: &str = "platform:maintain";

/// A key claimed for this request: store the answer with the work
/// ([`Claim::store`]), then [`Claim::finish`].
#[derive(Debug)]
pub struct Claim {
    caller: String,
    key: IdempotencyKey,
    claimed_at: OffsetDateTime,
}

/// What to do with a keyed write.
#[derive(Debug)]
pub enum Begin {
    /// No `Idempotency-Key`: process normally.
    Unkeyed,
    /// A fresh key, now claimed: process, then [`Claim::finish`].
    Fresh(Claim),
    /// The same request was answered before: send this answer again.
    Replay(Answer),
}

/// Looks the caller's key up and decides. `path` is the path with query as received;
/// `body` the raw request body.
pub async fn begin(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
    caller: &Principal,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Begin, Failure> {
    let Some(text) = header(headers, HEADER_IDEMPOTENCY_KEY) else {
        return Ok(Begin::Unkeyed);
    };
    let key = IdempotencyKey::parse(text)?;
    let caller = caller.audit_actor();
    let fingerprint = Fingerprint::of(method, path, body);
    let stored = crate::store::idempotency_record(db, &caller, &key)
        .await
        .map_err(|e| ctx.internal("reading an idempotency record", e))?;
    match decide(stored.as_ref(), &key, &fingerprint, ctx.now) {
        Decision::Replay(r) => Ok(Begin::Replay(replay(ctx, r))),
        Decision::Conflict(e) => Err(e.into()),
        Decision::Fresh => {
            let (stale, expired) = (stale_before(ctx.now), expired_before(ctx.now));
            let claimed = crate::store::claim_idempotency(
                db,
                &caller,
                &key,
                &fingerprint,
                ctx.now,
                stale,
                expired,
            )
            .await
            .map_err(|e| ctx.internal("claiming an idempotency key", e))?;
            if claimed {
                Ok(Begin::Fresh(Claim {
                    caller,
                    key,
                    claimed_at: ctx.now,
                }))
            } else {
                Err(IdempotencyError::InProgress.into())
            }
        }
    }
}

fn replay(ctx: &RequestContext, r: StoredResponse) -> Answer {
    let content_type = r
        .content_type
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    raw(
        ctx,
        r.status,
        &content_type,
        r.body,
        &[("idempotent-replayed", "true".to_owned())],
    )
}

fn stored(answer: &Answer) -> StoredResponse {
    StoredResponse {
        status: answer.status().as_u16(),
        content_type: answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: answer.body().as_bytes().to_vec(),
    }
}

impl Claim {
    /// Stores `answer` for replay, inside the work's transaction (so both commit or
    /// neither). Refuses with 409 "in progress" — rolling the work back — when this
    /// request no longer holds the key: it outlived its claim and another request
    /// took the key over, so its work must not be applied as well.
    pub async fn store(&self, db: &Db, answer: &Answer) -> Result<(), TxError> {
        let held = crate::store::complete_idempotency(
            db,
            &self.caller,
            &self.key,
            self.claimed_at,
            &stored(answer),
        )
        .await?;
        if held {
            Ok(())
        } else {
            Err(IdempotencyError::InProgress.into())
        }
    }

    /// After the request: stores an answer not yet stored (a refusal), or releases
    /// the key when the answer should not be replayed (5xx, 429), so that a retry
    /// runs again. An answer already stored with the work is left as it is.
    pub async fn finish(
        self,
        ctx: &RequestContext,
        db: &Db,
        answer: &Answer,
    ) -> Result<(), Failure> {
        let result: Result<(), DbError> = if should_store(answer.status().as_u16()) {
            let (caller, key, at) = (&self.caller, &self.key, self.claimed_at);
            crate::store::complete_idempotency(db, caller, key, at, &stored(answer))
                .await
                .map(drop)
        } else {
            crate::store::release_idempotency(db, &self.caller, &self.key, self.claimed_at).await
        };
        result.map_err(|e| ctx.internal("storing an idempotent answer", e).into())
    }
}

/// The description of every function's `POST …/idempotency/expire` route.
pub const EXPIRE_DOC: Operation = Operation {
    id: "expireIdempotencyRecords",
    summary: "Delete the idempotency records past their retention (a schedule calls it)",
    description: "删除超过保留期的幂等记录(由定时任务调用)。",
    caller: Caller::Agency(SCOPE_MAINTAIN),
    replies: &[Reply::json(200, "Records deleted", schema::<Expired>)],
    ..Operation::NEW
};

/// What the scheduled expiry answers.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct Expired {
    /// Records deleted.
    deleted: u64,
    /// They were claimed before this instant (RFC 3339).
    claimed_before: String,
}

/// `POST …/idempotency/expire` (agency key with [`SCOPE_MAINTAIN`], on a schedule):
/// deletes the records past the core's retention. They already count as absent
/// (the core's `decide`); this gives their space back.
pub async fn expire(ctx: &RequestContext, db: &Db, headers: &HeaderMap) -> Result<Answer, Failure> {
    crate::guard::agency(ctx, db, headers, SCOPE_MAINTAIN).await?;
    let before = expired_before(ctx.now);
    let deleted = crate::store::expire_idempotency(db, before)
        .await
        .map_err(|e| ctx.internal("expiring idempotency records", e))?;
    let answer = Expired {
        deleted,
        claimed_before: crate::clock::rfc3339(before),
    };
    Ok(crate::responses::json(ctx, 200, &answer))
}
