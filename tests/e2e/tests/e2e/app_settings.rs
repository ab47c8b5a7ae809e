//! `[application.tool.yingshang]`: migrations applied at start-up and development
//! secrets generated once per state folder.

use serde_json::{Value, json};
use yingshang_e2e::{spawn, try_spawn};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "settings"
[application.tool.yingshang]
migrations = "migrations"
generated_secrets = ["auth_jwt_secret", "bootstrap_api_key"]
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
[[trigger.http]]
route = "/db/..."
component = "db"
[[trigger.http]]
route = "/vars/..."
component = "vars"
[component.db]
source = "{wasm:sqlite}"
sqlite_databases = ["default"]
[component.vars]
source = "{wasm:variables}"
variables = { jwt = "{{ auth_jwt_secret }}", key = "{{ bootstrap_api_key }}" }
"#;

fn write_migrations(dir: &std::path::Path) {
    let m = dir.join("migrations");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("0001_people.sql"),
        "CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL);",
    )
    .unwrap();
    std::fs::write(
        m.join("0002_seed.sql"),
        "INSERT INTO people VALUES ('p1', '王芳');",
    )
    .unwrap();
}

#[tokio::test]
async fn migrations_run_once_and_secrets_are_generated_and_kept() {
    // A missing migrations folder stops start-up, naming it.
    let probe = try_spawn(APP, |_| {}).await;
    assert!(
        probe.is_err(),
        "no migrations folder yet: start-up must fail"
    );
    let msg = format!("{:#}", probe.err().unwrap());
    assert!(msg.contains("migrations"), "{msg}");

    let state = tempfile::tempdir().unwrap();
    let state_path = state.path().to_path_buf();
    let manifest_dir = tempfile::tempdir().unwrap();
    write_migrations(manifest_dir.path());
    let manifest_path = manifest_dir.path().join("spin.toml");
    std::fs::write(&manifest_path, yingshang_e2e::with_wasm_paths(APP)).unwrap();

    let (mp, sp) = (manifest_path.clone(), state_path.clone());
    let app = spawn(APP, move |o| {
        o.manifest = mp;
        o.state_dir = sp;
    })
    .await;
    let v: Value = app
        .post_json("/db/", &json!({"sql": "SELECT name FROM people"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["rows"], json!([[{"text": "王芳"}]]), "{v}");
    let jwt: Value = app.get("/vars/jwt").await.json().await.unwrap();
    let key: Value = app.get("/vars/key").await.json().await.unwrap();
    assert!(jwt["value"].as_str().unwrap().len() >= 64);
    assert!(key["value"].as_str().unwrap().starts_with("ysk_"));
    app.shutdown().await;

    // Again on the same state folder: migrations are not re-applied (the seed row
    // would collide on its primary key) and the secrets are the same.
    let (mp, sp) = (manifest_path.clone(), state_path.clone());
    let again = spawn(APP, move |o| {
        o.manifest = mp;
        o.state_dir = sp;
    })
    .await;
    let key2: Value = again.get("/vars/key").await.json().await.unwrap();
    assert_eq!(key, key2);
    again.shutdown().await;
}

#[tokio::test]
async fn compiled_code_is_cached_in_the_state_folder() {
    const ECHO: &str = r#"
spin_manifest_version = 2
[application]
name = "cache"
[[trigger.http]]
route = "/..."
component = "echo"
[component.echo]
source = "{wasm:echo}"
"#;
    let state = tempfile::tempdir().unwrap();
    let sp = state.path().to_path_buf();
    let app = spawn(ECHO, move |o| {
        o.cache = true;
        o.state_dir = sp;
    })
    .await;
    assert_eq!(app.get("/").await.status(), 200);
    app.shutdown().await;
    let cached = walk(&state.path().join("compiled"));
    assert!(cached > 0, "the compiled component is in the cache folder");
    // A second start on the same folder serves from the cache without adding to it.
    let sp = state.path().to_path_buf();
    let again = spawn(ECHO, move |o| {
        o.cache = true;
        o.state_dir = sp;
    })
    .await;
    assert_eq!(again.get("/").await.status(), 200);
    again.shutdown().await;
    assert_eq!(walk(&state.path().join("compiled")), cached);
}

/// Files under `dir`, recursively.
fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
