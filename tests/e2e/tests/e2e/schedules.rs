//! Schedules declared under `[component.<id>.tool.yingshang]` are called by the
//! gateway on their interval.

use serde_json::{Value, json};
use std::time::Duration;
use yingshang_e2e::spawn;

#[tokio::test]
async fn a_schedule_calls_its_route_on_its_interval() {
    let app = spawn(
        r#"
spin_manifest_version = 2
[application]
name = "sched"
[variables]
scheduler_key = { default = "ysk_test" }
[[trigger.http]]
route = "/jobs/..."
component = "jobs"
[component.jobs]
source = "{wasm:key-value}"
key_value_stores = ["default"]
[[component.jobs.tool.yingshang.schedule]]
name = "tick"
path = "/jobs/tick"
every = "1s"
credential = "scheduler_key"
body = '{"op": "set", "key": "ticked", "value": "yes"}'
"#,
        |_| {},
    )
    .await;
    let before: Value = app
        .post_json("/jobs/", &json!({"op": "get", "key": "ticked"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["value"], Value::Null);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after: Value = app
        .post_json("/jobs/", &json!({"op": "get", "key": "ticked"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["value"], "yes");
    app.shutdown().await;
}

#[tokio::test]
async fn an_on_start_schedule_runs_once_at_start_up() {
    let app = spawn(
        r#"
spin_manifest_version = 2
[application]
name = "sched"
[[trigger.http]]
route = "/jobs/..."
component = "jobs"
[component.jobs]
source = "{wasm:key-value}"
key_value_stores = ["default"]
[[component.jobs.tool.yingshang.schedule]]
name = "seed"
path = "/jobs/seed"
on_start = true
body = '{"op": "set", "key": "seeded", "value": "at-start"}'
"#,
        |_| {},
    )
    .await;
    let mut seen = Value::Null;
    for _ in 0..50 {
        let v: Value = app
            .post_json("/jobs/", &json!({"op": "get", "key": "seeded"}))
            .await
            .json()
            .await
            .unwrap();
        seen = v["value"].clone();
        if seen != Value::Null {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen, "at-start");
    app.shutdown().await;
}
