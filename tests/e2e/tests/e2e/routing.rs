//! Routing precedence and the headers Spin adds, seen from the component.

use serde_json::Value;
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "routing"
version = "1.2.3"
[[trigger.http]]
route = "/..."
component = "root"
[[trigger.http]]
route = "/api/..."
component = "api"
[[trigger.http]]
route = "/api/exact"
component = "exact"
[[trigger.http]]
route = "/users/:id/orders/..."
component = "users"
[[trigger.http]]
route = "/dup"
component = "api"
[[trigger.http]]
route = "/dup"
component = "exact"
[[trigger.http]]
route = { private = true }
component = "hidden"
[component.root]
source = "{wasm:echo}"
[component.api]
source = "{wasm:echo}"
[component.exact]
source = "{wasm:echo}"
[component.users]
source = "{wasm:echo}"
[component.hidden]
source = "{wasm:echo}"
"#;

async fn seen(app: &yingshang_e2e::TestApp, path: &str) -> Value {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert!(r.headers().contains_key("x-request-id"));
    r.json().await.unwrap()
}

#[tokio::test]
async fn exact_beats_wildcard_and_longest_prefix_wins() {
    let app = spawn(APP, |_| {}).await;
    let h = &seen(&app, "/api/exact").await["headers"];
    assert_eq!(h["spin-matched-route"], "/api/exact");
    assert_eq!(h["spin-path-info"], "");
    let h = &seen(&app, "/api/exact/more").await["headers"];
    assert_eq!(h["spin-matched-route"], "/api/...");
    assert_eq!(h["spin-path-info"], "/exact/more");
    let h = &seen(&app, "/elsewhere/x").await["headers"];
    assert_eq!(h["spin-matched-route"], "/...");
    assert_eq!(h["spin-component-route"], "");
    app.shutdown().await;
}

#[tokio::test]
async fn every_spin_header_is_set() {
    let app = spawn(APP, |_| {}).await;
    let v = seen(&app, "/users/42/orders/7/lines/?q=1").await;
    let h = &v["headers"];
    assert_eq!(h["spin-matched-route"], "/users/:id/orders/...");
    assert_eq!(h["spin-raw-component-route"], "/users/:id/orders/...");
    assert_eq!(h["spin-component-route"], "/users/:id/orders");
    assert_eq!(h["spin-path-info"], "/7/lines/");
    assert_eq!(h["spin-path-match-id"], "42");
    assert_eq!(h["spin-base-path"], "/");
    assert_eq!(
        h["spin-full-url"],
        format!("{}/users/42/orders/7/lines/?q=1", app.base)
    );
    assert!(
        h["spin-client-addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert_eq!(
        v["uri"],
        format!("{}/users/42/orders/7/lines/?q=1", app.base)
    );
    app.shutdown().await;
}

#[tokio::test]
async fn duplicate_route_goes_to_the_last_declaration() {
    let app = spawn(APP, |_| {}).await;
    // Both are echo; the last declaration's component is `exact`. The metrics
    // attribute the request to the component that served it.
    seen(&app, "/dup").await;
    let m = app.metrics().await;
    assert!(
        m.contains("yingshang_requests_total{component=\"exact\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(!m.contains("component=\"api\",status=\"200\""), "{m}");
    app.shutdown().await;
}

#[tokio::test]
async fn private_routes_and_unmatched_paths() {
    const NO_ROOT: &str = r#"
spin_manifest_version = 2
[application]
name = "private"
[[trigger.http]]
route = "/public/"
component = "public"
[[trigger.http]]
route = { private = true }
component = "hidden"
[component.public]
source = "{wasm:echo}"
[component.hidden]
source = "{wasm:echo}"
"#;
    let app = spawn(NO_ROOT, |_| {}).await;
    // One trailing slash is stripped from the route.
    assert_eq!(app.get("/public").await.status(), 200);
    assert_eq!(app.get("/hidden").await.status(), 404);
    assert_eq!(app.get("/").await.status(), 404);
    assert_eq!(app.get("/public/more").await.status(), 404);
    let m = app.metrics().await;
    assert!(!m.contains("component=\"hidden\""), "{m}");
    app.shutdown().await;
}

#[tokio::test]
async fn well_known_endpoints() {
    let app = spawn(APP, |_| {}).await;
    let r = app.get("/.well-known/spin/health").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "OK");
    let info: Value = app
        .get("/.well-known/spin/info")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "routing");
    assert_eq!(info["version"], "1.2.3");
    assert_eq!(app.get("/.well-known/spin/nope").await.status(), 404);
    app.shutdown().await;
}
