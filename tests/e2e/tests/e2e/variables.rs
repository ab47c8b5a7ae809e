//! `spin:variables`: defaults, providers, templates, errors, and start-up failure
//! for a required variable without a value.

use serde_json::Value;
use yingshang_e2e::{spawn, try_spawn};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "vars"
[variables]
region = { default = "henan" }
api_token = { required = true, secret = true }
unset = {}
[[trigger.http]]
route = "/vars/..."
component = "vars"
[component.vars]
source = "{wasm:variables}"
variables = { greeting = "hello {{ region }}", token = "{{ api_token }}", empty = "{{ unset }}" }
"#;

async fn var(app: &yingshang_e2e::TestApp, name: &str) -> (u16, Value) {
    let r = app.get(&format!("/vars/{name}")).await;
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn values_templates_and_errors() {
    let app = spawn(APP, |o| {
        o.variables.insert("api_token".into(), "s3cr3t".into());
    })
    .await;
    assert_eq!(var(&app, "greeting").await.1["value"], "hello henan");
    assert_eq!(var(&app, "token").await.1["value"], "s3cr3t");
    let (status, v) = var(&app, "nope").await;
    assert_eq!(status, 404);
    assert!(v["error"].as_str().unwrap().contains("Undefined"), "{v}");
    let (_, v) = var(&app, "Bad-Name").await;
    assert!(v["error"].as_str().unwrap().contains("InvalidName"), "{v}");
    let (_, v) = var(&app, "empty").await;
    assert!(v["error"].as_str().unwrap().contains("Undefined"), "{v}");
    app.shutdown().await;
}

#[tokio::test]
async fn command_line_beats_default() {
    let app = spawn(APP, |o| {
        o.variables.insert("api_token".into(), "t".into());
        o.variables.insert("region".into(), "luoyang".into());
    })
    .await;
    assert_eq!(var(&app, "greeting").await.1["value"], "hello luoyang");
    app.shutdown().await;
}

#[tokio::test]
async fn a_required_variable_without_value_stops_start_up() {
    let err = try_spawn(APP, |_| {})
        .await
        .err()
        .expect("start-up must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("variables.api_token"), "{msg}");
    assert!(msg.contains("SPIN_VARIABLE_API_TOKEN"), "{msg}");
}
