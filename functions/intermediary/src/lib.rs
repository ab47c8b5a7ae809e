//! The intermediary marketplace (网上中介超市), routes under `/api/intermediary`:
//! the "66 + N" item catalogue, intermediary agencies and their qualifications,
//! projects with open bids and a selection anyone can verify, contracts with dual
//! deadlines watched by a schedule (SMS reminders through an outbox; results handed to
//! the approval system), the four-dimension evaluation, cards and the triple
//! sanction with a public credit feed, and every project as OCDS open data. An HTTP
//! adapter only: [`api`] parses, authorizes and answers, [`store`] holds the SQL, the
//! rules are `yingshang_core::intermediary`.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve_api_with_calendar(&api::API, req).await
}
