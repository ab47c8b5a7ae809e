//! The assessed price, from the valuation function over Spin service chaining
//! (`http://valuation.spin.internal`, which must be in `allowed_outbound_hosts`). The
//! caller's `Authorization` is forwarded, so valuation authorizes the call itself.
//! Any failure to get a price stops the assessment before anything is stored.

use super::dto::iso;
use super::error::TaxError;
use http_body_util::BodyExt as _;
use serde::Deserialize;
use time::Date;
use yingshang_core::money::Fen;
use yingshang_kit::RequestContext;

/// The valuation function, by service chaining.
pub const VALUATION_BASE: &str = "http://valuation.spin.internal/api/valuation/units";

/// The part of valuation's answer the tax needs.
#[derive(Debug, Deserialize)]
struct UnitAssessment {
    unit_code: String,
    total_value_fen: i64,
}

/// A unit code safe to put in a path: letters, digits and `-`, 1–64 characters.
fn path_safe(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The assessed value of `unit` on `on`, in fen.
pub async fn assessed_price(
    ctx: &RequestContext,
    authorization: Option<&str>,
    unit: &str,
    on: Date,
) -> Result<Fen, TaxError> {
    if !path_safe(unit) {
        return Err(TaxError::UnitCodeInvalid(unit.to_owned()));
    }
    let url = format!("{VALUATION_BASE}/{unit}?date={}", iso(on));
    let mut builder = spin_sdk::http::Request::builder()
        .method("GET")
        .uri(url.as_str())
        .header("accept", "application/json")
        .header("x-request-id", ctx.request_id.as_str());
    if let Some(a) = authorization {
        builder = builder.header("authorization", a);
    }
    let outgoing = builder
        .body(http_body_util::Full::new(
            std::collections::VecDeque::<u8>::new(),
        ))
        .map_err(|e| unavailable(ctx, &format!("building the request: {e}")))?;
    let response = spin_sdk::http::send(outgoing)
        .await
        .map_err(|e| unavailable(ctx, &format!("sending: {e:?}")))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| unavailable(ctx, &format!("reading the answer: {e}")))?
        .to_bytes();
    match status {
        200 => {
            let a: UnitAssessment = serde_json::from_slice(&body)
                .map_err(|e| unavailable(ctx, &format!("unreadable answer: {e}")))?;
            if a.unit_code != unit || a.total_value_fen <= 0 {
                return Err(unavailable(ctx, "answer for another unit or no value"));
            }
            Ok(Fen(a.total_value_fen))
        }
        404 => Err(TaxError::UnitNotFound(unit.to_owned())),
        400 => Err(TaxError::UnitCodeInvalid(unit.to_owned())),
        other => Err(unavailable(ctx, &format!("valuation answered {other}"))),
    }
}

fn unavailable(ctx: &RequestContext, why: &str) -> TaxError {
    eprintln!("request_id={} valuation unavailable: {why}", ctx.request_id);
    TaxError::ValuationUnavailable
}
