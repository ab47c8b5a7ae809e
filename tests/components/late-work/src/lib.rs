//! Late work: runs a script of steps in order and answers what each gave, so tests
//! can see what the gateway stops when it gives up on a request. Body:
//! `{"steps": [...]}`, each step one of
//! - `{"sql": "...", "params": [...]}`: a statement on the `default` database, all
//!   on one connection (opened at the first);
//! - `{"sleep_ms": N}`: waits, yielding to the host; `{"spin_ms": N}`: burns CPU;
//! - `{"call": "http://<component>.spin.internal/", "steps": [...]}`: a chained
//!   call that POSTs the inner steps.
//!
//! The answer: `{"results": [...], "served_by_instance": N}`.

use http_body_util::BodyExt;
use serde_json::{Value as J, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use spin_sdk::sqlite::{Connection, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static SERVED: AtomicU64 = AtomicU64::new(0);

fn to_param(v: &J) -> Value {
    match v {
        J::Number(n) if n.is_i64() => Value::Integer(n.as_i64().unwrap_or(0)),
        J::String(s) => Value::Text(s.clone()),
        J::Null => Value::Null,
        other => Value::Text(other.to_string()),
    }
}

async fn sql(conn: &mut Option<Connection>, step: &J) -> J {
    if conn.is_none() {
        match Connection::open("default").await {
            Ok(c) => *conn = Some(c),
            Err(e) => return json!({"error": format!("open: {e:?}")}),
        }
    }
    let Some(c) = conn.as_ref() else {
        return json!({"error": "no connection"});
    };
    let params: Vec<Value> = step["params"]
        .as_array()
        .map(|p| p.iter().map(to_param).collect())
        .unwrap_or_default();
    match c.execute(step["sql"].as_str().unwrap_or(""), params).await {
        Ok(result) => match result.collect().await {
            Ok(rows) => json!({"rows": rows.len()}),
            Err(e) => json!({"error": format!("{e:?}")}),
        },
        Err(e) => json!({"error": format!("{e:?}")}),
    }
}

async fn call(step: &J) -> J {
    let body = json!({"steps": step["steps"]}).to_string();
    let outgoing = spin_sdk::http::Request::builder()
        .method("POST")
        .uri(step["call"].as_str().unwrap_or(""))
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(body)));
    match outgoing {
        Err(e) => json!({"error": format!("bad request: {e}")}),
        Ok(r) => match spin_sdk::http::send(r).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.into_body().collect().await {
                    Ok(b) => {
                        json!({"status": status, "body": String::from_utf8_lossy(&b.to_bytes())})
                    }
                    Err(e) => json!({"status": status, "error": format!("{e}")}),
                }
            }
            Err(e) => json!({"error": format!("{e:?}")}),
        },
    }
}

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let served = SERVED.fetch_add(1, Ordering::SeqCst) + 1;
    let script: J = match req.into_body().collect().await {
        Ok(b) => serde_json::from_slice(&b.to_bytes()).unwrap_or(J::Null),
        Err(e) => json!({"body_error": e.to_string()}),
    };
    let mut conn = None;
    let mut results = Vec::new();
    for step in script["steps"].as_array().cloned().unwrap_or_default() {
        let result = if step.get("sql").is_some() {
            sql(&mut conn, &step).await
        } else if let Some(ms) = step["sleep_ms"].as_u64() {
            spin_sdk::time::sleep(Duration::from_millis(ms)).await;
            json!("slept")
        } else if let Some(ms) = step["spin_ms"].as_u64() {
            let start = Instant::now();
            let mut x: u64 = 1;
            while start.elapsed() < Duration::from_millis(ms) {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            json!({"spun": x % 2})
        } else if step.get("call").is_some() {
            call(&step).await
        } else {
            json!({"error": "unknown step"})
        };
        results.push(result);
    }
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(json!({"results": results, "served_by_instance": served}).to_string())
        .unwrap()
}
