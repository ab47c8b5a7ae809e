//! `spin:sqlite`: real SQLite files, parameters, typed values, connection-level
//! state, access checks in Spin's order, and rows a user can see in the file.

use serde_json::{Value, json};
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "sqlite"
[[trigger.http]]
route = "/db/..."
component = "db"
[[trigger.http]]
route = "/other/..."
component = "other"
[component.db]
source = "{wasm:sqlite}"
sqlite_databases = ["default", "reports", "unconfigured"]
[component.other]
source = "{wasm:sqlite}"
sqlite_databases = []
"#;

async fn sql(app: &yingshang_e2e::TestApp, body: Value) -> Value {
    let r = app.post_json("/db/", &body).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn statements_parameters_values_and_rowids() {
    let app = spawn(APP, |_| {}).await;
    let v = sql(&app, json!({"sql": "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, note TEXT)"})).await;
    assert!(v.get("error").is_none(), "{v}");
    let v = sql(&app, json!({"sql": "INSERT INTO t (name, score, note) VALUES (?, ?, ?)", "params": ["李雷", 9.5, null]})).await;
    assert_eq!(v["last_insert_rowid"], 1, "{v}");
    assert_eq!(v["changes"], 1);
    sql(
        &app,
        json!({"sql": "INSERT INTO t (name, score) VALUES (?, ?)", "params": ["韩梅梅", 7]}),
    )
    .await;
    let v = sql(
        &app,
        json!({"sql": "UPDATE t SET score = score + 1", "params": []}),
    )
    .await;
    assert_eq!(v["changes"], 2);
    let v = sql(&app, json!({"sql": "SELECT id, name, score, note, x'0102' AS b FROM t WHERE id = ?", "params": [1]})).await;
    assert_eq!(v["columns"], json!(["id", "name", "score", "note", "b"]));
    assert_eq!(
        v["rows"],
        json!([[{"integer": 1}, {"text": "李雷"}, {"real": 10.5}, null, {"blob_len": 2}]])
    );
    let v = sql(&app, json!({"sql": "SELECT * FROM t WHERE id = 99"})).await;
    assert_eq!(v["rows"], json!([]));
    assert_eq!(
        v["columns"].as_array().unwrap().len(),
        5,
        "columns even without rows: {v}"
    );
    let v = sql(&app, json!({"sql": "SELEC nonsense"})).await;
    assert!(v["error"].as_str().unwrap().contains("Io"), "{v}");

    // What the user sees in the database file.
    let path = app.state.path().join("state/sqlite_db.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    pool.close().await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_transaction_spans_calls_on_one_connection() {
    let app = spawn(APP, |_| {}).await;
    sql(&app, json!({"sql": "CREATE TABLE acct (n INTEGER)"})).await;
    let v = sql(
        &app,
        json!({"batch": [
            {"sql": "BEGIN"},
            {"sql": "INSERT INTO acct VALUES (1)"},
            {"sql": "SELECT COUNT(*) FROM acct"},
            {"sql": "ROLLBACK"},
            {"sql": "SELECT COUNT(*) FROM acct"}
        ]}),
    )
    .await;
    assert_eq!(v[2]["rows"], json!([[{"integer": 1}]]), "{v}");
    assert_eq!(v[4]["rows"], json!([[{"integer": 0}]]), "{v}");
    app.shutdown().await;
}

/// Parameters bind by position, as Spin binds them: SQLite numbers a `$N` by its first
/// appearance, so in `SELECT $2, $1` the `$2` is the first parameter and gets the
/// first value. (A driver that reads N instead would answer the opposite.)
#[tokio::test]
async fn parameters_bind_by_position_as_on_spin() {
    let app = spawn(APP, |_| {}).await;
    let v = sql(
        &app,
        json!({"sql": "SELECT $2, $1, $2", "params": ["a", "b"]}),
    )
    .await;
    assert_eq!(
        v["rows"],
        json!([[{"text": "a"}, {"text": "b"}, {"text": "a"}]]),
        "{v}"
    );
    let v = sql(&app, json!({"sql": "SELECT $1, $2", "params": ["a", "b"]})).await;
    assert_eq!(v["rows"], json!([[{"text": "a"}, {"text": "b"}]]), "{v}");
    app.shutdown().await;
}

/// A guest that ends its request inside a transaction (here it never commits) must
/// not leave the pooled connection in that transaction: the next requests' writes
/// would join it and never be committed, and every other writer would wait on its
/// lock. What the abandoned transaction wrote is gone; what came after is in the file.
#[tokio::test]
async fn an_abandoned_transaction_is_rolled_back_and_does_not_leak() {
    let app = spawn(APP, |_| {}).await;
    sql(&app, json!({"sql": "CREATE TABLE acct (n INTEGER)"})).await;
    for round in 0..3 {
        let v = sql(
            &app,
            json!({"batch": [
                {"sql": "BEGIN IMMEDIATE"},
                {"sql": "INSERT INTO acct VALUES (?)", "params": [100 + round]}
            ]}),
        )
        .await;
        assert!(v[1].get("error").is_none(), "{v}");
        let v = sql(
            &app,
            json!({"sql": "INSERT INTO acct VALUES (?)", "params": [round]}),
        )
        .await;
        assert!(v.get("error").is_none(), "{v}");
    }
    // A separate connection to the file sees only the committed rows, and can write.
    let path = app.state.path().join("state/sqlite_db.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM acct ORDER BY n")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(rows, [0, 1, 2]);
    sqlx::query("INSERT INTO acct VALUES (9)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    app.shutdown().await;
}

/// Another program holding the file's write lock (here the test, through its own
/// connection) makes a guest's write wait for it, as a busy timeout does on Spin,
/// not fail: the write lands once the lock is released, after the other's.
#[tokio::test]
async fn a_write_waits_for_a_lock_held_outside_the_gateway() {
    let app = spawn(APP, |_| {}).await;
    sql(&app, json!({"sql": "CREATE TABLE acct (n INTEGER)"})).await;
    let path = app.state.path().join("state/sqlite_db.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut other = pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *other)
        .await
        .unwrap();
    sqlx::query("INSERT INTO acct VALUES (1)")
        .execute(&mut *other)
        .await
        .unwrap();
    let body = json!({"sql": "INSERT INTO acct VALUES (?)", "params": [2]});
    let guest = tokio::spawn({
        let url = format!("{}/db/", app.base);
        let client = app.client.clone();
        async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(
        !guest.is_finished(),
        "the guest's write did not wait for the lock"
    );
    sqlx::query("COMMIT").execute(&mut *other).await.unwrap();
    let v = guest.await.unwrap();
    assert!(v.get("error").is_none(), "{v}");
    assert_eq!(v["changes"], 1, "{v}");
    let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM acct ORDER BY rowid")
        .fetch_all(&mut *other)
        .await
        .unwrap();
    assert_eq!(rows, [1, 2]);
    drop(other);
    pool.close().await;
    app.shutdown().await;
}

/// A statement long enough to be moved off the request threads (it is remembered
/// as slow after its first run) answers the same there, inside a transaction too.
#[tokio::test]
async fn a_slow_statement_answers_the_same_on_every_run() {
    let app = spawn(APP, |_| {}).await;
    sql(&app, json!({"sql": "CREATE TABLE big (n INTEGER)"})).await;
    let count = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) \
                 SELECT count(*), sum(x) FROM c";
    for _ in 0..3 {
        let v = sql(&app, json!({"sql": count, "params": [300000]})).await;
        assert_eq!(
            v["rows"],
            json!([[{"integer": 300000}, {"integer": 45000150000_i64}]]),
            "{v}"
        );
    }
    let fill = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) \
                INSERT INTO big SELECT x FROM c";
    for round in 1..=2 {
        let v = sql(
            &app,
            json!({"batch": [
                {"sql": "BEGIN IMMEDIATE"},
                {"sql": fill, "params": [100000]},
                {"sql": "SELECT count(*) FROM big"},
                {"sql": "COMMIT"}
            ]}),
        )
        .await;
        assert_eq!(v[1]["changes"], 100000, "{v}");
        assert_eq!(v[2]["rows"], json!([[{"integer": round * 100000}]]), "{v}");
    }
    app.shutdown().await;
}

/// Writes outside a transaction and `BEGIN IMMEDIATE` transactions run on the
/// file's writer connection, the rest on the guest's own; the guest still sees one
/// connection: `last_insert_rowid` and `changes` are its own (not those another
/// guest left on the writer), reads see its writes, and a temporary table made
/// inside a transaction is still there after it.
#[tokio::test]
async fn a_guest_sees_one_connection_whichever_runs_its_statements() {
    let app = spawn(APP, |_| {}).await;
    sql(&app, json!({"sql": "CREATE TABLE a (x INTEGER)"})).await;
    sql(&app, json!({"sql": "CREATE TABLE b (x INTEGER)"})).await;
    // Another guest leaves last-insert-rowid 100 on the writer connection.
    let v = sql(
        &app,
        json!({"sql": "INSERT INTO b (rowid, x) VALUES (100, 0)"}),
    )
    .await;
    assert_eq!(v["last_insert_rowid"], 100, "{v}");
    let v = sql(
        &app,
        json!({"batch": [
            {"sql": "SELECT count(*) FROM a"},
            {"sql": "UPDATE a SET x = x WHERE 0"},
            {"sql": "INSERT INTO a VALUES (1)"},
            {"sql": "INSERT INTO b (x) VALUES (1), (2), (3)"},
            {"sql": "SELECT count(*) FROM a"},
            {"sql": "BEGIN"},
            {"sql": "INSERT INTO a SELECT x FROM a WHERE 0"},
            {"sql": "COMMIT"},
            {"sql": "BEGIN IMMEDIATE"},
            {"sql": "UPDATE a SET x = x WHERE 0"},
            {"sql": "SELECT last_insert_rowid()"},
            {"sql": "CREATE TEMP TABLE t (y)"},
            {"sql": "INSERT INTO t VALUES (5)"},
            {"sql": "COMMIT"},
            {"sql": "SELECT y FROM t"},
            {"sql": "SELECT count(*) FROM a"}
        ]}),
    )
    .await;
    let at = |i: usize| (v[i]["last_insert_rowid"].clone(), v[i]["changes"].clone());
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("error").is_none()),
        "{v}"
    );
    // A new connection: nothing inserted, nothing changed yet.
    assert_eq!(at(0), (json!(0), json!(0)), "{v}");
    assert_eq!(at(1), (json!(0), json!(0)), "{v}");
    assert_eq!(at(2), (json!(1), json!(1)), "{v}");
    assert_eq!(at(3), (json!(103), json!(3)), "{v}");
    // Reads see the writes; a read changes neither.
    assert_eq!(v[4]["rows"], json!([[{"integer": 1}]]), "{v}");
    assert_eq!(at(4), (json!(103), json!(3)), "{v}");
    // Inside a plain BEGIN (the guest's own connection): an insert of no rows.
    assert_eq!(at(6), (json!(103), json!(0)), "{v}");
    // Inside BEGIN IMMEDIATE (the writer connection).
    assert_eq!(at(9), (json!(103), json!(0)), "{v}");
    assert_eq!(v[10]["rows"], json!([[{"integer": 103}]]), "{v}");
    assert_eq!(at(12), (json!(1), json!(1)), "{v}");
    // The temporary table outlives the transaction it was made in.
    assert_eq!(v[14]["rows"], json!([[{"integer": 5}]]), "{v}");
    assert_eq!(v[15]["rows"], json!([[{"integer": 1}]]), "{v}");
    app.shutdown().await;
}

#[tokio::test]
async fn access_denied_before_no_such_database() {
    let rc_dir = tempfile::tempdir().unwrap();
    let rc = rc_dir.path().join("runtime-config.toml");
    std::fs::write(
        &rc,
        "[sqlite_database.reports]\ntype = \"spin\"\npath = \"reports.db\"\n",
    )
    .unwrap();
    let rc_path = rc.clone();
    let app = spawn(APP, move |o| o.runtime_config_file = Some(rc_path)).await;
    // Listed and configured in the runtime config.
    let v = sql(&app, json!({"db": "reports", "sql": "CREATE TABLE r (x)"})).await;
    assert!(
        v.get("error").is_none() && v.get("open_error").is_none(),
        "{v}"
    );
    assert!(rc_dir.path().join("reports.db").exists());
    // Listed, but no database behind the label.
    let v = sql(&app, json!({"db": "unconfigured", "sql": "SELECT 1"})).await;
    assert_eq!(v["open_error"], "Error::NoSuchDatabase");
    // Not listed: access-denied, whether or not it exists.
    let r = app
        .post_json("/other/", &json!({"db": "default", "sql": "SELECT 1"}))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["open_error"],
        "Error::AccessDenied"
    );
    let r = app
        .post_json("/other/", &json!({"db": "nowhere", "sql": "SELECT 1"}))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["open_error"],
        "Error::AccessDenied"
    );
    app.shutdown().await;
}
