//! Faults stay inside: a trap, a panic, a guest out of time or memory gets its
//! request a 500 or 504 with a request id, and the next request is served.

use serde_json::Value;
use std::time::Duration;
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "faults"
[[trigger.http]]
route = "/trap/..."
component = "trap"
[[trigger.http]]
route = "/slow/..."
component = "slow"
[[trigger.http]]
route = "/memory-hog/..."
component = "memory-hog"
[component.trap]
source = "{wasm:trap}"
[component.slow]
source = "{wasm:slow}"
[component.memory-hog]
source = "{wasm:memory-hog}"
"#;

async fn problem(r: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], status);
    assert_eq!(v["code"], code);
    assert_eq!(v["instance"], id, "the problem names the request id");
    v
}

#[tokio::test]
async fn a_panic_and_an_abort_are_500_and_the_next_request_is_served() {
    let app = spawn(APP, |_| {}).await;
    let v = problem(
        app.get("/trap/panic").await,
        500,
        "GATEWAY_COMPONENT_FAILED",
    )
    .await;
    assert_eq!(v["title"], "服务内部错误");
    assert_eq!(app.get("/trap/fine").await.text().await.unwrap(), "ok");
    let r = app
        .client
        .get(format!("{}/trap/unreachable", app.base))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let v = problem(r, 500, "GATEWAY_COMPONENT_FAILED").await;
    assert_eq!(v["title"], "Internal error");
    assert_eq!(app.get("/trap/fine").await.text().await.unwrap(), "ok");
    assert!(
        app.metrics()
            .await
            .contains("yingshang_traps_total{component=\"trap\"}")
    );
    app.shutdown().await;
}

#[tokio::test]
async fn out_of_time_is_504_whether_the_guest_waits_or_spins() {
    let app = spawn(APP, |o| o.request_timeout = Duration::from_millis(400)).await;
    problem(app.get("/slow/sleep?ms=5000").await, 504, "GATEWAY_TIMEOUT").await;
    problem(app.get("/slow/spin?ms=5000").await, 504, "GATEWAY_TIMEOUT").await;
    let r = app.get("/slow/sleep?ms=10").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "done");
    app.shutdown().await;
}

#[tokio::test]
async fn out_of_memory_is_500_and_the_next_request_is_served() {
    let app = spawn(APP, |o| o.memory_cap = 32 << 20).await;
    problem(
        app.get("/memory-hog/grow?mib=64").await,
        500,
        "GATEWAY_COMPONENT_FAILED",
    )
    .await;
    let r = app.get("/memory-hog/grow?mib=4").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().starts_with("allocated 4 MiB"));
    app.shutdown().await;
}
