//! Outbound HTTP and service chaining: `GET /...?url=<url>` fetches `url` and
//! answers with its status and body, or the error code the host gave.

use http_body_util::BodyExt;
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let query = req.uri().query().unwrap_or("").to_owned();
    let url = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("url="))
        .map(|u| u.replace("%3A", ":").replace("%2F", "/"))
        .unwrap_or_default();
    let outgoing = spin_sdk::http::Request::builder()
        .method("GET")
        .uri(url.as_str())
        .header("x-from", "outbound-test")
        .body(http_body_util::Empty::<bytes::Bytes>::new());
    let body = match outgoing {
        Err(e) => serde_json::json!({"error": format!("bad request: {e}")}),
        Ok(r) => match spin_sdk::http::send(r).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let text = match resp.into_body().collect().await {
                    Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
                    Err(e) => format!("<body error: {e}>"),
                };
                serde_json::json!({"status": status, "body": text})
            }
            Err(e) => serde_json::json!({"error": format!("{e:?}")}),
        },
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap()
}
