//! Filing a case (idempotent), reading one with its deadlines, and listing the
//! caller's cases page by page.

use super::dto::{CaseList, CaseView, FileRequest};
use super::error::ComplaintsError;
use super::party::{self, calendar, catalogue};
use crate::store::{self, Cursor, ListScope};
use spin_sdk::http::Request;
use yingshang_core::complaints::{
    Actor, CaseId, CaseState, CaseSummary, Intake, Status, available_actions, deadlines, open_case,
};
use yingshang_core::query::param;
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::path_and_query;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The default and largest page.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

/// The view of a case for `actor`, judged now.
pub fn view<'a>(ctx: &RequestContext, case: &'a CaseState, actor: &Actor) -> CaseView<'a> {
    CaseView {
        case,
        deadlines: deadlines(case, ctx.now, &calendar()),
        available_actions: available_actions(case, actor),
    }
}

/// `POST /cases`: files a case (Idempotency-Key required).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    let path = path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: FileRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => claim,
        Begin::Unkeyed => return Err(ComplaintsError::IdempotencyKeyRequired.into()),
    };
    let answer = match file(ctx, db, &caller, &actor, &request, &claim).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    claim.finish(ctx, db, &answer).await?;
    Ok(answer)
}

async fn file(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    actor: &Actor,
    request: &FileRequest,
    claim: &Claim,
) -> Result<Answer, Failure> {
    let intake = Intake::parse(catalogue(), &request.intake()?)?;
    if let Actor::Enterprise { .. } = actor {
        guard::own_enterprise(ctx, caller, &intake.enterprise)?;
    }
    let id = CaseId::parse(&ulid(ctx.now))?;
    let opened = open_case(intake, id, actor, ctx.now)?;
    let after = serde_json::json!({
        "status": opened.state.status, "channel": opened.state.channel,
        "category": opened.state.category, "enterprise": opened.state.enterprise,
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "complaints.case.file",
        format!("complaints/case/{}", opened.state.id),
        ctx.now,
        None,
        Some(&after),
    );
    let answer = json(ctx, 201, &view(ctx, &opened.state, actor));
    let now_ms = unix_ms(ctx.now);
    tx::retrying(ctx, db, "filing a case", async |db: &Db| {
        store::insert(db, &opened.state, now_ms).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        claim.store(db, &answer).await
    })
    .await?;
    Ok(answer)
}

/// `GET /cases/{id}`: the case, its deadlines and what the caller may do next.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let stored = party::readable(ctx, db, &actor, id).await?;
    Ok(json(ctx, 200, &view(ctx, &stored.state, &actor)))
}

fn bad(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    ComplaintsError::Field { field, zh, en }.into()
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (at, id) = text.split_once('.')?;
    let at = at.parse().ok()?;
    CaseId::parse(id).ok()?;
    Some((at, id.to_owned()))
}

/// `GET /cases?status=&limit=&cursor=`: the caller's cases, newest first.
pub async fn list(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let query = req.uri().query();
    let status = match param(query, "status") {
        None => None,
        Some(text) => Some(
            Status::ALL
                .into_iter()
                .find(|s| s.as_str() == text)
                .ok_or_else(|| bad("status", "不是诉求状态", "is not a case status"))?,
        ),
    };
    let limit = match param(query, "limit") {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                bad(
                    "limit",
                    "须为 1 到 100 的整数",
                    "must be an integer from 1 to 100",
                )
            })?,
    };
    let cursor = match param(query, "cursor") {
        None => None,
        Some(text) => Some(parse_cursor(text).ok_or_else(|| {
            bad(
                "cursor",
                "不是本接口给出的游标",
                "is not a cursor this list gave",
            )
        })?),
    };
    let scope = match &actor {
        Actor::Enterprise { credit_code } => ListScope::Enterprise(credit_code.as_str().to_owned()),
        Actor::Staff { department } => ListScope::Department(department.as_str().to_owned()),
        Actor::Office | Actor::System => ListScope::All,
    };
    let page = store::list(db, &scope, status, cursor.as_ref(), limit + 1)
        .await
        .map_err(|e| ctx.internal("listing cases", e))?;
    let more = page.len() as i64 > limit;
    let cases: Vec<&CaseState> = page.iter().take(limit as usize).map(|s| &s.state).collect();
    let next_cursor = match (more, cases.last()) {
        (true, Some(last)) => Some(format!("{}.{}", unix_ms(last.received_at), last.id)),
        _ => None,
    };
    let cases = cases
        .into_iter()
        .map(|c| CaseSummary::of(c, ctx.now, &calendar()))
        .collect();
    Ok(json(ctx, 200, &CaseList { cases, next_cursor }))
}
