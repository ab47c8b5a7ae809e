//! The SQLite files behind `spin:sqlite` and `spin:key-value`: one pool per label,
//! opened at start-up in WAL mode with a busy timeout, so that concurrent
//! requests wait for a lock instead of failing.
//!
//! Each label also has a write gate: an async FIFO lock the `spin:sqlite` host takes
//! for a guest's write transaction. SQLite admits one writer at a time anyway; a
//! writer that finds the lock taken waits in SQLite's busy handler, which sleeps
//! 1, 2, 5, 10, 15, … ms between tries, so under load the lock sits idle while
//! writers sleep (tail latencies of hundreds of ms). Queued on the gate, the next
//! writer starts as soon as the previous one commits. Correctness stays SQLite's.

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long a statement waits for another writer before `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opened pools by label.
#[derive(Debug, Clone, Default)]
pub struct Databases {
    pools: BTreeMap<String, SqlitePool>,
    gates: BTreeMap<String, Arc<tokio::sync::Mutex<()>>>,
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
        let mut gates = BTreeMap::new();
        for label in labels {
            if pools.contains_key(&label) {
                continue;
            }
            if let Some(path) = paths.get(&label) {
                pools.insert(label.clone(), open_pool(path, max_connections).await?);
                gates.insert(label, Arc::default());
            }
        }
        Ok(Databases { pools, gates })
    }

    /// The pool for a label, if the label is configured.
    pub fn get(&self, label: &str) -> Option<&SqlitePool> {
        self.pools.get(label)
    }

    /// The write gate of a label (see the module doc).
    pub fn write_gate(&self, label: &str) -> Option<Arc<tokio::sync::Mutex<()>>> {
        self.gates.get(label).cloned()
    }

    /// Closes every pool (at shutdown, so WAL files are checkpointed).
    pub async fn close(&self) {
        for pool in self.pools.values() {
            pool.close().await;
        }
    }
}
