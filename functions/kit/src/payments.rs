//! Payments confirmed by the payment channel, one row per channel transaction id in
//! a function's payments table (`txn_id TEXT PRIMARY KEY, <target>, amount_fen,
//! received_at`). The decision what a confirmation does is the core's
//! `payment::decide_payment`; this module only reads and records the rows, with
//! statements written at compile time by [`payment_table!`](crate::payment_table).

use crate::db::{self, Db, DbError};
use time::OffsetDateTime;
use yingshang_core::money::Fen;
use yingshang_core::payment::{
    Confirmation, Payable, PaymentDecision, PaymentRefusal, RecordedPayment, decide_payment,
};

/// A payments table's statements.
#[derive(Debug, Clone, Copy)]
pub struct PaymentTable {
    /// The payment under a transaction id: target, amount; `$1` the id.
    pub select: &'static str,
    /// Records one, unless the transaction id is recorded: `$1` id, `$2` target,
    /// `$3` amount, `$4` received at.
    pub insert: &'static str,
}

/// The statements of a payments table from its name and target column:
/// `payment_table!("tax_payments", "assessment_id")`.
#[macro_export]
macro_rules! payment_table {
    ($table:literal, $target:literal) => {
        $crate::payments::PaymentTable {
            select: concat!(
                "SELECT ",
                $target,
                ", amount_fen FROM ",
                $table,
                " WHERE txn_id = $1"
            ),
            insert: concat!(
                "INSERT INTO ",
                $table,
                " (txn_id, ",
                $target,
                ", amount_fen, received_at) ",
                "VALUES ($1, $2, $3, $4) ON CONFLICT (txn_id) DO NOTHING"
            ),
        }
    };
}

/// The payment recorded under `txn_id`: (target id, amount), if any.
pub async fn recorded(
    db: &Db,
    table: &PaymentTable,
    txn_id: &str,
) -> Result<Option<(String, Fen)>, DbError> {
    let row = db.query_one(table.select, vec![db::text(txn_id)]).await?;
    row.map(|r| Ok((r.text(0)?, Fen(r.int(1)?)))).transpose()
}

/// Records a payment once per transaction id; false if it was recorded first.
pub async fn record(
    db: &Db,
    table: &PaymentTable,
    txn_id: &str,
    target_id: &str,
    amount: Fen,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let params = vec![
        db::text(txn_id),
        db::text(target_id),
        db::int(amount.0),
        db::int(crate::clock::unix_ms(now)),
    ];
    Ok(db.execute(table.insert, params).await? == 1)
}

/// What a confirmation comes to: applied to its loaded target, answered again, or
/// refused (the core's reason; each function maps it to its own code).
pub enum Confirmed<T> {
    /// A new payment for this target: record it and mark the target paid.
    Apply(T),
    /// The same confirmation was applied before: change nothing, answer as then.
    Replay,
    /// Refused.
    Refuse(PaymentRefusal),
}

/// Decides a confirmation of `amount` for `target_id` under `txn_id` with the core's
/// [`decide_payment`]: a transaction id seen before is decided by its recorded
/// payment alone, so `load` (the target and what it asks for) runs only for a new one.
pub async fn confirm<T>(
    db: &Db,
    table: &PaymentTable,
    txn_id: &str,
    target_id: &str,
    amount: Fen,
    load: impl AsyncFnOnce(&Db) -> Result<Option<(T, Payable)>, DbError>,
) -> Result<Confirmed<T>, DbError> {
    let recorded = recorded(db, table, txn_id).await?;
    let target = match recorded {
        Some(_) => None,
        None => load(db).await?,
    };
    let decision = decide_payment(
        recorded
            .as_ref()
            .map(|(target_id, amount)| RecordedPayment {
                target_id,
                amount: *amount,
            }),
        target.as_ref().map(|(_, payable)| *payable),
        &Confirmation { target_id, amount },
    );
    Ok(match (decision, target) {
        (PaymentDecision::Apply, Some((t, _))) => Confirmed::Apply(t),
        (PaymentDecision::Apply, None) => Confirmed::Refuse(PaymentRefusal::UnknownTarget),
        (PaymentDecision::Replay, _) => Confirmed::Replay,
        (PaymentDecision::Refuse(why), _) => Confirmed::Refuse(why),
    })
}
