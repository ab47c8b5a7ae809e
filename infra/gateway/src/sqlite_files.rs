//! The SQLite files behind `spin:sqlite`, driven through rusqlite as Spin's own
//! in-process SQLite host is (`spin-sqlite-inproc`), so statements bind, prepare
//! and answer exactly as they do there.
//!
//! Why not sqlx, which the gateway uses elsewhere: sqlx runs each SQLite connection
//! on a thread of its own, so every statement is a round trip between threads. A
//! signed meter reading is eight short statements; on two cores those hand-offs,
//! not SQLite, were about 40 % of its CPU (see BENCHMARKS.md). Here a statement runs
//! on the calling thread: most take microseconds. What could block that thread is
//! kept off it:
//! - a statement that often takes longer than [`SLOW`] (more than a quarter of its
//!   recent runs, counted per file by its text) runs on tokio's blocking pool; a
//!   run that was merely preempted once does not move a short statement for good,
//!   and one that turns short again comes back;
//! - connections never wait in SQLite's busy handler on the calling thread (busy
//!   timeout 0): a statement that meets `SQLITE_BUSY` is run again on the blocking
//!   pool with the full [`BUSY_TIMEOUT`] (a statement that returns `SQLITE_BUSY` has
//!   changed nothing, so running it again is safe);
//! - WAL checkpoints (each ends in an fsync) are not left to whichever commit crosses
//!   SQLite's threshold: automatic checkpoints are off on these connections and a
//!   passive checkpoint runs on the blocking pool after writes, at most one at a time
//!   and at most every [`CHECKPOINT_EVERY`]; now and then a second pass holds the
//!   write gate so that the WAL restarts (see [`SqliteFile::committed`]).
//!
//! Each file also has a write gate: an async FIFO lock taken for a guest's write
//! transaction. SQLite admits one writer at a time; a writer that finds the lock
//! taken would otherwise sleep in the busy handler (1, 2, 5, 10, … ms between tries)
//! while the lock sits idle. Queued on the gate, the next writer starts as soon as
//! the previous one commits. Correctness stays SQLite's.
//!
//! The gate holds the file's writer connection ([`Writer`]). A connection's page
//! cache is thrown away whenever another connection has written, so with every
//! guest writing on its own connection each statement read its pages from the OS
//! again. Write transactions that start with `BEGIN IMMEDIATE`, and writes on their
//! own, run on the writer connection instead, whose cache stays warm because it is
//! the one that writes (see [`crate::host::sqlite`] for how the guest still sees
//! one connection).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use crate::databases::BUSY_TIMEOUT;

/// A run longer than this counts against running the statement in place.
pub const SLOW: Duration = Duration::from_millis(2);

/// Statement texts tracked per file; past this the counts start afresh (a guest that
/// writes values into its SQL text makes every statement new).
const TRACKED: usize = 4096;

/// Least time between two background checkpoints of one file.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Least time between two checkpoints that hold the write gate, so that the WAL
/// restarts (see [`SqliteFile::committed`]).
pub const RESTART_EVERY: Duration = Duration::from_millis(250);

/// How long a guest's `open` waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// The opened files by label.
#[derive(Debug, Default, Clone)]
pub struct SqliteFiles {
    files: BTreeMap<String, Arc<SqliteFile>>,
}

impl SqliteFiles {
    /// Opens (creating if needed) the given labels' files, each with at most
    /// `max_connections` connections lent to guests at once.
    pub fn open(
        paths: &BTreeMap<String, PathBuf>,
        labels: impl IntoIterator<Item = String>,
        max_connections: usize,
    ) -> anyhow::Result<SqliteFiles> {
        let mut files = BTreeMap::new();
        for label in labels {
            if files.contains_key(&label) {
                continue;
            }
            if let Some(path) = paths.get(&label) {
                files.insert(label, Arc::new(SqliteFile::open(path, max_connections)?));
            }
        }
        Ok(SqliteFiles { files })
    }

    /// The file of a label, if the label is configured.
    pub fn get(&self, label: &str) -> Option<&Arc<SqliteFile>> {
        self.files.get(label)
    }

    /// Checkpoints every file's WAL and closes its idle connections (at shutdown).
    pub async fn close(&self) {
        for file in self.files.values() {
            let file = file.clone();
            let _ = tokio::task::spawn_blocking(move || file.close()).await;
        }
    }
}

/// One SQLite file: its idle connections, write gate and what is known about its
/// statements.
#[derive(Debug)]
pub struct SqliteFile {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    permits: Arc<Semaphore>,
    gate: Arc<tokio::sync::Mutex<Writer>>,
    /// Recent runs and slow runs per statement (by the hash of its text).
    runs: Mutex<HashMap<u64, Runs>>,
    hasher: RandomState,
    /// The connection background checkpoints use.
    checkpointer: Mutex<Option<rusqlite::Connection>>,
    /// When the last background checkpoint started, and the last that held the
    /// write gate; and whether one is running.
    last_checkpoint: Mutex<(Option<Instant>, Option<Instant>)>,
    checkpointing: AtomicBool,
}

/// The file's writer connection, owned by whoever holds the write gate. `None`
/// until first needed, and after it was lost or dropped inside a transaction.
#[derive(Debug, Default)]
pub struct Writer {
    /// The connection.
    pub conn: Option<rusqlite::Connection>,
}

/// Recent runs of one statement, and how many of them were slow.
#[derive(Debug, Default, Clone, Copy)]
struct Runs {
    runs: u32,
    slow: u32,
}

/// A connection lent to a guest: returned to the file's idle list when dropped,
/// unless it is still inside a transaction (then it is closed, which rolls the
/// transaction back, so the next guest never inherits it or its write lock).
#[derive(Debug)]
pub struct Lease {
    /// `None` only while the connection is away on the blocking pool, or if it was
    /// lost there.
    pub conn: Option<rusqlite::Connection>,
    /// The file it belongs to.
    pub file: Arc<SqliteFile>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && conn.is_autocommit()
            && let Ok(mut idle) = self.file.idle.lock()
        {
            idle.push(conn);
        }
    }
}

/// Opens one connection the way every guest connection is set up. Blocks (it may
/// wait for a lock, e.g. while another connection recovers the WAL).
fn connect(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Persistent in the file; a no-op once set.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // temp_store in memory: the statement journal that each multi-row upsert inside a
    // transaction keeps is then not a temporary file.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; \
         PRAGMA journal_size_limit = 67108864; PRAGMA temp_store = MEMORY;",
    )?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    conn.busy_timeout(Duration::ZERO)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl SqliteFile {
    /// Opens the file (creating it and its directory if needed) and keeps one
    /// connection ready.
    pub fn open(path: &Path, max_connections: usize) -> anyhow::Result<SqliteFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("while creating {}: {e}", dir.display()))?;
        }
        let first = connect(path).map_err(|e| {
            anyhow::anyhow!("while opening SQLite database {}: {e}", path.display())
        })?;
        Ok(SqliteFile {
            path: path.to_owned(),
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(max_connections.max(1))),
            gate: Arc::default(),
            runs: Mutex::default(),
            hasher: RandomState::new(),
            checkpointer: Mutex::default(),
            last_checkpoint: Mutex::default(),
            checkpointing: AtomicBool::new(false),
        })
    }

    /// Lends a connection: an idle one, or a new one (opened on the blocking pool,
    /// since opening may wait for a lock), waiting at most [`ACQUIRE_TIMEOUT`] for
    /// one of the file's connections to come back.
    pub async fn acquire(self: &Arc<Self>) -> anyhow::Result<Lease> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| anyhow::anyhow!("timed out waiting for a free database connection"))?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        Ok(Lease {
            conn: Some(conn),
            file: self.clone(),
            _permit: permit,
        })
    }

    /// The file's write gate (see the module doc).
    pub fn gate(&self) -> Arc<tokio::sync::Mutex<Writer>> {
        self.gate.clone()
    }

    /// Opens a connection like the guests' (on the blocking pool: it may wait for
    /// a lock).
    pub async fn connect(&self) -> anyhow::Result<rusqlite::Connection> {
        let path = self.path.clone();
        Ok(tokio::task::spawn_blocking(move || connect(&path)).await??)
    }

    /// Opens the file's writer connection: a guest connection with a 16 MiB page
    /// cache (2 MiB by default), since a large write transaction (a re-assessment
    /// chunk writes ~11 MB) spills dirty pages to the WAL before it commits once the
    /// cache is full. Only the writer's: every reader with that cache took the
    /// gateway from ~200 to 380–550 MiB under lookups.
    pub async fn connect_writer(&self) -> anyhow::Result<rusqlite::Connection> {
        let conn = self.connect().await?;
        conn.execute_batch("PRAGMA cache_size = -16384;")?;
        Ok(conn)
    }

    /// Where `sql` should run: the key to [`Self::ran`] it under, and true if on the
    /// blocking pool (more than a quarter of its recent runs were slow).
    pub fn placement(&self, sql: &str) -> (u64, bool) {
        let key = self.hasher.hash_one(sql);
        let slow = self
            .runs
            .lock()
            .ok()
            .and_then(|runs| runs.get(&key).map(|r| r.slow * 4 > r.runs))
            .unwrap_or(false);
        (key, slow)
    }

    /// Counts one run of the statement `key` that took `took` (wherever it ran).
    pub fn ran(&self, key: u64, took: Duration) {
        let Ok(mut runs) = self.runs.lock() else {
            return;
        };
        if runs.len() >= TRACKED && !runs.contains_key(&key) {
            runs.clear();
        }
        let r = runs.entry(key).or_default();
        r.runs += 1;
        r.slow += u32::from(took > SLOW);
        // Recent runs weigh most: halve the counts now and then.
        if r.runs >= 64 {
            r.runs /= 2;
            r.slow /= 2;
        }
    }

    /// Called after a write was committed: starts a passive checkpoint on the
    /// blocking pool unless one is running or one started less than
    /// [`CHECKPOINT_EVERY`] ago.
    ///
    /// SQLite copies the WAL's frames into the file, but starts the WAL afresh only
    /// when a writer begins after *every* frame was copied (and no reader still uses
    /// them); with writes landing during every copy that never happens, and the WAL
    /// grew by gigabytes in a minute of meter readings. So at most every
    /// [`RESTART_EVERY`] the checkpoint is run a second time holding the write gate:
    /// it ends with nothing new behind it and the next writer restarts the WAL. The
    /// first, ungated pass has copied nearly everything by then, so writers wait
    /// only for the remainder. (Gating every checkpoint held writers up for whole
    /// checkpoints, fsyncs included: meter webhook p99 18–53 ms at 2,000/s, against
    /// 8–12 ms now.) `journal_size_limit` then gives the file back down to 64 MiB.
    pub fn committed(self: &Arc<Self>) {
        if self.checkpointing.load(Ordering::Acquire) {
            return;
        }
        let gated = {
            let Ok(mut last) = self.last_checkpoint.lock() else {
                return;
            };
            let (last_any, last_gated) = &mut *last;
            if last_any.is_some_and(|t| t.elapsed() < CHECKPOINT_EVERY)
                || self.checkpointing.swap(true, Ordering::AcqRel)
            {
                return;
            }
            let now = Instant::now();
            *last_any = Some(now);
            let gated = last_gated.is_none_or(|t| t.elapsed() >= RESTART_EVERY);
            if gated {
                *last_gated = Some(now);
            }
            gated
        };
        let file = self.clone();
        tokio::spawn(async move {
            let f = file.clone();
            let mut done = tokio::task::spawn_blocking(move || f.checkpoint("PASSIVE")).await;
            if gated && matches!(done, Ok(Ok(()))) {
                let gate = tokio::time::timeout(BUSY_TIMEOUT, file.gate.clone().lock_owned())
                    .await
                    .ok();
                let f = file.clone();
                done = tokio::task::spawn_blocking(move || f.checkpoint("PASSIVE")).await;
                drop(gate);
            }
            if let Ok(Err(e)) = done {
                tracing::warn!(path = %file.path.display(), "WAL checkpoint failed: {e}");
            }
            file.checkpointing.store(false, Ordering::Release);
        });
    }

    /// Runs `PRAGMA wal_checkpoint(mode)` on the checkpointer's connection.
    fn checkpoint(&self, mode: &str) -> rusqlite::Result<()> {
        let Ok(mut conn) = self.checkpointer.lock() else {
            return Ok(());
        };
        if conn.is_none() {
            let c = connect(&self.path)?;
            // Always on the blocking pool, so it may wait.
            c.busy_timeout(BUSY_TIMEOUT)?;
            *conn = Some(c);
        }
        if let Some(c) = conn.as_ref() {
            c.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Checkpoints the whole WAL and closes the idle connections.
    fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
        if let Ok(mut writer) = self.gate.try_lock() {
            writer.conn = None;
        }
        if let Err(e) = self.checkpoint("TRUNCATE") {
            tracing::warn!(path = %self.path.display(), "WAL checkpoint failed: {e}");
        }
        if let Ok(mut conn) = self.checkpointer.lock() {
            *conn = None;
        }
    }
}
