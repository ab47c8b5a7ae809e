//! The PostgreSQL migrations as `yingshang migrate` applies them, on a real server:
//! the whole set once, nothing the second time, a changed file refused, a failing
//! file leaving nothing of itself behind, two runs at once applying each file once, and
//! the data a migration carries over (re-assessment runs into lanes, the dwellings
//! assessed).

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

/// Moves the migrations named `from` and after out of `dir` (into the returned folder),
/// to apply the set as it stood before them; [`put_back`] returns them.
fn hold_back(dir: &std::path::Path, from: &str) -> (tempfile::TempDir, Vec<String>) {
    let held = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.as_str() >= from)
        .collect();
    names.sort();
    assert!(names[0].starts_with(from), "{from}: {names:?}");
    for n in &names {
        std::fs::rename(dir.join(n), held.path().join(n)).unwrap();
    }
    (held, names)
}

fn put_back(dir: &std::path::Path, held: &tempfile::TempDir, names: &[String]) {
    for n in names {
        std::fs::rename(held.path().join(n), dir.join(n)).unwrap();
    }
}

async fn pool_of(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let pool = pool_of(url).await;
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

#[tokio::test]
async fn runs_under_way_before_lanes_go_on_as_runs_of_one_lane() {
    let url = postgres::cluster().fresh_database();
    let dir = copy_of_migrations();
    let (held, names) = hold_back(dir.path(), "0015_");
    apply_postgres(&url, dir.path()).await.unwrap();

    // One run half done, one finished, as 0014 left them.
    let pool = pool_of(&url).await;
    for (id, status, last, processed) in [
        (
            "01J0000000000000000000RUN1",
            "running",
            "410302001001GB00001F00010101",
            10,
        ),
        (
            "01J0000000000000000000RUN2",
            "finished",
            "410311009009GB00001F00020202",
            20,
        ),
    ] {
        sqlx::query(
            "INSERT INTO reassessment_runs (id, city_code, unit_prefix, assessed_on, \
             table_version, status, last_unit, total, created_by, created_at, updated_at, \
             finished_at, processed, failed) \
             VALUES ($1, '410300', '4103', '2025-06-30', 'v1', $2, $3, 20, 'key:x', 1, 2, \
             NULL, $4, 0)",
        )
        .bind(id)
        .bind(status)
        .bind(last)
        .bind(processed)
        .execute(&pool)
        .await
        .unwrap();
    }

    put_back(dir.path(), &held, &names);
    let applied = apply_postgres(&url, dir.path()).await.unwrap();
    assert_eq!(applied, names);
    let rows: Vec<(String, i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT run_id, lane, through_unit, last_unit, status FROM reassessment_lanes \
         ORDER BY run_id, lane",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    // Each is one lane to the end of its city, its cursor and status where they stood.
    assert_eq!(
        rows,
        [
            (
                "01J0000000000000000000RUN1".to_owned(),
                0,
                None,
                "410302001001GB00001F00010101".to_owned(),
                "running".to_owned()
            ),
            (
                "01J0000000000000000000RUN2".to_owned(),
                0,
                None,
                "410311009009GB00001F00020202".to_owned(),
                "finished".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn dwellings_assessed_before_0016_are_counted_once_and_the_unit_index_goes() {
    let url = postgres::cluster().fresh_database();
    let dir = copy_of_migrations();
    let (held, names) = hold_back(dir.path(), "0016_");
    apply_postgres(&url, dir.path()).await.unwrap();

    // Two runs' results as 0015 left them: A assessed by both, B failed in run 1,
    // C assessed by run 2 only, D failed in both.
    let pool = pool_of(&url).await;
    for (run, unit, error) in [
        ("RUN1", "A", None),
        ("RUN1", "B", Some("VAL_NO_BASE_PRICE")),
        ("RUN1", "D", Some("VAL_NO_BASE_PRICE")),
        ("RUN2", "A", None),
        ("RUN2", "C", None),
        ("RUN2", "D", Some("VAL_NO_BASE_PRICE")),
    ] {
        sqlx::query(
            "INSERT INTO assessments (run_id, unit_code, assessed_on, table_version, \
             error_code, computed_at) VALUES ($1, $2, '2025-06-30', 'v1', $3, 1)",
        )
        .bind(run)
        .bind(format!("41030200100{unit}"))
        .bind(error)
        .execute(&pool)
        .await
        .unwrap();
    }

    put_back(dir.path(), &held, &names);
    let applied = apply_postgres(&url, dir.path()).await.unwrap();
    assert_eq!(applied, names);
    let units: Vec<String> =
        sqlx::query_scalar("SELECT unit_code FROM assessed_dwellings ORDER BY unit_code")
            .fetch_all(&pool)
            .await
            .unwrap();
    let indexes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'assessments_unit'")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!(units, ["41030200100A", "41030200100C"]);
    assert_eq!(indexes, 0);
}
