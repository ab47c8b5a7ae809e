//! `spin:sqlite/sqlite@3.1.0` on real SQLite files through sqlx.
//!
//! As in Spin, a component may open only the labels its manifest lists: an
//! unlisted label is `access-denied` (checked first), a listed label with no
//! database is `no-such-database`. Each guest connection holds one pooled
//! connection, so `BEGIN … COMMIT` across calls and `last-insert-rowid` behave as
//! they do on a single SQLite connection.

use crate::host::SpinHost;
use crate::state::StoreData;
use crate::world::sqlite::{
    Connection, Error, Host, HostConnection, HostConnectionWithStore, QueryResult, RowResult, Value,
};
use futures::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::{Column, Executor, Row, Sqlite, Statement, TypeInfo, ValueRef};
use std::sync::Arc;
use tokio::sync::Mutex;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Most bytes of rows the host buffers for one query (as Spin).
pub const MAX_RESULT_BYTES: usize = 128 << 20;

/// A guest's open connection.
pub struct GuestConnection {
    conn: Arc<Mutex<PoolConnection<Sqlite>>>,
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Io(e.to_string())
}

/// Access is checked before existence, as Spin does, so a component cannot probe
/// for databases it was not given.
fn pool_for(data: &StoreData, database: &str) -> Result<sqlx::SqlitePool, Error> {
    if !data.component.sqlite_databases.contains(database) {
        return Err(Error::AccessDenied);
    }
    data.app
        .sqlite
        .get(database)
        .cloned()
        .ok_or(Error::NoSuchDatabase)
}

async fn open_connection(pool: sqlx::SqlitePool) -> Result<GuestConnection, Error> {
    let conn = pool.acquire().await.map_err(io)?;
    Ok(GuestConnection {
        conn: Arc::new(Mutex::new(conn)),
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

/// Runs one statement on the guest's connection and buffers its rows.
async fn run(
    conn: &Mutex<PoolConnection<Sqlite>>,
    sql: &str,
    params: Vec<Value>,
) -> Result<QueryResult, Error> {
    let mut conn = conn.lock().await;
    let statement = conn.prepare(sql).await.map_err(io)?;
    let columns: Vec<String> = statement
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    let query = bind(sqlx::query(sql), params);
    let mut stream = query.fetch(&mut **conn);
    let mut rows = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = stream.try_next().await.map_err(io)? {
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
    Ok(QueryResult { columns, rows })
}

async fn scalar(conn: &Mutex<PoolConnection<Sqlite>>, sql: &str) -> Result<i64, Error> {
    let mut conn = conn.lock().await;
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut **conn)
        .await
        .map_err(io)
}

fn connection(
    data: &mut StoreData,
    c: &Resource<Connection>,
) -> Result<Arc<Mutex<PoolConnection<Sqlite>>>, Error> {
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
        scalar(&conn, "SELECT last_insert_rowid()")
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }

    async fn changes(&mut self, c: Resource<Connection>) -> anyhow::Result<u64> {
        let conn = connection(self, &c).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        scalar(&conn, "SELECT changes()")
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
        scalar(&conn, "SELECT last_insert_rowid()")
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
        scalar(&conn, "SELECT changes()")
            .await
            .map(|n| n.max(0) as u64)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    }
}
