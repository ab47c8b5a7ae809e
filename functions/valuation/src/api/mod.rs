//! The valuation API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/valuation`) | Who |
//! |---|---|---|
//! | GET | `/units/{unit_code}?date=YYYY-MM-DD` | any user; agency key `valuation:read` |
//! | POST | `/assessments` | role `officer` or `agency_staff` |
//! | POST | `/demo-data` | agency key `valuation:import` |
//! | POST | `/reassessments` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/reassessments/{id}` | agency key `valuation:import` |
//! | POST | `/reassessments/{id}/next?limit=N` | agency key `valuation:import` |
//! | POST | `/imports/slots` | agency key `valuation:import` |
//! | POST | `/imports` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/imports/{id}` | agency key `valuation:import` |
//! | POST | `/imports/{id}/next?limit=N` | agency key `valuation:import` |
//!
//! `/demo-data?scale=full&chunk=N` loads chunk N of the full Luoyang-scale register.

mod demo;
mod dto;
mod error;
mod import_dto;
mod imports;
mod runs;
mod units;

use spin_sdk::http::{Method, Request};
use yingshang_core::problem::RequestError;
use yingshang_core::query::param as query_param;
use yingshang_core::security::apikey::Scope;
use yingshang_kit::{Answer, Failure, RequestContext};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/valuation";
/// The scope agency systems need to read assessments.
pub const SCOPE_READ: &str = "valuation:read";
/// The scope agency systems need to load data and run re-assessments.
pub const SCOPE_IMPORT: &str = "valuation:import";

/// A matched route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route<'p> {
    Unit(&'p str),
    Assessments,
    DemoData,
    Runs,
    Run(&'p str),
    RunNext(&'p str),
    ImportSlots,
    Imports,
    Import(&'p str),
    ImportNext(&'p str),
}

impl Route<'_> {
    /// The methods the route accepts.
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Route::Unit(_) | Route::Run(_) | Route::Import(_) => &["GET"],
            Route::Assessments
            | Route::DemoData
            | Route::Runs
            | Route::RunNext(_)
            | Route::ImportSlots
            | Route::Imports
            | Route::ImportNext(_) => &["POST"],
        }
    }
}

/// The route table: a path to a route, purely.
fn route(path: &str) -> Option<Route<'_>> {
    let rest = path.strip_prefix(BASE_PATH)?;
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["units", code] if !code.is_empty() => Some(Route::Unit(code)),
        ["assessments"] => Some(Route::Assessments),
        ["demo-data"] => Some(Route::DemoData),
        ["reassessments"] => Some(Route::Runs),
        ["reassessments", id] if !id.is_empty() => Some(Route::Run(id)),
        ["reassessments", id, "next"] if !id.is_empty() => Some(Route::RunNext(id)),
        ["imports", "slots"] => Some(Route::ImportSlots),
        ["imports"] => Some(Route::Imports),
        ["imports", id] if !id.is_empty() => Some(Route::Import(id)),
        ["imports", id, "next"] if !id.is_empty() => Some(Route::ImportNext(id)),
        _ => None,
    }
}

/// The scope parsed from a constant.
fn scope(text: &str) -> Scope {
    Scope::parse(text).expect("route scopes are valid")
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
    let db = yingshang_kit::Db::open()
        .await
        .map_err(|e| ctx.internal("opening the database", e))?;
    match (route, req.method()) {
        (Route::Unit(code), &Method::GET) => {
            let code = code.to_owned();
            units::lookup(ctx, &db, req, &code).await
        }
        (Route::Assessments, _) => units::what_if(ctx, &db, req).await,
        (Route::DemoData, _) => demo::load(ctx, &db, req).await,
        (Route::Runs, _) => runs::create(ctx, &db, req).await,
        (Route::Run(id), _) => {
            let id = id.to_owned();
            runs::show(ctx, &db, req, &id).await
        }
        (Route::RunNext(id), _) => {
            let id = id.to_owned();
            runs::next(ctx, &db, req, &id).await
        }
        (Route::ImportSlots, _) => imports::slot(ctx, &db, req).await,
        (Route::Imports, _) => imports::create(ctx, &db, req).await,
        (Route::Import(id), _) => {
            let id = id.to_owned();
            imports::show(ctx, &db, req, &id).await
        }
        (Route::ImportNext(id), _) => {
            let id = id.to_owned();
            imports::next(ctx, &db, req, &id).await
        }
        _ => Err(RequestError::NotFound.into()),
    }
}
