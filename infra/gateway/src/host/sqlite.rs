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

use crate::host::SpinHost;
use crate::host::sqlite_statement::takes_write_lock;
use crate::sqlite_files::{BUSY_TIMEOUT, Lease, SqliteFile};
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

/// A lent connection and the write gate it may hold.
struct Session {
    lease: Lease,
    /// Held from a transaction's first write to its end.
    held: Option<OwnedMutexGuard<()>>,
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

async fn open_connection(file: Arc<SqliteFile>) -> Result<GuestConnection, Error> {
    let lease = file.acquire().await.map_err(io)?;
    Ok(GuestConnection {
        conn: Arc::new(Mutex::new(Session { lease, held: None })),
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
/// `ran` is told how long the statement itself took there.
async fn execute_blocking(
    lease: &mut Lease,
    sql: &str,
    params: Vec<SqlValue>,
    ran: impl FnOnce(Duration) + Send + 'static,
) -> Result<QueryResult, Failure> {
    let conn = lease
        .conn
        .take()
        .ok_or_else(|| Failure::Host(Error::Io("the database connection was lost".into())))?;
    let sql = sql.to_owned();
    let (conn, result) = tokio::task::spawn_blocking(move || {
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
    lease.conn = conn;
    result
}

/// Runs one statement on the guest's connection, taking the write gate for a write
/// and keeping it until the transaction ends.
async fn run(
    session: &Mutex<Session>,
    sql: &str,
    params: Vec<Value>,
) -> Result<QueryResult, Error> {
    let params: Vec<SqlValue> = params.into_iter().map(sql_value).collect();
    let mut s = session.lock().await;
    let mut gate = None;
    if s.held.is_none() && takes_write_lock(sql) {
        // At most as long as SQLite would wait for its lock; then without it
        // (SQLite's own locking still decides).
        gate = tokio::time::timeout(BUSY_TIMEOUT, s.lease.file.gate().lock_owned())
            .await
            .ok();
    }
    let file = s.lease.file.clone();
    let (key, off_thread) = file.placement(sql);
    let result = if off_thread {
        let f = file.clone();
        execute_blocking(&mut s.lease, sql, params, move |took| f.ran(key, took)).await
    } else {
        let started = Instant::now();
        let first = match s.lease.conn.as_ref() {
            Some(conn) => execute(conn, sql, &params),
            None => Err(Failure::Host(Error::Io(
                "the database connection was lost".into(),
            ))),
        };
        file.ran(key, started.elapsed());
        match first {
            // Waiting for the lock is not the statement's own time: not counted.
            Err(f) if f.is_busy() => execute_blocking(&mut s.lease, sql, params, |_| {}).await,
            other => other,
        }
    };
    let in_transaction = s.lease.conn.as_ref().is_some_and(|c| !c.is_autocommit());
    if in_transaction {
        if s.held.is_none() {
            s.held = gate.take();
        }
    } else if s.held.take().is_some() || gate.is_some() {
        // A write transaction, or a write on its own, has ended.
        file.committed();
    }
    drop(gate);
    result.map_err(Failure::into_error)
}

/// `changes` or `last-insert-rowid` of the connection's last statement.
async fn last_of(session: &Mutex<Session>, rowid: bool) -> anyhow::Result<i64> {
    let s = session.lock().await;
    let conn = s
        .lease
        .conn
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the database connection was lost"))?;
    Ok(if rowid {
        conn.last_insert_rowid()
    } else {
        i64::try_from(conn.changes()).unwrap_or(i64::MAX)
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
        let c = open_connection(file).await?;
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
        let file = accessor.with(|mut a| file_for(a.get(), &database))?;
        let guest = open_connection(file).await?;
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
