//! The operator dashboard's read for agency staff tokens: each site's uses, energy
//! and revenue over a span of days, from the daily statements. Who sees which sites
//! is the core's [`staff_sight`]: a staff member its own agency's sites, the
//! supervising office every site.

use super::error::PowerError;
use super::query_param;
use crate::store::dashboard::site_totals;
use serde::Serialize;
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::calendar::{CHINA_STANDARD_TIME as CHINA, IsoDate, iso};
use yingshang_core::openapi::{Caller, Operation, Param, Reply, schema};
use yingshang_core::security::authz::{Role, Sight, staff_sight};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Who reads the dashboard.
const STAFF: &[Role] = &[Role::AgencyStaff];
/// The most sites one answer lists (by id).
pub const SITES_LISTED: i64 = 200;
/// The longest span one answer sums, in days.
pub const MAX_SPAN_DAYS: i64 = 366;

/// One site's totals over the span.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SiteTotalsView {
    /// The site's id.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// Charging sessions that ended in the span.
    pub uses: i64,
    /// Energy delivered, Wh.
    pub energy_wh: i64,
    /// Revenue (charged), fen.
    pub revenue_fen: i64,
    /// Refunded, fen.
    pub refunded_fen: i64,
}

/// Energy and revenue per site.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SitesView {
    /// The first day, `YYYY-MM-DD` (China Standard Time).
    pub from: String,
    /// The last day, inclusive.
    pub to: String,
    /// The sites the caller may see, by id (at most 200).
    pub sites: Vec<SiteTotalsView>,
}

/// `GET /dashboard/sites`'s description.
pub const SITES_DOC: Operation = Operation {
    id: "getDashboardSites",
    summary: "Energy and revenue per site over a span of days (agency staff: own agency's sites; the supervising office: all)",
    description: "运营看板：各站点在起止日期内的用电次数、电量与收入（来自日报表）；工作人员看本机构站点，营商环境办看全部。",
    caller: Caller::Users(STAFF),
    params: &[
        Param::query(
            "from",
            "The first day, YYYY-MM-DD (default: 30 days ago). 起始日期。",
            schema::<IsoDate>,
        ),
        Param::query(
            "to",
            "The last day, YYYY-MM-DD, not before `from`, at most 366 days on (default: today). 截止日期。",
            schema::<IsoDate>,
        ),
    ],
    replies: &[Reply::json(200, "Totals per site", schema::<SitesView>)],
    problems: &[(400, &["METER_DATE_INVALID"])],
    ..Operation::NEW
};

/// `GET /dashboard/sites?from=&to=`.
pub async fn sites(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::user(ctx, db, req.headers(), STAFF).await?;
    let sight = staff_sight(&caller).map_err(|d| {
        ctx.log_denial(&caller.audit_actor(), d.code());
        Failure::from(d)
    })?;
    let today = ctx.now.to_offset(CHINA).date();
    let query = req.uri().query();
    let day = |field: &'static str, default| match query_param(query, field) {
        Some(t) => IsoDate::parse(t)
            .map(IsoDate::date)
            .map_err(|_| PowerError::InvalidDate { field }),
        None => Ok(default),
    };
    let from = day("from", today - Duration::days(30))?;
    let to = day("to", today)?;
    if from > to || to - from > Duration::days(MAX_SPAN_DAYS) {
        return Err(PowerError::InvalidDate { field: "from" }.into());
    }
    let owner = match &sight {
        Sight::Everything => String::new(),
        Sight::Agency(a) => a.as_str().to_owned(),
    };
    let rows = site_totals(db, &iso(from), &iso(to), &owner, SITES_LISTED)
        .await
        .map_err(|e| ctx.internal("summing site statements", e))?;
    let sites = rows
        .into_iter()
        .map(|r| SiteTotalsView {
            site_id: r.site_id,
            name: r.name,
            uses: r.uses,
            energy_wh: r.energy_wh,
            revenue_fen: r.revenue_fen,
            refunded_fen: r.refunded_fen,
        })
        .collect();
    Ok(json(
        ctx,
        200,
        &SitesView {
            from: iso(from),
            to: iso(to),
            sites,
        },
    ))
}
