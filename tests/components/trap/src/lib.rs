//! Trap: `/trap/panic` panics, `/trap/unreachable` executes `unreachable`, anything
//! else answers `ok` — so a test can show that the next request is served.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    match req.uri().path() {
        p if p.ends_with("/panic") => panic!("the trap test component panics on purpose"),
        p if p.ends_with("/unreachable") => std::process::abort(),
        _ => "ok",
    }
}
