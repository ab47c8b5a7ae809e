//! `spin:sqlite/sqlite@3.1.0` on real SQLite files through rusqlite, as Spin's
//! in-process host does: each statement is prepared (cached), its parameters bound
//! by position (the `i`-th value to SQLite's parameter `i`, which numbers `$N` by
//! first appearance), its columns and rows answered; `changes` and
//! `last-insert-rowid` are the connection's own.
//!
//! As in Spin, a component may open only the labels its manifest lists: an
//! unlisted label is `access-denied` (checked first), a listed label with no
//! database is `no-such-database`. Each guest connection holds one SQLite
//! connection, so `BEGIN … COMMIT` across calls behaves as on a single connection.
//! Where a statement runs (the calling thread or the blocking pool) and the write
//! gate are explained in [`crate::sqlite_files`].
//!
//! A guest's statements run on its own pooled connection, except write
//! transactions begun with `BEGIN IMMEDIATE`/`EXCLUSIVE` and writes outside a
//! transaction, which run on the file's writer connection while the guest holds
//! the write gate (its page cache stays warm). What the guest sees is still one
//! connection:
//! - reads outside a transaction see every commit, on either connection;
//! - `changes` and `last-insert-rowid` are tracked per guest: before a statement
//!   that may change them runs, the connection's last-insert-rowid is set to the
//!   guest's (an insert into a private temporary table, only when they differ);
//!   afterwards they are taken from that connection;
//! - a statement the host does not recognise (DDL, pragmas, temporary tables, …)
//!   inside a transaction on the writer connection may leave state on it; when that
//!   transaction ends the guest keeps the writer connection as its own and gives
//!   its own to the gate, and stays on its own connection from then on;
//! - a transaction begun with a plain `BEGIN`, and everything after an unrecognised
//!   statement, runs on the guest's own connection (holding the gate from the
//!   first write), as before.
//!
//! No statement runs once the gateway has given up on the guest's request
//! ([`crate::deadline`]): it fails with an I/O error; a statement already running
//! (on the blocking pool, say) is interrupted, and holds the error answer back
//! until it has ended.
//! The instance is then dropped with its sessions, which rolls back their open
//! transactions (see [`Session`]'s `Drop` and [`Lease`]).
//!
//! Known differences from one connection of its own: inside a statement, the SQL
//! functions `changes()` and `total_changes()` read the connection it runs on; a
//! data change not starting with `INSERT`/`UPDATE`/`DELETE`/`REPLACE` (e.g. `WITH …
//! UPDATE`) that changes no row leaves `changes` at its previous value instead of 0;
//! and, as before, a pooled connection keeps temporary tables a previous guest made
//! on it.

use crate::deadline::{Effect, Stop};
use crate::host::SpinHost;
use crate::host::sqlite_statement::{Kind, kind};
use crate::sqlite_files::{BUSY_TIMEOUT, Lease, SqliteFile, Writer};
use crate::state::StoreData;
use crate::world::sqlite::{
    Connection, Error, Host, HostConnection, HostConnectionWithStore, QueryResult, RowResult, Value,
};
use rusqlite::types::{Value as SqlValue, ValueRef};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard};
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Most bytes of rows the host buffers for one query (as Spin).
pub const MAX_RESULT_BYTES: usize = 128 << 20;

/// A guest's open connection.
pub struct GuestConnection {
    conn: Arc<Mutex<Session>>,
}

/// A guest's connection as the host tracks it.
struct Session {
    lease: Lease,
    /// The write gate, held from a transaction's first write to its end (or for
    /// one write outside a transaction).
    gate: Option<OwnedMutexGuard<Writer>>,
    /// The held gate's writer connection runs this guest's statements.
    on_writer: bool,
    /// An unrecognised statement ran on the writer connection in this transaction.
    tainted: bool,
    /// Only the guest's own connection is used (see the module doc).
    pinned: bool,
    /// The writer connection was lost inside this guest's transaction.
    lost: bool,
    /// What `changes` and `last-insert-rowid` answer.
    changes: u64,
    rowid: i64,
    /// The instance's latch: no statement runs once its request was given up.
    stop: Arc<Stop>,
}

impl Drop for Session {
    /// A guest that goes away inside a transaction on the writer connection leaves
    /// it in that transaction: it is closed (which rolls the transaction back) and
    /// the next writer opens a fresh one. (The guest's own connection is taken care
    /// of by [`Lease`].)
    fn drop(&mut self) {
        if let Some(gate) = self.gate.as_mut()
            && gate.conn.as_ref().is_some_and(|c| !c.is_autocommit())
        {
            gate.conn = None;
        }
    }
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Io(e.to_string())
}

/// Access is checked before existence, as Spin does, so a component cannot probe
/// for databases it was not given.
fn file_for(data: &StoreData, database: &str) -> Result<Arc<SqliteFile>, Error> {
    if !data.component.sqlite_databases.contains(database) {
        return Err(Error::AccessDenied);
    }
    data.app
        .sqlite
        .get(database)
        .cloned()
        .ok_or(Error::NoSuchDatabase)
}

async fn open_connection(file: Arc<SqliteFile>, stop: Arc<Stop>) -> Result<GuestConnection, Error> {
    let lease = file.acquire().await.map_err(io)?;
    Ok(GuestConnection {
        conn: Arc::new(Mutex::new(Session {
            lease,
            gate: None,
            on_writer: false,
            tainted: false,
            pinned: false,
            lost: false,
            changes: 0,
            rowid: 0,
            stop,
        })),
    })
}

fn sql_value(v: Value) -> SqlValue {
    match v {
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(f) => SqlValue::Real(f),
        Value::Text(t) => SqlValue::Text(t),
        Value::Blob(b) => SqlValue::Blob(b),
        Value::Null => SqlValue::Null,
    }
}

fn guest_value(v: ValueRef<'_>) -> Result<Value, Error> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(
            String::from_utf8(t.to_vec()).map_err(|_| Error::Io("text is not UTF-8".into()))?,
        ),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

fn size_of(v: &Value) -> usize {
    std::mem::size_of::<Value>()
        + match v {
            Value::Text(t) => t.len(),
            Value::Blob(b) => b.len(),
            _ => 0,
        }
}

/// Why a statement failed: SQLite's error (which may be `SQLITE_BUSY`), or ours.
enum Failure {
    Sqlite(rusqlite::Error),
    Host(Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl Failure {
    fn is_busy(&self) -> bool {
        matches!(self, Failure::Sqlite(e)
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy))
    }

    fn into_error(self) -> Error {
        match self {
            Failure::Sqlite(e) => io(e),
            Failure::Host(e) => e,
        }
    }
}

/// Runs one statement to its end and buffers its columns and rows.
fn execute(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[SqlValue],
) -> Result<QueryResult, Failure> {
    let mut stmt = conn.prepare_cached(sql)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let width = columns.len();
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            let v = guest_value(row.get_ref(i)?).map_err(Failure::Host)?;
            bytes += size_of(&v);
            values.push(v);
        }
        if bytes > MAX_RESULT_BYTES {
            return Err(Failure::Host(Error::Io(format!(
                "query result exceeds the host limit of {MAX_RESULT_BYTES} bytes"
            ))));
        }
        out.push(RowResult { values });
    }
    Ok(QueryResult { columns, rows: out })
}

/// Runs the statement on the blocking pool, where it may wait for SQLite's lock.
/// `ran` is told how long the statement itself took there. The statement counts as
/// under way (`effect`) until it has ended there, even if the guest is dropped.
async fn execute_blocking(
    slot: &mut Option<rusqlite::Connection>,
    sql: &str,
    params: Vec<SqlValue>,
    ran: impl FnOnce(Duration) + Send + 'static,
    effect: Effect,
) -> Result<QueryResult, Failure> {
    let conn = slot
        .take()
        .ok_or_else(|| Failure::Host(Error::Io("the database connection was lost".into())))?;
    let sql = sql.to_owned();
    let (conn, result) = tokio::task::spawn_blocking(move || {
        let _effect = effect;
        let started = Instant::now();
        let result = conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(Failure::from)
            .and_then(|()| execute(&conn, &sql, &params));
        ran(started.elapsed());
        let reset = conn.busy_timeout(Duration::ZERO);
        (reset.is_ok().then_some(conn), result)
    })
    .await
    .map_err(|e| Failure::Host(io(e)))?;
    *slot = conn;
    result
}

fn lost() -> Error {
    Error::Io("the database connection was lost".into())
}

fn given_up(e: crate::deadline::GivenUp) -> Error {
    io(e)
}

/// Sets `conn`'s last-insert-rowid to `rowid` (SQLite has no statement for it; an
/// insert with that rowid does it). Best effort: a failure leaves it as it was.
fn set_last_rowid(conn: &rusqlite::Connection, rowid: i64) {
    let _ = conn
        .prepare_cached("CREATE TEMP TABLE IF NOT EXISTS _yingshang_rowid (x)")
        .and_then(|mut s| s.execute([]))
        .and_then(|_| {
            conn.prepare_cached("INSERT INTO temp._yingshang_rowid (rowid) VALUES (?1)")?
                .execute([rowid])
        })
        .and_then(|_| {
            conn.prepare_cached("DELETE FROM temp._yingshang_rowid")?
                .execute([])
        });
}

/// Runs one statement where the module doc says, taking the write gate for a write
/// and keeping it until the transaction ends.
async fn run(
    session: &Mutex<Session>,
    sql: &str,
    params: Vec<Value>,
) -> Result<QueryResult, Error> {
    let k = kind(sql);
    let params: Vec<SqlValue> = params.into_iter().map(sql_value).collect();
    let mut guard = session.lock().await;
    let s = &mut *guard;
    if s.lost {
        return Err(lost());
    }
    let file = s.lease.file.clone();
    if s.gate.is_none() && k.takes_write_lock() {
        // At most as long as SQLite would wait for its lock; then without it
        // (SQLite's own locking still decides).
        s.gate = tokio::time::timeout(BUSY_TIMEOUT, file.gate().lock_owned())
            .await
            .ok();
        let own_in_transaction = s.lease.conn.as_ref().is_some_and(|c| !c.is_autocommit());
        if let Some(gate) = s.gate.as_mut()
            && !s.pinned
            && !own_in_transaction
        {
            if gate.conn.is_none() {
                gate.conn = Some(file.connect_writer().await.map_err(io)?);
            }
            s.on_writer = true;
        }
    }
    // Asked last: nothing is awaited between here and the statement's start. A
    // statement on the blocking pool is interrupted if the request is given up while
    // it runs (one in place runs to its end before anything else can happen).
    let (key, off_thread) = file.placement(sql);
    let effect = if off_thread {
        let runs_on = match (s.on_writer, s.gate.as_ref()) {
            (true, Some(gate)) => gate.conn.as_ref(),
            _ => s.lease.conn.as_ref(),
        };
        let interrupt = runs_on.map(rusqlite::Connection::get_interrupt_handle);
        s.stop.interruptible_effect(move || {
            if let Some(handle) = &interrupt {
                handle.interrupt();
            }
        })
    } else {
        s.stop.effect()
    };
    let effect = match effect {
        Ok(effect) => effect,
        Err(e) => {
            // Not run. A gate taken for this statement alone goes back; one a
            // transaction holds stays until the session is dropped (rolling it back).
            let in_transaction =
                |c: &Option<rusqlite::Connection>| c.as_ref().is_some_and(|c| !c.is_autocommit());
            let writer_in_transaction =
                s.on_writer && s.gate.as_ref().is_some_and(|g| in_transaction(&g.conn));
            if !writer_in_transaction && !in_transaction(&s.lease.conn) {
                s.gate = None;
                s.on_writer = false;
            }
            return Err(given_up(e));
        }
    };
    let slot = match (s.on_writer, s.gate.as_mut()) {
        (true, Some(gate)) => &mut gate.conn,
        _ => &mut s.lease.conn,
    };
    let writer_in_transaction = s.on_writer && slot.as_ref().is_some_and(|c| !c.is_autocommit());
    // `SELECT last_insert_rowid()` reads it too.
    let counts = k.may_change_counts() || sql.to_ascii_lowercase().contains("last_insert_rowid");
    let counts_before = match slot.as_ref() {
        Some(conn) if counts => {
            if conn.last_insert_rowid() != s.rowid {
                set_last_rowid(conn, s.rowid);
            }
            Some(conn.total_changes())
        }
        _ => None,
    };
    let result = if off_thread {
        let f = file.clone();
        execute_blocking(slot, sql, params, move |took| f.ran(key, took), effect).await
    } else {
        let started = Instant::now();
        let first = match slot.as_ref() {
            Some(conn) => execute(conn, sql, &params),
            None => Err(Failure::Host(lost())),
        };
        file.ran(key, started.elapsed());
        match first {
            // Waiting for the lock is not the statement's own time: not counted.
            Err(f) if f.is_busy() => execute_blocking(slot, sql, params, |_| {}, effect).await,
            other => {
                drop(effect);
                other
            }
        }
    };
    let in_transaction = match slot.as_ref() {
        Some(conn) => {
            if let Some(total) = counts_before {
                s.rowid = conn.last_insert_rowid();
                if k == Kind::Write || (k == Kind::Other && conn.total_changes() != total) {
                    s.changes = conn.changes();
                }
            }
            !conn.is_autocommit()
        }
        None => {
            // Lost on the blocking pool (closed, so rolled back): the guest's
            // transaction is gone; everything after this fails.
            s.lost = writer_in_transaction;
            false
        }
    };
    if s.on_writer && k == Kind::Other {
        s.tainted = true;
    }
    if !in_transaction && let Some(mut gate) = s.gate.take() {
        if std::mem::take(&mut s.on_writer) && std::mem::take(&mut s.tainted) {
            // The writer connection may carry this guest's state: it becomes the
            // guest's own, and the guest's (which carries none) the writer.
            std::mem::swap(&mut gate.conn, &mut s.lease.conn);
            s.pinned = true;
        }
        drop(gate);
        file.committed();
    }
    result.map_err(Failure::into_error)
}

/// `changes` or `last-insert-rowid` as this guest's connection would answer.
async fn last_of(session: &Mutex<Session>, rowid: bool) -> anyhow::Result<i64> {
    let s = session.lock().await;
    Ok(if rowid {
        s.rowid
    } else {
        i64::try_from(s.changes).unwrap_or(i64::MAX)
    })
}

fn connection(
    data: &mut StoreData,
    c: &Resource<Connection>,
) -> Result<Arc<Mutex<Session>>, Error> {
    data.table
        .get(c)
        .map(|g| g.conn.clone())
        .map_err(|_| Error::InvalidConnection)
}

impl Host for StoreData {
    fn convert_error(&mut self, err: Error) -> anyhow::Result<Error> {
        Ok(err)
    }
}

impl HostConnection for StoreData {
    async fn open(&mut self, database: String) -> Result<Resource<Connection>, Error> {
        let file = file_for(self, &database)?;
        let c = open_connection(file, self.stop.clone()).await?;
        self.table.push(c).map_err(io)
    }

    async fn execute(
        &mut self,
        c: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<QueryResult, Error> {
        let conn = connection(self, &c)?;
        run(&conn, &statement, parameters).await
    }

    async fn last_insert_rowid(&mut self, c: Resource<Connection>) -> anyhow::Result<i64> {
        let conn = connection(self, &c).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, true).await
    }

    async fn changes(&mut self, c: Resource<Connection>) -> anyhow::Result<u64> {
        let conn = connection(self, &c).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, false).await.map(|n| n.max(0) as u64)
    }

    async fn drop(&mut self, c: Resource<Connection>) -> anyhow::Result<()> {
        self.table.delete(c)?;
        Ok(())
    }
}

impl<T: Send> HostConnectionWithStore<T> for SpinHost {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> Result<Resource<Connection>, Error> {
        let (file, stop) = accessor.with(|mut a| {
            let data = a.get();
            file_for(data, &database).map(|f| (f, data.stop.clone()))
        })?;
        let guest = open_connection(file, stop).await?;
        accessor.with(|mut a| a.get().table.push(guest).map_err(io))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<
        (
            Vec<String>,
            StreamReader<RowResult>,
            FutureReader<Result<(), Error>>,
        ),
        Error,
    > {
        let conn = accessor.with(|mut a| connection(a.get(), &c))?;
        let QueryResult { columns, rows } = run(&conn, &statement, parameters).await?;
        accessor.with(|mut a| {
            let rows = StreamReader::new(&mut a, rows).map_err(io)?;
            let done = FutureReader::new(&mut a, async {
                Ok::<_, wasmtime::Error>(Ok::<(), Error>(()))
            })
            .map_err(io)?;
            Ok((columns, rows, done))
        })
    }

    async fn last_insert_rowid_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
    ) -> anyhow::Result<i64> {
        let conn = accessor
            .with(|mut a| connection(a.get(), &c))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, true).await
    }

    async fn changes_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
    ) -> anyhow::Result<u64> {
        let conn = accessor
            .with(|mut a| connection(a.get(), &c))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, false).await.map(|n| n.max(0) as u64)
    }
}
