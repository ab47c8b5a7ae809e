//! Service chaining: `http://<component>.spin.internal` served in process,
//! allowed only by `allowed_outbound_hosts`, reaching private routes.

use serde_json::Value;
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "chaining"
[[trigger.http]]
route = "/caller/..."
component = "caller"
[[trigger.http]]
route = "/stranger/..."
component = "stranger"
[[trigger.http]]
route = { private = true }
component = "backend"
[component.caller]
source = "{wasm:outbound}"
allowed_outbound_hosts = ["http://backend.spin.internal"]
[component.stranger]
source = "{wasm:outbound}"
allowed_outbound_hosts = ["http://*.example.com"]
[component.backend]
source = "{wasm:echo}"
"#;

#[tokio::test]
async fn a_chained_request_reaches_a_private_component_with_spin_headers() {
    let app = spawn(APP, |_| {}).await;
    let v: Value = app
        .get("/caller/x?url=http://backend.spin.internal/inner/path?k=v")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], 200, "{v}");
    let echoed: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    let h = &echoed["headers"];
    assert_eq!(h["spin-matched-route"], "/...");
    assert_eq!(h["spin-raw-component-route"], "/...");
    assert_eq!(h["spin-component-route"], "");
    assert_eq!(h["spin-path-info"], "/inner/path");
    assert_eq!(h["x-from"], "outbound-test");
    assert!(
        h.get("host").is_none(),
        "the chaining Host header is stripped: {h}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn chaining_not_in_allowed_hosts_is_denied() {
    let app = spawn(APP, |_| {}).await;
    let v: Value = app
        .get("/stranger/x?url=http://backend.spin.internal/")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("HttpRequestDenied"),
        "{v}"
    );
    let v: Value = app
        .get("/caller/x?url=http://nosuch.spin.internal/")
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
