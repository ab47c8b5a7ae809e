//! After the award: the contract (the dual deadlines computed from its signing day),
//! delivery by the selected agency (the result handed to the approval system through
//! the outbox), the owner's evaluation (timeliness measured from the contractual
//! deadline; quality, attitude and fees rated), and the agency's evidence when the
//! score reversed the burden of proof.

use super::config;
use super::error::{MarketError, field};
use super::notify;
use super::ocds::{Stage, publish};
use super::projects::{ProjectView, load};
use crate::store::projects::{self as prstore, EvaluationRow, Project};
use crate::store::providers as pstore;
use serde::Deserialize;
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::Ratings;
use yingshang_core::intermediary::deadline::deadlines;
use yingshang_core::intermediary::evaluation::{card, score as score_rule, timeliness};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractBody {
    signed_on: IsoDate,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryBody {
    delivered_on: IsoDate,
    summary: String,
}

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
    let n = b.summary.trim().chars().count();
    if !(1..=2000).contains(&n) {
        return Err(field("summary", "须为 1–2000 字", "must be 1–2000 characters").into());
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
        &serde_json::json!({ "project": p.id, "provider": winner, "evaluation": row, "score": s }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    evidence: String,
}

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
    let n = b.evidence.trim().chars().count();
    if !(1..=5000).contains(&n) {
        return Err(field("evidence", "须为 1–5000 字", "must be 1–5000 characters").into());
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
        &serde_json::json!({ "project": p.id, "evaluation": e }),
    ))
}
