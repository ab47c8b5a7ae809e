//! Applies the application's SQL migrations to the `default` database at start-up,
//! each file once, in file-name order, each inside a transaction, recorded in
//! `_yingshang_migrations`. A file that fails stops start-up and leaves nothing of
//! itself behind.

use anyhow::Context as _;
use sqlx::SqlitePool;
use std::path::Path;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _yingshang_migrations (
    name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)";
const APPLIED: &str = "SELECT checksum FROM _yingshang_migrations WHERE name = $1";
const RECORD: &str =
    "INSERT INTO _yingshang_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)";

/// Applies every `*.sql` in `dir` not applied before. Returns the names applied now.
pub async fn apply(pool: &SqlitePool, dir: &Path) -> anyhow::Result<Vec<String>> {
    use sha2::Digest as _;
    sqlx::query(CREATE).execute(pool).await?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("while reading migrations from {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut applied = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sql = std::fs::read_to_string(&file)
            .with_context(|| format!("while reading {}", file.display()))?;
        let checksum = hex::encode(sha2::Sha256::digest(sql.as_bytes()));
        let done: Option<String> = sqlx::query_scalar(APPLIED)
            .bind(&name)
            .fetch_optional(pool)
            .await?;
        match done {
            Some(c) if c == checksum => continue,
            Some(_) => anyhow::bail!(
                "migration {} was changed after it was applied; add a new migration instead",
                file.display()
            ),
            None => {}
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(&sql)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("while applying migration {}", file.display()))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        sqlx::query(RECORD)
            .bind(&name)
            .bind(&checksum)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(migration = %name, "applied");
        applied.push(name);
    }
    Ok(applied)
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
