//! Outbound HTTP goes only where `allowed_outbound_hosts` says.

use serde_json::Value;
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "outbound"
[[trigger.http]]
route = "/allowed/..."
component = "allowed"
[[trigger.http]]
route = "/denied/..."
component = "denied"
[[trigger.http]]
route = "/target/..."
component = "target"
[component.allowed]
source = "{wasm:outbound}"
allowed_outbound_hosts = ["http://127.0.0.1:*"]
[component.denied]
source = "{wasm:outbound}"
allowed_outbound_hosts = ["https://127.0.0.1"]
[component.target]
source = "{wasm:echo}"
"#;

#[tokio::test]
async fn allowed_host_is_reached_and_others_are_denied() {
    let app = spawn(APP, |_| {}).await;
    let url = format!("{}/target/hello", app.base);
    let v: Value = app
        .get(&format!("/allowed/?url={url}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], 200, "{v}");
    let echoed: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["headers"]["spin-path-info"], "/hello");

    let v: Value = app
        .get(&format!("/denied/?url={url}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("HttpRequestDenied"),
        "{v}"
    );
    app.shutdown().await;
}
