//! The sell-then-buy IIT refund (换购住房个税退税), rule 13: a computation for the
//! seller who bought again, or an officer checking a claim. The core decides; the
//! rule set is the one in force on the purchase date. Nothing is stored.

use super::PARTY_ROLES;
use super::error::TaxError;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::money::Fen;
use yingshang_core::openapi::{Caller, Content, Operation, Reply, schema};
use yingshang_core::tax::{
    RefundClaim, RefundDecision, RefundError, RefundOutcome, RuleSet, RuleSetError,
    sell_then_buy_refund,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The refund decided, with the amount.
#[derive(Debug, Serialize, JsonSchema)]
struct RefundAnswer {
    /// What is refunded, in fen (0 when nothing is).
    refund_fen: Fen,
    #[serde(flatten)]
    decision: RefundDecision,
}

/// `POST /refunds/sell-then-buy`'s description.
pub const SELL_THEN_BUY_DOC: Operation = Operation {
    id: "computeSellThenBuyRefund",
    summary: "Decide a sell-then-buy IIT refund claim (a computation; nothing is stored)",
    description: "换购住房个人所得税退税试算：出售后1年内在同一城市重新购买住房，按新购价与出售价之比退还已缴个税；不保存。",
    caller: Caller::Users(PARTY_ROLES),
    body: Content::Json(schema::<RefundClaim>),
    body_example: Some(
        r#"{"sold_region": "410302", "sold_on": "2025-03-01", "sold_price": 120000000,
            "iit_paid": 1200000, "bought_region": "410305", "bought_on": "2025-09-01",
            "new_price": 150000000}"#,
    ),
    replies: &[Reply::json(200, "The decision", schema::<RefundAnswer>)],
    problems: &[(400, RuleSetError::CODES), (400, RefundError::CODES)],
    ..Operation::NEW
};

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
