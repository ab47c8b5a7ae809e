//! Bids: only agencies holding every qualification the item needs (approved, valid
//! today) and not barred may bid, once per round, at or under the cap, before the
//! deadline. Until the close an agency sees its own bid only; afterwards the owner and
//! staff see every bid with its proposal, bidders every price.

use super::error::{MarketError, field, free_text};
use super::projects::{ID, NOT_FOUND, load};
use super::providers::barred;
use super::who::{ENTERPRISE, OWNERS, is_staff, owner_of};
use crate::store::projects as prstore;
use crate::store::providers as pstore;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, local_date};
use yingshang_core::intermediary::Qualification;
use yingshang_core::intermediary::selection::{BidFacts, check_bid};
use yingshang_core::money::Fen;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// A bid.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct BidBody {
    /// The price in fen: positive, at most the budget cap.
    price_fen: i64,
    /// The proposal, 1–2000 characters (no control characters but line breaks and tabs).
    proposal: String,
}

/// The agency's standing for an item: every required qualification approved, valid
/// until the earliest of them; `None` if one is missing.
pub async fn standing(
    db: &Db,
    code: &str,
    required: &[String],
) -> Result<Option<Qualification>, DbError> {
    let held = pstore::qualifications(db, code).await?;
    let mut until: Option<time::Date> = None;
    for need in required {
        let Some(q) = held
            .iter()
            .find(|q| &q.qualification == need && q.status == "approved")
        else {
            return Ok(None);
        };
        let Ok(day) = IsoDate::parse(&q.valid_until) else {
            return Ok(None);
        };
        until = Some(until.map_or(day.date(), |u| u.min(day.date())));
    }
    Ok(until.map(|valid_until| Qualification {
        approved: true,
        valid_until,
    }))
}

/// A bid as its reader may see it.
#[derive(Debug, Serialize, JsonSchema)]
struct BidView {
    /// The project's id.
    project: String,
    /// The round.
    round: i64,
    /// The bidding agency's credit code.
    provider: String,
    /// Its price in fen.
    price_fen: i64,
    /// Its proposal: for the bidder itself, the owner and staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    proposal: Option<String>,
    /// The owner's score of the proposal (scoring), 0–100.
    proposal_score: Option<i64>,
    /// When it was submitted (RFC 3339).
    submitted_at: String,
}

/// The bids of the current round the caller may see.
#[derive(Debug, Serialize, JsonSchema)]
struct BidList {
    /// The round.
    round: i64,
    /// Whether the round closed.
    closed: bool,
    /// Before the close the caller's own bid; afterwards every bid to the owner, staff
    /// and bidders (proposals to the owner and staff).
    bids: Vec<BidView>,
}

/// The refusals of [`BidRefusal`] answered 403 (the rest: 409 closed or bid already,
/// 422 the price; [`super::error`] maps them).
const REFUSED_403: &[&str] = &[
    "INTERMEDIARY_NOT_QUALIFIED",
    "INTERMEDIARY_QUALIFICATION_EXPIRED",
    "INTERMEDIARY_SANCTIONED",
];

/// `POST /projects/{id}/bids`'s description.
pub const BID_DOC: Operation = Operation {
    id: "submitBid",
    summary: "Bid on an open project (a qualified agency, once per round)",
    description: "具备该事项全部有效资质且未受惩戒的中介机构在截止前报价，每轮一次，不超过最高限价。",
    caller: Caller::Users(ENTERPRISE),
    params: &[ID],
    body: Content::Json(schema::<BidBody>),
    body_example: Some(
        r#"{"price_fen": 42000000, "proposal": "项目组 6 人，15 个工作日完成现场调查与报告编制。"}"#,
    ),
    replies: &[Reply::json(201, "The bid, recorded", schema::<BidView>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, REFUSED_403),
        (
            404,
            &[
                "INTERMEDIARY_PROJECT_NOT_FOUND",
                "INTERMEDIARY_PROVIDER_NOT_FOUND",
            ],
        ),
        (
            409,
            &["INTERMEDIARY_BIDS_CLOSED", "INTERMEDIARY_ALREADY_BID"],
        ),
        (422, &["INTERMEDIARY_PRICE_INVALID"]),
    ],
    links: &[Link {
        status: 201,
        name: "ListBids",
        operation_id: "listBids",
        parameters: &[("id", "$response.body#/project")],
    }],
    ..Operation::NEW
};

/// `GET /projects/{id}/bids`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listBids",
    summary: "The current round's bids the caller may see",
    description: "本轮报价：截止前机构只能看到自己的报价；截止后业主、管理人员和投标机构可见全部报价（方案仅业主和管理人员可见）。",
    caller: Caller::UsersOrAgency(OWNERS, super::SCOPE_ADMIN),
    params: &[ID],
    replies: &[Reply::json(200, "The bids", schema::<BidList>)],
    problems: &[NOT_FOUND],
    ..Operation::NEW
};

/// `POST /projects/{id}/bids`.
pub async fn bid(ctx: &RequestContext, db: &Db, req: Request, id: &str) -> Result<Answer, Failure> {
    let (caller, code) = super::who::enterprise(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let b: BidBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !free_text(&b.proposal, 1, 2000) {
        return Err(field(
            "proposal",
            "须为 1–2000 字，不含控制字符",
            "must be 1–2000 characters without control characters",
        )
        .into());
    }
    let catalogue = super::items::catalogue(ctx, db).await?;
    let today = local_date(ctx.now);
    let now = unix_ms(ctx.now);
    let answer = in_transaction(ctx, db, "recording a bid", async |db: &Db| {
        let p = prstore::by_id(db, id)
            .await?
            .ok_or(MarketError::ProjectNotFound)?;
        if p.status != "open" {
            return Err(TxError::from(MarketError::Bid(
                yingshang_core::intermediary::BidRefusal::Closed,
            )));
        }
        pstore::provider_by(db, code.as_str())
            .await?
            .ok_or(MarketError::ProviderNotFound)?;
        let required = catalogue
            .item(&p.item)
            .map(|i| i.qualifications.clone())
            .unwrap_or_default();
        let standing = standing(db, code.as_str(), &required).await?;
        let existing = prstore::bids(db, &p.id, p.round, Some(code.as_str())).await?;
        check_bid(&BidFacts {
            now: ctx.now,
            today,
            deadline: from_unix_ms(p.bid_deadline_ms),
            cap: Fen(p.budget_cap_fen),
            qualification: standing.as_ref(),
            sanctioned: barred(db, code.as_str(), today).await?,
            already_bid: !existing.is_empty(),
            price: Fen(b.price_fen),
        })
        .map_err(MarketError::from)?;
        if !prstore::insert_bid(
            db,
            &p.id,
            p.round,
            code.as_str(),
            b.price_fen,
            b.proposal.trim(),
            now,
        )
        .await?
        {
            return Err(TxError::from(MarketError::Bid(
                yingshang_core::intermediary::BidRefusal::AlreadyBid,
            )));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.bid.submit",
            format!("intermediary-project/{}/round/{}/{}", p.id, p.round, code),
            ctx.now,
            None,
            Some(&serde_json::json!({ "price_fen": b.price_fen })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<BidView, TxError>(BidView {
            project: p.id.clone(),
            round: p.round,
            provider: code.as_str().to_owned(),
            price_fen: b.price_fen,
            proposal: Some(b.proposal.trim().to_owned()),
            proposal_score: None,
            submitted_at: rfc3339(ctx.now),
        })
    })
    .await?;
    Ok(json(ctx, 201, &answer))
}

/// `GET /projects/{id}/bids`.
pub async fn list(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::user_or_agency(ctx, db, req.headers(), OWNERS, super::SCOPE_ADMIN).await?;
    let p = load(ctx, db, id).await?;
    let open = p.status == "open";
    let owner = owner_of(&caller).is_some_and(|o| o == p.owner);
    let staff = is_staff(&caller).await;
    let me = match &caller {
        Principal::User(u) => u.membership.enterprise().map(|c| c.as_str().to_owned()),
        _ => None,
    };
    let rows = prstore::bids(db, &p.id, p.round, None)
        .await
        .map_err(|e| ctx.internal("loading bids", e))?;
    let bidder = me
        .as_ref()
        .is_some_and(|m| rows.iter().any(|b| &b.provider == m));
    let visible: Vec<BidView> = rows
        .into_iter()
        .filter(|b| {
            let mine = me.as_deref() == Some(b.provider.as_str());
            mine || (!open && (owner || staff || bidder))
        })
        .map(|b| {
            let mine = me.as_deref() == Some(b.provider.as_str());
            BidView {
                project: p.id.clone(),
                round: p.round,
                proposal: (mine || owner || staff).then_some(b.proposal),
                provider: b.provider,
                price_fen: b.price_fen,
                proposal_score: b.proposal_score,
                submitted_at: rfc3339(from_unix_ms(b.submitted_ms)),
            }
        })
        .collect();
    Ok(json(
        ctx,
        200,
        &BidList {
            round: p.round,
            closed: !open,
            bids: visible,
        },
    ))
}
