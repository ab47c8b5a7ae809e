//! Imports `spin:redis`, which the gateway does not provide: start-up must refuse it.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    match spin_sdk::redis::Connection::open("redis://127.0.0.1:1").await {
        Ok(_) => "connected",
        Err(_) => "no redis",
    }
}
