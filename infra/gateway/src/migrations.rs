//! Applies the application's SQL migrations, each file once, in file-name order,
//! each inside a transaction, recorded in `_yingshang_migrations` (name, SHA-256,
//! time applied). A file that fails stops the run and leaves nothing of itself
//! behind; a file changed after it was applied is refused. Two sets, one schema:
//! `infra/migrations/sqlite` for the `default` SQLite database (at start-up) and
//! `infra/migrations/postgres` for a PostgreSQL server (at start-up when
//! `database_url` names one, and by `yingshang migrate`).

use anyhow::Context as _;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _yingshang_migrations (
    name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";
const APPLIED: &str = "SELECT checksum FROM _yingshang_migrations WHERE name = $1";
const RECORD: &str =
    "INSERT INTO _yingshang_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)";
/// Held while migrating a PostgreSQL database, so that gateways starting together
/// apply each file once.
const LOCK: &str = "SELECT pg_advisory_lock(7224)";
const UNLOCK: &str = "SELECT pg_advisory_unlock(7224)";

/// One migration file: its name, its text and the text's SHA-256.
struct File {
    name: String,
    path: PathBuf,
    sql: String,
    checksum: String,
}

fn files(dir: &Path) -> anyhow::Result<Vec<File>> {
    use sha2::Digest as _;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("while reading migrations from {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let sql = std::fs::read_to_string(&path)
                .with_context(|| format!("while reading {}", path.display()))?;
            Ok(File {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                checksum: hex::encode(sha2::Sha256::digest(sql.as_bytes())),
                path,
                sql,
            })
        })
        .collect()
}

/// Whether `file` is still to be applied, given the checksum recorded for it.
fn pending(file: &File, recorded: Option<String>) -> anyhow::Result<bool> {
    match recorded {
        Some(c) if c == file.checksum => Ok(false),
        Some(_) => anyhow::bail!(
            "migration {} was changed after it was applied; add a new migration instead",
            file.path.display()
        ),
        None => Ok(true),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Applies every `*.sql` in `dir` not applied before to a SQLite database. Returns
/// the names applied now.
pub async fn apply(pool: &SqlitePool, dir: &Path) -> anyhow::Result<Vec<String>> {
    sqlx::query(CREATE).execute(pool).await?;
    let mut applied = Vec::new();
    for file in files(dir)? {
        let recorded: Option<String> = sqlx::query_scalar(APPLIED)
            .bind(&file.name)
            .fetch_optional(pool)
            .await?;
        if !pending(&file, recorded)? {
            continue;
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(&file.sql)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("while applying migration {}", file.path.display()))?;
        sqlx::query(RECORD)
            .bind(&file.name)
            .bind(&file.checksum)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(migration = %file.name, "applied");
        applied.push(file.name);
    }
    Ok(applied)
}

/// Applies every `*.sql` in `dir` not applied before to the PostgreSQL database at
/// `url`. Returns the names applied now.
pub async fn apply_postgres(url: &str, dir: &Path) -> anyhow::Result<Vec<String>> {
    let files = files(dir)?;
    let mut client = crate::host::postgres::connect_native(url).await?;
    client.batch_execute(LOCK).await?;
    let result = async {
        client.batch_execute(CREATE).await?;
        let mut applied = Vec::new();
        for file in files {
            let recorded: Option<String> = client
                .query_opt(APPLIED, &[&file.name])
                .await?
                .map(|row| row.get(0));
            if !pending(&file, recorded)? {
                continue;
            }
            let tx = client.transaction().await?;
            tx.batch_execute(&file.sql)
                .await
                .with_context(|| format!("while applying migration {}", file.path.display()))?;
            tx.execute(RECORD, &[&file.name, &file.checksum, &now_ms()])
                .await?;
            tx.commit().await?;
            tracing::info!(migration = %file.name, "applied");
            applied.push(file.name);
        }
        Ok::<_, anyhow::Error>(applied)
    }
    .await;
    let _ = client.batch_execute(UNLOCK).await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn applies_once_in_order_and_refuses_edits() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite");
        let pool = crate::databases::open_pool(&db, 2).await.unwrap();
        let m = dir.path().join("m");
        std::fs::create_dir(&m).unwrap();
        std::fs::write(m.join("0002_b.sql"), "INSERT INTO a VALUES (2);").unwrap();
        std::fs::write(
            m.join("0001_a.sql"),
            "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);",
        )
        .unwrap();
        assert_eq!(
            apply(&pool, &m).await.unwrap(),
            vec!["0001_a.sql", "0002_b.sql"]
        );
        assert!(apply(&pool, &m).await.unwrap().is_empty());
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM a")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
        std::fs::write(
            m.join("0003_bad.sql"),
            "INSERT INTO a VALUES (3); INSERT INTO nope VALUES (1);",
        )
        .unwrap();
        assert!(apply(&pool, &m).await.is_err());
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM a")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 2, "a failed migration leaves nothing behind");
        std::fs::write(m.join("0001_a.sql"), "CREATE TABLE a (y INTEGER);").unwrap();
        std::fs::remove_file(m.join("0003_bad.sql")).unwrap();
        assert!(
            apply(&pool, &m)
                .await
                .unwrap_err()
                .to_string()
                .contains("changed after it was applied")
        );
    }
}
