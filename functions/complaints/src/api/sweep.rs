//! The scheduled deadline sweep and the supervising office's warning list. The sweep
//! accepts by rule every case not decided in time (the core's [`sweep_decision`]),
//! each in its own transaction with an audit row naming why, and answers the
//! deadlines that need attention (due within one working day, overdue, and those
//! the calendar cannot judge — never guessed).

use super::SCOPE_SWEEP;
use super::actions::save_transition;
use super::error::ComplaintsError;
use super::party::{self, calendar};
use crate::store::{self, Stored};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::complaints::{
    Action, Actor, CaseId, CaseState, SweepDecision, Warnings, sweep_decision, warnings as judge,
};
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Cases one sweep looks at (oldest first; the next run takes the rest).
const BATCH: i64 = 500;
/// Open cases the warning list covers.
const OPEN_LIMIT: i64 = 5_000;

/// `POST /sweep`'s description.
pub const SWEEP_DOC: Operation = Operation {
    id: "sweepDeadlines",
    summary: "Accept by rule the cases not decided in time, and answer the deadlines that need attention (a schedule calls it)",
    description: "定时扫描：超过决定时限未受理也未拒绝的诉求视为受理（逐件留痕），并返回即将到期、已逾期和日历无法判断的时限。",
    caller: Caller::Agency(SCOPE_SWEEP),
    replies: &[Reply::json(
        200,
        "What the sweep did",
        schema::<SweepReport>,
    )],
    ..Operation::NEW
};

/// `GET /warnings`'s description.
pub const WARNINGS_DOC: Operation = Operation {
    id: "getWarnings",
    summary: "Deadlines due within one working day, overdue, or undetermined (the supervising office)",
    description: "时限预警（营商环境办）：一个工作日内到期、已逾期、以及工作日历尚无法判断的办理时限。",
    caller: super::party::CALLER,
    replies: &[Reply::json(200, "The warnings", schema::<Warnings>)],
    problems: &[(
        403,
        &["COMPLAINTS_NOT_A_DEPARTMENT", "COMPLAINTS_OFFICE_ONLY"],
    )],
    ..Operation::NEW
};

/// What a sweep did.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SweepReport {
    /// Cases accepted by rule now.
    auto_accepted: Vec<CaseId>,
    /// Cases whose decision deadline lies in a year the calendar does not know.
    undetermined: Vec<CaseId>,
    /// Deadlines that need attention after the sweep.
    warnings: Warnings,
}

async fn open_cases(ctx: &RequestContext, db: &Db) -> Result<Vec<CaseState>, Failure> {
    let open = store::open(db, OPEN_LIMIT)
        .await
        .map_err(|e| ctx.internal("loading open cases", e))?;
    Ok(open.into_iter().map(|s| s.state).collect())
}

/// `POST /sweep` (agency key `complaints:sweep`).
pub async fn sweep(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_SWEEP).await?;
    let undecided = store::undecided(db, BATCH)
        .await
        .map_err(|e| ctx.internal("loading undecided cases", e))?;
    let system = Actor::System;
    let label = system.audit_label();
    let mut report = SweepReport {
        auto_accepted: Vec::new(),
        undetermined: Vec::new(),
        warnings: Warnings::default(),
    };
    for case in undecided {
        match sweep_decision(&case.state, ctx.now, &calendar()) {
            SweepDecision::Nothing => {}
            SweepDecision::Undetermined { .. } => report.undetermined.push(case.state.id),
            SweepDecision::AutoAccept { .. } => {
                let id = case.state.id.clone();
                let saved = tx::retrying_after_read(
                    ctx,
                    db,
                    "accepting a case by rule",
                    async |db: &Db| store::by_id(db, id.as_str()).await,
                    async |db: &Db, now: Option<Stored>| {
                        let now = now.ok_or(ComplaintsError::CaseNotFound)?;
                        save_transition(ctx, db, &now, Action::AutoAccept, &system, &label).await
                    },
                )
                .await;
                match saved {
                    Ok(_) => report.auto_accepted.push(id),
                    // Decided by someone meanwhile, or refused by the rules: leave it.
                    Err(f) if f.status() < 500 => {}
                    Err(f) => return Err(f),
                }
            }
        }
    }
    report.warnings = judge(&open_cases(ctx, db).await?, ctx.now, &calendar());
    Ok(json(ctx, 200, &report))
}

/// `GET /warnings`: deadlines due within one working day, overdue, undetermined —
/// for the supervising office.
pub async fn warnings(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    if actor != Actor::Office {
        ctx.log_denial(&caller.audit_actor(), "COMPLAINTS_OFFICE_ONLY");
        return Err(ComplaintsError::OfficeOnly.into());
    }
    let cases = open_cases(ctx, db).await?;
    Ok(json(ctx, 200, &judge(&cases, ctx.now, &calendar())))
}
