//! Echo: answers with what it received (method, URI, headers, body) and how many
//! requests this instance has served, so tests can see Spin's headers and
//! instance reuse.

use http_body_util::BodyExt;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;
use std::sync::atomic::{AtomicU64, Ordering};

static SERVED: AtomicU64 = AtomicU64::new(0);

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let served = SERVED.fetch_add(1, Ordering::SeqCst) + 1;
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(e) => format!("<body error: {e}>"),
    };
    let headers: serde_json::Map<String, serde_json::Value> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into(),
            )
        })
        .collect();
    let answer = serde_json::json!({
        "method": parts.method.as_str(),
        "uri": parts.uri.to_string(),
        "headers": headers,
        "body": body,
        "served_by_instance": served,
    });
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(answer.to_string())
        .unwrap()
}
