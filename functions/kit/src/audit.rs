//! Audit rows: who changed what, when, with digests of before and after (the core's
//! [`AuditEntry`]). Write them on the same connection as the change, inside its
//! transaction, so a change and its audit row stand or fall together.

use crate::context::RequestContext;
use crate::db::{Db, DbError};
use yingshang_core::security::audit::AuditEntry;

/// Writes an audit row for `entry`, tagged with the request id.
pub async fn record(ctx: &RequestContext, db: &Db, entry: &AuditEntry) -> Result<(), DbError> {
    let id = crate::ids::ulid(entry.at);
    crate::store::insert_audit(db, &id, entry, &ctx.request_id).await
}
