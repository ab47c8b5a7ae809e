//! `spin:key-value` on SQLite: set, get, exists, delete, keys, and the errors.

use serde_json::{Value, json};
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "kv"
[[trigger.http]]
route = "/kv/..."
component = "kv"
[component.kv]
source = "{wasm:key-value}"
key_value_stores = ["default", "missing"]
"#;

async fn kv(app: &yingshang_e2e::TestApp, body: Value) -> Value {
    app.post_json("/kv/", &body).await.json().await.unwrap()
}

#[tokio::test]
async fn store_semantics() {
    let app = spawn(APP, |_| {}).await;
    assert_eq!(
        kv(&app, json!({"op": "get", "key": "a"})).await["value"],
        Value::Null
    );
    assert_eq!(
        kv(&app, json!({"op": "exists", "key": "a"})).await["exists"],
        false
    );
    kv(&app, json!({"op": "set", "key": "b", "value": "2"})).await;
    kv(&app, json!({"op": "set", "key": "a", "value": "1"})).await;
    kv(&app, json!({"op": "set", "key": "a", "value": "一"})).await;
    assert_eq!(
        kv(&app, json!({"op": "get", "key": "a"})).await["value"],
        "一"
    );
    assert_eq!(
        kv(&app, json!({"op": "exists", "key": "a"})).await["exists"],
        true
    );
    assert_eq!(
        kv(&app, json!({"op": "keys"})).await["keys"],
        json!(["a", "b"])
    );
    kv(&app, json!({"op": "delete", "key": "a"})).await;
    kv(&app, json!({"op": "delete", "key": "never-there"})).await;
    assert_eq!(kv(&app, json!({"op": "keys"})).await["keys"], json!(["b"]));
    app.shutdown().await;
}

#[tokio::test]
async fn unlisted_and_unconfigured_stores() {
    let app = spawn(APP, |_| {}).await;
    assert_eq!(
        kv(&app, json!({"store": "secret", "op": "get", "key": "a"})).await["open_error"],
        "Error::AccessDenied"
    );
    assert_eq!(
        kv(&app, json!({"store": "missing", "op": "get", "key": "a"})).await["open_error"],
        "Error::NoSuchStore"
    );
    app.shutdown().await;
}
