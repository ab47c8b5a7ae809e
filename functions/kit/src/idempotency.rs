//! `Idempotency-Key` on writes a client may retry. The core decides (fresh, replay,
//! conflict); this module keeps the records in SQL table `idempotency`, scoped to the
//! caller, and replays stored answers.

use crate::context::{RequestContext, header};
use crate::db::Db;
use crate::responses::{Answer, Failure, raw};
use spin_sdk::http::HeaderMap;
use yingshang_core::security::Principal;
use yingshang_core::security::idempotency::{
    Decision, Fingerprint, HEADER_IDEMPOTENCY_KEY, IdempotencyError, IdempotencyKey,
    StoredResponse, decide, should_store,
};

/// A key claimed for this request: finish it with [`Claim::finish`].
#[derive(Debug)]
pub struct Claim {
    caller: String,
    key: IdempotencyKey,
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
    match decide(stored.as_ref(), &key, &fingerprint) {
        Decision::Replay(r) => Ok(Begin::Replay(replay(ctx, r))),
        Decision::Conflict(e) => Err(e.into()),
        Decision::Fresh => {
            let claimed = crate::store::claim_idempotency(db, &caller, &key, &fingerprint, ctx.now)
                .await
                .map_err(|e| ctx.internal("claiming an idempotency key", e))?;
            if claimed {
                Ok(Begin::Fresh(Claim { caller, key }))
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
    let body = String::from_utf8_lossy(&r.body).into_owned();
    raw(
        ctx,
        r.status,
        &content_type,
        body,
        &[("idempotent-replayed", "true".to_owned())],
    )
}

impl Claim {
    /// Stores the answer for replay, or releases the key when the answer should not
    /// be replayed (5xx, 429), so that a retry runs again.
    pub async fn finish(
        self,
        ctx: &RequestContext,
        db: &Db,
        answer: &Answer,
    ) -> Result<(), Failure> {
        let status = answer.status().as_u16();
        let result = if should_store(status) {
            let response = StoredResponse {
                status,
                content_type: answer
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                body: answer.body().as_bytes().to_vec(),
            };
            crate::store::complete_idempotency(db, &self.caller, &self.key, &response).await
        } else {
            crate::store::release_idempotency(db, &self.caller, &self.key).await
        };
        result.map_err(|e| ctx.internal("storing an idempotent answer", e).into())
    }
}
