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
use yingshang_core::openapi::{self, Content, Info, Operation, schema};
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
    /// Its description in the function's OpenAPI document (`None` only in a function
    /// not yet described: it serves no document until every route has one).
    pub doc: Option<&'static Operation>,
    /// What serves it.
    pub handler: Handler,
}

/// A described function: its base path, its `info` and its route table. It serves
/// its OpenAPI 3.1 document at `GET <base>/openapi.json`, built from the table.
pub struct Api {
    /// Where the routes live (`/api/valuation`).
    pub base: &'static str,
    /// The document's title, version and description.
    pub info: Info,
    /// The route table; every route has a `doc`.
    pub routes: &'static [Route],
}

/// The pattern of the document route, below the base.
pub const OPENAPI_PATH: &str = "/openapi.json";
/// The pattern of the API reference page for people, below the base.
pub const REFERENCE_PATH: &str = "/docs";

/// The API reference page: renders the document beside it (`openapi.json`).
const REFERENCE_HTML: &str = include_str!("reference.html");

/// The description of `GET <base>/docs`.
const REFERENCE_DOC: Operation = Operation {
    id: "getApiReference",
    summary: "This API's reference, for people (rendered from its OpenAPI document)",
    description: "本接口的参考文档页面（由 OpenAPI 文档生成，公开）。",
    replies: &[openapi::Reply {
        status: 200,
        description: "The page",
        content: Content::Text("text/html"),
    }],
    ..Operation::NEW
};

/// The description of `GET <base>/openapi.json` itself.
const OPENAPI_DOC: Operation = Operation {
    id: "getOpenApiDocument",
    summary: "This API's OpenAPI 3.1 document",
    description: "本接口的 OpenAPI 3.1 描述文档(公开)。",
    replies: &[openapi::Reply {
        status: 200,
        description: "The document",
        content: Content::Json(schema::<serde_json::Map<String, serde_json::Value>>),
    }],
    ..Operation::NEW
};

/// The OpenAPI document of `api`; the routes' contradictions when it has any (a
/// programming error: the function's end-to-end test fetches every document).
pub fn document(api: &Api) -> Result<serde_json::Value, Vec<String>> {
    let mut missing = Vec::new();
    let mut routes = Vec::with_capacity(api.routes.len() + 1);
    for r in api.routes {
        match r.doc {
            Some(doc) => routes.push((r.method, r.pattern, doc)),
            None => missing.push(format!("{} {}: not described", r.method, r.pattern)),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    routes.push(("GET", OPENAPI_PATH, &OPENAPI_DOC));
    routes.push(("GET", REFERENCE_PATH, &REFERENCE_DOC));
    openapi::document(&api.info, api.base, routes)
}

impl RouteShape for Route {
    fn method(&self) -> &str {
        self.method
    }
    fn pattern(&self) -> &str {
        self.pattern
    }
}

/// A route table entry: `route!(GET "/sites/{id}", docs::SITE => |c| handler(c.ctx,
/// c.db, c.req, c.params.get("id")))`. The expression after `=>` is a future built
/// from the [`Call`] `c`; the macro boxes it. The constant after the pattern is the
/// route's [`Operation`] (left out only in a function not yet described).
#[macro_export]
macro_rules! route {
    ($method:ident $pattern:literal, $doc:path => |$call:ident| $body:expr) => {
        $crate::router::Route {
            method: ::core::stringify!($method),
            pattern: $pattern,
            doc: ::core::option::Option::Some(&$doc),
            handler: |$call| ::std::boxed::Box::pin(async move { $body.await }),
        }
    };
    ($method:ident $pattern:literal => |$call:ident| $body:expr) => {
        $crate::router::Route {
            method: ::core::stringify!($method),
            pattern: $pattern,
            doc: ::core::option::Option::None,
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

/// As [`serve`], for a described function: also answers `GET <base>/openapi.json`
/// with its document (public; 500, logged, if the table contradicts itself).
pub async fn serve_api(api: &Api, req: Request) -> Answer {
    let below = routing::below(api.base, req.uri().path());
    if below == Some(REFERENCE_PATH) && req.method().as_str() == "GET" {
        let ctx = RequestContext::from_headers(req.headers());
        // Its script and style are inline; it may fetch only from this origin.
        let csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                   connect-src 'self'; frame-ancestors 'none'"
            .to_owned();
        return crate::responses::raw(
            &ctx,
            200,
            "text/html; charset=utf-8",
            REFERENCE_HTML.to_owned(),
            &[("content-security-policy", csp)],
        );
    }
    if below == Some(OPENAPI_PATH) && req.method().as_str() == "GET" {
        let ctx = RequestContext::from_headers(req.headers());
        return match document(api) {
            Ok(doc) => crate::responses::json(&ctx, 200, &doc),
            Err(errors) => {
                let failure: Failure = ctx.internal("describing the API", errors.join("; ")).into();
                failure.respond(&ctx)
            }
        };
    }
    serve(api.base, api.routes, req).await
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

/// As [`serve_with_calendar`], for a described function ([`serve_api`]). The document
/// and the reference page do not need the calendar, but loading it first keeps one
/// path for every request.
pub async fn serve_api_with_calendar(api: &Api, req: Request) -> Answer {
    if let Err(e) = crate::calendar::load().await {
        let ctx = RequestContext::from_headers(req.headers());
        let failure: Failure = ctx
            .internal("loading the calendar_years variable", e)
            .into();
        return failure.respond(&ctx);
    }
    serve_api(api, req).await
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
