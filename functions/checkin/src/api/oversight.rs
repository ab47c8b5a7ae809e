//! What the justice bureau watches: warnings of irregular inspections (computed on
//! read from the last `days`, so a warning always matches its records) and the monthly
//! statistics per agency, public and without enterprise names, as JSON or CSV.

use super::SCOPE_AGENCY;
use super::error::CheckinError;
use super::who::{VIEWER_ROLES, justice};
use crate::store::inspections as istore;
use serde::Serialize;
use spin_sdk::http::Request;
use time::{OffsetDateTime, PrimitiveDateTime, Time};
use yingshang_core::calendar::CHINA_STANDARD_TIME;
use yingshang_core::checkin::stats::{AgencyMonth, StatsMonth, monthly as month_rows, to_csv};
use yingshang_core::checkin::warnings::{Warning, WarningRules, warnings as compute};
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
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

/// The justice bureau's warnings.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WarningsAnswer {
    days: i64,
    inspections_checked: usize,
    warnings: Vec<Warning>,
}

/// `GET /warnings`'s description.
pub const WARNINGS_DOC: Operation = Operation {
    id: "listWarnings",
    summary: "Warnings of irregular inspections in the last days (the justice bureau)",
    description: "司法局查看近期异常检查预警：多机关扎堆检查、同一机关重复检查、未离企登记。",
    caller: Caller::UsersOrAgency(VIEWER_ROLES, SCOPE_AGENCY),
    params: &[Param::query(
        "days",
        "The window, 1-366 days (default 90). 统计天数。",
        schema::<u32>,
    )
    .example("90")],
    replies: &[Reply::json(200, "The warnings", schema::<WarningsAnswer>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (
            403,
            &["CHECKIN_JUSTICE_BUREAU_ONLY", "CHECKIN_OFFICERS_ONLY"],
        ),
    ],
    ..Operation::NEW
};

/// `GET /stats/monthly`'s description.
pub const MONTHLY_DOC: Operation = Operation {
    id: "getMonthlyStats",
    summary: "A month's inspection statistics per agency (public, no enterprise data)",
    description: "月度入企检查统计（按机关，公开，不含企业信息），含同比；format=csv 或 Accept: text/csv 时为 CSV。",
    caller: Caller::Public,
    params: &[
        Param {
            required: true,
            ..Param::query(
                "month",
                "The month, YYYY-MM (2000-2100). 统计月份。",
                month_schema,
            )
        }
        .example("2026-11"),
        Param::query("format", "`json` (default) or `csv`. 格式。", format_schema),
    ],
    replies: &[Reply {
        status: 200,
        description: "The statistics, as JSON or CSV",
        content: Content::Either(&[
            Content::Json(schema::<MonthlyAnswer>),
            Content::Text("text/csv"),
        ]),
    }],
    problems: &[(400, &["CHECKIN_FIELD_INVALID"])],
    ..Operation::NEW
};

fn month_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": ["json", "csv"]})
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

/// A month's statistics per agency.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MonthlyAnswer {
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
