//! Typical cases (典型案例): the supervising office publishes a closed, tagged case
//! with a summary and a solution, anonymised by the core; anyone may list them (no
//! enterprise data: the core redacts the credit code and names, and the published
//! record carries neither the case id nor the enterprise). The office is also told
//! which classes of problem call for one: the core's [`publish_suggestions`] over the
//! closed, tagged cases whose key has no published typical case yet.

use super::error::ComplaintsError;
use super::party::{self, calendar, catalogue};
use super::party::{CALLER, CASE_ID};
use crate::store;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::OffsetDateTime;
use yingshang_core::complaints::{
    Actor, CaseId, CaseSummary, CategoryCode, ProblemKey, PublishError, Solution, Summary,
    TypicalCase, publish_suggestions, publish_typical,
};
use yingshang_core::openapi::{Content, Link, Operation, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The most typical cases one list answers.
const LIST_LIMIT: i64 = 200;
/// Closed, tagged cases read per page (their full states; only summaries are kept).
const PAGE: i64 = 2_000;
/// The most closed, tagged cases (newest first) the suggestions count.
const CLOSED_LIMIT: usize = 100_000;
/// The most published typical cases (newest first) whose keys are no longer suggested.
const PUBLISHED_LIMIT: i64 = 10_000;

/// `POST /cases/{id}/typical`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The problem, for the public (5 to 500 characters; redacted again).
    #[schemars(with = "Summary")]
    summary: String,
    /// How it was solved, for the public (5 to 2000 characters; redacted again).
    #[schemars(with = "Solution")]
    solution: String,
}

/// A published typical case as listed.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
struct Published<T> {
    id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    published_at: OffsetDateTime,
    #[serde(flatten)]
    case: T,
}

/// `GET /typical` (the stored records, as published).
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct TypicalList {
    /// Newest first, at most 200.
    typical_cases: Vec<Published<TypicalCase>>,
}

/// `POST /cases/{id}/typical`'s description.
pub const PUBLISH_DOC: Operation = Operation {
    id: "publishTypicalCase",
    summary: "Publish a closed, tagged case as a typical case, anonymised (the supervising office)",
    description: "营商环境办将已办结并标注共性问题的诉求发布为典型案例（自动去除企业名称与信用代码）。",
    caller: CALLER,
    params: &[CASE_ID],
    body: Content::Json(schema::<PublishRequest>),
    body_example: Some(
        r#"{"summary": "企业办理营业执照变更时被要求重复提交材料。", "solution": "窗口实行一次性告知，材料清单在网上公开。"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The typical case as published",
        schema::<Published<TypicalCase>>,
    )],
    problems: &[
        (
            400,
            &[
                "COMPLAINTS_TEXT_LENGTH",
                "COMPLAINTS_TEXT_CONTROL_CHARACTER",
            ],
        ),
        (
            403,
            &["COMPLAINTS_NOT_A_DEPARTMENT", "COMPLAINTS_OFFICE_ONLY"],
        ),
        (404, &["COMPLAINTS_CASE_NOT_FOUND"]),
        (409, &["COMPLAINTS_TYPICAL_ALREADY_PUBLISHED"]),
        (409, PublishError::CODES),
    ],
    ..Operation::NEW
};

/// `GET /typical`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listTypicalCases",
    summary: "Published typical cases (public; no enterprise data)",
    description: "已发布的典型案例（公开，不含企业信息）。",
    replies: &[Reply::json(200, "Newest first", schema::<TypicalList>)],
    ..Operation::NEW
};

/// `GET /typical/suggestions`'s description.
pub const SUGGESTIONS_DOC: Operation = Operation {
    id: "getTypicalSuggestions",
    summary: "Classes of problems that call for a typical case (the supervising office)",
    description: "建议发布典型案例的共性问题：已办结且标注同一问题的诉求达到目录阈值、尚无已发布案例的。",
    caller: CALLER,
    replies: &[Reply::json(
        200,
        "The suggestions",
        schema::<SuggestionsAnswer>,
    )],
    problems: &[(
        403,
        &["COMPLAINTS_NOT_A_DEPARTMENT", "COMPLAINTS_OFFICE_ONLY"],
    )],
    links: &[Link {
        status: 200,
        name: "PublishSuggested",
        operation_id: "publishTypicalCase",
        parameters: &[("id", "$response.body#/suggestions/0/cases/0")],
    }],
    ..Operation::NEW
};

/// A class of problems enough closed cases share to publish one of them.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SuggestionView {
    problem_key: ProblemKey,
    /// The categories of its cases (one, as a rule).
    categories: Vec<CategoryCode>,
    case_count: usize,
    /// The cases, in id order: any of them may be published.
    cases: Vec<CaseId>,
}

/// `GET /typical/suggestions`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SuggestionsAnswer {
    /// The catalogue's `typical_case_threshold`.
    threshold: u32,
    /// The most frequent first, then by key.
    suggestions: Vec<SuggestionView>,
    /// `true` if [`CLOSED_LIMIT`] was reached: older closed, tagged cases were not counted.
    truncated: bool,
}

/// `POST /cases/{id}/typical` (the supervising office).
pub async fn publish(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    if actor != Actor::Office {
        ctx.log_denial(&caller.audit_actor(), "COMPLAINTS_OFFICE_ONLY");
        return Err(ComplaintsError::OfficeOnly.into());
    }
    let stored = party::readable(ctx, db, &actor, id).await?;
    let (parts, body) = req.into_parts();
    let request: PublishRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let summary = Summary::parse_at(&request.summary, "summary")?;
    let solution = Solution::parse_at(&request.solution, "solution")?;
    let typical: TypicalCase =
        publish_typical(&stored.state, catalogue(), &summary, &solution, &[])?;
    let published = Published {
        id: ulid(ctx.now),
        published_at: ctx.now,
        case: typical,
    };
    let body =
        serde_json::to_string(&published).map_err(|e| ctx.internal("writing a typical case", e))?;
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "complaints.case.publish_typical",
        format!("complaints/case/{id}"),
        ctx.now,
        None,
        Some(&serde_json::json!({ "typical": published.id })),
    );
    tx::in_transaction(ctx, db, "publishing a typical case", async |db: &Db| {
        if !store::insert_typical(db, &published.id, id, &body, unix_ms(ctx.now)).await? {
            return Err(TxError::Refused(ComplaintsError::AlreadyPublished.into()));
        }
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(())
    })
    .await?;
    Ok(json(ctx, 201, &published))
}

/// `GET /typical`: every published typical case, newest first (public).
pub async fn list(ctx: &RequestContext, db: &Db) -> Result<Answer, Failure> {
    let cases = store::typical(db, LIST_LIMIT)
        .await
        .map_err(|e| ctx.internal("listing typical cases", e))?;
    Ok(json(
        ctx,
        200,
        &serde_json::json!({ "typical_cases": cases }),
    ))
}

/// `GET /typical/suggestions` (the supervising office): the problem keys shared by at
/// least the catalogue's threshold of closed cases, none of them published yet.
pub async fn suggestions(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    if actor != Actor::Office {
        ctx.log_denial(&caller.audit_actor(), "COMPLAINTS_OFFICE_ONLY");
        return Err(ComplaintsError::OfficeOnly.into());
    }
    let published = store::published_keys(db, PUBLISHED_LIMIT)
        .await
        .map_err(|e| ctx.internal("loading published problem keys", e))?;
    let mut summaries: Vec<CaseSummary> = Vec::new();
    let mut before = (i64::MAX, String::new());
    let mut truncated = false;
    loop {
        let page = store::closed_tagged_page(db, &before, PAGE)
            .await
            .map_err(|e| ctx.internal("loading closed, tagged cases", e))?;
        let Some(last) = page.last() else { break };
        before = (
            unix_ms(last.state.received_at),
            last.state.id.as_str().to_owned(),
        );
        let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= PAGE;
        summaries.extend(
            page.iter()
                .map(|s| CaseSummary::of(&s.state, ctx.now, &calendar())),
        );
        if summaries.len() >= CLOSED_LIMIT {
            truncated = full;
            summaries.truncate(CLOSED_LIMIT);
            break;
        }
        if !full {
            break;
        }
    }
    let threshold = catalogue().rules().typical_case_threshold;
    let suggestions = publish_suggestions(&summaries, threshold, &published)
        .into_iter()
        .map(|s| SuggestionView {
            problem_key: s.problem_key,
            categories: s.categories.into_iter().collect(),
            case_count: s.cases.len(),
            cases: s.cases,
        })
        .collect();
    Ok(json(
        ctx,
        200,
        &SuggestionsAnswer {
            threshold,
            suggestions,
            truncated,
        },
    ))
}
