//! The monthly analysis for the supervising office: the core's
//! [`monthly_analysis`] of the cases received in a month (China Standard Time), as
//! JSON, or as CSV with a UTF-8 BOM (`format=csv` or `Accept: text/csv`).

use super::error::ComplaintsError;
use super::party::{self, calendar, catalogue};
use crate::store;
use spin_sdk::http::Request;
use time::{Date, OffsetDateTime, Time};
use yingshang_core::calendar::CHINA_STANDARD_TIME;
use yingshang_core::complaints::{Actor, CaseSummary, Month, MonthlyReport, monthly_analysis};
use yingshang_core::openapi::{Content, Operation, Param, Reply, schema};
use yingshang_core::query::param;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::header;
use yingshang_kit::responses::{json, raw};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Cases read per page: a month of a large ledger is tens of thousands of cases, and
/// their full states do not fit an instance's memory at once; their summaries do.
const PAGE: i64 = 2_000;
/// The most cases one month's analysis counts; a month beyond it is refused rather
/// than reported from part of its cases.
const MONTH_LIMIT: usize = 2_000_000;

/// `GET /analysis/monthly`'s description.
pub const MONTHLY_DOC: Operation = Operation {
    id: "getMonthlyAnalysis",
    summary: "The monthly analysis of the cases received in a month (the supervising office), JSON or CSV",
    description: "月度分析（营商环境办）：当月受理诉求的办结率、按时率、满意率、转办次数与高频共性问题，\
                  总计、按类别、按部门；format=csv 或 Accept: text/csv 时为带 BOM 的 UTF-8 CSV。",
    caller: super::party::CALLER,
    params: &[
        Param {
            required: true,
            ..Param::query(
                "month",
                "The month, YYYY-MM (China Standard Time). 月份。",
                schema::<Month>,
            )
            .example("2026-12")
        },
        Param::query(
            "format",
            "`json` (default) or `csv`. 输出格式。",
            schema::<Format>,
        ),
    ],
    replies: &[Reply {
        status: 200,
        description: "The report: JSON, or CSV with a UTF-8 BOM",
        content: Content::Either(&[
            Content::Json(schema::<MonthlyReport>),
            Content::Text("text/csv"),
        ]),
    }],
    problems: &[
        (
            400,
            &[
                "COMPLAINTS_MONTH_MALFORMED",
                "COMPLAINTS_MONTH_OUT_OF_RANGE",
                "COMPLAINTS_FIELD_INVALID",
            ],
        ),
        (
            403,
            &["COMPLAINTS_NOT_A_DEPARTMENT", "COMPLAINTS_OFFICE_ONLY"],
        ),
    ],
    ..Operation::NEW
};

/// The `format` parameter.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Format {
    Json,
    Csv,
}

fn midnight(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT)
        .assume_offset(CHINA_STANDARD_TIME)
}

/// `GET /analysis/monthly?month=YYYY-MM[&format=json|csv]`.
pub async fn monthly(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    if actor != Actor::Office {
        ctx.log_denial(&caller.audit_actor(), "COMPLAINTS_OFFICE_ONLY");
        return Err(ComplaintsError::OfficeOnly.into());
    }
    let query = req.uri().query();
    let month = Month::parse(param(query, "month").unwrap_or_default())?;
    let csv = match param(query, "format") {
        Some("csv") => true,
        Some("json") => false,
        None => header(req.headers(), "accept").is_some_and(|a| a.contains("text/csv")),
        Some(_) => {
            return Err(ComplaintsError::Field {
                field: "format",
                zh: "须为 json 或 csv",
                en: "must be json or csv",
            }
            .into());
        }
    };
    let first = Date::from_calendar_date(month.year(), month.month(), 1)
        .map_err(|e| ctx.internal("a month's first day", e))?;
    let next = match month.month() {
        time::Month::December => {
            Date::from_calendar_date(month.year() + 1, time::Month::January, 1)
        }
        m => Date::from_calendar_date(month.year(), m.next(), 1),
    }
    .map_err(|e| ctx.internal("a month's end", e))?;
    let (from, to) = (unix_ms(midnight(first)), unix_ms(midnight(next)) - 1);
    let mut summaries: Vec<CaseSummary> = Vec::new();
    let mut before = (to + 1, String::new());
    loop {
        let page = store::received_page(db, from, &before, PAGE)
            .await
            .map_err(|e| ctx.internal("loading a month's cases", e))?;
        let Some(last) = page.last() else { break };
        before = (
            unix_ms(last.state.received_at),
            last.state.id.as_str().to_owned(),
        );
        let full = page.len() as i64 == PAGE;
        summaries.extend(
            page.iter()
                .map(|s| CaseSummary::of(&s.state, ctx.now, &calendar())),
        );
        if summaries.len() > MONTH_LIMIT {
            return Err(ctx
                .internal("a month's analysis", "more cases than MONTH_LIMIT")
                .into());
        }
        if !full {
            break;
        }
    }
    let report = monthly_analysis(month, catalogue(), &summaries);
    if csv {
        let body = format!("\u{feff}{}", report.to_csv());
        let name = format!("attachment; filename=\"complaints-{month}.csv\"");
        return Ok(raw(
            ctx,
            200,
            "text/csv; charset=utf-8",
            body,
            &[("content-disposition", name)],
        ));
    }
    Ok(json(ctx, 200, &report))
}
