//! The power API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/power`) | Who |
//! |---|---|---|
//! | PUT | `/sites/{site_id}` | agency key `power:operate` |
//! | GET | `/sites/{site_id}/statements?from=&to=` | agency key `power:reports` |
//! | PUT | `/sockets/{socket_id}` | agency key `power:operate` |
//! | GET | `/sockets/{socket_id}` | anyone (status and price; never the secret) |
//! | POST | `/sessions` | citizen or enterprise token, `Idempotency-Key` required |
//! | GET | `/sessions/{id}` | its customer |
//! | POST | `/sessions/{id}/stop` | its customer |
//! | POST | `/payments/confirmations` | the payment channel (signed body) |
//! | POST | `/meters/{meter_id}/readings` | the meter (signed request) |
//! | POST | `/sessions/close-stale` | agency key `power:sweep` (schedule) |
//! | POST | `/refunds/dispatch` | agency key `power:refunds` (schedule) |
//! | POST | `/statements/daily?date=` | agency key `power:reports` (schedule) |
//! | POST | `/dev/channel/refunds` | the local payment channel stand-in (signed body) |

mod dto;
mod error;
mod jobs;
mod operator;
mod readings;
mod refunds;
mod sessions;

use error::PowerError;
use spin_sdk::http::Request;
use yingshang_core::problem::RequestError;
use yingshang_core::query::param as query_param;
use yingshang_core::security::Principal;
use yingshang_core::security::apikey::Scope;
use yingshang_core::security::authz::require_scope;
use yingshang_kit::auth::authenticate;
use yingshang_kit::context::path_and_query;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/power";
/// Operators: sites and sockets.
pub const SCOPE_OPERATE: &str = "power:operate";
/// The stale-session sweep.
pub const SCOPE_SWEEP: &str = "power:sweep";
/// The refund dispatcher.
pub const SCOPE_REFUNDS: &str = "power:refunds";
/// Daily statements.
pub const SCOPE_REPORTS: &str = "power:reports";

/// A matched route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route<'p> {
    Site(&'p str),
    SiteStatements(&'p str),
    Socket(&'p str),
    Sessions,
    Session(&'p str),
    SessionStop(&'p str),
    Confirmations,
    Readings(&'p str),
    CloseStale,
    DispatchRefunds,
    DailyStatements,
    DevChannelRefunds,
}

impl Route<'_> {
    /// The methods the route accepts.
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Route::Site(_) => &["PUT"],
            Route::Socket(_) => &["GET", "PUT"],
            Route::SiteStatements(_) | Route::Session(_) => &["GET"],
            _ => &["POST"],
        }
    }
}

/// The route table: a path to a route, purely.
fn route(path: &str) -> Option<Route<'_>> {
    let rest = path.strip_prefix(BASE_PATH)?;
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let id = |s: &&str| !s.is_empty();
    match segments.as_slice() {
        ["sites", s] if id(s) => Some(Route::Site(s)),
        ["sites", s, "statements"] if id(s) => Some(Route::SiteStatements(s)),
        ["sockets", s] if id(s) => Some(Route::Socket(s)),
        ["sessions"] => Some(Route::Sessions),
        ["sessions", "close-stale"] => Some(Route::CloseStale),
        ["sessions", s] if id(s) => Some(Route::Session(s)),
        ["sessions", s, "stop"] if id(s) => Some(Route::SessionStop(s)),
        ["payments", "confirmations"] => Some(Route::Confirmations),
        ["meters", m, "readings"] if id(m) => Some(Route::Readings(m)),
        ["refunds", "dispatch"] => Some(Route::DispatchRefunds),
        ["statements", "daily"] => Some(Route::DailyStatements),
        ["dev", "channel", "refunds"] => Some(Route::DevChannelRefunds),
        _ => None,
    }
}

/// The scope parsed from a constant.
fn scope(text: &str) -> Scope {
    Scope::parse(text).expect("route scopes are valid")
}

/// An agency system whose key holds `scope_text`.
async fn agency(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    scope_text: &str,
) -> Result<Principal, Failure> {
    let wanted = scope(scope_text);
    let caller = authenticate(ctx, req.headers(), db, &wanted).await?;
    require_scope(&caller, &wanted).inspect_err(|d| {
        ctx.log_denial(&caller.audit_actor(), d.code());
    })?;
    Ok(caller)
}

/// What a transaction's work can end with besides success.
enum TxError {
    /// The database failed.
    Db(DbError),
    /// A refusal to answer as it is (the transaction is rolled back).
    Refused(Failure),
    /// Someone saved the same session first: roll back and run again.
    Retry,
}

impl From<DbError> for TxError {
    fn from(e: DbError) -> Self {
        TxError::Db(e)
    }
}

impl From<PowerError> for TxError {
    fn from(e: PowerError) -> Self {
        TxError::Refused(e.into())
    }
}

/// How many times a contended read-modify-write is tried.
pub(super) const ATTEMPTS: usize = 4;

/// Runs `work` in a transaction, again when it asks to ([`TxError::Retry`]).
async fn in_transaction<T>(
    ctx: &RequestContext,
    db: &Db,
    doing: &str,
    work: impl AsyncFn(&Db) -> Result<T, TxError>,
) -> Result<T, Failure> {
    for _ in 0..ATTEMPTS {
        match db.transaction(async |db: &Db| work(db).await).await {
            Ok(v) => return Ok(v),
            Err(TxError::Retry) => continue,
            Err(TxError::Refused(f)) => return Err(f),
            Err(TxError::Db(e)) => return Err(ctx.internal(doing, e).into()),
        }
    }
    Err(PowerError::Contended.into())
}

/// Serves one request.
pub async fn handle(req: Request) -> Answer {
    let ctx = RequestContext::from_headers(req.headers());
    match dispatch(&ctx, req).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(&ctx),
    }
}

async fn dispatch(ctx: &RequestContext, req: Request) -> Result<Answer, Failure> {
    let path = req.uri().path().to_owned();
    let Some(route) = route(&path) else {
        return Err(RequestError::NotFound.into());
    };
    let method = req.method().as_str().to_owned();
    if !route.allowed().contains(&method.as_str()) {
        return Err(Failure::method_not_allowed(route.allowed()));
    }
    let db = Db::open()
        .await
        .map_err(|e| ctx.internal("opening the database", e))?;
    let id = |s: &str| s.to_owned();
    match route {
        Route::Site(s) => operator::put_site(ctx, &db, req, &id(s)).await,
        Route::SiteStatements(s) => jobs::site_statements(ctx, &db, req, &id(s)).await,
        Route::Socket(s) if method == "GET" => operator::socket_status(ctx, &db, &id(s)).await,
        Route::Socket(s) => operator::put_socket(ctx, &db, req, &id(s)).await,
        Route::Sessions => sessions::create(ctx, &db, req).await,
        Route::Session(s) => sessions::show(ctx, &db, req, &id(s)).await,
        Route::SessionStop(s) => sessions::stop(ctx, &db, req, &id(s)).await,
        Route::Confirmations => sessions::confirm_payment(ctx, &db, req).await,
        Route::Readings(m) => readings::post(ctx, &db, req, &id(m)).await,
        Route::CloseStale => jobs::close_stale(ctx, &db, req).await,
        Route::DispatchRefunds => refunds::dispatch(ctx, &db, req).await,
        Route::DailyStatements => jobs::daily_statements(ctx, &db, req).await,
        Route::DevChannelRefunds => refunds::dev_channel(ctx, &db, req).await,
    }
}
