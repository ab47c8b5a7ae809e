//! `POST /cases/{id}/actions`: one step of the closed loop. The core's [`apply`]
//! decides (wrong state: 409, wrong actor: 403); the new state and its audit row are
//! saved in one transaction, retried if someone saved the case meanwhile.

use super::cases::view;
use super::dto::ActionRequest;
use super::dto::CaseView;
use super::error::ComplaintsError;
use super::party::{self, calendar};
use crate::store::{self, Stored};
use spin_sdk::http::Request;
use yingshang_core::complaints::{Action, AuditEvent, CaseState, apply};
use yingshang_core::openapi::{Content, Link, Operation, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The 409s of an action: the case's state forbids it, or others saved it meanwhile.
const ACT_409: &[&str] = &[
    "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE",
    "COMPLAINTS_DECISION_TIME_OVER",
    "COMPLAINTS_DECISION_NOT_YET_DUE",
    "COMPLAINTS_TRANSFER_SAME_DEPARTMENT",
    "COMPLAINTS_CONTENDED",
];

/// `POST /cases/{id}/actions`'s description.
pub const ACT_DOC: Operation = Operation {
    id: "actOnCase",
    summary: "One step of the closed loop: log, accept, refuse, assign, transfer, respond, reply, feedback, callback, close, tag",
    description: "办理诉求的一步：登记、受理、不予受理、交办、转办、首次响应、答复、企业评价、回访、办结、标注共性问题。\
                  谁能执行哪一步由规则表决定（企业评价本企业诉求，主办部门答复，营商环境办受理、交办、回访、办结）。",
    caller: super::party::CALLER,
    params: &[super::party::CASE_ID],
    body: Content::Json(schema::<ActionRequest>),
    body_example: Some(r#"{"action": "feedback", "satisfaction": "satisfied"}"#),
    replies: &[Reply::json(
        200,
        "The case after the step",
        schema::<CaseView<'static>>,
    )],
    problems: &[
        (
            400,
            &[
                "COMPLAINTS_FIELD_INVALID",
                "COMPLAINTS_INPUT_INVALID",
                "COMPLAINTS_TEXT_LENGTH",
                "COMPLAINTS_TEXT_CONTROL_CHARACTER",
                "COMPLAINTS_DEPARTMENT_UNKNOWN",
                "COMPLAINTS_DEPARTMENT_NOT_HANDLING",
                "COMPLAINTS_DEPARTMENT_REPEATED",
                "COMPLAINTS_CO_HANDLERS_TOO_MANY",
                "COMPLAINTS_PROBLEM_KEY_INVALID",
            ],
        ),
        (
            403,
            &[
                "COMPLAINTS_NOT_A_DEPARTMENT",
                "COMPLAINTS_ACTOR_NOT_ALLOWED",
            ],
        ),
        (404, &["COMPLAINTS_CASE_NOT_FOUND"]),
        (409, ACT_409),
        (503, &["COMPLAINTS_CALENDAR_UNKNOWN"]),
    ],
    links: &[Link {
        status: 200,
        name: "GetCase",
        operation_id: "getCase",
        parameters: &[("id", "$response.body#/case/id")],
    }],
    ..Operation::NEW
};

/// The audit row of a transition.
pub fn audit_entry(actor: &str, event: &AuditEvent) -> AuditEntry {
    let before = event.from.map(|s| serde_json::json!({ "status": s }));
    let after = serde_json::json!({
        "status": event.to, "actor": event.actor, "reason": event.reason,
    });
    AuditEntry::new(
        actor,
        format!("complaints.case.{}", event.action.as_str()),
        format!("complaints/case/{}", event.case),
        event.at,
        before.as_ref(),
        Some(&after),
    )
}

/// Applies `action` to the case as stored and saves it with its audit row, in the
/// caller's transaction; asks to run again if the case changed since it was read.
pub async fn save_transition(
    ctx: &RequestContext,
    db: &Db,
    stored: &Stored,
    action: Action,
    actor: &yingshang_core::complaints::Actor,
    audit_actor: &str,
) -> Result<CaseState, TxError> {
    let transition = apply(&stored.state, action, actor, ctx.now, &calendar())?;
    if !store::save(db, &transition.state, stored.version, unix_ms(ctx.now)).await? {
        return Err(TxError::Retry(ComplaintsError::Contended.into()));
    }
    yingshang_kit::audit::record(ctx, db, &audit_entry(audit_actor, &transition.event)).await?;
    Ok(transition.state)
}

/// `POST /cases/{id}/actions`.
pub async fn act(ctx: &RequestContext, db: &Db, req: Request, id: &str) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    party::readable(ctx, db, &actor, id).await?;
    let (parts, body) = req.into_parts();
    let request: ActionRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let action = request.action()?;
    let audit_actor = caller.audit_actor();
    let state = tx::retrying_after_read(
        ctx,
        db,
        "saving a case",
        async |db: &Db| store::by_id(db, id).await,
        async |db: &Db, stored: Option<Stored>| {
            let stored = stored.ok_or(ComplaintsError::CaseNotFound)?;
            save_transition(ctx, db, &stored, action.clone(), &actor, &audit_actor).await
        },
    )
    .await?;
    Ok(json(ctx, 200, &view(ctx, &state, &actor)))
}
