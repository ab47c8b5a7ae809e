//! SQLite through sqlx pools: the files behind `spin:key-value`, and the `default`
//! database for migrations at start-up and the `keys` command. Opened in WAL mode
//! with a busy timeout, so that concurrent requests wait for a lock instead of
//! failing. (`spin:sqlite` itself runs on [`crate::sqlite_files`].)

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// How long a statement waits for another writer before `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opened pools by label.
#[derive(Debug, Clone, Default)]
pub struct Databases {
    pools: BTreeMap<String, SqlitePool>,
}

/// Opens (creating if needed) one SQLite file as a pool.
pub async fn open_pool(path: &Path, max_connections: u32) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("while creating {}: {e}", dir.display()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(BUSY_TIMEOUT)
        .statement_cache_capacity(256);
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        // A local file does not go stale as a network connection can, and sqlx's
        // check (a ping) costs every guest `open` a round trip to the connection's
        // thread.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .idle_timeout(None)
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("while opening SQLite database {}: {e}", path.display()))
}

impl Databases {
    /// Opens the given labels' files.
    pub async fn open(
        paths: &BTreeMap<String, std::path::PathBuf>,
        labels: impl IntoIterator<Item = String>,
        max_connections: u32,
    ) -> anyhow::Result<Databases> {
        let mut pools = BTreeMap::new();
        for label in labels {
            if pools.contains_key(&label) {
                continue;
            }
            if let Some(path) = paths.get(&label) {
                pools.insert(label, open_pool(path, max_connections).await?);
            }
        }
        Ok(Databases { pools })
    }

    /// The pool for a label, if the label is configured.
    pub fn get(&self, label: &str) -> Option<&SqlitePool> {
        self.pools.get(label)
    }

    /// Closes every pool (at shutdown, so WAL files are checkpointed).
    pub async fn close(&self) {
        for pool in self.pools.values() {
            pool.close().await;
        }
    }
}
