//! The SMS gateway and the construction-project approval system's intake, as the
//! intermediary marketplace reaches them: a signed body (secret
//! `intermediary_webhook_secret`, header `x-yingshang-signature`), one message per
//! `Idempotency-Key` (the same key again answers the same receipt; another body under
//! it is refused), a receipt id in the answer — as the real gateways do.

use super::error::StandInError;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::security::channel::verify_body;
use yingshang_core::security::idempotency::{HEADER_IDEMPOTENCY_KEY, IdempotencyKey};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::header;
use yingshang_kit::db::{int, text};
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

const VAR_SECRET: &str = "intermediary_webhook_secret";
const HEADER_SIGNATURE: &str = "x-yingshang-signature";

#[derive(Debug, Serialize)]
struct Receipt {
    receipt_id: String,
}

/// Where each stand-in keeps what it received.
#[derive(Debug, Clone, Copy)]
pub enum Inbox {
    /// The SMS gateway.
    Sms,
    /// The approval system.
    Approvals,
}

impl Inbox {
    fn table(self) -> &'static str {
        match self {
            Inbox::Sms => "dev_sms_messages",
            Inbox::Approvals => "dev_approval_results",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Inbox::Sms => "SMS",
            Inbox::Approvals => "AP",
        }
    }
}

/// `POST /sms/messages` and `POST /approvals/results`.
pub async fn receive(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    inbox: Inbox,
) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let secret = spin_sdk::variables::get(VAR_SECRET)
        .await
        .map_err(|e| ctx.internal("reading the webhook secret", format!("{e:?}")))?;
    verify_body(
        secret.as_bytes(),
        &bytes,
        header(&parts.headers, HEADER_SIGNATURE),
    )
    .inspect_err(|e| ctx.log_denial("intermediary webhook", e.code()))?;
    let key = header(&parts.headers, HEADER_IDEMPOTENCY_KEY)
        .ok_or(StandInError::IdempotencyKeyRequired)?;
    let key = IdempotencyKey::parse(key)?;
    // A JSON body (400 otherwise), kept exactly as sent.
    let _: serde_json::Value = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let body_text = String::from_utf8_lossy(&bytes).into_owned();
    let table = inbox.table();
    let select = format!("SELECT receipt_id, body FROM {table} WHERE idempotency_key = $1");
    let load = async || -> Result<Option<(String, String)>, yingshang_kit::DbError> {
        db.query_one(&select, vec![text(key.as_str())])
            .await?
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .transpose()
    };
    let existing = load()
        .await
        .map_err(|e| ctx.internal("loading a message", e))?;
    let receipt_id = match existing {
        Some((receipt, stored)) if stored == body_text => receipt,
        Some(_) => return Err(StandInError::KeyReused.into()),
        None => {
            let receipt = format!("{}{}", inbox.prefix(), ulid(ctx.now));
            db.execute(
                &format!(
                    "INSERT INTO {table} (idempotency_key, receipt_id, body, received_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (idempotency_key) DO NOTHING"
                ),
                vec![text(key.as_str()), text(receipt.as_str()), text(body_text.as_str()), int(unix_ms(ctx.now))],
            )
            .await
            .map_err(|e| ctx.internal("recording a message", e))?;
            load()
                .await
                .map_err(|e| ctx.internal("reloading a message", e))?
                .map_or(receipt, |(stored, _)| stored)
        }
    };
    Ok(json(ctx, 200, &Receipt { receipt_id }))
}
