//! Key-value: performs one operation on a store and answers with the outcome.
//! Body: `{"store": "default", "op": "set|get|delete|exists|keys", "key": "k", "value": "v"}`.

use http_body_util::BodyExt;
use serde_json::{Value as J, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use spin_sdk::key_value::Store;

fn reply(body: J) -> impl IntoResponse + use<> {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap()
}

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let cmd: J = serde_json::from_slice(&body).unwrap_or(J::Null);
    let store = match Store::open(cmd["store"].as_str().unwrap_or("default")).await {
        Ok(s) => s,
        Err(e) => return reply(json!({"open_error": format!("{e:?}")})),
    };
    let key = cmd["key"].as_str().unwrap_or("");
    let out = match cmd["op"].as_str().unwrap_or("") {
        "set" => store
            .set(key, cmd["value"].as_str().unwrap_or("").as_bytes())
            .await
            .map(|()| json!({"ok": true})),
        "get" => store
            .get(key)
            .await
            .map(|v| json!({"value": v.map(|b| String::from_utf8_lossy(&b).into_owned())})),
        "delete" => store.delete(key).await.map(|()| json!({"ok": true})),
        "exists" => store.exists(key).await.map(|b| json!({"exists": b})),
        "keys" => store
            .get_keys()
            .await
            .collect()
            .await
            .map(|k| json!({"keys": k})),
        other => return reply(json!({"error": format!("unknown op {other:?}")})),
    };
    reply(out.unwrap_or_else(|e| json!({"error": format!("{e:?}")})))
}
