//! What every handler knows about its request before reading it: the request id,
//! the answer's language and the current time.

use crate::responses::Internal;
use spin_sdk::http::{HeaderMap, Request};
use time::OffsetDateTime;
use yingshang_core::problem::Lang;

/// The header the gateway (or an upstream proxy) sets with the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id, language and time of one request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// From `x-request-id`, or a fresh ULID when absent or unusable.
    pub request_id: String,
    /// From `Accept-Language` (zh-CN unless English is preferred).
    pub lang: Lang,
    /// The time the request started, from the wall clock.
    pub now: OffsetDateTime,
}

impl RequestContext {
    /// Reads the context from the request headers and the clock.
    pub fn from_headers(headers: &HeaderMap) -> RequestContext {
        let now = crate::clock::now();
        let request_id = header(headers, REQUEST_ID_HEADER)
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            .map(str::to_owned)
            .unwrap_or_else(|| crate::ids::ulid(now));
        let lang = Lang::from_accept_language(header(headers, "accept-language"));
        RequestContext {
            request_id,
            lang,
            now,
        }
    }

    /// Logs an internal failure to stderr with the request id and answers the
    /// caller's [`Internal`] error, which says nothing about the cause.
    pub fn internal(&self, while_doing: &str, error: impl std::fmt::Display) -> Internal {
        eprintln!(
            "request_id={} error while {while_doing}: {error}",
            self.request_id
        );
        Internal
    }

    /// Logs a refusal (without secrets) to stderr with the request id.
    pub fn log_denial(&self, what: &str, code: &str) {
        eprintln!("request_id={} denied: {what} ({code})", self.request_id);
    }
}

/// A header's value as text, if present and visible ASCII.
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The path with its query, as received: what idempotency fingerprints and device
/// signatures cover.
pub fn path_and_query(req: &Request) -> String {
    req.uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned())
}

/// `scheme://host[:port]` the caller reached us at, from `spin-full-url`: Spin and
/// the gateway both set it from the request's Host, while the Host header itself is
/// one the WASI host may keep from the guest. An `x-forwarded-proto` from the proxy in
/// front says whether the caller used https.
pub fn origin(req: &Request) -> String {
    let full = header(req.headers(), "spin-full-url").unwrap_or("http://localhost/");
    let (scheme, rest) = full.split_once("://").unwrap_or(("http", "localhost/"));
    let authority = rest.split('/').next().unwrap_or("localhost");
    let scheme = header(req.headers(), "x-forwarded-proto").unwrap_or(scheme);
    format!("{scheme}://{authority}")
}
