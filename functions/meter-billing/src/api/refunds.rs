//! Refunds: the dispatcher that drains `refund_outbox` to the payment channel, and
//! the local stand-in for the channel's refund endpoint.
//!
//! Each refund is sent as a real HTTP request to `payment_channel_refund_url`,
//! signed like the channel's own messages (`x-channel-signature`) and carrying the
//! session id as `Idempotency-Key`: a retry after a lost answer gets the same refund
//! back, never a second one. A 2xx with a `refund_id` marks it delivered; anything
//! else is retried with the core's backoff. A refund is taken under a short lease
//! first, so two dispatchers running at once do not send it at the same time.

use super::error::PowerError;
use super::{SCOPE_REFUNDS, agency};
use crate::store::outbox::{self, DueRefund};
use http_body_util::BodyExt as _;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::outbox::{SEND_LEASE_S, retry_delay_s};
use yingshang_core::security::channel::HEADER_CHANNEL_SIGNATURE;
use yingshang_core::security::idempotency::{HEADER_IDEMPOTENCY_KEY, IdempotencyKey};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::context::header;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The Spin variable with the channel's refund endpoint.
pub const VAR_REFUND_URL: &str = "payment_channel_refund_url";
/// Refunds sent per dispatch at most.
const DISPATCH_LIMIT: i64 = 50;

/// What we send the channel.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundRequest {
    /// Our refund's id (the session id; also the idempotency key).
    refund_request_id: String,
    /// The channel's payment transaction being refunded.
    payment_transaction_id: Option<String>,
    /// To the fen.
    amount_fen: i64,
}

/// What the channel answers.
#[derive(Debug, Serialize, Deserialize)]
struct RefundAnswer {
    refund_id: String,
}

#[derive(Debug, Serialize)]
struct DispatchAnswer {
    delivered: Vec<String>,
    failed: Vec<String>,
    skipped: usize,
}

/// `POST /refunds/dispatch`: sends due refunds.
pub async fn dispatch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    agency(ctx, db, &req, SCOPE_REFUNDS).await?;
    let url = spin_sdk::variables::get(VAR_REFUND_URL)
        .await
        .map_err(|e| ctx.internal("reading the refund endpoint", format!("{e:?}")))?;
    let due = outbox::due(db, ctx.now, DISPATCH_LIMIT)
        .await
        .map_err(|e| ctx.internal("loading due refunds", e))?;
    let mut out = DispatchAnswer {
        delivered: Vec::new(),
        failed: Vec::new(),
        skipped: 0,
    };
    let lease = ctx.now + Duration::seconds(i64::from(SEND_LEASE_S));
    for refund in due {
        let claimed = outbox::claim(db, &refund.session_id, ctx.now, lease)
            .await
            .map_err(|e| ctx.internal("claiming a refund", e))?;
        if !claimed {
            out.skipped += 1;
            continue;
        }
        // No transaction is open while the request is out.
        match send(ctx, &url, &refund).await {
            Ok(refund_id) => {
                outbox::delivered(db, &refund.session_id, &refund_id, ctx.now)
                    .await
                    .map_err(|e| ctx.internal("marking a refund delivered", e))?;
                out.delivered.push(refund.session_id);
            }
            Err(why) => {
                let attempts = refund.attempts.saturating_add(1);
                let delay = retry_delay_s(u32::try_from(attempts).unwrap_or(u32::MAX));
                let next = ctx.now + Duration::seconds(i64::from(delay));
                eprintln!(
                    "request_id={} refund {} failed (attempt {attempts}): {why}",
                    ctx.request_id, refund.session_id
                );
                outbox::failed(db, &refund.session_id, attempts, next, &why)
                    .await
                    .map_err(|e| ctx.internal("recording a failed refund", e))?;
                out.failed.push(refund.session_id);
            }
        }
    }
    Ok(json(ctx, 200, &out))
}

/// Sends one refund; the channel's refund id, or why not.
async fn send(ctx: &RequestContext, url: &str, refund: &DueRefund) -> Result<String, String> {
    let body = serde_json::to_vec(&RefundRequest {
        refund_request_id: refund.session_id.clone(),
        payment_transaction_id: refund.payment_txn.clone(),
        amount_fen: refund.amount_fen,
    })
    .map_err(|e| format!("encoding: {e}"))?;
    let signature = yingshang_kit::channel::sign(ctx, &body)
        .await
        .map_err(|f| format!("signing: {}", f.code()))?;
    let outgoing = spin_sdk::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .header(HEADER_IDEMPOTENCY_KEY, refund.session_id.as_str())
        .header(HEADER_CHANNEL_SIGNATURE, signature)
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
        return Err(format!("channel answered {status}"));
    }
    let answer: RefundAnswer =
        serde_json::from_slice(&bytes).map_err(|e| format!("unreadable answer: {e}"))?;
    if answer.refund_id.is_empty() {
        return Err("channel answered no refund id".to_owned());
    }
    Ok(answer.refund_id)
}

/// `POST /dev/channel/refunds`: the local stand-in for the channel's refund endpoint.
/// It checks the signature and records each refund once per idempotency key, so a
/// repeated request answers the same refund id — as the real channel does.
pub async fn dev_channel(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    yingshang_kit::channel::verify(ctx, &parts.headers, &bytes).await?;
    let key =
        header(&parts.headers, HEADER_IDEMPOTENCY_KEY).ok_or(PowerError::IdempotencyKeyRequired)?;
    let key = IdempotencyKey::parse(key)?;
    let request: RefundRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let existing = outbox::dev_refund(db, key.as_str())
        .await
        .map_err(|e| ctx.internal("loading a channel refund", e))?;
    let refund_id = match existing {
        Some((id, amount)) if amount == request.amount_fen => id,
        Some(_) => return Err(PowerError::PaymentConflict.into()),
        None => {
            let id = format!("RF{}", ulid(ctx.now));
            outbox::insert_dev_refund(db, key.as_str(), &id, request.amount_fen, ctx.now)
                .await
                .map_err(|e| ctx.internal("recording a channel refund", e))?;
            // Two requests racing on one key: the first insert wins; answer its id.
            outbox::dev_refund(db, key.as_str())
                .await
                .map_err(|e| ctx.internal("reloading a channel refund", e))?
                .map_or(id, |(stored, _)| stored)
        }
    };
    Ok(json(ctx, 200, &RefundAnswer { refund_id }))
}
