//! The risk screening's inputs and flags: paid transfers (from assessments), refunds
//! and certificates reported by other agencies, and the flags raised.

use super::corrupt;
use time::OffsetDateTime;
use yingshang_core::tax::{Basis, RiskFlag};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};

const SELECT_PAID: &str = "SELECT id, unit_code, buyer_id_number, seller_id_number, basis, \
     paid_at FROM tax_assessments WHERE status = 'paid' ORDER BY paid_at";
const UPSERT_INPUT: &str = "INSERT INTO tax_risk_inputs (kind, record_id, record, source, \
     updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, record_id) DO UPDATE SET \
     record = excluded.record, source = excluded.source, updated_at = excluded.updated_at";
const SELECT_INPUTS: &str = "SELECT record FROM tax_risk_inputs WHERE kind = $1 ORDER BY record_id";
const INSERT_FLAG: &str = "INSERT INTO tax_risk_flags (flag_key, code, flag, first_seen_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (flag_key) DO NOTHING";
const SELECT_FLAGS: &str = "SELECT flag, first_seen_at FROM tax_risk_flags \
     ORDER BY first_seen_at DESC, flag_key LIMIT $1";

/// A paid assessment, as the screening needs it.
#[derive(Debug, Clone)]
pub struct PaidTransfer {
    /// Assessment id (the transfer id).
    pub id: String,
    /// Unit.
    pub unit_code: String,
    /// Buyer's ID number.
    pub buyer_id_number: String,
    /// Seller's ID number.
    pub seller_id_number: String,
    /// The stored basis (family, names).
    pub basis: Basis,
    /// When it was paid.
    pub paid_at: OffsetDateTime,
}

/// Every paid assessment, oldest payment first.
pub async fn paid_transfers(db: &Db) -> Result<Vec<PaidTransfer>, DbError> {
    let rows = db.query(SELECT_PAID, Vec::new()).await?;
    rows.iter()
        .map(|r| {
            Ok(PaidTransfer {
                id: r.text(0)?,
                unit_code: r.text(1)?,
                buyer_id_number: r.text(2)?,
                seller_id_number: r.text(3)?,
                basis: serde_json::from_str(&r.text(4)?)
                    .map_err(|e| corrupt("tax_assessments.basis", e))?,
                paid_at: yingshang_kit::clock::from_unix_ms(r.int(5)?),
            })
        })
        .collect()
}

/// Stores (or replaces) one reported record of `kind`.
pub async fn put_input(
    db: &Db,
    kind: &str,
    record_id: &str,
    record_json: &str,
    source: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        UPSERT_INPUT,
        vec![
            db::text(kind),
            db::text(record_id),
            db::text(record_json),
            db::text(source),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// Every reported record of `kind`, as JSON.
pub async fn inputs(db: &Db, kind: &str) -> Result<Vec<String>, DbError> {
    let rows = db.query(SELECT_INPUTS, vec![db::text(kind)]).await?;
    rows.iter().map(|r| r.text(0)).collect()
}

/// Stores a flag unless the same code over the same records was raised before;
/// true when it is new.
pub async fn insert_flag(db: &Db, flag: &RiskFlag, now: OffsetDateTime) -> Result<bool, DbError> {
    let key = format!("{}:{}", flag.code.code(), flag.record_ids.join(","));
    let json = serde_json::to_string(flag).map_err(|e| corrupt("a risk flag", e))?;
    let changed = db
        .execute(
            INSERT_FLAG,
            vec![
                db::text(key),
                db::text(flag.code.code()),
                db::text(json),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// The newest flags first, with when each was first raised.
pub async fn flags(db: &Db, limit: i64) -> Result<Vec<(RiskFlag, OffsetDateTime)>, DbError> {
    let rows = db.query(SELECT_FLAGS, vec![db::int(limit)]).await?;
    rows.iter()
        .map(|r| {
            let flag =
                serde_json::from_str(&r.text(0)?).map_err(|e| corrupt("tax_risk_flags.flag", e))?;
            Ok((flag, yingshang_kit::clock::from_unix_ms(r.int(1)?)))
        })
        .collect()
}
