//! The check-in function (码上服务 · 入企扫码), routes under `/api/checkin`: the
//! enterprise register and one signed code per enterprise (QR PNG/SVG and an A4
//! poster), the landing a scan opens (policies from `tax`, complaint intake from
//! `complaints`, surveys), scan-to-enter inspections by two officers of one agency,
//! the enterprise's ratings, complaints and no-scan reports, and the justice bureau's
//! warnings and monthly statistics. An HTTP adapter only: [`api`] parses, authorizes
//! and answers, [`store`] holds the SQL, the rules are `yingshang_core::checkin`.
//! `GET /api/checkin/openapi.json` describes every route.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api(&api::API, req).await
}
