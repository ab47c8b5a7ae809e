//! The notification outbox: SMS to owners and agencies, and results to the
//! construction-project approval system, written with the change that causes them.

use yingshang_kit::db::{int, text};
use yingshang_kit::outbox::OutboxTable;
use yingshang_kit::{Db, DbError, outbox_table};

/// The outbox's statements.
pub const NOTIFICATIONS: OutboxTable = outbox_table!(
    "notification",
    "intermediary_outbox",
    "message_id",
    "receipt",
    "kind, body"
);

/// Queues a message (once per id: a repeated id is ignored).
pub async fn queue(
    db: &Db,
    id: &str,
    kind: &str,
    body: &serde_json::Value,
    now_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_outbox (message_id, kind, body, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4) ON CONFLICT (message_id) DO NOTHING",
        vec![text(id), text(kind), text(body.to_string()), int(now_ms)],
    )
    .await
    .map(drop)
}
