//! Payments and the registry hand-off outbox (written with the payment, drained by
//! the kit's dispatcher on a schedule).

use time::OffsetDateTime;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};
use yingshang_kit::outbox::OutboxTable;
use yingshang_kit::payments::PaymentTable;

const MARK_PAID: &str = "UPDATE tax_assessments SET status = 'paid', payment_txn = $1, \
     paid_at = $2 WHERE id = $3 AND status = 'assessed'";

const INSERT_RECORD: &str = "INSERT INTO registry_outbox (assessment_id, record, status, \
     attempts, next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $3) \
     ON CONFLICT (assessment_id) DO NOTHING";

/// The channel's confirmed payments for assessments.
pub const PAYMENTS: PaymentTable = yingshang_kit::payment_table!("tax_payments", "assessment_id");

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

/// The registry hand-off outbox (the kit's dispatcher drains it); the payload is the
/// record as JSON, column 2 of a due row.
pub const REGISTRY_OUTBOX: OutboxTable = yingshang_kit::outbox_table!(
    "registry record",
    "registry_outbox",
    "assessment_id",
    "registry_receipt",
    "record"
);
