//! The refund outbox (written with the settlement, drained by the kit's dispatcher on
//! a schedule) and daily statements.

use super::corrupt;
use time::OffsetDateTime;
use yingshang_core::metering::DailyStatement;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};
use yingshang_kit::outbox::OutboxTable;

const INSERT_REFUND: &str = "INSERT INTO refund_outbox (session_id, payment_txn, amount_fen, status, \
     attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) \
     ON CONFLICT (session_id) DO NOTHING";
const SELECT_REFUND: &str = "SELECT status, amount_fen, channel_refund_id, attempts \
     FROM refund_outbox WHERE session_id = $1";

const UPSERT_STATEMENT: &str = "INSERT INTO power_statements (site_id, day, uses, energy_wh, \
     prepaid_fen, revenue_fen, refunded_fen, alarms, statement, generated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (site_id, day) DO UPDATE SET \
     uses = excluded.uses, energy_wh = excluded.energy_wh, prepaid_fen = excluded.prepaid_fen, \
     revenue_fen = excluded.revenue_fen, refunded_fen = excluded.refunded_fen, \
     alarms = excluded.alarms, statement = excluded.statement, generated_at = excluded.generated_at";
const DELETE_STATEMENTS_OF_DAY: &str = "DELETE FROM power_statements WHERE day = $1";
const SELECT_STATEMENTS: &str = "SELECT statement FROM power_statements \
     WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day";

/// The refund outbox; the payload columns of a due row are the payment transaction
/// (2) and the amount (3).
pub const REFUND_OUTBOX: OutboxTable = yingshang_kit::outbox_table!(
    "refund",
    "refund_outbox",
    "session_id",
    "channel_refund_id",
    "payment_txn, amount_fen"
);

/// A refund's state, for the customer.
#[derive(Debug, Clone)]
pub struct RefundState {
    /// pending | delivered.
    pub status: String,
    /// The amount.
    pub amount_fen: i64,
    /// The channel's refund id, once delivered.
    pub refund_id: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
}

/// Queues a refund (once per session), due at once.
pub async fn insert_refund(
    db: &Db,
    session_id: &str,
    payment_txn: Option<&str>,
    amount_fen: i64,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        INSERT_REFUND,
        vec![
            db::text(session_id),
            db::opt_text(payment_txn),
            db::int(amount_fen),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// A session's refund, if one was queued.
pub async fn refund_of(db: &Db, session_id: &str) -> Result<Option<RefundState>, DbError> {
    let row = db
        .query_one(SELECT_REFUND, vec![db::text(session_id)])
        .await?;
    row.map(|r| {
        Ok(RefundState {
            status: r.text(0)?,
            amount_fen: r.int(1)?,
            refund_id: r.opt_text(2)?,
            attempts: r.int(3)?,
        })
    })
    .transpose()
}

/// Replaces the statements of a day with `statements`.
pub async fn replace_statements(
    db: &Db,
    day: &str,
    statements: &[DailyStatement],
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(DELETE_STATEMENTS_OF_DAY, vec![db::text(day)])
        .await?;
    for st in statements {
        let json = serde_json::to_string(st).map_err(|e| corrupt("statement", e))?;
        db.execute(
            UPSERT_STATEMENT,
            vec![
                db::text(st.site.as_str()),
                db::text(day),
                db::int(i64::from(st.uses)),
                db::int(i64::try_from(st.energy.0).unwrap_or(i64::MAX)),
                db::int(st.prepaid.0),
                db::int(st.revenue.0),
                db::int(st.refunded.0),
                db::int(i64::from(st.alarms)),
                db::text(json),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    }
    Ok(())
}

/// A site's statements between two days (inclusive, `YYYY-MM-DD`).
pub async fn statements(
    db: &Db,
    site: &str,
    from: &str,
    to: &str,
) -> Result<Vec<DailyStatement>, DbError> {
    let rows = db
        .query(
            SELECT_STATEMENTS,
            vec![db::text(site), db::text(from), db::text(to)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.text(0)?).map_err(|e| corrupt("power_statements.statement", e))
        })
        .collect()
}
