//! The public credit feed: every sanction, red card and handling step, paged.

use super::error::field;
use crate::store::providers as pstore;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Operation, Param, Reply, schema};
use yingshang_kit::clock::{from_unix_ms, rfc3339};
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// One event of the credit feed.
#[derive(Debug, Serialize, JsonSchema)]
struct CreditEvent {
    /// Its id (a ULID): the cursor of the next page.
    id: String,
    /// The agency's credit code.
    provider: String,
    /// What happened.
    #[schemars(extend("enum" = ["triple_sanction", "red_card", "handling", "card"]))]
    kind: String,
    /// When it was published (RFC 3339).
    published_at: String,
    /// The event as published (`credit_code`, `kind` and the facts of its kind).
    event: serde_json::Map<String, serde_json::Value>,
}

/// A page of the credit feed.
#[derive(Debug, Serialize, JsonSchema)]
struct CreditEventPage {
    /// Events, oldest first.
    events: Vec<CreditEvent>,
    /// The next page's path; none when this page is empty.
    next: Option<String>,
}

/// `GET /credit-events`'s description.
pub const CREDIT_EVENTS_DOC: Operation = Operation {
    id: "listCreditEvents",
    summary: "The credit feed: sanctions, red cards, handling steps and cards, oldest first",
    description: "信用信息推送：三联惩戒、红牌、处置措施、警示卡，按发布先后（公开，供其他平台读取）。",
    params: &[
        Param::query(
            "after",
            "The last event id already read (up to 26 letters or digits). 上次读到的事件编号。",
            schema::<String>,
        ),
        Param::query(
            "limit",
            "Events per page, 1–500 (default 100). 每页条数。",
            schema::<u32>,
        )
        .example("100"),
    ],
    replies: &[Reply::json(
        200,
        "A page of events",
        schema::<CreditEventPage>,
    )],
    problems: &[(400, &["INTERMEDIARY_FIELD_INVALID"])],
    ..Operation::NEW
};

/// `GET /credit-events?after=<event id>&limit=`: the feed, oldest first.
pub async fn credit_events(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let query = req.uri().query();
    let after = yingshang_core::query::param(query, "after").unwrap_or("");
    if after.len() > 26 || !after.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(field("after", "须为事件编号", "must be an event id").into());
    }
    let limit = match yingshang_core::query::param(query, "limit") {
        None => 100,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| field("limit", "须为 1–500", "must be 1–500"))?,
    };
    let rows = pstore::credit_events(db, after, limit)
        .await
        .map_err(|e| ctx.internal("reading the credit feed", e))?;
    let events: Vec<CreditEvent> = rows
        .into_iter()
        .map(|(id, provider, kind, body, at)| CreditEvent {
            id,
            provider,
            kind,
            published_at: rfc3339(from_unix_ms(at)),
            // Written by this function as a JSON object; anything else is corrupt.
            event: serde_json::from_str(&body).unwrap_or_default(),
        })
        .collect();
    let next = events
        .last()
        .map(|e| format!("/api/intermediary/credit-events?after={}", e.id));
    Ok(json(ctx, 200, &CreditEventPage { events, next }))
}
