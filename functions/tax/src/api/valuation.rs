//! The assessed price, from the valuation function over Spin service chaining
//! (`http://valuation.spin.internal`, which must be in `allowed_outbound_hosts`). The
//! caller's `Authorization` is forwarded, so valuation authorizes the call itself, and
//! the caller's language, so valuation's refusals read in it.
//! Any failure to get a price stops the assessment before anything is stored: a 4xx
//! from valuation is the client's problem and passed through with its status
//! (`TAX_VALUATION_REFUSED`, valuation's code under `errors`); only a failure to reach
//! valuation or a 5xx is 503 `TAX_VALUATION_UNAVAILABLE`.

use super::dto::iso;
use super::error::TaxError;
use http_body_util::BodyExt as _;
use serde::Deserialize;
use time::Date;
use yingshang_core::money::Fen;
use yingshang_kit::RequestContext;

/// The valuation function, by service chaining.
pub const VALUATION_BASE: &str = "http://valuation.spin.internal/api/valuation/units";

/// The part of valuation's problem answer passed through.
#[derive(Debug, Deserialize)]
struct ValuationProblem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
}

/// Longest problem code passed through.
const MAX_CODE: usize = 64;
/// Longest problem detail passed through.
const MAX_DETAIL: usize = 300;

/// Valuation's refusal as the client's problem: its status, its code and detail
/// bounded and cleaned (a code is upper snake case, a detail has no control characters).
fn refused(status: u16, body: &[u8]) -> TaxError {
    let problem: Option<ValuationProblem> = serde_json::from_slice(body).ok();
    let (code, detail) = problem.map_or_else(Default::default, |p| (p.code, p.detail));
    let code_ok = !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    TaxError::ValuationRefused {
        status,
        code: if code_ok {
            code
        } else {
            "VALUATION_REFUSED".to_owned()
        },
        detail: detail
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_DETAIL)
            .collect(),
    }
}

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
        .header("accept-language", ctx.lang.tag())
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
        client @ 401..=499 => Err(refused(client, &body)),
        other => Err(unavailable(ctx, &format!("valuation answered {other}"))),
    }
}

fn unavailable(ctx: &RequestContext, why: &str) -> TaxError {
    eprintln!("request_id={} valuation unavailable: {why}", ctx.request_id);
    TaxError::ValuationUnavailable
}
