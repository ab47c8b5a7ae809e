//! The shared power socket function (共享电源 · 扫码用电), routes under `/api/power`:
//! operators set up sites and sockets; a customer prepays for a socket, the payment
//! channel's signed confirmation switches it on; the socket's meter posts signed
//! readings that are billed exactly and checked against eight protections; the
//! session ends on a trip, an empty balance, a stop or staleness, and the unused
//! prepay goes back through a refund outbox. An HTTP adapter only: [`api`] parses,
//! authorizes and answers, [`store`] holds the SQL, the rules are
//! `yingshang_core::metering`.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api(&api::API, req).await
}
