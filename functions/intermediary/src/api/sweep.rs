//! The schedule's sweep: closes every round whose deadline passed (a draw runs at
//! once), reminds both sides before each of the dual deadlines (the configured days
//! ahead), and flags overdue work with a notice to both. Each reminder is recorded,
//! so a sweep repeated the same day sends nothing twice.

use super::SCOPE_SWEEP;
use super::award::close_round;
use super::config;
use super::notify;
use crate::store::projects as prstore;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, local_date};
use yingshang_core::intermediary::deadline::{DualDeadlines, overdue, reminders};
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Projects looked at per sweep at most.
const BATCH: i64 = 200;

/// What a sweep did.
#[derive(Debug, Default, Serialize, JsonSchema)]
struct SweepReport {
    /// The projects whose round it closed.
    closed: Vec<String>,
    /// Reminders queued.
    reminders: usize,
    /// Deadlines newly flagged overdue, `<project id>:<statutory|contractual>`.
    overdue: Vec<String>,
}

/// `POST /sweep`'s description.
pub const SWEEP_DOC: Operation = Operation {
    id: "sweepMarketplace",
    summary: "The schedule's sweep: close due rounds, remind of deadlines, flag overdue work",
    description: "定时任务：关闭已到截止时间的轮次（随机抽取当即进行），在双期限前提醒双方，标记逾期并通知；同日重复执行不重复发送。",
    caller: Caller::Agency(SCOPE_SWEEP),
    replies: &[Reply::json(200, "What it did", schema::<SweepReport>)],
    problems: &[
        (409, &["INTERMEDIARY_WRONG_STATE", "INTERMEDIARY_CONTENDED"]),
        (422, &["INTERMEDIARY_SELECTION_INVALID"]),
    ],
    ..Operation::NEW
};

/// `POST /sweep`.
pub async fn sweep(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_SWEEP).await?;
    let mut report = SweepReport::default();
    let due = prstore::due_to_close(db, unix_ms(ctx.now), BATCH)
        .await
        .map_err(|e| ctx.internal("loading rounds to close", e))?;
    for p in due {
        let id = p.id.clone();
        let closed = in_transaction(ctx, db, "closing a round", async |db: &Db| {
            let Some(p) = prstore::by_id(db, &id).await? else {
                return Ok::<bool, TxError>(false);
            };
            if p.status != "open" {
                return Ok(false);
            }
            close_round(ctx, db, p).await.map(|_| true)
        })
        .await?;
        if closed {
            report.closed.push(id);
        }
    }
    let today = local_date(ctx.now);
    let days = config::reminder_days().await;
    let contracted = prstore::under_contract(db, BATCH)
        .await
        .map_err(|e| ctx.internal("loading contracts", e))?;
    for p in contracted {
        let date = |s: &Option<String>| {
            s.as_deref()
                .and_then(|t| IsoDate::parse(t).ok())
                .map(IsoDate::date)
        };
        let (Some(statutory), Some(contractual)) =
            (date(&p.statutory_due), date(&p.contractual_due))
        else {
            continue;
        };
        let d = DualDeadlines {
            statutory,
            contractual,
        };
        let due_now = reminders(&d, today, &days, false);
        let late = overdue(&d, today, false);
        let (sent, flagged) = in_transaction(ctx, db, "reminding of deadlines", async |db: &Db| {
            let mut sent = 0;
            for r in &due_now {
                let which = r.which.as_str();
                if prstore::remember_reminder(
                    db,
                    &p.id,
                    which,
                    i64::from(r.days_ahead),
                    unix_ms(ctx.now),
                )
                .await?
                {
                    notify::both(
                        ctx,
                        db,
                        &p,
                        &format!("{}-{which}-{}", p.id, r.days_ahead),
                        &r.sms_zh,
                    )
                    .await?;
                    sent += 1;
                }
            }
            let mut flagged = Vec::new();
            for w in &late {
                let which = format!("overdue-{}", w.as_str());
                if prstore::remember_reminder(db, &p.id, &which, 0, unix_ms(ctx.now)).await? {
                    let text = format!(
                        "【营商中介超市】项目“{}”已超过{}，请尽快处理。",
                        p.title,
                        w.name_zh()
                    );
                    notify::both(ctx, db, &p, &format!("{}-{which}", p.id), &text).await?;
                    flagged.push(format!("{}:{}", p.id, w.as_str()));
                }
            }
            Ok::<(usize, Vec<String>), TxError>((sent, flagged))
        })
        .await?;
        report.reminders += sent;
        report.overdue.extend(flagged);
    }
    Ok(json(ctx, 200, &report))
}
