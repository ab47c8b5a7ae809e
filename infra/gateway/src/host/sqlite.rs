//! `spin:sqlite/sqlite@3.1.0` on real SQLite files through sqlx.
//!
//! As in Spin, a component may open only the labels its manifest lists: an
//! unlisted label is `access-denied` (checked first), a listed label with no
//! database is `no-such-database`. Each guest connection holds one pooled
//! connection, so `BEGIN … COMMIT` across calls and `last-insert-rowid` behave as
//! they do on a single SQLite connection.
//!
//! sqlx runs each SQLite connection on its own thread, so every command the host
//! sends it is a round trip between threads (two context switches or more); on a
//! busy machine those, not SQLite, were most of a write request's CPU. So a
//! statement is one command where it can be: its columns are known to be none
//! ([`Kind::has_no_columns`]), or a `SELECT`'s come from its rows (it is prepared
//! separately only if it returned none); any other statement is prepared first,
//! as before, to learn them; and `changes`/`last-insert-rowid` are
//! answered from what SQLite reported when the last statement completed (sqlx reads
//! `sqlite3_changes` and `sqlite3_last_insert_rowid` right then: the same values a
//! `SELECT changes()` would get) instead of another query. Writes queue on the
//! database's write gate (see [`crate::databases`]).

use crate::host::SpinHost;
use crate::host::sqlite_statement::{Kind, kind, spin_positional};
use crate::state::StoreData;
use crate::world::sqlite::{
    Connection, Error, Host, HostConnection, HostConnectionWithStore, QueryResult, RowResult, Value,
};
use futures::TryStreamExt;
use sqlx::Either;
use sqlx::pool::PoolConnection;
use sqlx::{Column, Executor, Row, Sqlite, Statement, TypeInfo, ValueRef};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Most bytes of rows the host buffers for one query (as Spin).
pub const MAX_RESULT_BYTES: usize = 128 << 20;

/// A guest's open connection.
pub struct GuestConnection {
    conn: Arc<Mutex<Session>>,
}

/// A pooled connection and what the host tracks about it.
struct Session {
    /// Always `Some` until the session is dropped.
    conn: Option<PoolConnection<Sqlite>>,
    /// The database's write gate.
    gate: Option<Arc<Mutex<()>>>,
    /// Held from a transaction's first write to its end.
    held: Option<OwnedMutexGuard<()>>,
    /// Between `BEGIN` and `COMMIT`/`ROLLBACK`, as far as the host saw.
    in_transaction: bool,
    /// `sqlite3_changes` and `sqlite3_last_insert_rowid` when the last statement
    /// completed; `None` after a failure (then they are asked of SQLite).
    last: Option<(u64, i64)>,
}

impl Drop for Session {
    /// A guest that goes away inside a transaction (it trapped, timed out, or never
    /// committed) must not hand the next request a pooled connection that is still
    /// in the transaction, holding SQLite's write lock: such a connection is closed
    /// instead of returned (closing rolls the transaction back), and the pool opens
    /// a fresh one when it needs it.
    fn drop(&mut self) {
        if self.in_transaction
            && let Some(conn) = self.conn.take()
        {
            drop(conn.detach());
        }
    }
}

impl Session {
    /// The pooled connection.
    fn conn(&mut self) -> &mut PoolConnection<Sqlite> {
        self.conn
            .as_mut()
            .expect("a live session holds its connection")
    }

    /// Waits for the write gate, at most as long as SQLite would wait for its lock;
    /// then goes ahead without it (SQLite's own locking still decides).
    async fn gate(&self) -> Option<OwnedMutexGuard<()>> {
        let gate = self.gate.clone()?;
        tokio::time::timeout(crate::databases::BUSY_TIMEOUT, gate.lock_owned())
            .await
            .ok()
    }
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Io(e.to_string())
}

/// A database's pool and write gate.
type Database = (sqlx::SqlitePool, Option<Arc<Mutex<()>>>);

/// Access is checked before existence, as Spin does, so a component cannot probe
/// for databases it was not given.
fn pool_for(data: &StoreData, database: &str) -> Result<Database, Error> {
    if !data.component.sqlite_databases.contains(database) {
        return Err(Error::AccessDenied);
    }
    let pool = data
        .app
        .sqlite
        .get(database)
        .cloned()
        .ok_or(Error::NoSuchDatabase)?;
    Ok((pool, data.app.sqlite.write_gate(database)))
}

async fn open_connection((pool, gate): Database) -> Result<GuestConnection, Error> {
    let conn = pool.acquire().await.map_err(io)?;
    Ok(GuestConnection {
        conn: Arc::new(Mutex::new(Session {
            conn: Some(conn),
            gate,
            held: None,
            in_transaction: false,
            last: None,
        })),
    })
}

fn bind<'q>(
    mut q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    params: Vec<Value>,
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for p in params {
        q = match p {
            Value::Integer(i) => q.bind(i),
            Value::Real(f) => q.bind(f),
            Value::Text(t) => q.bind(t),
            Value::Blob(b) => q.bind(b),
            Value::Null => q.bind(Option::<i64>::None),
        };
    }
    q
}

fn value_of(row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Value, Error> {
    let raw = row.try_get_raw(i).map_err(io)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INTEGER" => Value::Integer(row.try_get_unchecked::<i64, _>(i).map_err(io)?),
        "REAL" => Value::Real(row.try_get_unchecked::<f64, _>(i).map_err(io)?),
        "BLOB" => Value::Blob(row.try_get_unchecked::<Vec<u8>, _>(i).map_err(io)?),
        _ => Value::Text(row.try_get_unchecked::<String, _>(i).map_err(io)?),
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

/// Runs one statement on the guest's connection and buffers its rows, taking the
/// write gate for a write and releasing it when the transaction ends.
async fn run(
    session: &Mutex<Session>,
    sql: &str,
    params: Vec<Value>,
) -> Result<QueryResult, Error> {
    let k = kind(sql);
    let params = spin_positional(sql, params);
    let mut s = session.lock().await;
    // A write outside a transaction holds the gate for itself only.
    let mut single = None;
    if s.held.is_none() && matches!(k, Kind::Write | Kind::BeginWrite) {
        let guard = s.gate().await;
        if s.in_transaction || k == Kind::BeginWrite {
            s.held = guard;
        } else {
            single = guard;
        }
    }
    let result = statement(s.conn(), sql, params, k).await;
    s.last = result.as_ref().ok().and_then(|(_, last)| *last);
    match k {
        Kind::Begin | Kind::BeginWrite => {
            s.in_transaction = result.is_ok();
            if result.is_err() {
                s.held = None;
            }
        }
        // Even if COMMIT failed the guest rolls back next; SQLite still guards.
        Kind::End => {
            s.in_transaction = false;
            s.held = None;
        }
        Kind::Write | Kind::Query | Kind::Other => {}
    }
    drop(single);
    result.map(|(r, _)| r)
}

/// One statement as (mostly) one command to sqlx's connection thread.
async fn statement(
    conn: &mut PoolConnection<Sqlite>,
    sql: &str,
    params: Vec<Value>,
    k: Kind,
) -> Result<(QueryResult, Option<(u64, i64)>), Error> {
    let mut columns: Option<Vec<String>> = if k.has_no_columns() {
        Some(Vec::new())
    } else if k == Kind::Other {
        Some(columns_of(conn, sql).await?)
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut last = None;
    let mut bytes = 0usize;
    {
        let mut stream = (&mut **conn).fetch_many(bind(sqlx::query(sql), params));
        while let Some(item) = stream.try_next().await.map_err(io)? {
            let row = match item {
                Either::Left(done) => {
                    last = Some((done.rows_affected(), done.last_insert_rowid()));
                    continue;
                }
                Either::Right(row) => row,
            };
            if columns.is_none() {
                columns = Some(row.columns().iter().map(|c| c.name().to_owned()).collect());
            }
            let mut values = Vec::with_capacity(row.len());
            for i in 0..row.len() {
                let v = value_of(&row, i)?;
                bytes += size_of(&v);
                values.push(v);
            }
            if bytes > MAX_RESULT_BYTES {
                return Err(Error::Io(format!(
                    "query result exceeds the host limit of {MAX_RESULT_BYTES} bytes"
                )));
            }
            rows.push(RowResult { values });
        }
    }
    let columns = match columns {
        Some(c) => c,
        // A query that returned no rows: its columns are still answered, as Spin does.
        None => columns_of(conn, sql).await?,
    };
    Ok((QueryResult { columns, rows }, last))
}

/// A statement's column names, by preparing it.
async fn columns_of(conn: &mut PoolConnection<Sqlite>, sql: &str) -> Result<Vec<String>, Error> {
    Ok(conn
        .prepare(sql)
        .await
        .map_err(io)?
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect())
}

/// `changes` or `last-insert-rowid` of the last statement: from what it reported,
/// else asked of SQLite.
async fn last_of(session: &Mutex<Session>, rowid: bool) -> Result<i64, Error> {
    let mut s = session.lock().await;
    if let Some((changes, id)) = s.last {
        return Ok(if rowid {
            id
        } else {
            i64::try_from(changes).unwrap_or(i64::MAX)
        });
    }
    let sql = if rowid {
        "SELECT last_insert_rowid()"
    } else {
        "SELECT changes()"
    };
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut **s.conn())
        .await
        .map_err(io)
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
        let pool = pool_for(self, &database)?;
        let c = open_connection(pool).await?;
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
        last_of(&conn, true)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }

    async fn changes(&mut self, c: Resource<Connection>) -> anyhow::Result<u64> {
        let conn = connection(self, &c).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, false)
            .await
            .map(|n| n.max(0) as u64)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
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
        let pool = accessor.with(|mut a| pool_for(a.get(), &database))?;
        let guest = open_connection(pool).await?;
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
        last_of(&conn, true)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }

    async fn changes_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
    ) -> anyhow::Result<u64> {
        let conn = accessor
            .with(|mut a| connection(a.get(), &c))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        last_of(&conn, false)
            .await
            .map(|n| n.max(0) as u64)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }
}
