//! The payment channel's cashier, as a person meets it on a local run: the phone page
//! hands it the order (where it would open the real channel's H5 cashier), the person
//! pays, and the channel sends its signed confirmation to the merchant's webhook — here
//! meter-billing's `POST /api/power/payments/confirmations`, by service chaining, signed
//! with `payment_channel_secret` exactly as the real channel signs. The webhook's answer
//! is passed back. Open only while the application runs with development secrets (the
//! variable `dev_sign_in`, which `yingshang up` turns on only then): anywhere else it
//! answers 404, so no deployment lets anyone switch a socket on without paying.

use super::error::StandInError;
use serde::Deserialize;
use spin_sdk::http::Request;
use yingshang_core::security::channel::HEADER_CHANNEL_SIGNATURE;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::raw;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Where the channel confirms power prepayments (meter-billing's webhook).
pub const POWER_CONFIRMATIONS: &str =
    "http://meter-billing.spin.internal/api/power/payments/confirmations";
/// The variable that opens the cashier (shared with the web pages' development sign-in).
pub const VAR_OPEN: &str = "dev_sign_in";

/// What the page hands the cashier: the order reference and amount the merchant named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payment {
    reference: String,
    amount_fen: i64,
}

/// Whether this run may take pretend payments.
async fn open() -> bool {
    matches!(spin_sdk::variables::get(VAR_OPEN).await, Ok(v) if v.trim() == "true")
}

/// `POST /stand-ins/cashier/power-payments`: the person paid; the channel confirms.
pub async fn pay_power(ctx: &RequestContext, _db: &Db, req: Request) -> Result<Answer, Failure> {
    if !open().await {
        return Err(StandInError::CashierClosed.into());
    }
    let (parts, body) = req.into_parts();
    let payment: Payment = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let confirmation = serde_json::to_vec(&serde_json::json!({
        "transaction_id": format!("SI{}", ulid(ctx.now)),
        "session_id": payment.reference,
        "amount_fen": payment.amount_fen,
    }))
    .map_err(|e| ctx.internal("writing a confirmation", e))?;
    let signature = yingshang_kit::channel::sign(ctx, &confirmation).await?;
    let headers = [
        ("content-type", "application/json"),
        (HEADER_CHANNEL_SIGNATURE, signature.as_str()),
    ];
    let (status, answer) =
        yingshang_kit::chain::send(ctx, "POST", POWER_CONFIRMATIONS, &headers, confirmation)
            .await
            .map_err(|e| ctx.internal("confirming a power payment", e))?;
    let media = if status < 400 {
        "application/json"
    } else {
        "application/problem+json"
    };
    Ok(raw(ctx, status, media, answer, &[]))
}
