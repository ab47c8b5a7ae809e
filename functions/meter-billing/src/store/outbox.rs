//! The refund outbox (written with the settlement, drained by the dispatch schedule),
//! the local stand-in for the channel's refund endpoint, and daily statements.

use super::corrupt;
use time::OffsetDateTime;
use yingshang_core::metering::DailyStatement;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};

const INSERT_REFUND: &str = "INSERT INTO refund_outbox (session_id, payment_txn, amount_fen, status, \
     attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) \
     ON CONFLICT (session_id) DO NOTHING";
const SELECT_DUE: &str = "SELECT session_id, payment_txn, amount_fen, attempts FROM refund_outbox \
     WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2";
const CLAIM: &str = "UPDATE refund_outbox SET next_attempt_at = $1 \
     WHERE session_id = $2 AND status = 'pending' AND next_attempt_at <= $3";
const DELIVERED: &str = "UPDATE refund_outbox SET status = 'delivered', channel_refund_id = $1, \
     delivered_at = $2, attempts = attempts + 1, last_error = NULL \
     WHERE session_id = $3 AND status = 'pending'";
const FAILED: &str = "UPDATE refund_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 \
     WHERE session_id = $4 AND status = 'pending'";
const SELECT_REFUND: &str = "SELECT status, amount_fen, channel_refund_id, attempts \
     FROM refund_outbox WHERE session_id = $1";

const SELECT_DEV_REFUND: &str =
    "SELECT refund_id, amount_fen FROM dev_channel_refunds WHERE idem_key = $1";
const INSERT_DEV_REFUND: &str = "INSERT INTO dev_channel_refunds (idem_key, refund_id, amount_fen, \
     received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idem_key) DO NOTHING";

const UPSERT_STATEMENT: &str = "INSERT INTO power_statements (site_id, day, uses, energy_wh, \
     prepaid_fen, revenue_fen, refunded_fen, alarms, statement, generated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (site_id, day) DO UPDATE SET \
     uses = excluded.uses, energy_wh = excluded.energy_wh, prepaid_fen = excluded.prepaid_fen, \
     revenue_fen = excluded.revenue_fen, refunded_fen = excluded.refunded_fen, \
     alarms = excluded.alarms, statement = excluded.statement, generated_at = excluded.generated_at";
const DELETE_STATEMENTS_OF_DAY: &str = "DELETE FROM power_statements WHERE day = $1";
const SELECT_STATEMENTS: &str = "SELECT statement FROM power_statements \
     WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day";

/// A refund waiting to be sent.
#[derive(Debug, Clone)]
pub struct DueRefund {
    /// The session (also the idempotency key towards the channel).
    pub session_id: String,
    /// The channel's payment transaction.
    pub payment_txn: Option<String>,
    /// What to refund.
    pub amount_fen: i64,
    /// Failed attempts so far.
    pub attempts: i64,
}

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

/// Refunds due at `now`, oldest first.
pub async fn due(db: &Db, now: OffsetDateTime, limit: i64) -> Result<Vec<DueRefund>, DbError> {
    let rows = db
        .query(SELECT_DUE, vec![db::int(unix_ms(now)), db::int(limit)])
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DueRefund {
                session_id: r.text(0)?,
                payment_txn: r.opt_text(1)?,
                amount_fen: r.int(2)?,
                attempts: r.int(3)?,
            })
        })
        .collect()
}

/// Takes a due refund for sending until `lease_until`; false if another dispatcher
/// took it (or it was delivered) first.
pub async fn claim(
    db: &Db,
    session_id: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            CLAIM,
            vec![
                db::int(unix_ms(lease_until)),
                db::text(session_id),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Marks a refund delivered with the channel's refund id.
pub async fn delivered(
    db: &Db,
    session_id: &str,
    refund_id: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        DELIVERED,
        vec![
            db::text(refund_id),
            db::int(unix_ms(now)),
            db::text(session_id),
        ],
    )
    .await
    .map(drop)
}

/// Records a failed attempt and when to try again.
pub async fn failed(
    db: &Db,
    session_id: &str,
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
            db::text(session_id),
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

/// The stand-in channel's refund for an idempotency key: (refund id, amount).
pub async fn dev_refund(db: &Db, key: &str) -> Result<Option<(String, i64)>, DbError> {
    let row = db.query_one(SELECT_DEV_REFUND, vec![db::text(key)]).await?;
    row.map(|r| Ok((r.text(0)?, r.int(1)?))).transpose()
}

/// Records the stand-in channel's refund once per idempotency key.
pub async fn insert_dev_refund(
    db: &Db,
    key: &str,
    refund_id: &str,
    amount_fen: i64,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        INSERT_DEV_REFUND,
        vec![
            db::text(key),
            db::text(refund_id),
            db::int(amount_fen),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
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
