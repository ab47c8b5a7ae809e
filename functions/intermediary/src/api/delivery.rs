//! After the award: the contract (the dual deadlines computed from its signing day),
//! delivery by the selected agency (the result handed to the approval system through
//! the outbox), the owner's evaluation (timeliness measured from the contractual
//! deadline; quality, attitude and fees rated), and the agency's evidence when the
//! score reversed the burden of proof.

use super::config;
use super::error::{MarketError, field, free_text};
use super::notify;
use super::ocds::{Stage, publish};
use super::projects::{ID, NOT_FOUND, ProjectView, load};
use super::who::{ENTERPRISE, OWNERS};
use crate::store::projects::{self as prstore, EvaluationRow, Project};
use crate::store::providers as pstore;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::deadline::deadlines;
use yingshang_core::intermediary::evaluation::{card, score as score_rule, timeliness};
use yingshang_core::intermediary::{Ratings, Score};
use yingshang_core::openapi::{Caller, Content, Link, Operation, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The signed contract.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ContractBody {
    /// The signing day: within the last 30 days, not after today.
    signed_on: IsoDate,
}

/// The project of an answer about it.
const BY_ID: &[(&str, &str)] = &[("id", "$response.body#/id")];
/// The project of an evaluation.
const BY_PROJECT: &[(&str, &str)] = &[("id", "$response.body#/project")];

const fn to(
    name: &'static str,
    operation_id: &'static str,
    status: u16,
    parameters: &'static [(&'static str, &'static str)],
) -> Link {
    Link {
        status,
        name,
        operation_id,
        parameters,
    }
}

/// `POST /projects/{id}/contract`'s description.
pub const CONTRACT_DOC: Operation = Operation {
    id: "signContract",
    summary: "Record the signed contract; the dual deadlines run from its day (owner)",
    description: "业主登记签订的合同，据签约日计算法定时限（工作日）与合同约定时限（自然日）。",
    caller: Caller::Users(OWNERS),
    params: &[ID],
    body: Content::Json(schema::<ContractBody>),
    body_example: Some(r#"{"signed_on": "2026-12-01"}"#),
    replies: &[Reply::json(
        200,
        "The project, contracted",
        schema::<ProjectView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_OWNER"]),
        NOT_FOUND,
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
    ],
    links: &[
        to("GetProject", "getProject", 200, BY_ID),
        to("Deliver", "deliverResult", 200, BY_ID),
    ],
    ..Operation::NEW
};

async fn as_owner(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
    status: &str,
) -> Result<(Principal, Project), Failure> {
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

async fn as_winner(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
    status: &str,
) -> Result<(Principal, Project), Failure> {
    let (caller, me) = super::who::enterprise(ctx, db, req.headers()).await?;
    let p = load(ctx, db, id).await?;
    if p.winner.as_deref() != Some(me.as_str()) {
        return Err(MarketError::NotWinner.into());
    }
    if p.status != status {
        return Err(MarketError::WrongState { status: p.status }.into());
    }
    Ok((caller, p))
}

async fn save(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    p: &Project,
    from: &str,
    stage: Option<Stage>,
    action: &str,
) -> Result<(), TxError> {
    if !prstore::save(db, p, from, unix_ms(ctx.now)).await? {
        return Err(MarketError::Contended.into());
    }
    if let Some(stage) = stage {
        publish(ctx, db, p, stage, 0).await?;
    }
    let entry = AuditEntry::new(
        caller.audit_actor(),
        action,
        format!("intermediary-project/{}", p.id),
        ctx.now,
        None,
        Some(&serde_json::json!({ "status": p.status })),
    );
    yingshang_kit::audit::record(ctx, db, &entry).await?;
    Ok(())
}

/// `POST /projects/{id}/contract`: the owner records the signed contract.
pub async fn contract(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, mut p) = as_owner(ctx, db, &req, id, "awarded").await?;
    let (parts, body) = req.into_parts();
    let b: ContractBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let signed = b.signed_on.date();
    let today = local_date(ctx.now);
    if signed > today || (today - signed).whole_days() > 30 {
        return Err(field(
            "signed_on",
            "须为 30 天内、不晚于今天的日期",
            "must be within the last 30 days, not after today",
        )
        .into());
    }
    let due = deadlines(
        &yingshang_kit::calendar::current(),
        signed,
        u32::try_from(p.statutory_working_days).unwrap_or(0),
        u32::try_from(p.contractual_days).unwrap_or(0),
    )
    .map_err(|e| {
        field(
            "signed_on",
            "无法据此计算期限",
            "no deadline can be computed from it",
        )
        .tap_log(ctx, &e.to_string())
    })?;
    p.signed_on = Some(iso(signed));
    p.statutory_due = Some(iso(due.statutory));
    p.contractual_due = Some(iso(due.contractual));
    p.status = "contracted".to_owned();
    in_transaction(ctx, db, "recording a contract", async |db: &Db| {
        save(
            ctx,
            db,
            &caller,
            &p,
            "awarded",
            Some(Stage::Contract),
            "intermediary.project.contract",
        )
        .await?;
        notify::contracted(ctx, db, &p).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&p)))
}

trait TapLog {
    fn tap_log(self, ctx: &RequestContext, why: &str) -> Self;
}

impl TapLog for MarketError {
    fn tap_log(self, ctx: &RequestContext, why: &str) -> Self {
        eprintln!("request_id={} {why}", ctx.request_id);
        self
    }
}

/// The delivered result.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DeliveryBody {
    /// The delivery day: from the signing, not after today.
    delivered_on: IsoDate,
    /// What was delivered, 1–2000 characters (no control characters but line breaks and tabs).
    summary: String,
}

/// `POST /projects/{id}/delivery`'s description.
pub const DELIVER_DOC: Operation = Operation {
    id: "deliverResult",
    summary: "Deliver the result (the selected agency); it goes to the approval system",
    description: "中选机构提交服务成果，成果推送至投资项目审批系统，并短信通知业主评价。",
    caller: Caller::Users(ENTERPRISE),
    params: &[ID],
    body: Content::Json(schema::<DeliveryBody>),
    body_example: Some(
        r#"{"delivered_on": "2026-12-03", "summary": "环境影响报告书（报批稿）已提交。"}"#,
    ),
    replies: &[Reply::json(
        200,
        "The project, delivered",
        schema::<ProjectView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_WINNER"]),
        NOT_FOUND,
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
    ],
    links: &[
        to("GetProject", "getProject", 200, BY_ID),
        to("Evaluate", "evaluateDelivery", 200, BY_ID),
    ],
    ..Operation::NEW
};

/// An evaluation recorded.
#[derive(Debug, Serialize, JsonSchema)]
struct EvaluationView {
    /// The project's id.
    project: String,
    /// The agency evaluated.
    provider: String,
    /// The evaluation as stored.
    evaluation: EvaluationRow,
    /// The score and whether the burden of proof is reversed.
    score: Score,
}

/// `POST /projects/{id}/evaluation`'s description.
pub const EVALUATE_DOC: Operation = Operation {
    id: "evaluateDelivery",
    summary: "Evaluate the delivered work: quality, attitude, fees; timeliness is measured (owner)",
    description: "业主评价：质量、态度、收费三项打分，时效按合同约定时限自动计算；低于 60 分举证倒置。",
    caller: Caller::Users(OWNERS),
    params: &[ID],
    body: Content::Json(schema::<Ratings>),
    body_example: Some(r#"{"quality": 90, "attitude": 95, "fees": 85}"#),
    replies: &[Reply::json(201, "The evaluation", schema::<EvaluationView>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_OWNER"]),
        NOT_FOUND,
        (
            409,
            &[
                "INTERMEDIARY_WRONG_STATE",
                "INTERMEDIARY_ALREADY_EVALUATED",
                "INTERMEDIARY_CONTENDED",
            ],
        ),
    ],
    links: &[
        to("GetProject", "getProject", 201, BY_PROJECT),
        to("GiveEvidence", "submitEvidence", 201, BY_PROJECT),
    ],
    ..Operation::NEW
};

/// `POST /projects/{id}/delivery`: the selected agency delivers; the result goes to
/// the approval system through the outbox.
pub async fn deliver(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, mut p) = as_winner(ctx, db, &req, id, "contracted").await?;
    let (parts, body) = req.into_parts();
    let b: DeliveryBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let day = b.delivered_on.date();
    let signed = p
        .signed_on
        .as_deref()
        .and_then(|s| IsoDate::parse(s).ok())
        .map(IsoDate::date);
    if day > local_date(ctx.now) || signed.is_some_and(|s| day < s) {
        return Err(field(
            "delivered_on",
            "须在签约之后、不晚于今天",
            "must be after the signing and not after today",
        )
        .into());
    }
    if !free_text(&b.summary, 1, 2000) {
        return Err(field(
            "summary",
            "须为 1–2000 字，不含控制字符",
            "must be 1–2000 characters without control characters",
        )
        .into());
    }
    p.delivered_on = Some(iso(day));
    p.result_summary = Some(b.summary.trim().to_owned());
    p.status = "delivered".to_owned();
    in_transaction(ctx, db, "recording a delivery", async |db: &Db| {
        save(
            ctx,
            db,
            &caller,
            &p,
            "contracted",
            Some(Stage::Implementation),
            "intermediary.project.deliver",
        )
        .await?;
        notify::delivered(ctx, db, &p).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(ctx, 200, &ProjectView::of(&p)))
}

/// `POST /projects/{id}/evaluation`: the owner rates quality, attitude and fees;
/// timeliness is measured.
pub async fn evaluate(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, mut p) = as_owner(ctx, db, &req, id, "delivered").await?;
    let (parts, body) = req.into_parts();
    let r: Ratings = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let rules = config::evaluation(ctx).await;
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| IsoDate::parse(t).ok())
            .map(IsoDate::date)
    };
    let (Some(due), Some(delivered)) = (day(&p.contractual_due), day(&p.delivered_on)) else {
        return Err(MarketError::WrongState { status: p.status }.into());
    };
    let points = timeliness(&rules, due, delivered);
    let s = score_rule(&rules, points, r)
        .map_err(|_| field("quality", "评分须为 0–100", "ratings are 0–100"))?;
    let evidence_due = if s.burden_reversed {
        let due = yingshang_kit::calendar::current()
            .add_working_days(local_date(ctx.now), config::EVIDENCE_WORKING_DAYS)
            .map_err(|e| ctx.internal("computing the evidence deadline", e))?;
        Some(iso(due))
    } else {
        None
    };
    let winner = p.winner.clone().unwrap_or_default();
    let row = EvaluationRow {
        provider: winner.clone(),
        timeliness: i64::from(s.timeliness),
        quality: i64::from(r.quality),
        attitude: i64::from(r.attitude),
        fees: i64::from(r.fees),
        total: i64::from(s.total),
        stars: i64::from(s.stars),
        burden_reversed: s.burden_reversed,
        evidence_due,
        evidence: None,
    };
    p.status = "evaluated".to_owned();
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "recording an evaluation", async |db: &Db| {
        let before = card(&rules, &pstore::scores(db, &winner).await?, false);
        if !prstore::insert_evaluation(db, &p.id, &row, now).await? {
            return Err(TxError::from(MarketError::AlreadyEvaluated));
        }
        save(ctx, db, &caller, &p, "delivered", None, "intermediary.project.evaluate").await?;
        let after = card(&rules, &pstore::scores(db, &winner).await?, false);
        if after > before {
            let event = serde_json::json!({ "credit_code": winner, "kind": "card", "card": after, "after_project": p.id });
            pstore::publish_credit_event(db, &ulid(ctx.now), &winner, "card", &event, now).await?;
        }
        if s.burden_reversed {
            notify::burden_reversed(ctx, db, &p, &row).await?;
        }
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(
        ctx,
        201,
        &EvaluationView {
            project: p.id.clone(),
            provider: winner,
            evaluation: row,
            score: s,
        },
    ))
}

/// The agency's evidence.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    /// 1–5000 characters (no control characters but line breaks and tabs).
    evidence: String,
}

/// The evaluation with the evidence.
#[derive(Debug, Serialize, JsonSchema)]
struct EvidenceView {
    /// The project's id.
    project: String,
    /// The evaluation, now with the evidence.
    evaluation: Option<EvaluationRow>,
}

/// `POST /projects/{id}/evidence`'s description.
pub const EVIDENCE_DOC: Operation = Operation {
    id: "submitEvidence",
    summary: "Answer a score below 60 with evidence (the selected agency)",
    description: "评价低于 60 分时举证倒置：中选机构在期限内提交证据说明。",
    caller: Caller::Users(ENTERPRISE),
    params: &[ID],
    body: Content::Json(schema::<EvidenceBody>),
    body_example: Some(r#"{"evidence": "延期系业主补充资料所致，附往来函件。"}"#),
    replies: &[Reply::json(
        200,
        "The evaluation, with the evidence",
        schema::<EvidenceView>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_NOT_WINNER"]),
        NOT_FOUND,
        (
            409,
            &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_NO_EVIDENCE_DUE"],
        ),
    ],
    ..Operation::NEW
};

/// `POST /projects/{id}/evidence`: the agency answers a score below 60.
pub async fn evidence(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, p) = as_winner(ctx, db, &req, id, "evaluated").await?;
    let (parts, body) = req.into_parts();
    let b: EvidenceBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !free_text(&b.evidence, 1, 5000) {
        return Err(field(
            "evidence",
            "须为 1–5000 字，不含控制字符",
            "must be 1–5000 characters without control characters",
        )
        .into());
    }
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "recording evidence", async |db: &Db| {
        if !prstore::give_evidence(db, &p.id, b.evidence.trim(), now).await? {
            return Err(TxError::from(MarketError::NoEvidenceDue));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.project.evidence",
            format!("intermediary-project/{}", p.id),
            ctx.now,
            None,
            None,
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    let e = prstore::evaluation(db, &p.id)
        .await
        .map_err(|e| ctx.internal("loading an evaluation", e))?;
    Ok(json(
        ctx,
        200,
        &EvidenceView {
            project: p.id,
            evaluation: e,
        },
    ))
}
