//! Sanctions on intermediary agencies: the triple sanction for proven misconduct,
//! red cards, and the three handling steps that follow one.

use super::error::{MarketError, field};
use super::providers::{CC, Profile, STAFF_PROBLEMS, TO_PROFILE, build, profile, short};
use super::who::{STAFF_CALLER, credit_code, staff};
use crate::store::providers::{self as pstore, SanctionRow};
use schemars::JsonSchema;
use serde::Deserialize;
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::Misconduct;
use yingshang_core::intermediary::sanction::{Step, TripleSanction, next_step};
use yingshang_core::openapi::{Content, Link, Operation, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::ids::ulid;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Proven misconduct.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SanctionBody {
    /// What was proven.
    #[schemars(extend("enum" = ["plagiarised_report", "fee_fraud", "bid_rigging"]))]
    misconduct: String,
    /// When it was proven (not after today).
    proven_on: IsoDate,
    /// The facts proven, 1–500 characters.
    note: String,
}

/// `POST /providers/{cc}/sanctions`'s description.
pub const SANCTION_DOC: Operation = Operation {
    id: "sanctionProvider",
    summary: "Impose the triple sanction for proven misconduct (staff)",
    description: "对查实失信行为的中介机构实施“三联惩戒”：禁止参与项目、冻结入驻两年、在信用信息中公示。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<SanctionBody>),
    body_example: Some(
        r#"{"misconduct": "plagiarised_report", "proven_on": "2026-01-15", "note": "环评报告抄袭他人成果，经查属实。"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The agency's profile, with the sanction",
        schema::<Profile>,
    )],
    problems: STAFF_PROBLEMS,
    links: &[Link {
        status: 201,
        ..TO_PROFILE
    }],
    ..Operation::NEW
};

/// `POST /providers/{cc}/sanctions` (staff): the triple sanction — barred from
/// projects, entry frozen for two years, the credit event published on the feed.
pub async fn sanction(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: SanctionBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let misconduct = Misconduct::parse(&b.misconduct).ok_or_else(|| {
        field(
            "misconduct",
            "须为 plagiarised_report、fee_fraud 或 bid_rigging",
            "must be plagiarised_report, fee_fraud or bid_rigging",
        )
    })?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须写明查实的事实（1–500 字）",
            "must state what was proven (1–500 characters)",
        )
        .into());
    }
    if b.proven_on.date() > local_date(ctx.now) {
        return Err(field("proven_on", "不能晚于今天", "cannot be after today").into());
    }
    let s = TripleSanction::impose(misconduct, b.proven_on.date());
    let row = SanctionRow {
        id: ulid(ctx.now),
        misconduct: b.misconduct.clone(),
        proven_on: iso(s.from),
        frozen_until: iso(s.frozen_until),
        note: b.note.trim().to_owned(),
    };
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "imposing a sanction", async |db: &Db| {
        pstore::provider_by(db, code.as_str()).await?.ok_or(MarketError::ProviderNotFound)?;
        pstore::insert_sanction(db, code.as_str(), &row, &caller.audit_actor(), now).await?;
        let event = serde_json::json!({
            "credit_code": code.as_str(), "kind": "triple_sanction", "misconduct": row.misconduct,
            "proven_on": row.proven_on, "barred_from_projects": true, "entry_frozen_until": row.frozen_until,
            "note": row.note,
        });
        publish(ctx, db, &caller, code.as_str(), ("triple_sanction", "sanction"), &event).await
    })
    .await?;
    profile(ctx, db, code.as_str(), 201).await
}

/// A note of what was found or done.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    /// 1–500 characters.
    note: String,
}

/// `POST /providers/{cc}/red-card`'s description.
pub const RED_CARD_DOC: Operation = Operation {
    id: "redCardProvider",
    summary: "Record a serious violation: a red card, the agency expelled (staff)",
    description: "管理人员记录严重违规，给予红牌并清退该中介机构，在信用信息中公示。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<NoteBody>),
    body_example: Some(r#"{"note": "伪造检测数据，经查属实。"}"#),
    replies: &[Reply::json(200, "The agency's profile", schema::<Profile>)],
    problems: STAFF_PROBLEMS,
    links: &[TO_PROFILE],
    ..Operation::NEW
};

/// `POST /providers/{cc}/handling`'s description.
pub const HANDLING_DOC: Operation = Operation {
    id: "advanceProviderHandling",
    summary: "Take the next handling step for an agency holding a card (staff)",
    description: "对持有警示卡的中介机构采取下一步处置（约谈警示、限期整改、依法处理），不得跳步。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<NoteBody>),
    body_example: Some(r#"{"note": "已约谈机构负责人。"}"#),
    replies: &[Reply::json(200, "The agency's profile", schema::<Profile>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_STAFF_ONLY"]),
        (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
        (409, &["INTERMEDIARY_WRONG_STATE"]),
    ],
    links: &[TO_PROFILE],
    ..Operation::NEW
};

/// `POST /providers/{cc}/red-card` (staff): a serious violation; the agency is expelled.
pub async fn red_card(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: NoteBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须写明违规事实（1–500 字）",
            "must state the violation (1–500 characters)",
        )
        .into());
    }
    in_transaction(ctx, db, "expelling an agency", async |db: &Db| {
        pstore::provider_by(db, code.as_str()).await?.ok_or(MarketError::ProviderNotFound)?;
        pstore::set_red(db, code.as_str()).await?;
        let event = serde_json::json!({ "credit_code": code.as_str(), "kind": "red_card", "note": b.note.trim() });
        publish(ctx, db, &caller, code.as_str(), ("red_card", "red_card"), &event).await
    })
    .await?;
    profile(ctx, db, code.as_str(), 200).await
}

/// Publishes `event` on the credit feed and audits the staff action, inside the
/// caller's transaction: the event is public exactly when the change it reports is.
/// The audit's action is `intermediary.provider.{action}`.
async fn publish(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    code: &str,
    (kind, action): (&str, &str),
    event: &serde_json::Value,
) -> Result<(), TxError> {
    pstore::publish_credit_event(db, &ulid(ctx.now), code, kind, event, unix_ms(ctx.now)).await?;
    let entry = AuditEntry::new(
        caller.audit_actor(),
        format!("intermediary.provider.{action}"),
        format!("intermediary-provider/{code}"),
        ctx.now,
        None,
        Some(event),
    );
    yingshang_kit::audit::record(ctx, db, &entry).await?;
    Ok(())
}

fn step_name(s: Step) -> &'static str {
    match s {
        Step::WarningInterview => "warning_interview",
        Step::Rectify => "rectify",
        Step::Enforcement => "enforcement",
    }
}

fn step_of(text: Option<&str>) -> Option<Step> {
    match text {
        Some("warning_interview") => Some(Step::WarningInterview),
        Some("rectify") => Some(Step::Rectify),
        Some("enforcement") => Some(Step::Enforcement),
        _ => None,
    }
}

/// `POST /providers/{cc}/handling` (staff): the next handling step of an agency with
/// a card (warning interview, deadline to rectify, enforcement), never skipped.
pub async fn handling(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: NoteBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须记录处置情况（1–500 字）",
            "must record the handling (1–500 characters)",
        )
        .into());
    }
    let profile_now = build(ctx, db, code.as_str()).await?;
    if profile_now.card.is_none() {
        return Err(MarketError::AgencyState {
            zh: "该机构没有警示卡，无需处置。",
            en: "The agency holds no card; there is nothing to handle.",
        }
        .into());
    }
    let from = profile_now.handling_step.as_deref();
    let next = next_step(step_of(from)).ok_or(MarketError::AgencyState {
        zh: "该机构的处置已到依法处理，没有下一步。",
        en: "The agency's handling has reached enforcement; there is no further step.",
    })?;
    in_transaction(ctx, db, "recording a handling step", async |db: &Db| {
        if !pstore::advance_step(db, code.as_str(), from, step_name(next)).await? {
            return Err(MarketError::AgencyState {
                zh: "该机构的处置刚被他人推进，请刷新后再试。",
                en: "Someone has just taken the agency's handling a step further; refresh and try again.",
            }
            .into());
        }
        let event = serde_json::json!({ "credit_code": code.as_str(), "kind": "handling", "step": step_name(next), "card": profile_now.card, "note": b.note.trim() });
        publish(ctx, db, &caller, code.as_str(), ("handling", "handling"), &event).await
    })
    .await?;
    profile(ctx, db, code.as_str(), 200).await
}
