//! Closing a round and selecting the winner. After the deadline the valid bids are
//! fixed (bidders barred meanwhile drop out) and published with the round's seed; a
//! draw is run at once from the seed committed to in the notice; direct selection and
//! scoring wait for the owner's choice or proposal scores. Fewer valid bids than the
//! method needs and the round fails; the owner may announce it again.

use super::error::{MarketError, field};
use super::notify;
use super::ocds::{Stage, publish};
use super::projects::{ID, NOT_FOUND, ProjectView, load};
use super::providers::barred;
use super::who::{OWNERS, is_staff, owner_of};
use crate::store::projects::{self as prstore, Project};
use schemars::JsonSchema;
use serde::Deserialize;
use spin_sdk::http::Request;
use std::collections::BTreeMap;
use yingshang_core::calendar::local_date;
use yingshang_core::intermediary::selection::select;
use yingshang_core::intermediary::{Bid, Method, Outcome};
use yingshang_core::money::Fen;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

fn method_of(p: &Project) -> Method {
    match p.method.as_str() {
        "direct" => Method::Direct,
        "random_draw" => Method::RandomDraw,
        _ => Method::Scoring {
            price_weight: u8::try_from(p.price_weight.unwrap_or(50)).unwrap_or(50),
        },
    }
}

/// Applies an outcome to a project: awarded (with its notices) or failed.
async fn apply(
    ctx: &RequestContext,
    db: &Db,
    p: &mut Project,
    outcome: Outcome,
) -> Result<(), TxError> {
    match outcome {
        Outcome::Failed { .. } => p.status = "failed".to_owned(),
        Outcome::Awarded {
            agency,
            price,
            score_centi,
        } => {
            p.status = "awarded".to_owned();
            p.award_price_fen = Some(price.get());
            p.score_centi = score_centi.map(i64::from);
            p.awarded_ms = Some(unix_ms(ctx.now));
            notify::awarded(ctx, db, p, &agency).await?;
            p.winner = Some(agency);
        }
    }
    Ok(())
}

/// Closes an open round whose deadline passed (inside the caller's transaction): the
/// project as it now stands.
pub async fn close_round(
    ctx: &RequestContext,
    db: &Db,
    mut p: Project,
) -> Result<Project, TxError> {
    if p.status != "open" {
        return Err(MarketError::WrongState { status: p.status }.into());
    }
    if unix_ms(ctx.now) < p.bid_deadline_ms {
        return Err(MarketError::WrongState {
            status: "open until the deadline".into(),
        }
        .into());
    }
    let today = local_date(ctx.now);
    let mut valid = Vec::new();
    for b in prstore::bids(db, &p.id, p.round, None).await? {
        if !barred(db, &b.provider, today).await? {
            valid.push(Bid {
                agency: b.provider,
                price: Fen(b.price_fen),
                proposal_score: None,
            });
        }
    }
    let mut ids: Vec<&str> = valid.iter().map(|b| b.agency.as_str()).collect();
    ids.sort_unstable();
    p.valid_bidders = Some(serde_json::to_string(&ids).unwrap_or_default());
    p.closed_ms = Some(unix_ms(ctx.now));
    let method = method_of(&p);
    let seed =
        hex::decode(&p.seed).map_err(|e| TxError::Db(yingshang_kit::db::corrupt("seed", e)))?;
    let outcome = match method {
        Method::RandomDraw => {
            select(method, &valid, Some(&seed), None).map_err(MarketError::from)?
        }
        _ if valid.len() < yingshang_core::intermediary::selection::MIN_VALID_BIDS => {
            Outcome::Failed {
                valid_bids: valid.len(),
                needed: yingshang_core::intermediary::selection::MIN_VALID_BIDS,
            }
        }
        Method::Direct => {
            p.status = "choosing".to_owned();
            return finish(ctx, db, p, "open", Stage::Tender).await;
        }
        Method::Scoring { .. } => {
            p.status = "scoring".to_owned();
            return finish(ctx, db, p, "open", Stage::Tender).await;
        }
    };
    apply(ctx, db, &mut p, outcome).await?;
    let stage = if p.status == "awarded" {
        Stage::Award
    } else {
        Stage::Tender
    };
    finish(ctx, db, p, "open", stage).await
}

async fn finish(
    ctx: &RequestContext,
    db: &Db,
    p: Project,
    from: &str,
    stage: Stage,
) -> Result<Project, TxError> {
    if !prstore::save(db, &p, from, unix_ms(ctx.now)).await? {
        return Err(MarketError::Contended.into());
    }
    let bids = prstore::bids(db, &p.id, p.round, None).await?.len();
    publish(ctx, db, &p, stage, bids).await?;
    Ok(p)
}

const fn to(name: &'static str, operation_id: &'static str) -> Link {
    Link {
        status: 200,
        name,
        operation_id,
        parameters: &[("id", "$response.body#/id")],
    }
}

/// `POST /projects/{id}/close`'s description.
pub const CLOSE_DOC: Operation = Operation {
    id: "closeProjectRound",
    summary: "Close a round after its deadline: fix the valid bids, reveal the seed, draw",
    description: "截止后截标（业主、管理人员或定时任务）：确定有效报价、公布种子；随机抽取当即进行，直接选取与评分等待业主；有效报价不足则流标。",
    caller: Caller::UsersOrAgency(OWNERS, super::SCOPE_SWEEP),
    params: &[ID],
    replies: &[Reply::json(
        200,
        "The project as the close left it",
        schema::<ProjectView>,
    )],
    problems: &[
        (403, &["INTERMEDIARY_NOT_OWNER"]),
        NOT_FOUND,
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
        (422, &["INTERMEDIARY_SELECTION_INVALID"]),
    ],
    links: &[
        to("GetProject", "getProject"),
        to("ChooseProvider", "chooseProvider"),
        to("ScoreProposals", "scoreProposals"),
        to("Reannounce", "reannounceProject"),
        to("SignContract", "signContract"),
    ],
    ..Operation::NEW
};

/// `POST /projects/{id}/close`: the owner, staff or the schedule, after the deadline.
pub async fn close(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::user_or_agency(ctx, db, req.headers(), OWNERS, super::SCOPE_SWEEP).await?;
    let p = load(ctx, db, id).await?;
    let allowed = matches!(caller, yingshang_core::security::Principal::Agency(_))
        || owner_of(&caller).is_some_and(|o| o == p.owner)
        || is_staff(&caller).await;
    if !allowed {
        return Err(MarketError::NotOwner.into());
    }
    let closed = in_transaction(ctx, db, "closing a round", async |db: &Db| {
        let p = prstore::by_id(db, id)
            .await?
            .ok_or(MarketError::ProjectNotFound)?;
        let p = close_round(ctx, db, p).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.close",
            format!("intermediary-project/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "status": p.status, "winner": p.winner, "seed": p.seed })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<Project, TxError>(p)
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&closed)))
}

async fn owned(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
    status: &str,
) -> Result<(yingshang_core::security::Principal, Project), Failure> {
    let (caller, me) = super::who::owner(ctx, db, req.headers()).await?;
    let p = load(ctx, db, id).await?;
    if p.owner != me {
        return Err(MarketError::NotOwner.into());
    }
    if p.status != status {
        return Err(MarketError::WrongState { status: p.status }.into());
    }
    Ok((caller, p))
}

fn valid_bids(p: &Project, rows: Vec<crate::store::projects::BidRow>) -> Vec<Bid> {
    let valid: Vec<String> = p
        .valid_bidders
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default();
    rows.into_iter()
        .filter(|b| valid.contains(&b.provider))
        .map(|b| Bid {
            agency: b.provider,
            price: Fen(b.price_fen),
            proposal_score: b.proposal_score.and_then(|s| u8::try_from(s).ok()),
        })
        .collect()
}

/// The owner's direct choice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ChoiceBody {
    /// The credit code of a valid bidder.
    provider: String,
}

/// Problems of an owner's action on a project in a given status.
const OWNER_PROBLEMS: &[(u16, &[&str])] = &[
    (403, &["INTERMEDIARY_NOT_OWNER"]),
    NOT_FOUND,
    (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
    (422, &["INTERMEDIARY_SELECTION_INVALID"]),
];

/// `POST /projects/{id}/choice`'s description.
pub const CHOOSE_DOC: Operation = Operation {
    id: "chooseProvider",
    summary: "Choose the winner among the valid bidders (owner, direct selection)",
    description: "直接选取：业主在有效报价机构中选定中选机构。",
    caller: Caller::Users(OWNERS),
    params: &[ID],
    body: Content::Json(schema::<ChoiceBody>),
    body_example: Some(r#"{"provider": "91410100MA0000001X"}"#),
    replies: &[Reply::json(
        200,
        "The project, awarded",
        schema::<ProjectView>,
    )],
    problems: OWNER_PROBLEMS,
    links: &[
        to("GetProject", "getProject"),
        to("SignContract", "signContract"),
    ],
    ..Operation::NEW
};

/// `POST /projects/{id}/scores`'s description.
pub const SCORE_DOC: Operation = Operation {
    id: "scoreProposals",
    summary: "Score every valid proposal; the scoring then selects the winner (owner)",
    description: "综合评分：业主为每份有效方案打分（0–100），按价格权重计算总分选定中选机构。",
    caller: Caller::Users(OWNERS),
    params: &[ID],
    body: Content::Json(schema::<ScoresBody>),
    body_example: Some(r#"{"scores": {"91410100MA0000001X": 85, "91410100MA00000021": 78}}"#),
    replies: &[Reply::json(
        200,
        "The project, awarded",
        schema::<ProjectView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_OWNER"]),
        NOT_FOUND,
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
        (422, &["INTERMEDIARY_SELECTION_INVALID"]),
    ],
    links: &[
        to("GetProject", "getProject"),
        to("SignContract", "signContract"),
    ],
    ..Operation::NEW
};

/// `POST /projects/{id}/choice`: direct selection by the owner.
pub async fn choose(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, _) = owned(ctx, db, &req, id, "choosing").await?;
    let (parts, body) = req.into_parts();
    let b: ChoiceBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let done = in_transaction(ctx, db, "choosing an agency", async |db: &Db| {
        let mut p = prstore::by_id(db, id)
            .await?
            .ok_or(MarketError::ProjectNotFound)?;
        let bids = valid_bids(&p, prstore::bids(db, &p.id, p.round, None).await?);
        let outcome =
            select(Method::Direct, &bids, None, Some(&b.provider)).map_err(MarketError::from)?;
        apply(ctx, db, &mut p, outcome).await?;
        let p = finish(ctx, db, p, "choosing", Stage::Award).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.choose",
            format!("intermediary-project/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "winner": p.winner })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<Project, TxError>(p)
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&done)))
}

/// The owner's proposal scores.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScoresBody {
    /// Credit code (18 characters) → score 0–100, for every valid bid.
    #[schemars(extend("additionalProperties" = {"type": "integer", "minimum": 0, "maximum": 100}))]
    scores: BTreeMap<String, u8>,
}

/// `POST /projects/{id}/scores`: the owner's proposal scores (0–100 for every valid
/// bid); the scoring then selects the winner.
pub async fn score(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, _) = owned(ctx, db, &req, id, "scoring").await?;
    let (parts, body) = req.into_parts();
    let b: ScoresBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if b.scores.values().any(|s| *s > 100) {
        return Err(field("scores", "每项评分须为 0–100", "each score is 0–100").into());
    }
    // Keyed by credit code: anything else names no bidder (and a NUL reaches no column).
    if b.scores
        .keys()
        .any(|k| yingshang_core::security::credit_code::CreditCode::parse(k).is_err())
    {
        return Err(field(
            "scores",
            "须以统一社会信用代码为键",
            "must be keyed by credit codes",
        )
        .into());
    }
    let done = in_transaction(ctx, db, "scoring proposals", async |db: &Db| {
        let mut p = prstore::by_id(db, id)
            .await?
            .ok_or(MarketError::ProjectNotFound)?;
        for (provider, s) in &b.scores {
            prstore::score_bid(db, &p.id, p.round, provider, i64::from(*s)).await?;
        }
        let bids = valid_bids(&p, prstore::bids(db, &p.id, p.round, None).await?);
        let outcome = select(method_of(&p), &bids, None, None).map_err(MarketError::from)?;
        apply(ctx, db, &mut p, outcome).await?;
        let p = finish(ctx, db, p, "scoring", Stage::Award).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.score",
            format!("intermediary-project/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "winner": p.winner, "score_centi": p.score_centi })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<Project, TxError>(p)
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&done)))
}
