//! A thin layer over `spin:sqlite`: open, run a statement, read rows by position,
//! and transactions that always end (commit or roll back). The SQL itself lives in
//! the `store` modules as named constants.

use crate::store;
use spin_sdk::sqlite::{Connection, RowResult, Value};
use std::cell::OnceCell;
use std::fmt;

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

/// One row of a result, read by column position.
pub struct Row(RowResult);

impl Row {
    /// A text column.
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        match self.0.values.get(i) {
            Some(Value::Text(t)) => Ok(t.clone()),
            other => Err(fail("reading a text column", other)),
        }
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.0.values.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match self.0.values.get(i) {
            Some(Value::Integer(n)) => Ok(*n),
            other => Err(fail("reading an integer column", other)),
        }
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.0.values.get(i) {
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
        match self.0.values.get(i) {
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

/// A connection to the `default` database. On the gateway and on Spin, one
/// connection is one SQLite connection, so a transaction spans the statements run on
/// it. The connection is opened at the first statement, not before: a request that
/// is refused before it reaches the database (no credentials, a slow or oversized
/// body) never holds one of the host's connections.
pub struct Db {
    conn: OnceCell<Connection>,
}

impl Db {
    /// The `default` database, opened at its first statement.
    pub fn lazy() -> Db {
        Db {
            conn: OnceCell::new(),
        }
    }

    /// Opens the `default` database now.
    pub async fn open() -> Result<Db, DbError> {
        let db = Db::lazy();
        db.connection().await?;
        Ok(db)
    }

    async fn connection(&self) -> Result<&Connection, DbError> {
        if let Some(conn) = self.conn.get() {
            return Ok(conn);
        }
        let conn = Connection::open(DEFAULT_DATABASE)
            .await
            .map_err(|e| fail("opening the default database", e))?;
        // Two statements of one request racing to open: the first connection stays,
        // the other is closed unused.
        Ok(self.conn.get_or_init(|| conn))
    }

    /// Runs a statement and returns its rows.
    pub async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, DbError> {
        let result = self
            .connection()
            .await?
            .execute(sql, params)
            .await
            .map_err(|e| fail(sql, e))?;
        let rows = result.collect().await.map_err(|e| fail(sql, e))?;
        Ok(rows.into_iter().map(Row).collect())
    }

    /// Runs a statement that returns no rows; answers the number of rows changed.
    pub async fn execute(&self, sql: &str, params: Vec<Value>) -> Result<u64, DbError> {
        self.query(sql, params).await?;
        Ok(self.connection().await?.changes().await)
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
        self.execute(store::BEGIN, Vec::new()).await?;
        match work(self).await {
            Ok(value) => {
                if let Err(e) = self.execute(store::COMMIT, Vec::new()).await {
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
        if let Err(e) = self.execute(store::ROLLBACK, Vec::new()).await {
            // The work's error is what the caller sees; this one only goes to the log.
            eprintln!("rollback failed: {e}");
        }
    }
}
