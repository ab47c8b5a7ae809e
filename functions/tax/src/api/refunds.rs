//! The sell-then-buy IIT refund (换购住房个税退税), rule 13: a computation for the
//! seller who bought again, or an officer checking a claim. The core decides; the
//! rule set is the one in force on the purchase date. Nothing is stored.

use super::PARTY_ROLES;
use super::error::TaxError;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::money::Fen;
use yingshang_core::tax::{
    RefundClaim, RefundDecision, RefundOutcome, RuleSet, sell_then_buy_refund,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

#[derive(Debug, Serialize)]
struct RefundAnswer {
    /// What is refunded, in fen (0 when nothing is).
    refund_fen: Fen,
    #[serde(flatten)]
    decision: RefundDecision,
}

/// `POST /refunds/sell-then-buy`.
pub async fn sell_then_buy(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::user(ctx, db, req.headers(), PARTY_ROLES).await?;
    let (parts, body) = req.into_parts();
    let claim: RefundClaim = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let history = RuleSet::builtin_history();
    let rules = RuleSet::select(&history, claim.bought_on).map_err(TaxError::RuleSet)?;
    let decision = sell_then_buy_refund(rules, &claim).map_err(TaxError::Refund)?;
    let refund_fen = match decision.outcome {
        RefundOutcome::Refund { amount, .. } => amount,
        RefundOutcome::NoRefund { .. } => Fen::ZERO,
    };
    Ok(json(
        ctx,
        200,
        &RefundAnswer {
            refund_fen,
            decision,
        },
    ))
}
