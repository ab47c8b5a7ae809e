//! Projects: an owner publishes a notice (item, budget cap in fen, selection method,
//! bid deadline, statutory and contractual service deadlines); the platform draws a
//! secret seed for the round and publishes its commitment with the notice, so that a
//! draw can be checked by anyone afterwards. A failed round may be announced again,
//! with a new deadline and a new seed.

use super::error::{MarketError, field};
use super::ocds::{Stage, publish};
use super::who::{OWNERS, owner};
use crate::store::projects::{self as prstore, Project};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::intermediary::Commitment;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::ids::{is_ulid, random_bytes, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The largest budget cap: 100 million yuan.
const MAX_CAP_FEN: i64 = 10_000_000_000;
/// The longest a notice stays open.
const MAX_OPEN: Duration = Duration::days(90);
/// The shortest a notice stays open (bidders need time to see it).
const MIN_OPEN: Duration = Duration::minutes(1);

/// How the winner is selected.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MethodBody {
    /// `direct` (the owner chooses), `random_draw`, or `scoring` (price and proposal).
    #[schemars(extend("enum" = ["direct", "random_draw", "scoring"]))]
    method: String,
    /// Scoring only: the price's weight, 10–90 (percent).
    #[serde(default)]
    price_weight: Option<u8>,
}

/// A notice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProjectBody {
    /// 1–100 characters.
    title: String,
    /// The owner's name as published, 1–100 characters.
    owner_name: String,
    /// The owner's mobile number (11 digits from 1), for reminders; never published.
    #[schemars(regex(pattern = r"^1[0-9]{10}$"))]
    owner_phone: String,
    /// An item of the catalogue (`GET /items`).
    item: String,
    /// The budget cap in fen, 1 to 10,000,000,000 (100 million yuan).
    budget_cap_fen: i64,
    /// The selection method.
    selection: MethodBody,
    /// When bids close (RFC 3339), at least a minute and at most 90 days ahead.
    bid_deadline: String,
    /// The statutory deadline, 1–120 working days from the signing.
    statutory_working_days: u32,
    /// The contractual deadline, 1–365 days from the signing.
    contractual_days: u32,
}

/// The path parameter of a project.
pub const ID: Param = Param::path(
    "id",
    "The project's id (a ULID). 项目编号。",
    schema::<String>,
);

/// Problems of a project loaded by id.
pub const NOT_FOUND: (u16, &[&str]) = (404, &["INTERMEDIARY_PROJECT_NOT_FOUND"]);

/// A link to the project from an answer about it (`ProjectView`).
const fn to(name: &'static str, operation_id: &'static str, status: u16) -> Link {
    Link {
        status,
        name,
        operation_id,
        parameters: &[("id", "$response.body#/id")],
    }
}

/// `POST /projects`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createProject",
    summary: "Publish a notice: item, budget cap, selection method, bid deadline, service deadlines",
    description: "业主（企业用户或机关工作人员）发布中介服务项目公告；平台为本轮生成随机种子并同时公布其承诺值（SHA-256）。",
    caller: Caller::Users(OWNERS),
    body: Content::Json(schema::<ProjectBody>),
    body_example: Some(
        r#"{"title": "新材料产业园三期项目环境影响评价", "owner_name": "信阳市浉河区豫南新材料有限公司", "owner_phone": "13900000001", "item": "AP-01", "budget_cap_fen": 48000000, "selection": {"method": "random_draw"}, "bid_deadline": "2030-01-31T10:00:00+08:00", "statutory_working_days": 20, "contractual_days": 15}"#,
    ),
    replies: &[Reply::json(
        201,
        "The project, open for bids",
        schema::<ProjectView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (422, &["INTERMEDIARY_ITEM_UNKNOWN"]),
    ],
    links: &[
        to("GetProject", "getProject", 201),
        to("SubmitBid", "submitBid", 201),
        to("ListBids", "listBids", 201),
        to("CloseRound", "closeProjectRound", 201),
        to("GetReleases", "getProjectReleasePackage", 201),
    ],
    ..Operation::NEW
};

/// `GET /projects/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getProject",
    summary: "A project: its notice, commitment, result and deadlines",
    description: "项目公告、承诺值、结果与期限（公开；种子在本轮截止后公布，报价不在此处）。",
    params: &[ID],
    replies: &[Reply::json(200, "The project", schema::<ProjectView>)],
    problems: &[NOT_FOUND],
    ..Operation::NEW
};

/// The statuses a project passes through.
const STATUSES: [&str; 8] = [
    "open",
    "failed",
    "choosing",
    "scoring",
    "awarded",
    "contracted",
    "delivered",
    "evaluated",
];

/// The `status` query parameter's schema.
fn status_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": STATUSES})
}

/// The newest projects.
#[derive(Debug, Serialize, JsonSchema)]
struct ProjectList {
    /// Newest first.
    projects: Vec<ProjectView>,
}

/// `GET /projects`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listProjects",
    summary: "Projects, newest first, optionally of one status",
    description: "项目列表（公开），可按状态筛选。",
    params: &[
        Param::query(
            "status",
            "Only projects of this status. 项目状态。",
            status_schema,
        )
        .example("open"),
        Param::query(
            "limit",
            "At most this many, 1–200 (default 50). 条数。",
            schema::<u32>,
        )
        .example("50"),
    ],
    replies: &[Reply::json(200, "The projects", schema::<ProjectList>)],
    problems: &[(400, &["INTERMEDIARY_FIELD_INVALID"])],
    ..Operation::NEW
};

/// The deadline of a new round.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReannounceBody {
    /// When bids close (RFC 3339), at least a minute and at most 90 days ahead.
    bid_deadline: String,
}

/// `POST /projects/{id}/reannounce`'s description.
pub const REANNOUNCE_DOC: Operation = Operation {
    id: "reannounceProject",
    summary: "Announce a failed round again, with a new deadline and a new committed seed (owner)",
    description: "流标后业主重新发布公告：新截止时间、新随机种子及其承诺值。",
    caller: Caller::Users(OWNERS),
    params: &[ID],
    body: Content::Json(schema::<ReannounceBody>),
    body_example: Some(r#"{"bid_deadline": "2030-02-28T10:00:00+08:00"}"#),
    replies: &[Reply::json(
        200,
        "The project, open for its next round",
        schema::<ProjectView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_OWNER"]),
        NOT_FOUND,
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
    ],
    links: &[
        to("GetProject", "getProject", 200),
        to("SubmitBid", "submitBid", 200),
    ],
    ..Operation::NEW
};

fn short(t: &str, max: usize) -> bool {
    let n = t.trim().chars().count();
    n > 0 && n <= max && !t.chars().any(char::is_control)
}

fn deadline(ctx: &RequestContext, text: &str) -> Result<i64, Failure> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .filter(|t| *t >= ctx.now + MIN_OPEN && *t <= ctx.now + MAX_OPEN)
        .ok_or_else(|| {
            field(
                "bid_deadline",
                "须为 RFC 3339 时间，晚于现在且在 90 天内",
                "must be an RFC 3339 time after now and within 90 days",
            )
        })?;
    Ok(unix_ms(at))
}

/// A fresh seed and its commitment.
fn seed() -> (String, String) {
    let seed = random_bytes(32);
    (hex::encode(&seed), Commitment::to(&seed).0)
}

/// `POST /projects`.
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, owner) = owner(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let b: ProjectBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.title, 100) || !short(&b.owner_name, 100) {
        return Err(field(
            "title",
            "标题和业主名称须为 1–100 字",
            "title and owner name are 1–100 characters",
        )
        .into());
    }
    let phone_ok = b.owner_phone.len() == 11
        && b.owner_phone.starts_with('1')
        && b.owner_phone.bytes().all(|c| c.is_ascii_digit());
    if !phone_ok {
        return Err(field(
            "owner_phone",
            "须为 11 位手机号码",
            "must be an 11-digit mobile number",
        )
        .into());
    }
    let catalogue = super::items::catalogue(ctx, db).await?;
    if catalogue.item(&b.item).is_none() {
        return Err(MarketError::ItemUnknown.into());
    }
    if !(1..=MAX_CAP_FEN).contains(&b.budget_cap_fen) {
        return Err(field(
            "budget_cap_fen",
            "须为 1 分至 1 亿元",
            "must be 1 fen to 100 million yuan",
        )
        .into());
    }
    let (method, price_weight) = match (b.selection.method.as_str(), b.selection.price_weight) {
        ("direct", None) => ("direct", None),
        ("random_draw", None) => ("random_draw", None),
        ("scoring", Some(w)) if (10..=90).contains(&w) => ("scoring", Some(i64::from(w))),
        _ => {
            return Err(field(
                "selection",
                "须为 direct、random_draw，或 scoring 加 10–90 的 price_weight",
                "must be direct, random_draw, or scoring with a price_weight of 10–90",
            )
            .into());
        }
    };
    if !(1..=120).contains(&b.statutory_working_days) || !(1..=365).contains(&b.contractual_days) {
        return Err(field(
            "statutory_working_days",
            "法定时限 1–120 个工作日，合同时限 1–365 天",
            "statutory 1–120 working days, contractual 1–365 days",
        )
        .into());
    }
    let bid_deadline_ms = deadline(ctx, &b.bid_deadline)?;
    let (seed, commitment) = seed();
    let id = ulid(ctx.now);
    let project = Project {
        ocid: format!("{}{id}", super::config::ocid_prefix().await),
        id,
        owner,
        owner_name: b.owner_name.trim().to_owned(),
        owner_phone: b.owner_phone.clone(),
        title: b.title.trim().to_owned(),
        item: b.item.clone(),
        budget_cap_fen: b.budget_cap_fen,
        method: method.to_owned(),
        price_weight,
        statutory_working_days: i64::from(b.statutory_working_days),
        contractual_days: i64::from(b.contractual_days),
        round: 1,
        bid_deadline_ms,
        seed,
        commitment,
        status: "open".to_owned(),
        winner: None,
        award_price_fen: None,
        score_centi: None,
        valid_bidders: None,
        signed_on: None,
        statutory_due: None,
        contractual_due: None,
        delivered_on: None,
        result_summary: None,
        published_ms: unix_ms(ctx.now),
        closed_ms: None,
        awarded_ms: None,
    };
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "publishing a project", async |db: &Db| {
        prstore::insert(db, &project, now).await?;
        publish(ctx, db, &project, Stage::Tender, 0).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.publish",
            format!("intermediary-project/{}", project.id),
            ctx.now,
            None,
            Some(&serde_json::json!({ "item": project.item, "cap": project.budget_cap_fen, "commitment": project.commitment })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(ctx, 201, &ProjectView::of(&project)))
}

/// A project as anyone sees it: the seed only once its round closed, bids never here.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProjectView {
    /// Its id (a ULID).
    id: String,
    /// Its OCDS ocid.
    ocid: String,
    /// Title.
    title: String,
    /// The owner: `enterprise:<credit code>` or `agency:<agency id>`.
    owner: String,
    /// The owner's name.
    owner_name: String,
    /// The item's code.
    item: String,
    /// The budget cap in fen.
    budget_cap_fen: i64,
    /// `direct`, `random_draw` or `scoring`.
    #[schemars(extend("enum" = ["direct", "random_draw", "scoring"]))]
    method: String,
    /// Scoring: the price's weight (percent).
    price_weight: Option<i64>,
    /// The statutory deadline in working days.
    statutory_working_days: i64,
    /// The contractual deadline in days.
    contractual_days: i64,
    /// The round, from 1.
    round: i64,
    /// When bids close (RFC 3339).
    bid_deadline: String,
    /// SHA-256 of the round's seed (hex), published with the notice.
    commitment: String,
    /// The round's seed (hex), once the round closed.
    seed: Option<String>,
    /// Where the project stands.
    #[schemars(extend("enum" = STATUSES))]
    status: String,
    /// The valid bidders' credit codes, once the round closed.
    valid_bidders: Option<Vec<String>>,
    /// The selected agency's credit code.
    winner: Option<String>,
    /// The award price in fen.
    award_price_fen: Option<i64>,
    /// Scoring: the winner's total, in hundredths of a point.
    score_centi: Option<i64>,
    /// The contract's signing day.
    signed_on: Option<String>,
    /// The statutory deadline (YYYY-MM-DD).
    statutory_due: Option<String>,
    /// The contractual deadline (YYYY-MM-DD).
    contractual_due: Option<String>,
    /// The delivery day.
    delivered_on: Option<String>,
    /// The deadlines passed undelivered, as of the answer (the flag staff watch).
    /// Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("items" = {"enum": ["statutory", "contractual"]}))]
    overdue: Vec<&'static str>,
    /// When it was published (RFC 3339).
    published_at: String,
}

impl ProjectView {
    /// The view of a project.
    pub fn of(p: &Project) -> ProjectView {
        let closed = p.closed_ms.is_some() && p.status != "open";
        ProjectView {
            id: p.id.clone(),
            ocid: p.ocid.clone(),
            title: p.title.clone(),
            owner: p.owner.clone(),
            owner_name: p.owner_name.clone(),
            item: p.item.clone(),
            budget_cap_fen: p.budget_cap_fen,
            method: p.method.clone(),
            price_weight: p.price_weight,
            statutory_working_days: p.statutory_working_days,
            contractual_days: p.contractual_days,
            round: p.round,
            bid_deadline: rfc3339(from_unix_ms(p.bid_deadline_ms)),
            commitment: p.commitment.clone(),
            seed: closed.then(|| p.seed.clone()),
            status: p.status.clone(),
            valid_bidders: p
                .valid_bidders
                .as_deref()
                .and_then(|v| serde_json::from_str(v).ok()),
            winner: p.winner.clone(),
            award_price_fen: p.award_price_fen,
            score_centi: p.score_centi,
            signed_on: p.signed_on.clone(),
            statutory_due: p.statutory_due.clone(),
            contractual_due: p.contractual_due.clone(),
            delivered_on: p.delivered_on.clone(),
            overdue: Vec::new(),
            published_at: rfc3339(from_unix_ms(p.published_ms)),
        }
    }

    /// The view with the deadlines that passed undelivered by `today`.
    pub fn as_of(p: &Project, today: time::Date) -> ProjectView {
        let mut v = ProjectView::of(p);
        let day = |s: &Option<String>| {
            s.as_deref()
                .and_then(|t| yingshang_core::calendar::IsoDate::parse(t).ok())
                .map(|d| d.date())
        };
        if let (Some(statutory), Some(contractual)) =
            (day(&p.statutory_due), day(&p.contractual_due))
        {
            let d = yingshang_core::intermediary::deadline::DualDeadlines {
                statutory,
                contractual,
            };
            v.overdue = yingshang_core::intermediary::deadline::overdue(
                &d,
                today,
                p.delivered_on.is_some(),
            )
            .into_iter()
            .map(|w| w.as_str())
            .collect();
        }
        v
    }
}

/// Loads a project (404 for an unknown or malformed id).
pub async fn load(ctx: &RequestContext, db: &Db, id: &str) -> Result<Project, Failure> {
    if !is_ulid(id) {
        return Err(MarketError::ProjectNotFound.into());
    }
    prstore::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("loading a project", e))?
        .ok_or_else(|| MarketError::ProjectNotFound.into())
}

/// `GET /projects/{id}`.
pub async fn show(ctx: &RequestContext, db: &Db, id: &str) -> Result<Answer, Failure> {
    let p = load(ctx, db, id).await?;
    Ok(json(
        ctx,
        200,
        &ProjectView::as_of(&p, yingshang_core::calendar::local_date(ctx.now)),
    ))
}

/// `GET /projects?status=&limit=`.
pub async fn list(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let query = req.uri().query();
    let status = yingshang_core::query::param(query, "status");
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(field("status", "不是项目状态", "is not a project status").into());
    }
    let limit = match yingshang_core::query::param(query, "limit") {
        None => 50,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| field("limit", "须为 1–200", "must be 1–200"))?,
    };
    let rows = prstore::list(db, status, limit)
        .await
        .map_err(|e| ctx.internal("listing projects", e))?;
    let today = yingshang_core::calendar::local_date(ctx.now);
    let projects: Vec<ProjectView> = rows.iter().map(|p| ProjectView::as_of(p, today)).collect();
    Ok(json(ctx, 200, &ProjectList { projects }))
}

/// `POST /projects/{id}/reannounce`: the owner announces a failed round again.
pub async fn reannounce(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, me) = owner(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let b: ReannounceBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let mut p = load(ctx, db, id).await?;
    if p.owner != me {
        return Err(MarketError::NotOwner.into());
    }
    if p.status != "failed" {
        return Err(MarketError::WrongState { status: p.status }.into());
    }
    p.bid_deadline_ms = deadline(ctx, &b.bid_deadline)?;
    let (seed, commitment) = seed();
    p.seed = seed;
    p.commitment = commitment;
    p.round += 1;
    p.status = "open".to_owned();
    p.closed_ms = None;
    p.valid_bidders = None;
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "announcing a project again", async |db: &Db| {
        if !prstore::save(db, &p, "failed", now).await? {
            return Err(TxError::from(MarketError::Contended));
        }
        publish(ctx, db, &p, Stage::Tender, 0).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.reannounce",
            format!("intermediary-project/{}", p.id),
            ctx.now,
            None,
            Some(&serde_json::json!({ "round": p.round, "commitment": p.commitment })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&p)))
}
