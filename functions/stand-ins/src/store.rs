//! The stand-ins' SQL: what they accepted, one row per idempotency key
//! (`dev_channel_refunds`, `dev_registry_records`).

use time::OffsetDateTime;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};

const SELECT_REFUND: &str =
    "SELECT refund_id, amount_fen FROM dev_channel_refunds WHERE idem_key = $1";
const INSERT_REFUND: &str = "INSERT INTO dev_channel_refunds (idem_key, refund_id, amount_fen, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idem_key) DO NOTHING";
const SELECT_RECORD: &str =
    "SELECT receipt_id, record FROM dev_registry_records WHERE idem_key = $1";
const INSERT_RECORD: &str = "INSERT INTO dev_registry_records (idem_key, receipt_id, record, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idem_key) DO NOTHING";

/// The channel's refund for an idempotency key: (refund id, amount).
pub async fn refund(db: &Db, key: &str) -> Result<Option<(String, i64)>, DbError> {
    let row = db.query_one(SELECT_REFUND, vec![db::text(key)]).await?;
    row.map(|r| Ok((r.text(0)?, r.int(1)?))).transpose()
}

/// Records the channel's refund once per idempotency key.
pub async fn insert_refund(
    db: &Db,
    key: &str,
    refund_id: &str,
    amount_fen: i64,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let params = vec![
        db::text(key),
        db::text(refund_id),
        db::int(amount_fen),
        db::int(unix_ms(now)),
    ];
    db.execute(INSERT_REFUND, params).await.map(drop)
}

/// The registry's record for an idempotency key: (receipt, record JSON).
pub async fn record(db: &Db, key: &str) -> Result<Option<(String, String)>, DbError> {
    let row = db.query_one(SELECT_RECORD, vec![db::text(key)]).await?;
    row.map(|r| Ok((r.text(0)?, r.text(1)?))).transpose()
}

/// Records the registry's record once per idempotency key.
pub async fn insert_record(
    db: &Db,
    key: &str,
    receipt: &str,
    record_json: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let params = vec![
        db::text(key),
        db::text(receipt),
        db::text(record_json),
        db::int(unix_ms(now)),
    ];
    db.execute(INSERT_RECORD, params).await.map(drop)
}
