//! The housing registry's intake for paid-tax records: checks the body signature
//! (secret `registry_handoff_secret`, header [`HEADER_REGISTRY_SIGNATURE`]) and
//! records each record once per idempotency key, so a repeated request answers the
//! same receipt — as the real registry does.

use super::error::StandInError;
use crate::store;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::security::channel::verify_body;
use yingshang_core::security::idempotency::{HEADER_IDEMPOTENCY_KEY, IdempotencyKey};
use yingshang_core::tax::{HEADER_REGISTRY_SIGNATURE, PaidTaxRecord};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::context::header;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The Spin variable with the secret shared with the registry.
const VAR_HANDOFF_SECRET: &str = "registry_handoff_secret";

/// What the registry answers.
#[derive(Debug, Serialize)]
struct Receipt {
    receipt_id: String,
}

/// `POST /registry/records`.
pub async fn record(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let secret = spin_sdk::variables::get(VAR_HANDOFF_SECRET)
        .await
        .map_err(|e| ctx.internal("reading the registry secret", format!("{e:?}")))?;
    verify_body(
        secret.as_bytes(),
        &bytes,
        header(&parts.headers, HEADER_REGISTRY_SIGNATURE),
    )
    .inspect_err(|e| ctx.log_denial("registry hand-off", e.code()))?;
    let key = header(&parts.headers, HEADER_IDEMPOTENCY_KEY)
        .ok_or(StandInError::IdempotencyKeyRequired)?;
    let key = IdempotencyKey::parse(key)?;
    let record: PaidTaxRecord = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let record_json = serde_json::to_string(&record)
        .map_err(|e| ctx.internal("encoding a registry record", e))?;
    let existing = store::record(db, key.as_str())
        .await
        .map_err(|e| ctx.internal("loading a registry record", e))?;
    let receipt_id = match existing {
        Some((receipt, stored)) if stored == record_json => receipt,
        Some(_) => return Err(StandInError::KeyReused.into()),
        None => {
            let receipt = format!("RG{}", ulid(ctx.now));
            store::insert_record(db, key.as_str(), &receipt, &record_json, ctx.now)
                .await
                .map_err(|e| ctx.internal("recording a registry record", e))?;
            // Two requests racing on one key: the first insert wins; answer its receipt.
            store::record(db, key.as_str())
                .await
                .map_err(|e| ctx.internal("reloading a registry record", e))?
                .map_or(receipt, |(stored, _)| stored)
        }
    };
    Ok(json(ctx, 200, &Receipt { receipt_id }))
}
