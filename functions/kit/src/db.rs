//! A thin layer over the application's database: open, run a statement, read rows by
//! position, and transactions that always end (commit or roll back). The SQL itself
//! lives in the `store` modules as named constants, in the subset SQLite and
//! PostgreSQL share; this file is the one place that knows which one it talks to.
//!
//! The backend is chosen by the `database_url` variable: empty (or not given to the
//! component) → the `default` SQLite database (`spin:sqlite`); `postgres://…` →
//! that PostgreSQL server (`spin:postgres`). Where the two differ:
//! - values: parameters are integers, text, blobs or NULL on both; PostgreSQL's
//!   booleans, smaller integers and integral numerics (what `SUM` of a `BIGINT`
//!   answers) read as integers, as SQLite's would;
//! - rows changed: SQLite's `changes()`, PostgreSQL's command count;
//! - write transactions: see [`crate::store::begin_statements`].

use crate::store;
use spin_sdk::pg::{self as pg, DbValue, ParameterValue};
use spin_sdk::sqlite::{self, Connection};
use std::cell::{Cell, OnceCell};
use std::fmt;

/// The variable that names the PostgreSQL server (empty: SQLite).
pub const DATABASE_URL_VARIABLE: &str = "database_url";

/// The database label every function uses.
pub const DEFAULT_DATABASE: &str = "default";

/// A database failure, with what was being done. Shown only in logs.
#[derive(Debug, Clone)]
pub struct DbError {
    /// The statement or step that failed.
    pub doing: String,
    /// The host's error.
    pub error: String,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.doing, self.error)
    }
}

impl std::error::Error for DbError {}

fn fail(doing: &str, error: impl fmt::Debug) -> DbError {
    DbError {
        doing: doing.chars().take(160).collect(),
        error: format!("{error:?}"),
    }
}

/// A stored value that no longer parses: a fault on our side, never the caller's.
pub fn corrupt(what: &str, detail: impl fmt::Display) -> DbError {
    DbError {
        doing: format!("reading {what}"),
        error: format!("stored value does not parse: {detail}"),
    }
}

/// A parameter or a stored value, as both backends have it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A 64-bit integer (`INTEGER`, `BIGINT`).
    Integer(i64),
    /// A floating-point number (never money).
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (`BLOB`, `BYTEA`).
    Blob(Vec<u8>),
    /// NULL.
    Null,
}

impl Value {
    fn into_sqlite(self) -> sqlite::Value {
        match self {
            Value::Integer(n) => sqlite::Value::Integer(n),
            Value::Real(f) => sqlite::Value::Real(f),
            Value::Text(t) => sqlite::Value::Text(t),
            Value::Blob(b) => sqlite::Value::Blob(b),
            Value::Null => sqlite::Value::Null,
        }
    }

    fn into_pg(self) -> ParameterValue {
        match self {
            Value::Integer(n) => ParameterValue::Int64(n),
            Value::Real(f) => ParameterValue::Floating64(f),
            Value::Text(t) => ParameterValue::Str(t),
            Value::Blob(b) => ParameterValue::Binary(b),
            Value::Null => ParameterValue::DbNull,
        }
    }

    fn from_sqlite(v: sqlite::Value) -> Value {
        match v {
            sqlite::Value::Integer(n) => Value::Integer(n),
            sqlite::Value::Real(f) => Value::Real(f),
            sqlite::Value::Text(t) => Value::Text(t),
            sqlite::Value::Blob(b) => Value::Blob(b),
            sqlite::Value::Null => Value::Null,
        }
    }

    fn from_pg(v: DbValue) -> Result<Value, DbError> {
        Ok(match v {
            DbValue::Boolean(b) => Value::Integer(i64::from(b)),
            DbValue::Int8(n) => Value::Integer(i64::from(n)),
            DbValue::Int16(n) => Value::Integer(i64::from(n)),
            DbValue::Int32(n) => Value::Integer(i64::from(n)),
            DbValue::Int64(n) => Value::Integer(n),
            DbValue::Floating32(f) => Value::Real(f64::from(f)),
            DbValue::Floating64(f) => Value::Real(f),
            DbValue::Str(t) => Value::Text(t),
            DbValue::Binary(b) => Value::Blob(b),
            DbValue::DbNull => Value::Null,
            DbValue::Decimal(d) => decimal(&d)?,
            other => return Err(fail("reading a column of an unsupported type", other)),
        })
    }
}

/// A numeric as PostgreSQL sends it (`SUM` and `AVG` of integers are numerics):
/// integral ones read as integers, as SQLite answers them, others as reals.
fn decimal(d: &str) -> Result<Value, DbError> {
    let integral = match d.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
        Some(_) => "",
        None => d,
    };
    if let Ok(n) = integral.parse::<i64>() {
        return Ok(Value::Integer(n));
    }
    d.parse::<f64>()
        .map(Value::Real)
        .map_err(|e| fail("reading a numeric column", e))
}

/// One row of a result, read by column position.
pub struct Row(Vec<Value>);

impl Row {
    /// A text column.
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        match self.0.get(i) {
            Some(Value::Text(t)) => Ok(t.clone()),
            other => Err(fail("reading a text column", other)),
        }
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match self.0.get(i) {
            Some(Value::Integer(n)) => Ok(*n),
            other => Err(fail("reading an integer column", other)),
        }
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    /// A boolean stored as integer 0/1.
    pub fn bool(&self, i: usize) -> Result<bool, DbError> {
        self.int(i).map(|n| n != 0)
    }

    /// A blob column (text is read as its bytes).
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, DbError> {
        match self.0.get(i) {
            Some(Value::Blob(b)) => Ok(b.clone()),
            Some(Value::Text(t)) => Ok(t.as_bytes().to_vec()),
            other => Err(fail("reading a blob column", other)),
        }
    }
}

/// A text parameter.
pub fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// An integer parameter.
pub fn int(n: i64) -> Value {
    Value::Integer(n)
}

/// A blob parameter.
pub fn blob(b: impl Into<Vec<u8>>) -> Value {
    Value::Blob(b.into())
}

/// A boolean parameter, stored as 0/1.
pub fn boolean(b: bool) -> Value {
    Value::Integer(i64::from(b))
}

/// An optional text parameter (NULL when absent).
pub fn opt_text(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.into()))
}

/// An optional integer parameter (NULL when absent).
pub fn opt_int(n: Option<i64>) -> Value {
    n.map_or(Value::Null, Value::Integer)
}

/// The `VALUES` list of a multi-row insert: `rows` tuples, each `$1`…`$shared`
/// (parameters every row shares) then its own `per_row`, numbered after the shared
/// ones and the rows before it — `($1, $2, $3), ($1, $4, $5)` for 1 shared and 2 per
/// row. Every number first appears in order: SQLite numbers `$N` by first appearance
/// and Spin binds parameters by position, so out-of-order numbers would bind the
/// wrong values there.
pub fn values_rows(shared: usize, per_row: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(rows * (shared + per_row) * 6);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        let own = shared + row * per_row + 1..=shared + (row + 1) * per_row;
        let numbers: Vec<String> = (1..=shared).chain(own).map(|n| format!("${n}")).collect();
        sql.push_str(&numbers.join(", "));
        sql.push(')');
    }
    sql
}

enum Conn {
    Sqlite(Connection),
    Postgres(pg::Connection),
}

/// A connection to the application's database. On the gateway and on Spin, one
/// connection is one SQLite connection or one PostgreSQL session, so a transaction
/// spans the statements run on it. The connection is opened at the first
/// statement, not before: a request that is refused before it reaches the database
/// (no credentials, a slow or oversized body) never holds one of the host's
/// connections.
pub struct Db {
    conn: OnceCell<Conn>,
    /// Inside [`Db::transaction`].
    in_transaction: Cell<bool>,
}

/// The PostgreSQL address the component was given, if any.
async fn database_url() -> Option<String> {
    spin_sdk::variables::get(DATABASE_URL_VARIABLE)
        .await
        .ok()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
}

impl Db {
    /// The database, opened at its first statement.
    pub fn lazy() -> Db {
        Db {
            conn: OnceCell::new(),
            in_transaction: Cell::new(false),
        }
    }

    /// Opens the database now.
    pub async fn open() -> Result<Db, DbError> {
        let db = Db::lazy();
        db.connection().await?;
        Ok(db)
    }

    /// Whether this is PostgreSQL (opening the connection if needed).
    pub async fn is_postgres(&self) -> Result<bool, DbError> {
        Ok(matches!(self.connection().await?, Conn::Postgres(_)))
    }

    async fn connection(&self) -> Result<&Conn, DbError> {
        if let Some(conn) = self.conn.get() {
            return Ok(conn);
        }
        let conn = match database_url().await {
            Some(url) => Conn::Postgres(
                pg::Connection::open(url)
                    .await
                    .map_err(|e| fail("opening the PostgreSQL database", e))?,
            ),
            None => Conn::Sqlite(
                Connection::open(DEFAULT_DATABASE)
                    .await
                    .map_err(|e| fail("opening the default database", e))?,
            ),
        };
        // Two statements of one request racing to open: the first connection stays,
        // the other is closed unused.
        Ok(self.conn.get_or_init(|| conn))
    }

    /// Runs a statement and returns its rows.
    pub async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, DbError> {
        if self.writes_alone(sql) && self.is_postgres().await? {
            return self
                .transaction(async |db: &Db| db.raw_query(sql, params).await)
                .await;
        }
        self.raw_query(sql, params).await
    }

    /// Runs a statement that returns no rows; answers the number of rows changed.
    pub async fn execute(&self, sql: &str, params: Vec<Value>) -> Result<u64, DbError> {
        if self.writes_alone(sql) && self.is_postgres().await? {
            return self
                .transaction(async |db: &Db| db.raw_execute(sql, params).await)
                .await;
        }
        self.raw_execute(sql, params).await
    }

    async fn raw_query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, DbError> {
        match self.connection().await? {
            Conn::Sqlite(conn) => {
                let params = params
                    .into_iter()
                    .map(Value::into_sqlite)
                    .collect::<Vec<_>>();
                let result = conn.execute(sql, params).await.map_err(|e| fail(sql, e))?;
                let rows = result.collect().await.map_err(|e| fail(sql, e))?;
                Ok(rows
                    .into_iter()
                    .map(|r| Row(r.values.into_iter().map(Value::from_sqlite).collect()))
                    .collect())
            }
            Conn::Postgres(conn) => {
                let params = params.into_iter().map(Value::into_pg).collect::<Vec<_>>();
                let mut result = conn.query(sql, params).await.map_err(|e| fail(sql, e))?;
                let mut rows = Vec::new();
                while let Some(row) = result.rows().next().await {
                    rows.push(Row(row
                        .into_iter()
                        .map(Value::from_pg)
                        .collect::<Result<_, _>>()?));
                }
                result.result().await.map_err(|e| fail(sql, e))?;
                Ok(rows)
            }
        }
    }

    async fn raw_execute(&self, sql: &str, params: Vec<Value>) -> Result<u64, DbError> {
        match self.connection().await? {
            Conn::Sqlite(conn) => {
                self.raw_query(sql, params).await?;
                Ok(conn.changes().await)
            }
            Conn::Postgres(conn) => {
                let params = params.into_iter().map(Value::into_pg).collect::<Vec<_>>();
                conn.execute(sql, params).await.map_err(|e| fail(sql, e))
            }
        }
    }

    /// Whether `sql` is a write outside a transaction. On PostgreSQL it runs in a
    /// transaction of its own that takes the write lock (see
    /// [`store::begin_statements`]), as a lone write waits for SQLite's: otherwise
    /// it could land between another transaction's read and its write.
    fn writes_alone(&self, sql: &str) -> bool {
        !self.in_transaction.get() && store::is_write(sql)
    }

    /// The first row of a statement's result, if any.
    pub async fn query_one(&self, sql: &str, params: Vec<Value>) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs `work` inside a transaction: commits if it succeeds, rolls back if it
    /// fails (and reports the work's error, not the rollback's).
    pub async fn transaction<T, E>(
        &self,
        work: impl AsyncFnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<DbError>,
    {
        for (i, statement) in store::begin_statements(self.is_postgres().await?)
            .iter()
            .enumerate()
        {
            if let Err(e) = self.raw_execute(statement, Vec::new()).await {
                if i > 0 {
                    self.rollback_quietly().await;
                }
                return Err(e.into());
            }
        }
        self.in_transaction.set(true);
        let outcome = work(self).await;
        self.in_transaction.set(false);
        match outcome {
            Ok(value) => {
                if let Err(e) = self.raw_execute(store::COMMIT, Vec::new()).await {
                    self.rollback_quietly().await;
                    return Err(e.into());
                }
                Ok(value)
            }
            Err(e) => {
                self.rollback_quietly().await;
                Err(e)
            }
        }
    }

    async fn rollback_quietly(&self) {
        if let Err(e) = self.raw_execute(store::ROLLBACK, Vec::new()).await {
            // The work's error is what the caller sees; this one only goes to the log.
            eprintln!("rollback failed: {e}");
        }
    }
}
