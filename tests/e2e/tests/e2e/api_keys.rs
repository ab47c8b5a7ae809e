//! Agency API keys as an operator manages them with `yingshang keys`: created with
//! scopes (only the hash stored), last use recorded, revocation effective at once — in
//! the state folder's SQLite database, and (in `e2e_postgres`) in the PostgreSQL
//! database the application's `database_url` names (`keys --database-url`).

use yingshang_e2e::{default_db, spawn};
use yingshang_gateway::keys::{self, KeyStore};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "keys-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
generated_secrets = ["auth_jwt_secret", "bootstrap_api_key"]
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
[[trigger.http]]
route = "/api/valuation/..."
component = "valuation"
[component.valuation]
source = "{function:valuation}"
sqlite_databases = ["default"]
variables = { auth_jwt_secret = "{{ auth_jwt_secret }}", bootstrap_api_key = "{{ bootstrap_api_key }}" }
[[component.valuation.tool.yingshang.schedule]]
name = "demo-data"
path = "/api/valuation/demo-data"
on_start = true
credential = "bootstrap_api_key"
"#;

#[tokio::test]
async fn created_keys_work_by_scope_record_use_and_stop_when_revoked() {
    let app = spawn(APP, |_| {}).await;
    let db = default_db(&app).await;
    let store = KeyStore::open(app.database_url.as_deref(), &app.state.path().join("state"))
        .await
        .unwrap();
    // The on-start schedule loads the demo register; wait for it.
    let mut unit: Option<String> = None;
    for _ in 0..200 {
        unit = sqlx::query_scalar("SELECT unit_code FROM dwellings ORDER BY unit_code LIMIT 1")
            .fetch_optional(&db)
            .await
            .unwrap();
        if unit.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let unit = unit.expect("the demo register was loaded at start-up");
    let path = format!("{}/api/valuation/units/{unit}", app.base);

    let reader = keys::create(&store, "ly-registry", &["valuation:read".into()], Some(30))
        .await
        .unwrap();
    let importer = keys::create(&store, "ly-registry", &["valuation:import".into()], None)
        .await
        .unwrap();
    let rows = keys::list(&store).await.unwrap();
    assert_eq!(rows.len(), 2);
    let stored: Vec<String> = sqlx::query_scalar("SELECT hash FROM api_keys")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| !h.contains(&reader) && h.len() == 64),
        "only hashes are stored"
    );

    let r = app
        .client
        .get(&path)
        .header("x-api-key", &reader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .client
        .get(&path)
        .bearer_auth(&importer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a key without valuation:read");

    let reader_id = reader.split('_').nth(1).unwrap().to_owned();
    let used: Option<i64> =
        sqlx::query_scalar("SELECT last_used_at FROM api_keys WHERE key_id = $1")
            .bind(&reader_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(used.is_some(), "last use recorded");

    assert!(keys::revoke(&store, &reader_id).await.unwrap());
    assert!(
        !keys::revoke(&store, &reader_id).await.unwrap(),
        "already revoked"
    );
    let r = app
        .client
        .get(&path)
        .header("x-api-key", &reader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], 401);
    assert!(v["code"].as_str().unwrap().contains("REVOKED"), "{v}");

    assert!(
        keys::create(&store, "ly-registry", &["not a scope".into()], None)
            .await
            .is_err()
    );
    db.close().await;
    store.close().await;
    app.shutdown().await;
}
