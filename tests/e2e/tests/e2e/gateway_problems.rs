//! What the gateway answers itself — a trap's 500, a timeout's 504, an unrouted 404 —
//! is the problem+json a function answers: the core's `Problem`, in the language
//! the core negotiates from `Accept-Language`, the same language a function picks.

use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use yingshang_core::problem::Problem;
use yingshang_e2e::{TestApp, spawn};

/// English is the only language both sides offer, though not the first one asked.
const FRENCH_THEN_ENGLISH: &str = "fr, en;q=0.8";

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "gateway-problems"
[variables]
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "yingshang-e2e" }
object_store_access_key_id = { default = "" }
object_store_secret_access_key = { default = "", secret = true }
object_store_path_style = { default = "true" }
[[trigger.http]]
route = "/trap/..."
component = "trap"
[[trigger.http]]
route = "/slow/..."
component = "slow"
[[trigger.http]]
route = "/storage/..."
component = "storage"
[component.trap]
source = "{wasm:trap}"
[component.slow]
source = "{wasm:slow}"
[component.storage]
source = "{wasm:storage}"
allowed_outbound_hosts = ["{{ object_store_endpoint }}"]
key_value_stores = ["default"]
[component.storage.variables]
object_store_endpoint = "{{ object_store_endpoint }}"
object_store_region = "{{ object_store_region }}"
object_store_bucket = "{{ object_store_bucket }}"
object_store_access_key_id = "{{ object_store_access_key_id }}"
object_store_secret_access_key = "{{ object_store_secret_access_key }}"
object_store_path_style = "{{ object_store_path_style }}"
"#;

async fn get(app: &TestApp, path: &str, accept_language: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(v) = accept_language {
        req = req.header("accept-language", v);
    }
    req.send().await.unwrap()
}

/// Checks status, media type and request id of a problem answer, and that its body
/// is exactly the core's `Problem` (no field more, none of another shape).
async fn problem(r: reqwest::Response, status: u16, code: &str) -> (Value, Problem) {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let v: Value = r.json().await.unwrap();
    let p: Problem = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(serde_json::to_value(&p).unwrap(), v, "the core's shape");
    assert_eq!(p.status, status);
    assert_eq!(p.code, code);
    assert_eq!(
        p.type_uri,
        yingshang_core::problem::type_uri(code),
        "the core's type URI"
    );
    if code.starts_with("GATEWAY_") {
        assert_eq!(
            p.instance.as_deref(),
            Some(id.as_str()),
            "names the request"
        );
    }
    (v, p)
}

fn fields(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn a_trap_and_a_timeout_speak_the_language_a_function_speaks() {
    let app = spawn(APP, |o| o.request_timeout = Duration::from_millis(400)).await;
    let lang = Some(FRENCH_THEN_ENGLISH);

    // A function answers English to this header...
    let r = get(&app, "/storage/objects/a%2F..%2Fb", lang).await;
    let (function, p) = problem(r, 400, "STORAGE_KEY_INVALID").await;
    assert_eq!(p.title, "Invalid object key");

    // ...and so does the gateway, with the same body.
    let r = get(&app, "/trap/panic", lang).await;
    assert_eq!(r.headers()["content-language"], "en");
    let (trap, p) = problem(r, 500, "GATEWAY_COMPONENT_FAILED").await;
    assert_eq!(p.title, "Internal error");
    assert!(p.detail.is_ascii(), "{}", p.detail);
    let mut expected = fields(&function);
    expected.insert("instance".to_owned());
    assert_eq!(fields(&trap), expected);
    assert_eq!(
        fields(&trap),
        ["type", "title", "status", "detail", "code", "instance"]
            .map(str::to_owned)
            .into()
    );

    let r = get(&app, "/slow/sleep?ms=5000", lang).await;
    assert_eq!(r.headers()["content-language"], "en");
    let (_, p) = problem(r, 504, "GATEWAY_TIMEOUT").await;
    assert_eq!(p.title, "Request timed out");

    // Without English on offer, both stay in Chinese.
    let (_, p) = problem(
        get(&app, "/trap/panic", Some("fr")).await,
        500,
        "GATEWAY_COMPONENT_FAILED",
    )
    .await;
    assert_eq!(p.title, "服务内部错误");
    assert_eq!(
        get(&app, "/trap/fine", None).await.text().await.unwrap(),
        "ok"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_unrouted_path_is_a_404_problem() {
    const NO_CATCH_ALL: &str = r#"
spin_manifest_version = 2
[application]
name = "unrouted"
[[trigger.http]]
route = "/hello"
component = "hello"
[component.hello]
source = "{wasm:echo}"
"#;
    let app = spawn(NO_CATCH_ALL, |_| {}).await;
    for path in ["/no/such/route", "/hello/more", "/.well-known/spin/nope"] {
        let r = get(&app, path, None).await;
        assert_eq!(r.headers()["content-language"], "zh-CN");
        let (_, p) = problem(r, 404, "GATEWAY_ROUTE_NOT_FOUND").await;
        assert_eq!(p.title, "未找到", "{path}");
        let r = get(&app, path, Some("en")).await;
        assert_eq!(r.headers()["content-language"], "en");
        let (_, p) = problem(r, 404, "GATEWAY_ROUTE_NOT_FOUND").await;
        assert_eq!(p.title, "Not found", "{path}");
        assert!(p.detail.is_ascii());
    }
    let (_, p) = problem(
        get(&app, "/no/such/route", Some(FRENCH_THEN_ENGLISH)).await,
        404,
        "GATEWAY_ROUTE_NOT_FOUND",
    )
    .await;
    assert_eq!(p.title, "Not found");
    // The routed path still answers, and the admin listener's 404 is a problem too.
    assert_eq!(get(&app, "/hello", None).await.status(), 200);
    let r = app
        .client
        .get(format!("{}/nope", app.admin))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    app.shutdown().await;
}
