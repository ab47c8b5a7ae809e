//! Variables: `GET /variables/<name>` answers the variable's value, or the error.

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let name = req.uri().path().rsplit('/').next().unwrap_or("").to_owned();
    let (status, body) = match spin_sdk::variables::get(&name).await {
        Ok(v) => (200, serde_json::json!({"value": v})),
        Err(e) => (404, serde_json::json!({"error": format!("{e:?}")})),
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap()
}
