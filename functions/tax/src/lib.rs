//! The property-transfer tax function (不动产交易涉税): assessments that take the
//! assessed price from the valuation function, registry holdings, payments with the
//! registry hand-off, and the reduction/exemption declaration. An HTTP adapter only:
//! [`api`] parses, authorizes and answers, [`store`] holds the SQL, the rules are
//! `yingshang_core::tax`.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api(&api::API, req).await
}
