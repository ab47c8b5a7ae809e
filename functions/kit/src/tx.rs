//! The one transaction helper: runs a handler's work in a transaction, commits on
//! success, rolls back on a refusal or an error, and turns the outcome into what the
//! handler answers — never a success after a failed commit (the commit's error is a
//! 500). The transaction statements themselves are [`crate::store`]'s.

use crate::context::RequestContext;
use crate::db::{Db, DbError};
use crate::responses::Failure;
use yingshang_core::problem::ApiError;

/// How many times work that asks to run again ([`TxError::Retry`]) is tried.
pub const ATTEMPTS: usize = 4;

/// What a transaction's work can end with besides success.
pub enum TxError {
    /// The database failed (answered as a 500; the cause is logged).
    Db(DbError),
    /// A refusal to answer as it is (the transaction is rolled back).
    Refused(Failure),
    /// Someone changed what the work read (a version check failed): roll back and
    /// run again; after [`ATTEMPTS`] tries, answer this failure.
    Retry(Failure),
}

impl From<DbError> for TxError {
    fn from(e: DbError) -> Self {
        TxError::Db(e)
    }
}

impl From<Failure> for TxError {
    fn from(f: Failure) -> Self {
        TxError::Refused(f)
    }
}

impl<E: ApiError + 'static> From<E> for TxError {
    fn from(e: E) -> Self {
        TxError::Refused(e.into())
    }
}

/// Runs `work` once in a transaction. `doing` names it in the log if the database
/// fails ("saving a site").
pub async fn in_transaction<T>(
    ctx: &RequestContext,
    db: &Db,
    doing: &str,
    work: impl AsyncFnOnce(&Db) -> Result<T, TxError>,
) -> Result<T, Failure> {
    match db.transaction(work).await {
        Ok(v) => Ok(v),
        Err(TxError::Refused(f) | TxError::Retry(f)) => Err(f),
        Err(TxError::Db(e)) => Err(ctx.internal(doing, e).into()),
    }
}

/// Runs `work` in a transaction, again (up to [`ATTEMPTS`] times) when it asks to.
pub async fn retrying<T>(
    ctx: &RequestContext,
    db: &Db,
    doing: &str,
    work: impl AsyncFn(&Db) -> Result<T, TxError>,
) -> Result<T, Failure> {
    retrying_after_read(
        ctx,
        db,
        doing,
        async |_: &Db| Ok(()),
        async |db: &Db, ()| work(db).await,
    )
    .await
}

/// Like [`retrying`], with a read before each transaction whose result the work
/// gets: the write lock is held only for the work, and the work checks (by version)
/// that what was read still holds, asking to run again if not.
pub async fn retrying_after_read<R, T>(
    ctx: &RequestContext,
    db: &Db,
    doing: &str,
    read: impl AsyncFn(&Db) -> Result<R, DbError>,
    work: impl AsyncFn(&Db, R) -> Result<T, TxError>,
) -> Result<T, Failure> {
    let mut attempt = 1;
    loop {
        let before = read(db).await.map_err(|e| ctx.internal(doing, e))?;
        match db.transaction(async |db: &Db| work(db, before).await).await {
            Ok(v) => return Ok(v),
            Err(TxError::Retry(f)) if attempt >= ATTEMPTS => return Err(f),
            Err(TxError::Retry(_)) => attempt += 1,
            Err(TxError::Refused(f)) => return Err(f),
            Err(TxError::Db(e)) => return Err(ctx.internal(doing, e).into()),
        }
    }
}
