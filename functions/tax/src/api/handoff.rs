//! The registry hand-off: the dispatcher that drains `registry_outbox` to the
//! registry's intake (`registry_handoff_url`), and the local stand-in for that intake.
//!
//! Each record is sent as a real HTTP request, its body signed with the secret shared
//! with the registry (`registry_handoff_secret`, header [`HEADER_REGISTRY_SIGNATURE`])
//! and carrying the assessment id as `Idempotency-Key`: a retry after a lost answer
//! gets the same receipt back, never a second record. A 2xx with a `receipt_id` marks
//! it delivered; anything else is retried with the core's backoff. A record is taken
//! under a short lease first, so two dispatchers do not send it at the same time.

use super::error::TaxError;
use super::{SCOPE_HANDOFF, agency};
use crate::store::outbox::{self, DueRecord};
use http_body_util::BodyExt as _;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::outbox::{SEND_LEASE_S, retry_delay_s};
use yingshang_core::security::channel::{sign_body, verify_body};
use yingshang_core::security::idempotency::{HEADER_IDEMPOTENCY_KEY, IdempotencyKey};
use yingshang_core::tax::PaidTaxRecord;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::context::header;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The Spin variable with the registry's intake endpoint.
pub const VAR_HANDOFF_URL: &str = "registry_handoff_url";
/// The Spin variable with the secret shared with the registry.
pub const VAR_HANDOFF_SECRET: &str = "registry_handoff_secret";
/// The header carrying the body's HMAC-SHA256 towards the registry.
pub const HEADER_REGISTRY_SIGNATURE: &str = "x-registry-signature";
/// Records sent per dispatch at most.
const DISPATCH_LIMIT: i64 = 50;

/// What the registry answers.
#[derive(Debug, Serialize, Deserialize)]
struct Receipt {
    receipt_id: String,
}

#[derive(Debug, Serialize)]
struct DispatchAnswer {
    delivered: Vec<String>,
    failed: Vec<String>,
    skipped: usize,
}

async fn secret(ctx: &RequestContext) -> Result<String, Failure> {
    spin_sdk::variables::get(VAR_HANDOFF_SECRET)
        .await
        .map_err(|e| {
            ctx.internal("reading the registry secret", format!("{e:?}"))
                .into()
        })
}

/// `POST /registry/handoff/dispatch`: sends due records.
pub async fn dispatch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    agency(ctx, db, &req, SCOPE_HANDOFF).await?;
    let url = spin_sdk::variables::get(VAR_HANDOFF_URL)
        .await
        .map_err(|e| ctx.internal("reading the registry endpoint", format!("{e:?}")))?;
    let secret = secret(ctx).await?;
    let due = outbox::due(db, ctx.now, DISPATCH_LIMIT)
        .await
        .map_err(|e| ctx.internal("loading due registry records", e))?;
    let mut out = DispatchAnswer {
        delivered: Vec::new(),
        failed: Vec::new(),
        skipped: 0,
    };
    let lease = ctx.now + Duration::seconds(i64::from(SEND_LEASE_S));
    for record in due {
        let claimed = outbox::claim(db, &record.assessment_id, ctx.now, lease)
            .await
            .map_err(|e| ctx.internal("claiming a registry record", e))?;
        if !claimed {
            out.skipped += 1;
            continue;
        }
        // No transaction is open while the request is out.
        match send(&url, secret.as_bytes(), &record).await {
            Ok(receipt) => {
                outbox::delivered(db, &record.assessment_id, &receipt, ctx.now)
                    .await
                    .map_err(|e| ctx.internal("marking a registry record delivered", e))?;
                out.delivered.push(record.assessment_id);
            }
            Err(why) => {
                let attempts = record.attempts.saturating_add(1);
                let delay = retry_delay_s(u32::try_from(attempts).unwrap_or(u32::MAX));
                let next = ctx.now + Duration::seconds(i64::from(delay));
                eprintln!(
                    "request_id={} registry record {} failed (attempt {attempts}): {why}",
                    ctx.request_id, record.assessment_id
                );
                outbox::failed(db, &record.assessment_id, attempts, next, &why)
                    .await
                    .map_err(|e| ctx.internal("recording a failed registry record", e))?;
                out.failed.push(record.assessment_id);
            }
        }
    }
    Ok(json(ctx, 200, &out))
}

/// Sends one record; the registry's receipt, or why not.
async fn send(url: &str, secret: &[u8], record: &DueRecord) -> Result<String, String> {
    let body = record.record.clone().into_bytes();
    let signature = sign_body(secret, &body).map_err(|e| format!("signing: {}", e.code()))?;
    let outgoing = spin_sdk::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .header(HEADER_IDEMPOTENCY_KEY, record.assessment_id.as_str())
        .header(HEADER_REGISTRY_SIGNATURE, signature)
        .body(http_body_util::Full::new(std::collections::VecDeque::from(
            body,
        )))
        .map_err(|e| format!("building the request: {e}"))?;
    let response = spin_sdk::http::send(outgoing)
        .await
        .map_err(|e| format!("sending: {e:?}"))?;
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer: {e}"))?
        .to_bytes();
    if !(200..300).contains(&status) {
        return Err(format!("registry answered {status}"));
    }
    let receipt: Receipt =
        serde_json::from_slice(&bytes).map_err(|e| format!("unreadable answer: {e}"))?;
    if receipt.receipt_id.is_empty() {
        return Err("registry answered no receipt".to_owned());
    }
    Ok(receipt.receipt_id)
}

/// `POST /dev/registry/records`: the local stand-in for the registry's intake. It
/// checks the signature and records each record once per idempotency key, so a
/// repeated request answers the same receipt — as the real registry does.
pub async fn dev_registry(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let secret = secret(ctx).await?;
    verify_body(
        secret.as_bytes(),
        &bytes,
        header(&parts.headers, HEADER_REGISTRY_SIGNATURE),
    )
    .inspect_err(|e| ctx.log_denial("registry hand-off", e.code()))?;
    let key =
        header(&parts.headers, HEADER_IDEMPOTENCY_KEY).ok_or(TaxError::IdempotencyKeyRequired)?;
    let key = IdempotencyKey::parse(key)?;
    let record: PaidTaxRecord = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let record_json = serde_json::to_string(&record)
        .map_err(|e| ctx.internal("encoding a registry record", e))?;
    let existing = outbox::dev_record(db, key.as_str())
        .await
        .map_err(|e| ctx.internal("loading a registry record", e))?;
    let receipt_id = match existing {
        Some((receipt, stored)) if stored == record_json => receipt,
        Some(_) => return Err(TaxError::RecordConflict.into()),
        None => {
            let receipt = format!("RG{}", ulid(ctx.now));
            outbox::insert_dev_record(db, key.as_str(), &receipt, &record_json, ctx.now)
                .await
                .map_err(|e| ctx.internal("recording a registry record", e))?;
            // Two requests racing on one key: the first insert wins; answer its receipt.
            outbox::dev_record(db, key.as_str())
                .await
                .map_err(|e| ctx.internal("reloading a registry record", e))?
                .map_or(receipt, |(stored, _)| stored)
        }
    };
    Ok(json(ctx, 200, &Receipt { receipt_id }))
}
