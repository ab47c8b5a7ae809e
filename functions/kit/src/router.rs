//! Serving a request from a function's route table: the one entry point every
//! function's `lib.rs` delegates to.
//!
//! A function declares its routes as data ([`Route`]: a method, a path pattern and a
//! handler, written with [`route!`](crate::route)); [`serve`] matches them with the
//! core's pure [`routing::find`] (tested natively), answers 404 for an unknown path
//! and 405 with `Allow` for a known path with another method, both problem+json, and
//! otherwise calls the handler with a [`Call`]. The database connection is opened
//! lazily, on the handler's first statement ([`Db::lazy`]).

use crate::context::RequestContext;
use crate::db::Db;
use crate::responses::{Answer, Failure};
use spin_sdk::http::Request;
use std::future::Future;
use std::pin::Pin;
use yingshang_core::problem::RequestError;
use yingshang_core::routing::{self, Found, Params, RouteShape};

/// What a handler gets: the request's context, the database, the request itself and
/// the captured path parameters.
pub struct Call<'a> {
    /// Request id, language and time.
    pub ctx: &'a RequestContext,
    /// The function's `default` database (opened on first use).
    pub db: &'a Db,
    /// The request (headers and body).
    pub req: Request,
    /// The `{name}` segments of the matched pattern.
    pub params: Params,
}

/// The future a handler returns.
pub type Reply<'a> = Pin<Box<dyn Future<Output = Result<Answer, Failure>> + 'a>>;

/// A handler: an async function of a [`Call`]. Written through [`route!`](crate::route).
pub type Handler = for<'a> fn(Call<'a>) -> Reply<'a>;

/// One route of a function's table.
pub struct Route {
    /// The method, upper case.
    pub method: &'static str,
    /// The path pattern below the function's base path, e.g. `/sites/{site_id}`.
    pub pattern: &'static str,
    /// What serves it.
    pub handler: Handler,
}

impl RouteShape for Route {
    fn method(&self) -> &str {
        self.method
    }
    fn pattern(&self) -> &str {
        self.pattern
    }
}

/// A route table entry: `route!(GET "/sites/{id}" => |c| handler(c.ctx, c.db, c.req,
/// c.params.get("id")))`. The expression after `=>` is a future built from the
/// [`Call`] `c`; the macro boxes it.
#[macro_export]
macro_rules! route {
    ($method:ident $pattern:literal => |$call:ident| $body:expr) => {
        $crate::router::Route {
            method: ::core::stringify!($method),
            pattern: $pattern,
            handler: |$call| ::std::boxed::Box::pin(async move { $body.await }),
        }
    };
}

/// Serves one request under `base` (e.g. `/api/power`) from `table`: the answer, or
/// the failure's problem+json in the caller's language.
pub async fn serve(base: &str, table: &[Route], req: Request) -> Answer {
    let ctx = RequestContext::from_headers(req.headers());
    match dispatch(&ctx, base, table, req).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(&ctx),
    }
}

/// As [`serve`], for a function that counts working days: the calendar with the
/// operator's published years ([`crate::calendar`]) is loaded first; a
/// `calendar_years` that does not parse is the operator's error, a 500 logged with
/// what is wrong, and nothing is counted with a wrong calendar.
pub async fn serve_with_calendar(base: &str, table: &[Route], req: Request) -> Answer {
    if let Err(e) = crate::calendar::load().await {
        let ctx = RequestContext::from_headers(req.headers());
        let failure: Failure = ctx
            .internal("loading the calendar_years variable", e)
            .into();
        return failure.respond(&ctx);
    }
    serve(base, table, req).await
}

async fn dispatch(
    ctx: &RequestContext,
    base: &str,
    table: &[Route],
    req: Request,
) -> Result<Answer, Failure> {
    let found = match routing::below(base, req.uri().path()) {
        Some(path) => routing::find(table, req.method().as_str(), path),
        None => Found::NotFound,
    };
    match found {
        Found::Route(i, params) => {
            let db = Db::lazy();
            let call = Call {
                ctx,
                db: &db,
                req,
                params,
            };
            (table[i].handler)(call).await
        }
        Found::MethodNotAllowed(allowed) => {
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            Err(Failure::method_not_allowed(&allowed))
        }
        Found::NotFound => Err(RequestError::NotFound.into()),
    }
}
