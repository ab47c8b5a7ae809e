//! Scheduled jobs and the operator's reports: the stale-session sweep and daily
//! statements per site.

use super::error::PowerError;
use super::sessions::save_settled;
use super::{EXAMPLE_SITE, SCOPE_REPORTS, SCOPE_SWEEP, agency_of, own_record, query_param};
use crate::store::outbox;
use crate::store::sessions::{self, status_of};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::{Date, Duration, OffsetDateTime, Time};
use yingshang_core::calendar::{CHINA_STANDARD_TIME as CHINA, IsoDate, iso};
use yingshang_core::metering::{ClosedSession, DailyStatement, SiteId, StaleRule};
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Without a configured threshold, a session with no reading for 15 minutes is stale.
pub const DEFAULT_STALE_AFTER_S: u32 = 900;
/// Sessions closed per sweep at most (the next run takes the rest).
const SWEEP_LIMIT: i64 = 200;

/// `POST /sessions/close-stale` body (optional).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SweepRequest {
    /// Seconds without a reading after which an active session is stale.
    #[serde(default)]
    after_s: Option<u32>,
}

/// What a sweep did.
#[derive(Debug, Serialize, JsonSchema)]
struct SweepAnswer {
    /// The threshold used, in seconds.
    after_s: u32,
    /// The sessions closed.
    closed: Vec<String>,
    /// Device nonces past their window, deleted.
    nonces_pruned: u64,
}

/// What `POST /statements/daily` answers.
#[derive(Debug, Serialize, JsonSchema)]
struct DailyAnswer {
    /// The local day computed (`YYYY-MM-DD`).
    date: String,
    /// Statements computed for every site.
    computed: usize,
    /// Those of the caller's agency's own sites.
    statements: Vec<DailyStatement>,
}

/// A site's stored statements.
#[derive(Debug, Serialize, JsonSchema)]
struct SiteStatements {
    /// The site.
    site_id: String,
    /// Its name.
    name: String,
    /// The first day (`YYYY-MM-DD`).
    from: String,
    /// The last day (`YYYY-MM-DD`).
    to: String,
    /// One per day with sessions, oldest first.
    statements: Vec<DailyStatement>,
}

/// `POST /sessions/close-stale`'s description.
pub const CLOSE_STALE_DOC: Operation = Operation {
    id: "closeStaleSessions",
    summary: "Close active sessions with no reading for a while, and refund the rest (a schedule calls it)",
    description: "关闭超过阈值（默认900秒）未收到读数的用电订单，按最后读数结算并退还余额（定时任务调用）；\
                  请求体可省略。",
    caller: Caller::Agency(SCOPE_SWEEP),
    body: Content::Json(schema::<SweepRequest>),
    body_example: Some(r#"{"after_s": 900}"#),
    replies: &[Reply::json(
        200,
        "The sessions closed",
        schema::<SweepAnswer>,
    )],
    problems: &[(409, &["METER_CONTENDED"])],
    ..Operation::NEW
};

/// `POST /statements/daily`'s description.
pub const DAILY_DOC: Operation = Operation {
    id: "computeDailyStatements",
    summary: "Compute every site's statement for a day; answers the caller's own sites' (a schedule calls it)",
    description: "计算某日（默认中国时间昨日）全部站点的日报表，仅返回调用机构本身站点的报表。",
    caller: Caller::Agency(SCOPE_REPORTS),
    params: &[Param::query(
        "date",
        "The local day, YYYY-MM-DD (default: yesterday in China). 日期。",
        schema::<yingshang_core::calendar::IsoDate>,
    )
    .example("2026-12-03")],
    replies: &[Reply::json(200, "The statements", schema::<DailyAnswer>)],
    problems: &[
        (400, &["METER_DATE_INVALID"]),
        (403, &["METER_NOT_OPERATOR"]),
    ],
    ..Operation::NEW
};

/// `GET /sites/{site_id}/statements`'s description.
pub const SITE_STATEMENTS_DOC: Operation = Operation {
    id: "getSiteStatements",
    summary: "A site's daily statements between two days (its operator agency only)",
    description: "查询站点的日报表（含起止日，默认最近30天），仅限站点所属运营机构。",
    caller: Caller::Agency(SCOPE_REPORTS),
    params: &[
        Param::path("site_id", "The site's id. 站点编号。", schema::<String>).example(EXAMPLE_SITE),
        Param::query(
            "from",
            "The first day, YYYY-MM-DD (default: 30 days ago). 起始日期。",
            schema::<yingshang_core::calendar::IsoDate>,
        ),
        Param::query(
            "to",
            "The last day, YYYY-MM-DD, not before `from` (default: today). 截止日期。",
            schema::<yingshang_core::calendar::IsoDate>,
        ),
    ],
    replies: &[Reply::json(200, "The statements", schema::<SiteStatements>)],
    problems: &[
        (400, &["METER_SITE_ID_INVALID", "METER_DATE_INVALID"]),
        (403, &["METER_NOT_OPERATOR"]),
        (404, &["METER_SITE_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `POST /sessions/close-stale`: closes active sessions with no reading for the
/// threshold, billed to their last reading, the rest refunded. "No reading" is by the
/// server's clock (when a reading was received), never by the time a device put on it.
pub async fn close_stale(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_SWEEP).await?;
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: SweepRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        SweepRequest::default()
    } else {
        parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?
    };
    let rule = StaleRule {
        after_s: request.after_s.unwrap_or(DEFAULT_STALE_AFTER_S),
    };
    let before = ctx.now - Duration::seconds(i64::from(rule.after_s));
    let candidates = sessions::active_not_seen_since(db, before, SWEEP_LIMIT)
        .await
        .map_err(|e| ctx.internal("finding stale sessions", e))?;
    let actor = caller.audit_actor();
    let mut closed = Vec::new();
    for candidate in candidates {
        let id = candidate.id.clone();
        let done = tx::retrying(ctx, db, "closing a stale session", async |db: &Db| {
            let Some(mut r) = sessions::by_id(db, &id).await? else {
                return Ok(false);
            };
            let Some((ended, settlement)) =
                rule.close_if_stale(&r.session, r.last_seen_at, ctx.now)
            else {
                return Ok(false);
            };
            r.session = ended;
            r.status = status_of(&r.session).to_owned();
            save_settled(ctx, db, &r, &settlement, None, &actor).await?;
            Ok::<bool, TxError>(true)
        })
        .await?;
        if done {
            closed.push(id);
        }
    }
    let nonces_pruned = yingshang_kit::device::prune_nonces(db, ctx.now)
        .await
        .map_err(|e| ctx.internal("pruning device nonces", e))?;
    Ok(json(
        ctx,
        200,
        &SweepAnswer {
            after_s: rule.after_s,
            closed,
            nonces_pruned,
        },
    ))
}

/// A `YYYY-MM-DD` day (the core's [`IsoDate`]: a real day in a sane year, so that
/// `?date=9999-12-31` is a 400, never a trap).
fn parse_day(field: &'static str, text: &str) -> Result<Date, PowerError> {
    IsoDate::parse(text)
        .map(IsoDate::date)
        .map_err(|_| PowerError::InvalidDate { field })
}

/// Local midnight (China) of `day`.
fn start_of(day: Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_offset(CHINA)
}

/// `POST /statements/daily?date=YYYY-MM-DD`: (re)computes every site's statement for
/// a local day (default: yesterday in China) from the sessions that ended in it. Any
/// reports key may run it (the schedule runs it with the bootstrap key); the answer
/// shows only the statements of the caller's agency's own sites, with how many were
/// computed in all.
pub async fn daily_statements(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_REPORTS).await?;
    let agency = agency_of(&caller).ok_or(PowerError::NotOperator)?;
    let day = match query_param(req.uri().query(), "date") {
        Some(text) => parse_day("date", text)?,
        None => ctx.now.to_offset(CHINA).date() - Duration::days(1),
    };
    let from = start_of(day);
    let ended = sessions::ended_between(db, from, from + Duration::days(1))
        .await
        .map_err(|e| ctx.internal("loading ended sessions", e))?;
    let mut closed = Vec::with_capacity(ended.len());
    for r in &ended {
        let site = SiteId::parse(&r.site_id)
            .map_err(|e| ctx.internal("reading a session's site", e.code()))?;
        if let Some(settlement) = r.session.settlement() {
            closed.push(ClosedSession { site, settlement });
        }
    }
    let statements = yingshang_core::metering::daily_statements(day, &closed);
    let day_text = iso(day);
    tx::retrying(ctx, db, "storing statements", async |db: &Db| {
        outbox::replace_statements(db, &day_text, &statements, ctx.now).await?;
        Ok(())
    })
    .await?;
    let own = crate::store::sites_of_agency(db, agency)
        .await
        .map_err(|e| ctx.internal("loading the caller's sites", e))?;
    let computed = statements.len();
    let shown: Vec<DailyStatement> = statements
        .into_iter()
        .filter(|st| own.iter().any(|s| s == st.site.as_str()))
        .collect();
    Ok(json(
        ctx,
        200,
        &DailyAnswer {
            date: day_text,
            computed,
            statements: shown,
        },
    ))
}

/// `GET /sites/{site_id}/statements?from=&to=`: a site's stored statements (days
/// inclusive; default: the last 30 days), for the agency that owns the site only.
pub async fn site_statements(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    site_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_REPORTS).await?;
    let site = SiteId::parse(site_id).map_err(PowerError::Input)?;
    let today = ctx.now.to_offset(CHINA).date();
    let query = req.uri().query();
    let from = match query_param(query, "from") {
        Some(t) => parse_day("from", t)?,
        None => today - Duration::days(30),
    };
    let to = match query_param(query, "to") {
        Some(t) => parse_day("to", t)?,
        None => today,
    };
    if from > to {
        return Err(PowerError::InvalidDate { field: "from" }.into());
    }
    let found = crate::store::site(db, site.as_str())
        .await
        .map_err(|e| ctx.internal("loading a site", e))?;
    let Some(found) = found else {
        return Err(PowerError::SiteNotFound.into());
    };
    own_record(ctx, &caller, found.owner_agency.as_deref())?;
    let rows = outbox::statements(db, site.as_str(), &iso(from), &iso(to))
        .await
        .map_err(|e| ctx.internal("loading statements", e))?;
    Ok(json(
        ctx,
        200,
        &SiteStatements {
            site_id: site.as_str().to_owned(),
            name: found.name,
            from: iso(from),
            to: iso(to),
            statements: rows,
        },
    ))
}
