//! The one outbox dispatcher: messages that must reach another party (refunds to
//! the payment channel, paid-tax records to the registry) are rows of an outbox
//! table written in the transaction that causes them; a schedule calls [`dispatch`],
//! which takes each due row under a lease, sends it with [`post_signed_json`] (the
//! row's key as `Idempotency-Key`, so a retry after a lost answer never acts twice),
//! and marks it delivered, or schedules the next try with the core's back-off, or —
//! after the core's last try — gives it up and raises an alarm (an error log line
//! and an audit row). No transaction is open while a message is out.
//!
//! An outbox table has the columns `<key> TEXT PRIMARY KEY, status ('pending' |
//! 'delivered' | 'failed'), attempts, next_attempt_at, last_error, <receipt>,
//! delivered_at`, plus its payload. [`outbox_table!`](crate::outbox_table) writes its
//! statements from those names, at compile time.

use crate::context::RequestContext;
use crate::db::{self, Db, DbError, Row};
use crate::responses::Failure;
use http_body_util::BodyExt as _;
use serde::Serialize;
use time::Duration;
use yingshang_core::outbox::{AfterFailure, SEND_LEASE_S, after_failure};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::idempotency::HEADER_IDEMPOTENCY_KEY;

/// Rows sent per dispatch at most.
pub const DISPATCH_LIMIT: i64 = 50;

/// An outbox table's statements (see [`outbox_table!`](crate::outbox_table)).
#[derive(Debug, Clone, Copy)]
pub struct OutboxTable {
    /// What the messages are, for logs and alarms (`refund`, `registry record`).
    pub name: &'static str,
    /// Due rows: key, attempts, then the payload columns; `$1` now, `$2` limit.
    pub due: &'static str,
    /// Leases a due row: `$1` lease end, `$2` key, `$3` now.
    pub claim: &'static str,
    /// Marks a row delivered: `$1` receipt, `$2` now, `$3` key.
    pub delivered: &'static str,
    /// Records a failed try: `$1` attempts, `$2` next try, `$3` error, `$4` key.
    pub failed: &'static str,
    /// Gives a row up: `$1` attempts, `$2` error, `$3` key.
    pub gave_up: &'static str,
}

/// The statements of an outbox table, from its name, key column, receipt column and
/// payload columns (all literals): `outbox_table!("refund", "refund_outbox",
/// "session_id", "channel_refund_id", "payment_txn, amount_fen")`.
#[macro_export]
macro_rules! outbox_table {
    ($name:literal, $table:literal, $key:literal, $receipt:literal, $payload:literal) => {
        $crate::outbox::OutboxTable {
            name: $name,
            due: concat!(
                "SELECT ",
                $key,
                ", attempts, ",
                $payload,
                " FROM ",
                $table,
                " WHERE status = 'pending' AND next_attempt_at <= $1 ",
                "ORDER BY next_attempt_at LIMIT $2"
            ),
            claim: concat!(
                "UPDATE ",
                $table,
                " SET next_attempt_at = $1 WHERE ",
                $key,
                " = $2 AND status = 'pending' AND next_attempt_at <= $3"
            ),
            delivered: concat!(
                "UPDATE ",
                $table,
                " SET status = 'delivered', ",
                $receipt,
                " = $1, delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE ",
                $key,
                " = $3 AND status = 'pending'"
            ),
            failed: concat!(
                "UPDATE ",
                $table,
                " SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE ",
                $key,
                " = $4 AND status = 'pending'"
            ),
            gave_up: concat!(
                "UPDATE ",
                $table,
                " SET status = 'failed', attempts = $1, last_error = $2 WHERE ",
                $key,
                " = $3 AND status = 'pending'"
            ),
        }
    };
}

/// A due message: its key, its failed tries so far, and its row (payload columns
/// from position 2).
pub struct Due {
    /// The row's key (also the idempotency key towards the receiver).
    pub key: String,
    /// Failed tries so far.
    pub attempts: i64,
    /// The whole row, for the payload.
    pub row: Row,
}

/// What a dispatch did, by key.
#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct DispatchReport {
    /// Sent and acknowledged.
    pub delivered: Vec<String>,
    /// Failed this time, to be tried again.
    pub failed: Vec<String>,
    /// Failed for the last time: given up, alarm raised.
    pub gave_up: Vec<String>,
    /// Taken by another dispatcher meanwhile.
    pub skipped: usize,
}

/// Sends the due messages of `table`; `send` delivers one and answers the
/// receiver's receipt, or why not.
pub async fn dispatch(
    ctx: &RequestContext,
    db: &Db,
    table: &OutboxTable,
    send: impl AsyncFn(&Due) -> Result<String, String>,
) -> Result<DispatchReport, Failure> {
    let rows = db
        .query(
            table.due,
            vec![db::int(ms(ctx.now)), db::int(DISPATCH_LIMIT)],
        )
        .await
        .map_err(|e| ctx.internal("loading due outbox rows", e))?;
    let mut report = DispatchReport::default();
    let lease = ctx.now + Duration::seconds(i64::from(SEND_LEASE_S));
    for row in rows {
        let due = Due {
            key: row
                .text(0)
                .map_err(|e| ctx.internal("reading an outbox row", e))?,
            attempts: row
                .int(1)
                .map_err(|e| ctx.internal("reading an outbox row", e))?,
            row,
        };
        let claim = vec![db::int(ms(lease)), db::text(&due.key), db::int(ms(ctx.now))];
        let claimed = db
            .execute(table.claim, claim)
            .await
            .map_err(|e| ctx.internal("claiming an outbox row", e))?;
        if claimed == 0 {
            report.skipped += 1;
            continue;
        }
        match send(&due).await {
            Ok(receipt) => {
                let params = vec![db::text(receipt), db::int(ms(ctx.now)), db::text(&due.key)];
                db.execute(table.delivered, params)
                    .await
                    .map_err(|e| ctx.internal("marking an outbox row delivered", e))?;
                report.delivered.push(due.key);
            }
            Err(why) => {
                let attempts = due.attempts.saturating_add(1);
                failed(ctx, db, table, &due.key, attempts, &why)
                    .await
                    .map_err(|e| ctx.internal("recording a failed send", e))?;
                let tries = u32::try_from(attempts).unwrap_or(u32::MAX);
                match after_failure(tries) {
                    AfterFailure::RetryIn(_) => report.failed.push(due.key),
                    AfterFailure::GiveUp => report.gave_up.push(due.key),
                }
            }
        }
    }
    Ok(report)
}

/// Records a failed try: the next one after the core's back-off, or, after the last
/// one, the row given up with an alarm.
async fn failed(
    ctx: &RequestContext,
    db: &Db,
    table: &OutboxTable,
    key: &str,
    attempts: i64,
    why: &str,
) -> Result<(), DbError> {
    let tries = u32::try_from(attempts).unwrap_or(u32::MAX);
    match after_failure(tries) {
        AfterFailure::RetryIn(delay) => {
            eprintln!(
                "request_id={} {} {key} failed (attempt {attempts}): {why}",
                ctx.request_id, table.name
            );
            let next = ctx.now + Duration::seconds(i64::from(delay));
            let params = vec![
                db::int(attempts),
                db::int(ms(next)),
                db::text(why),
                db::text(key),
            ];
            db.execute(table.failed, params).await.map(drop)
        }
        AfterFailure::GiveUp => {
            eprintln!(
                "request_id={} ALARM: {} {key} given up after {attempts} attempts: {why}",
                ctx.request_id, table.name
            );
            let after = serde_json::json!({ "attempts": attempts, "last_error": why });
            let entry = AuditEntry::new(
                "system:outbox",
                "outbox.gave_up",
                format!("outbox/{}/{key}", table.name),
                ctx.now,
                None,
                Some(&after),
            );
            db.transaction(async |db: &Db| -> Result<(), DbError> {
                let params = vec![db::int(attempts), db::text(why), db::text(key)];
                db.execute(table.gave_up, params).await?;
                crate::audit::record(ctx, db, &entry).await
            })
            .await
        }
    }
}

fn ms(t: time::OffsetDateTime) -> i64 {
    crate::clock::unix_ms(t)
}

/// The one outbound JSON POST of a message: `body` to `url` with the message's key
/// as `Idempotency-Key` and a signature header; a 2xx whose JSON answer has a
/// non-empty text `receipt_field` is delivered (that text is the receipt), anything
/// else is why not.
pub async fn post_signed_json(
    url: &str,
    key: &str,
    body: Vec<u8>,
    signature: (&str, String),
    receipt_field: &str,
) -> Result<String, String> {
    let outgoing = spin_sdk::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .header(HEADER_IDEMPOTENCY_KEY, key)
        .header(signature.0, signature.1)
        .body(http_body_util::Full::new(std::collections::VecDeque::from(
            body,
        )))
        .map_err(|e| format!("building the request: {e}"))?;
    let response = spin_sdk::http::send(outgoing)
        .await
        .map_err(|e| format!("sending: {e:?}"))?;
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer: {e}"))?
        .to_bytes();
    if !(200..300).contains(&status) {
        return Err(format!("answered {status}"));
    }
    let answer: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("unreadable answer: {e}"))?;
    match answer.get(receipt_field).and_then(|v| v.as_str()) {
        Some(receipt) if !receipt.is_empty() => Ok(receipt.to_owned()),
        _ => Err(format!("answered no {receipt_field}")),
    }
}
