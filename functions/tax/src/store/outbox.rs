//! Payments, the registry hand-off outbox (written with the payment, drained by the
//! dispatch schedule) and the local stand-in for the registry's intake.

use time::OffsetDateTime;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};

const SELECT_PAYMENT: &str = "SELECT assessment_id, amount_fen FROM tax_payments WHERE txn_id = $1";
const INSERT_PAYMENT: &str = "INSERT INTO tax_payments (txn_id, assessment_id, amount_fen, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (txn_id) DO NOTHING";
const MARK_PAID: &str = "UPDATE tax_assessments SET status = 'paid', payment_txn = $1, \
     paid_at = $2 WHERE id = $3 AND status = 'assessed'";

const INSERT_RECORD: &str = "INSERT INTO registry_outbox (assessment_id, record, status, \
     attempts, next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $3) \
     ON CONFLICT (assessment_id) DO NOTHING";
const SELECT_DUE: &str = "SELECT assessment_id, record, attempts FROM registry_outbox \
     WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2";
const CLAIM: &str = "UPDATE registry_outbox SET next_attempt_at = $1 \
     WHERE assessment_id = $2 AND status = 'pending' AND next_attempt_at <= $3";
const DELIVERED: &str = "UPDATE registry_outbox SET status = 'delivered', registry_receipt = $1, \
     delivered_at = $2, attempts = attempts + 1, last_error = NULL \
     WHERE assessment_id = $3 AND status = 'pending'";
const FAILED: &str = "UPDATE registry_outbox SET attempts = $1, next_attempt_at = $2, \
     last_error = $3 WHERE assessment_id = $4 AND status = 'pending'";

const SELECT_DEV_RECORD: &str =
    "SELECT receipt_id, record FROM dev_registry_records WHERE idem_key = $1";
const INSERT_DEV_RECORD: &str = "INSERT INTO dev_registry_records (idem_key, receipt_id, record, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idem_key) DO NOTHING";

/// A confirmed payment: (assessment id, amount), if the transaction was seen.
pub async fn payment(db: &Db, txn_id: &str) -> Result<Option<(String, i64)>, DbError> {
    let row = db.query_one(SELECT_PAYMENT, vec![db::text(txn_id)]).await?;
    row.map(|r| Ok((r.text(0)?, r.int(1)?))).transpose()
}

/// Records a payment; false if the transaction id was recorded first.
pub async fn insert_payment(
    db: &Db,
    txn_id: &str,
    assessment_id: &str,
    amount_fen: i64,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            INSERT_PAYMENT,
            vec![
                db::text(txn_id),
                db::text(assessment_id),
                db::int(amount_fen),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Marks an assessed assessment paid; false if it was not awaiting payment.
pub async fn mark_paid(
    db: &Db,
    assessment_id: &str,
    txn_id: &str,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            MARK_PAID,
            vec![
                db::text(txn_id),
                db::int(unix_ms(now)),
                db::text(assessment_id),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Queues the paid-tax record of an assessment (once), due at once.
pub async fn insert_record(
    db: &Db,
    assessment_id: &str,
    record_json: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        INSERT_RECORD,
        vec![
            db::text(assessment_id),
            db::text(record_json),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// A record waiting to be delivered.
#[derive(Debug, Clone)]
pub struct DueRecord {
    /// The assessment (also the idempotency key towards the registry).
    pub assessment_id: String,
    /// The record as JSON.
    pub record: String,
    /// Failed attempts so far.
    pub attempts: i64,
}

/// Records due at `now`, oldest first.
pub async fn due(db: &Db, now: OffsetDateTime, limit: i64) -> Result<Vec<DueRecord>, DbError> {
    let rows = db
        .query(SELECT_DUE, vec![db::int(unix_ms(now)), db::int(limit)])
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DueRecord {
                assessment_id: r.text(0)?,
                record: r.text(1)?,
                attempts: r.int(2)?,
            })
        })
        .collect()
}

/// Takes a due record for sending until `lease_until`; false if another dispatcher
/// took it (or it was delivered) first.
pub async fn claim(
    db: &Db,
    assessment_id: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            CLAIM,
            vec![
                db::int(unix_ms(lease_until)),
                db::text(assessment_id),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Marks a record delivered with the registry's receipt.
pub async fn delivered(
    db: &Db,
    assessment_id: &str,
    receipt: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        DELIVERED,
        vec![
            db::text(receipt),
            db::int(unix_ms(now)),
            db::text(assessment_id),
        ],
    )
    .await
    .map(drop)
}

/// Records a failed attempt and when to try again.
pub async fn failed(
    db: &Db,
    assessment_id: &str,
    attempts: i64,
    next_at: OffsetDateTime,
    error: &str,
) -> Result<(), DbError> {
    db.execute(
        FAILED,
        vec![
            db::int(attempts),
            db::int(unix_ms(next_at)),
            db::text(error.chars().take(200).collect::<String>()),
            db::text(assessment_id),
        ],
    )
    .await
    .map(drop)
}

/// The stand-in registry's record for an idempotency key: (receipt, record JSON).
pub async fn dev_record(db: &Db, key: &str) -> Result<Option<(String, String)>, DbError> {
    let row = db.query_one(SELECT_DEV_RECORD, vec![db::text(key)]).await?;
    row.map(|r| Ok((r.text(0)?, r.text(1)?))).transpose()
}

/// Records the stand-in registry's record once per idempotency key.
pub async fn insert_dev_record(
    db: &Db,
    key: &str,
    receipt: &str,
    record_json: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        INSERT_DEV_RECORD,
        vec![
            db::text(key),
            db::text(receipt),
            db::text(record_json),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}
