//! The payment channel's refund endpoint: checks the channel signature and records
//! each refund once per idempotency key, so a repeated request answers the same
//! refund id — as the real channel does.

use super::error::StandInError;
use crate::store;
use spin_sdk::http::Request;
use yingshang_core::security::channel::{RefundAnswer, RefundRequest};
use yingshang_core::security::idempotency::{HEADER_IDEMPOTENCY_KEY, IdempotencyKey};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::context::header;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// `POST /channel/refunds`.
pub async fn refund(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    yingshang_kit::channel::verify(ctx, &parts.headers, &bytes).await?;
    let key = header(&parts.headers, HEADER_IDEMPOTENCY_KEY)
        .ok_or(StandInError::IdempotencyKeyRequired)?;
    let key = IdempotencyKey::parse(key)?;
    let request: RefundRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let existing = store::refund(db, key.as_str())
        .await
        .map_err(|e| ctx.internal("loading a channel refund", e))?;
    let refund_id = match existing {
        Some((id, amount)) if amount == request.amount_fen => id,
        Some(_) => return Err(StandInError::KeyReused.into()),
        None => {
            let id = format!("RF{}", ulid(ctx.now));
            store::insert_refund(db, key.as_str(), &id, request.amount_fen, ctx.now)
                .await
                .map_err(|e| ctx.internal("recording a channel refund", e))?;
            // Two requests racing on one key: the first insert wins; answer its id.
            store::refund(db, key.as_str())
                .await
                .map_err(|e| ctx.internal("reloading a channel refund", e))?
                .map_or(id, |(stored, _)| stored)
        }
    };
    Ok(json(ctx, 200, &RefundAnswer { refund_id }))
}
