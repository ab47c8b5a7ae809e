//! SQLite: runs the statement it is sent on the database it is told to open, and
//! answers with the columns, rows, `last_insert_rowid` and `changes` — or the error.
//! Body: `{"db": "default", "sql": "...", "params": [1, "x", null, 2.5]}`; a list
//! under `"batch"` runs several statements on one connection.

use http_body_util::BodyExt;
use serde_json::{Value as J, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use spin_sdk::sqlite::{Connection, Value};

fn to_param(v: &J) -> Value {
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Integer(*b as i64),
        J::Number(n) if n.is_i64() => Value::Integer(n.as_i64().unwrap_or(0)),
        J::Number(n) => Value::Real(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

fn to_json(v: &Value) -> J {
    match v {
        Value::Integer(i) => json!({"integer": i}),
        Value::Real(f) => json!({"real": f}),
        Value::Text(t) => json!({"text": t}),
        Value::Blob(b) => json!({"blob_len": b.len()}),
        Value::Null => json!(null),
    }
}

fn reply(status: u16, body: J) -> impl IntoResponse + use<> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap()
}

async fn run(conn: &Connection, sql: &str, params: &[J]) -> J {
    let params: Vec<Value> = params.iter().map(to_param).collect();
    match conn.execute(sql, params).await {
        Ok(result) => {
            let columns = result.columns().to_vec();
            match result.collect().await {
                Ok(rows) => {
                    let rows: Vec<J> = rows
                        .iter()
                        .map(|r| J::Array(r.values.iter().map(to_json).collect()))
                        .collect();
                    json!({"columns": columns, "rows": rows, "last_insert_rowid": conn.last_insert_rowid().await, "changes": conn.changes().await})
                }
                Err(e) => json!({"error": format!("{e:?}")}),
            }
        }
        Err(e) => json!({"error": format!("{e:?}")}),
    }
}

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return reply(400, json!({"error": "unreadable body"})),
    };
    let Ok(cmd) = serde_json::from_slice::<J>(&body) else {
        return reply(400, json!({"error": "body is not JSON"}));
    };
    let db = cmd["db"].as_str().unwrap_or("default");
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return reply(200, json!({"open_error": format!("{e:?}")})),
    };
    if let Some(batch) = cmd["batch"].as_array() {
        let mut out = Vec::new();
        for step in batch {
            let params = step["params"].as_array().cloned().unwrap_or_default();
            out.push(run(&conn, step["sql"].as_str().unwrap_or(""), &params).await);
        }
        return reply(200, J::Array(out));
    }
    let params = cmd["params"].as_array().cloned().unwrap_or_default();
    reply(
        200,
        run(&conn, cmd["sql"].as_str().unwrap_or(""), &params).await,
    )
}
