//! The tax API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/tax`) | Who |
//! |---|---|---|
//! | POST | `/assessments` | citizen or enterprise named as a party, or an officer (`Idempotency-Key` honoured) |
//! | GET | `/assessments/{id}` | a party or an officer |
//! | GET | `/assessments/{id}/declaration` | a party or an officer |
//! | PUT | `/registry/holdings/{id_number}` | agency key `tax:registry` |
//! | POST | `/registry/holdings` | agency key `tax:registry` (batch) |
//! | POST | `/refunds/sell-then-buy` | citizen, enterprise or officer (a computation; nothing stored) |
//! | POST | `/payments/confirmations` | the payment channel (signed body) |
//! | POST | `/risk/records` | agency key `tax:risk` (refunds paid, certificates issued) |
//! | POST | `/risk/screen` | agency key `tax:risk` (schedule) |
//! | GET | `/risk-flags` | officers |
//! | POST | `/registry/handoff/dispatch` | agency key `tax:handoff` (schedule) |
//! | POST | `/dev/registry/records` | the local registry stand-in (signed body) |
//! | PUT | `/policies/catalogue` | agency key `tax:policy` (the catalogue as data) |
//! | GET | `/policies/catalogue` | any signed-in user |
//! | POST | `/policies/match` | agency key `tax:policy` (schedule) |
//! | POST | `/policies/savings` | agency key `tax:policy` |
//! | POST | `/policies/demo-data` | agency key `tax:policy` (at start-up) |
//! | PUT | `/enterprises/{credit_code}` | agency key `tax:policy` |
//! | POST | `/enterprises` | agency key `tax:policy` (batch) |
//! | GET | `/enterprises/{credit_code}/policies` | that enterprise's users, officers |
//! | GET | `/enterprises/{credit_code}/dividend-bill?from=&until=` | that enterprise's users, officers |

mod assessments;
mod declaration;
mod dto;
mod error;
mod handoff;
mod payments;
mod policies;
mod refunds;
mod registry;
mod risk;
mod valuation;

pub use dto::{Basis, iso};

use error::TaxError;
use spin_sdk::http::Request;
use yingshang_core::problem::RequestError;
use yingshang_core::query::param as query_param;
use yingshang_core::security::Principal;
use yingshang_core::security::apikey::Scope;
use yingshang_core::security::authz::{Role, require_role, require_scope};
use yingshang_kit::auth::authenticate;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/tax";
/// Registry systems importing holdings.
pub const SCOPE_REGISTRY: &str = "tax:registry";
/// The registry hand-off dispatcher.
pub const SCOPE_HANDOFF: &str = "tax:handoff";
/// Risk records and the screening.
pub const SCOPE_RISK: &str = "tax:risk";
/// The tax bureau's policy systems: catalogue, enterprise attributes, savings, matching.
pub const SCOPE_POLICY: &str = "tax:policy";
/// The scope an agency key would need to create assessments; only users may, so no
/// key is ever granted it (agency callers are refused by role).
pub const SCOPE_ASSESS: &str = "tax:assess";

/// A matched route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route<'p> {
    Assessments,
    Assessment(&'p str),
    Declaration(&'p str),
    Holdings(&'p str),
    HoldingsBatch,
    Confirmations,
    SellThenBuy,
    RiskRecords,
    RiskScreen,
    RiskFlags,
    Dispatch,
    DevRegistry,
    Catalogue,
    PolicyMatch,
    Savings,
    PolicyDemo,
    Enterprise(&'p str),
    Enterprises,
    EnjoyedPolicies(&'p str),
    DividendBill(&'p str),
}

impl Route<'_> {
    /// The methods the route accepts.
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Route::Assessment(_)
            | Route::Declaration(_)
            | Route::RiskFlags
            | Route::EnjoyedPolicies(_)
            | Route::DividendBill(_) => &["GET"],
            Route::Holdings(_) | Route::Enterprise(_) => &["PUT"],
            Route::Catalogue => &["GET", "PUT"],
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
        ["assessments"] => Some(Route::Assessments),
        ["assessments", a] if id(a) => Some(Route::Assessment(a)),
        ["assessments", a, "declaration"] if id(a) => Some(Route::Declaration(a)),
        ["registry", "holdings"] => Some(Route::HoldingsBatch),
        ["registry", "holdings", n] if id(n) => Some(Route::Holdings(n)),
        ["registry", "handoff", "dispatch"] => Some(Route::Dispatch),
        ["payments", "confirmations"] => Some(Route::Confirmations),
        ["refunds", "sell-then-buy"] => Some(Route::SellThenBuy),
        ["risk", "records"] => Some(Route::RiskRecords),
        ["risk", "screen"] => Some(Route::RiskScreen),
        ["risk-flags"] => Some(Route::RiskFlags),
        ["dev", "registry", "records"] => Some(Route::DevRegistry),
        ["policies", "catalogue"] => Some(Route::Catalogue),
        ["policies", "match"] => Some(Route::PolicyMatch),
        ["policies", "savings"] => Some(Route::Savings),
        ["policies", "demo-data"] => Some(Route::PolicyDemo),
        ["enterprises"] => Some(Route::Enterprises),
        ["enterprises", c] if id(c) => Some(Route::Enterprise(c)),
        ["enterprises", c, "policies"] if id(c) => Some(Route::EnjoyedPolicies(c)),
        ["enterprises", c, "dividend-bill"] if id(c) => Some(Route::DividendBill(c)),
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

/// A user who may act on a contract or an assessment: an officer, or a citizen or
/// enterprise user whose subject is one of `accounts` (the parties' accounts).
fn require_party_or_officer(
    ctx: &RequestContext,
    caller: &Principal,
    accounts: &[Option<&str>],
) -> Result<(), Failure> {
    let user = require_role(caller, &[Role::Citizen, Role::Enterprise, Role::Officer])
        .inspect_err(|d| ctx.log_denial(&caller.audit_actor(), d.code()))?;
    if user.membership.role() == Role::Officer
        || accounts
            .iter()
            .flatten()
            .any(|a| *a == user.subject.as_str())
    {
        Ok(())
    } else {
        ctx.log_denial(&caller.audit_actor(), "TAX_NOT_A_PARTY");
        Err(TaxError::NotAParty.into())
    }
}

/// What a transaction's work can end with besides success.
enum TxError {
    /// The database failed.
    Db(DbError),
    /// A refusal to answer as it is (the transaction is rolled back).
    Refused(Failure),
}

impl From<DbError> for TxError {
    fn from(e: DbError) -> Self {
        TxError::Db(e)
    }
}

impl From<TaxError> for TxError {
    fn from(e: TaxError) -> Self {
        TxError::Refused(e.into())
    }
}

/// Runs `work` in a transaction.
async fn in_transaction<T>(
    ctx: &RequestContext,
    db: &Db,
    doing: &str,
    work: impl AsyncFnOnce(&Db) -> Result<T, TxError>,
) -> Result<T, Failure> {
    match db.transaction(work).await {
        Ok(v) => Ok(v),
        Err(TxError::Refused(f)) => Err(f),
        Err(TxError::Db(e)) => Err(ctx.internal(doing, e).into()),
    }
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
    if !route.allowed().contains(&req.method().as_str()) {
        return Err(Failure::method_not_allowed(route.allowed()));
    }
    let db = Db::open()
        .await
        .map_err(|e| ctx.internal("opening the database", e))?;
    let id = |s: &str| s.to_owned();
    match route {
        Route::Assessments => assessments::create(ctx, &db, req).await,
        Route::Assessment(a) => assessments::show(ctx, &db, req, &id(a)).await,
        Route::Declaration(a) => declaration::get(ctx, &db, req, &id(a)).await,
        Route::Holdings(n) => registry::put(ctx, &db, req, &id(n)).await,
        Route::HoldingsBatch => registry::batch(ctx, &db, req).await,
        Route::Confirmations => payments::confirm(ctx, &db, req).await,
        Route::SellThenBuy => refunds::sell_then_buy(ctx, &db, req).await,
        Route::RiskRecords => risk::report(ctx, &db, req).await,
        Route::RiskScreen => risk::run_screen(ctx, &db, req).await,
        Route::RiskFlags => risk::list(ctx, &db, req).await,
        Route::Dispatch => handoff::dispatch(ctx, &db, req).await,
        Route::DevRegistry => handoff::dev_registry(ctx, &db, req).await,
        Route::Catalogue if req.method().as_str() == "PUT" => {
            policies::publish(ctx, &db, req).await
        }
        Route::Catalogue => policies::catalogue(ctx, &db, req).await,
        Route::PolicyMatch => policies::run_match(ctx, &db, req).await,
        Route::Savings => policies::record_savings(ctx, &db, req).await,
        Route::PolicyDemo => policies::demo(ctx, &db, req).await,
        Route::Enterprise(c) => policies::put_enterprise(ctx, &db, req, &id(c)).await,
        Route::Enterprises => policies::put_enterprises(ctx, &db, req).await,
        Route::EnjoyedPolicies(c) => policies::enjoyed(ctx, &db, req, &id(c)).await,
        Route::DividendBill(c) => policies::bill(ctx, &db, req, &id(c)).await,
    }
}
