//! The PostgreSQL migrations as `yingshang migrate` applies them, on a real server:
//! the whole set once, nothing the second time, a changed file refused, a failing
//! file leaving nothing of itself behind, and two runs at once applying each file once.

use yingshang_e2e::postgres;
use yingshang_gateway::migrations::apply_postgres;

/// A copy of the project's PostgreSQL migrations, to edit without touching them.
fn copy_of_migrations() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(yingshang_e2e::postgres_migrations_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

async fn scalar(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn migrations_apply_once_refuse_edits_and_leave_nothing_half_done() {
    let url = postgres::cluster().fresh_database();
    let dir = copy_of_migrations();
    let count = std::fs::read_dir(dir.path()).unwrap().count();

    let applied = apply_postgres(&url, dir.path()).await.unwrap();
    assert_eq!(applied.len(), count);
    let mut sorted = applied.clone();
    sorted.sort();
    assert_eq!(applied, sorted, "applied in file-name order");
    assert!(apply_postgres(&url, dir.path()).await.unwrap().is_empty());
    assert_eq!(
        scalar(&url, "SELECT COUNT(*) FROM _yingshang_migrations").await,
        count as i64
    );

    // A new file that fails half-way leaves neither its first statement nor a record.
    std::fs::write(
        dir.path().join("9990_bad.sql"),
        "CREATE TABLE half_done (x BIGINT); INSERT INTO no_such_table VALUES (1);",
    )
    .unwrap();
    let err = apply_postgres(&url, dir.path()).await.unwrap_err();
    assert!(format!("{err:#}").contains("9990_bad.sql"), "{err:#}");
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half_done'"
        )
        .await,
        0
    );
    std::fs::remove_file(dir.path().join("9990_bad.sql")).unwrap();

    // An applied file edited afterwards is refused by name.
    let first = sorted[0].clone();
    let path = dir.path().join(&first);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n-- edited\n");
    std::fs::write(&path, text).unwrap();
    let err = apply_postgres(&url, dir.path()).await.unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains(&first) && err.contains("changed after it was applied"),
        "{err}"
    );
}

#[tokio::test]
async fn two_migrations_at_once_apply_each_file_once() {
    let url = postgres::cluster().fresh_database();
    let dir = copy_of_migrations();
    let (a, b) = tokio::join!(
        apply_postgres(&url, dir.path()),
        apply_postgres(&url, dir.path())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let count = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(a.len() + b.len(), count, "{a:?} {b:?}");
    assert!(
        a.is_empty() || b.is_empty(),
        "one run applied all: {a:?} {b:?}"
    );
}
