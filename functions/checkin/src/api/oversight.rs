//! What the justice bureau watches: warnings of irregular inspections (computed on
//! read from the last `days`, so a warning always matches its records) and the monthly
//! statistics per agency, public and without enterprise names, as JSON or CSV.

use super::error::CheckinError;
use super::who::justice;
use crate::store::inspections as istore;
use serde::Serialize;
use spin_sdk::http::Request;
use time::{OffsetDateTime, PrimitiveDateTime, Time};
use yingshang_core::calendar::CHINA_STANDARD_TIME;
use yingshang_core::checkin::stats::{AgencyMonth, StatsMonth, monthly as month_rows, to_csv};
use yingshang_core::checkin::warnings::{Warning, WarningRules, warnings as compute};
use yingshang_core::query::param;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::header;
use yingshang_kit::responses::{json, raw};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Default and longest window of the warnings, in days.
const DEFAULT_DAYS: i64 = 90;
const MAX_DAYS: i64 = 366;
/// Most inspections a warnings read looks at (a year of 14,000 enterprises'
/// inspections at today's rate is well below).
const MAX_VISITS: i64 = 200_000;

#[derive(Debug, Serialize)]
struct WarningsAnswer {
    days: i64,
    inspections_checked: usize,
    warnings: Vec<Warning>,
}

/// `GET /warnings?days=N`.
pub async fn warnings(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    justice(ctx, db, req.headers()).await?;
    let days = match param(req.uri().query(), "days") {
        None => DEFAULT_DAYS,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or(CheckinError::Field {
                field: "days",
                zh: "须为 1–366 的整数",
                en: "must be an integer 1–366",
            })?,
    };
    let rules = WarningRules::default();
    // Clusters reach back one period before the window so a pair across its edge counts.
    let from =
        ctx.now - time::Duration::days(days + rules.multi_agency_days.max(rules.repeat_days));
    let visits = istore::visits_since(db, unix_ms(from), MAX_VISITS)
        .await
        .map_err(|e| ctx.internal("loading inspections", e))?;
    let window_start = ctx.now - time::Duration::days(days);
    let found = compute(&visits, ctx.now, rules)
        .into_iter()
        .filter(|w| {
            let ids: Vec<&String> = match w {
                Warning::MultiAgency { inspections, .. }
                | Warning::Repeated { inspections, .. } => inspections.iter().collect(),
                Warning::NoCheckout { inspection, .. } => vec![inspection],
            };
            ids.iter().any(|id| {
                visits
                    .iter()
                    .any(|v| &&v.id == id && v.arrival >= window_start)
            })
        })
        .collect();
    Ok(json(
        ctx,
        200,
        &WarningsAnswer {
            days,
            inspections_checked: visits.len(),
            warnings: found,
        },
    ))
}

fn start_of(day: time::Date) -> OffsetDateTime {
    PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_offset(CHINA_STANDARD_TIME)
}

#[derive(Debug, Serialize)]
struct MonthlyAnswer {
    month: String,
    agencies: Vec<AgencyMonth>,
    total: AgencyMonth,
}

/// `GET /stats/monthly?month=YYYY-MM[&format=csv]` (or `Accept: text/csv`): public.
pub async fn monthly(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let query = req.uri().query();
    let month = param(query, "month")
        .and_then(StatsMonth::parse)
        .ok_or(CheckinError::Field {
            field: "month",
            zh: "须为 2000–2100 年间的 YYYY-MM",
            en: "must be YYYY-MM between 2000 and 2100",
        })?;
    let csv = match param(query, "format") {
        Some("csv") => true,
        Some("json") => false,
        Some(_) => {
            return Err(CheckinError::Field {
                field: "format",
                zh: "须为 json 或 csv",
                en: "must be json or csv",
            }
            .into());
        }
        None => header(req.headers(), "accept").is_some_and(|a| a.contains("text/csv")),
    };
    let counts = async |m: StatsMonth| {
        istore::month_counts(
            db,
            unix_ms(start_of(m.first_day())),
            unix_ms(start_of(m.next_first_day())),
        )
        .await
    };
    let this = counts(month)
        .await
        .map_err(|e| ctx.internal("counting a month", e))?;
    let before = match month.a_year_earlier() {
        Some(m) => counts(m)
            .await
            .map_err(|e| ctx.internal("counting a month a year earlier", e))?,
        None => Default::default(),
    };
    let (agencies, total) = month_rows(&this, &before);
    if csv {
        return Ok(raw(
            ctx,
            200,
            "text/csv; charset=utf-8",
            to_csv(month, &agencies, &total),
            &[(
                "content-disposition",
                format!("attachment; filename=\"checkin-{month}.csv\""),
            )],
        ));
    }
    Ok(json(
        ctx,
        200,
        &MonthlyAnswer {
            month: month.to_string(),
            agencies,
            total,
        },
    ))
}
