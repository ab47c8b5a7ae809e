//! Sessions (the core's `Session` as JSON beside the columns queries need, guarded
//! by a version for read-modify-write) and payment confirmations.

use super::corrupt;
use time::OffsetDateTime;
use yingshang_core::metering::{Session, SessionState, Settlement};
use yingshang_kit::clock::{from_unix_ms, unix_ms};
use yingshang_kit::db::{self, Db, DbError, Row};
use yingshang_kit::payments::PaymentTable;

/// Status of a session whose payment is awaited.
pub const STATUS_CREATED: &str = "created";
/// Status of a paid session, socket on.
pub const STATUS_ACTIVE: &str = "active";
/// Status of a settled session.
pub const STATUS_ENDED: &str = "ended";
/// Status of a session stopped before it was paid (nothing to refund).
pub const STATUS_CANCELLED: &str = "cancelled";

/// A session query with the columns [`record_of`] reads, as one constant string.
macro_rules! select {
    ($filter:literal) => {
        concat!(
            "SELECT id, socket_id, site_id, owner, status, session, version, payment_txn, \
             created_at, last_seen_at FROM power_sessions WHERE ",
            $filter
        )
    };
}
const SELECT_BY_ID: &str = select!("id = $1");
const SELECT_ACTIVE_OF_SOCKET: &str =
    select!("socket_id = $1 AND status = 'active' ORDER BY created_at DESC LIMIT 1");
const SELECT_LATEST_PAID_OF_SOCKET: &str =
    select!("socket_id = $1 AND activated_at IS NOT NULL ORDER BY activated_at DESC LIMIT 1");
const SELECT_NOT_SEEN_SINCE: &str =
    select!("status = 'active' AND last_seen_at <= $1 ORDER BY last_seen_at LIMIT $2");
const SELECT_ENDED_BETWEEN: &str =
    select!("status = 'ended' AND ended_at >= $1 AND ended_at < $2 ORDER BY ended_at");
const INSERT_SESSION: &str = "INSERT INTO power_sessions (id, socket_id, site_id, meter_id, owner, \
     status, prepaid_fen, session, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)";
const UPDATE_SESSION: &str = "UPDATE power_sessions SET status = $1, session = $2, version = version + 1, \
     charged_fen = $3, refunded_fen = $4, end_reason = $5, payment_txn = $6, activated_at = $7, \
     last_seen_at = COALESCE($8, last_seen_at), ended_at = $9 WHERE id = $10 AND version = $11";

/// A stored session.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// ULID.
    pub id: String,
    /// The socket.
    pub socket_id: String,
    /// The socket's site.
    pub site_id: String,
    /// The customer's audit actor.
    pub owner: String,
    /// created | active | ended | cancelled.
    pub status: String,
    /// The core's session.
    pub session: Session,
    /// For optimistic locking.
    pub version: i64,
    /// The channel's transaction id, once paid.
    pub payment_txn: Option<String>,
    /// When it was created (ms).
    pub created_at: i64,
    /// When the server last received an accepted reading for it, or activated it.
    pub last_seen_at: Option<OffsetDateTime>,
}

fn record_of(row: &Row) -> Result<SessionRecord, DbError> {
    Ok(SessionRecord {
        id: row.text(0)?,
        socket_id: row.text(1)?,
        site_id: row.text(2)?,
        owner: row.text(3)?,
        status: row.text(4)?,
        session: serde_json::from_str(&row.text(5)?)
            .map_err(|e| corrupt("power_sessions.session", e))?,
        version: row.int(6)?,
        payment_txn: row.opt_text(7)?,
        created_at: row.int(8)?,
        last_seen_at: row.opt_int(9)?.map(from_unix_ms),
    })
}

/// The status column for a core state.
pub fn status_of(session: &Session) -> &'static str {
    match session.state() {
        SessionState::Created => STATUS_CREATED,
        SessionState::Active => STATUS_ACTIVE,
        SessionState::Ended { .. } => STATUS_ENDED,
    }
}

/// Stores a new session.
pub async fn insert(db: &Db, r: &SessionRecord, meter: &str) -> Result<(), DbError> {
    let json = serde_json::to_string(&r.session).map_err(|e| corrupt("session", e))?;
    db.execute(
        INSERT_SESSION,
        vec![
            db::text(r.id.as_str()),
            db::text(r.socket_id.as_str()),
            db::text(r.site_id.as_str()),
            db::text(meter),
            db::text(r.owner.as_str()),
            db::text(r.status.as_str()),
            db::int(r.session.prepaid().0),
            db::text(json),
            db::int(r.created_at),
        ],
    )
    .await
    .map(drop)
}

/// A session by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<SessionRecord>, DbError> {
    let row = db.query_one(SELECT_BY_ID, vec![db::text(id)]).await?;
    row.as_ref().map(record_of).transpose()
}

/// The active session of a socket, if any.
pub async fn active_of_socket(db: &Db, socket_id: &str) -> Result<Option<SessionRecord>, DbError> {
    let row = db
        .query_one(SELECT_ACTIVE_OF_SOCKET, vec![db::text(socket_id)])
        .await?;
    row.as_ref().map(record_of).transpose()
}

/// The latest session of a socket that was ever switched on, if any.
pub async fn latest_paid_of_socket(
    db: &Db,
    socket_id: &str,
) -> Result<Option<SessionRecord>, DbError> {
    let row = db
        .query_one(SELECT_LATEST_PAID_OF_SOCKET, vec![db::text(socket_id)])
        .await?;
    row.as_ref().map(record_of).transpose()
}

/// Active sessions not seen (activation or last reading, server time) since `before`.
pub async fn active_not_seen_since(
    db: &Db,
    before: OffsetDateTime,
    limit: i64,
) -> Result<Vec<SessionRecord>, DbError> {
    let rows = db
        .query(
            SELECT_NOT_SEEN_SINCE,
            vec![db::int(unix_ms(before)), db::int(limit)],
        )
        .await?;
    rows.iter().map(record_of).collect()
}

/// Sessions that ended in `[from, to)`.
pub async fn ended_between(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<SessionRecord>, DbError> {
    let rows = db
        .query(
            SELECT_ENDED_BETWEEN,
            vec![db::int(unix_ms(from)), db::int(unix_ms(to))],
        )
        .await?;
    rows.iter().map(record_of).collect()
}

/// Saves `r` over the stored version `r.version`; false if someone saved first (the
/// caller rolls back and tries again). `seen` moves `last_seen_at` (server time);
/// `settlement` fills the money columns of an ended session.
pub async fn save(
    db: &Db,
    r: &SessionRecord,
    seen: Option<OffsetDateTime>,
    settlement: Option<&Settlement>,
) -> Result<bool, DbError> {
    let json = serde_json::to_string(&r.session).map_err(|e| corrupt("session", e))?;
    let s = &r.session;
    let changed = db
        .execute(
            UPDATE_SESSION,
            vec![
                db::text(r.status.as_str()),
                db::text(json),
                db::opt_int(settlement.map(|x| x.charged.0)),
                db::opt_int(settlement.map(|x| x.refunded.0)),
                db::opt_text(settlement.map(|x| x.reason.code())),
                db::opt_text(r.payment_txn.clone()),
                db::opt_int(s.activated_at().map(unix_ms)),
                db::opt_int(seen.map(unix_ms)),
                db::opt_int(s.ended_at().map(unix_ms)),
                db::text(r.id.as_str()),
                db::int(r.version),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// The channel's confirmed payments for sessions.
pub const PAYMENTS: PaymentTable = yingshang_kit::payment_table!("power_payments", "session_id");
