//! The enterprise requests and complaints function (涉企诉求 · 接诉即办), routes under
//! `/api/complaints`: intake by enterprises and staff, the closed loop of the core's
//! state machine, working-day deadlines with a scheduled sweep, and who sees what.
//! An HTTP adapter only: [`api`] parses, authorizes and answers, [`store`] holds the
//! SQL, the rules are `yingshang_core::complaints`.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api_with_calendar(&api::API, req).await
}
