//! When the gateway gives up on a request — 504 at its time limit — the request's
//! work stops with it: the transaction it had open is rolled back and nothing it
//! would have done later commits, a chained call included, so a client that retries
//! after the 504 cannot make a duplicate. The instance is not reused and the gateway
//! keeps serving (the database's write lock is free again).

use serde_json::{Value, json};
use std::time::Duration;
use yingshang_e2e::{TestApp, default_db, spawn};
use yingshang_gateway::instances::ReuseConfig;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "given-up"
[[trigger.http]]
route = "/work/..."
component = "work"
[[trigger.http]]
route = { private = true }
component = "backend"
[component.work]
source = "{wasm:late-work}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["http://backend.spin.internal"]
[component.backend]
source = "{wasm:late-work}"
sqlite_databases = ["default"]
"#;

/// The request time limit of these tests.
const LIMIT: Duration = Duration::from_millis(1000);
/// Long enough after a 504 for every script here to have committed, had it run on.
const AFTERWARDS: Duration = Duration::from_millis(2000);

/// A gateway whose instances would otherwise live on (long idle timeout), with the
/// table the scripts write to.
async fn start() -> TestApp {
    let app = spawn(APP, |o| {
        o.request_timeout = LIMIT;
        o.reuse = ReuseConfig {
            idle_timeout: Duration::from_secs(60)..=Duration::from_secs(60),
            ..ReuseConfig::default()
        };
    })
    .await;
    let db = default_db(&app).await;
    sqlx::query("CREATE TABLE late (tag TEXT NOT NULL)")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    app
}

/// Runs a script of steps in the `work` component.
async fn script(app: &TestApp, steps: Value) -> reqwest::Response {
    app.post_json("/work/", &json!({ "steps": steps })).await
}

fn insert(tag: &str) -> Value {
    json!({"sql": "INSERT INTO late (tag) VALUES ($1)", "params": [tag]})
}

fn sql(statement: &str) -> Value {
    json!({ "sql": statement })
}

/// Rows with `tag` in the database file, as another client would see them.
async fn rows(app: &TestApp, tag: &str) -> i64 {
    let db = default_db(app).await;
    let n = sqlx::query_scalar("SELECT count(*) FROM late WHERE tag = $1")
        .bind(tag)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    n
}

async fn assert_timed_out(r: reqwest::Response) {
    assert_eq!(r.status(), 504);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "GATEWAY_TIMEOUT", "{v}");
    assert_eq!(v["instance"], id);
}

/// A write after the 504s: it commits (the write lock is free), on an instance that
/// served nothing before (none of the given-up ones was reused).
async fn assert_still_serving(app: &TestApp) {
    let r = script(app, json!([insert("after")])).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["results"][0].get("error").is_none(), "{v}");
    assert_eq!(
        v["served_by_instance"], 1,
        "a given-up instance was reused: {v}"
    );
    assert_eq!(rows(app, "after").await, 1);
}

#[tokio::test]
async fn a_transaction_open_at_the_time_limit_never_commits() {
    let app = start().await;
    // Waiting, then committing after the limit.
    let r = script(
        &app,
        json!([sql("BEGIN"), insert("slept"), {"sleep_ms": 1600}, sql("COMMIT")]),
    )
    .await;
    assert_timed_out(r).await;
    // Burning CPU past the limit (the host cannot interrupt it between two
    // statements), then committing.
    let r = script(
        &app,
        json!([sql("BEGIN IMMEDIATE"), insert("spun"), {"spin_ms": 1300}, sql("COMMIT")]),
    )
    .await;
    assert_timed_out(r).await;
    tokio::time::sleep(AFTERWARDS).await;
    assert_eq!(rows(&app, "slept").await, 0, "committed after its 504");
    assert_eq!(rows(&app, "spun").await, 0, "committed after its 504");
    assert_still_serving(&app).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_chained_call_after_the_time_limit_never_happens() {
    let app = start().await;
    let r = script(
        &app,
        json!([
            {"sleep_ms": 1600},
            {"call": "http://backend.spin.internal/", "steps": [insert("chained-late")]},
        ]),
    )
    .await;
    assert_timed_out(r).await;
    tokio::time::sleep(AFTERWARDS).await;
    assert_eq!(rows(&app, "chained-late").await, 0);
    assert_still_serving(&app).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_chained_call_under_way_is_given_up_with_its_caller() {
    let app = start().await;
    // The backend starts half-way through the caller's time: by its own limit it
    // could commit after the caller's 504; it inherits the caller's deadline.
    let r = script(
        &app,
        json!([
            {"sleep_ms": 500},
            {"call": "http://backend.spin.internal/", "steps": [
                sql("BEGIN"), insert("chained-under-way"), {"sleep_ms": 700}, sql("COMMIT"),
            ]},
        ]),
    )
    .await;
    assert_timed_out(r).await;
    tokio::time::sleep(AFTERWARDS).await;
    assert_eq!(rows(&app, "chained-under-way").await, 0);
    assert_still_serving(&app).await;
    app.shutdown().await;
}
