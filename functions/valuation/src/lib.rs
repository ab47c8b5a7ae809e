//! The valuation function (一房一价秒评估): the assessed price of one dwelling, a
//! what-if assessment of a described dwelling, the demo register, and re-assessment
//! runs over a whole city. An HTTP adapter only: [`api`] parses, authorizes and
//! answers, [`store`] holds the SQL, the rules are `yingshang_core::valuation`.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api(&api::API, req).await
}
