//! The enterprise register, its codes' serials, and register imports.

use yingshang_core::checkin::register::{Enterprise, RegisterReport};
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::storage::upload::UploadSlot;
use yingshang_kit::db::{int, opt_text, text};
use yingshang_kit::{Db, DbError, Row, db::corrupt};

const ENTERPRISE: &str = "SELECT credit_code, name, address, division_code, industry_code, code_serial \
     FROM checkin_enterprises WHERE credit_code = $1";
// A new enterprise gets serial 1; a re-imported one keeps its code.
const UPSERT_ENTERPRISE: &str = "INSERT INTO checkin_enterprises \
     (credit_code, name, address, division_code, industry_code, code_serial, code_issued_at, import_id, updated_at) \
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $6) \
     ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name, address = excluded.address, \
     division_code = excluded.division_code, industry_code = excluded.industry_code, \
     import_id = excluded.import_id, updated_at = excluded.updated_at";
// Parameters are numbered in order of first use: Spin binds them by position.
const REISSUE: &str = "UPDATE checkin_enterprises SET code_serial = code_serial + 1, code_issued_at = $1, \
     updated_at = $1 WHERE credit_code = $2";
const COUNT: &str = "SELECT COUNT(*) FROM checkin_enterprises";
const INSERT_SLOT: &str = "INSERT INTO checkin_import_slots (object_key, slot, created_by, created_at) \
     VALUES ($1, $2, $3, $4)";
const SLOT: &str = "SELECT slot FROM checkin_import_slots WHERE object_key = $1";
const IMPORT_COLUMNS: &str = "id, sha256, object_key, size_bytes, status, rows_total, rows_applied, report, \
     created_by, created_at, finished_at";
const INSERT_IMPORT: &str = "INSERT INTO checkin_imports (id, sha256, object_key, size_bytes, status, \
     rows_total, rows_applied, report, created_by, created_at, finished_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (sha256) DO NOTHING";

/// An enterprise of the register with its current code serial.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The register row.
    pub enterprise: Enterprise,
    /// The current code's serial.
    pub serial: u32,
}

fn registered(row: &Row) -> Result<Registered, DbError> {
    let code = row.text(0)?;
    Ok(Registered {
        enterprise: Enterprise {
            credit_code: CreditCode::parse(&code).map_err(|e| corrupt("credit_code", e))?,
            name: row.text(1)?,
            address: row.text(2)?,
            division_code: row.text(3)?,
            industry_code: row.text(4)?,
        },
        serial: u32::try_from(row.int(5)?).map_err(|e| corrupt("code_serial", e))?,
    })
}

/// An enterprise by credit code.
pub async fn enterprise(db: &Db, code: &str) -> Result<Option<Registered>, DbError> {
    db.query_one(ENTERPRISE, vec![text(code)])
        .await?
        .map(|r| registered(&r))
        .transpose()
}

/// Adds or updates an enterprise (its code stays).
pub async fn upsert(
    db: &Db,
    e: &Enterprise,
    import_id: Option<&str>,
    now_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        UPSERT_ENTERPRISE,
        vec![
            text(e.credit_code.as_str()),
            text(e.name.as_str()),
            text(e.address.as_str()),
            text(e.division_code.as_str()),
            text(e.industry_code.as_str()),
            int(now_ms),
            opt_text(import_id),
        ],
    )
    .await
    .map(drop)
}

/// Raises an enterprise's serial: its earlier code is revoked. False if unknown.
pub async fn reissue(db: &Db, code: &str, now_ms: i64) -> Result<bool, DbError> {
    Ok(db.execute(REISSUE, vec![int(now_ms), text(code)]).await? == 1)
}

/// Enterprises in the register.
pub async fn count(db: &Db) -> Result<i64, DbError> {
    db.query_one(COUNT, Vec::new())
        .await?
        .map_or(Ok(0), |r| r.int(0))
}

/// Records an upload slot.
pub async fn insert_slot(
    db: &Db,
    slot: &UploadSlot,
    actor: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    let json = serde_json::to_string(slot).map_err(|e| corrupt("upload slot", e))?;
    db.execute(
        INSERT_SLOT,
        vec![
            text(slot.key.as_str()),
            text(json),
            text(actor),
            int(now_ms),
        ],
    )
    .await
    .map(drop)
}

/// An upload slot by its object key.
pub async fn slot(db: &Db, key: &str) -> Result<Option<UploadSlot>, DbError> {
    let Some(row) = db.query_one(SLOT, vec![text(key)]).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.text(0)?)
        .map(Some)
        .map_err(|e| corrupt("checkin_import_slots.slot", e))
}

/// A register import.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    /// ULID.
    pub id: String,
    /// The file's SHA-256.
    pub sha256: String,
    /// Its object key.
    pub object_key: String,
    /// Its size.
    pub size_bytes: i64,
    /// `applied` or `rejected`.
    pub status: String,
    /// Data rows checked.
    pub rows_total: i64,
    /// Rows written to the register.
    pub rows_applied: i64,
    /// The report of a rejected file.
    pub report: Option<RegisterReport>,
    /// Who imported it.
    pub created_by: String,
    /// When.
    pub created_at: i64,
    /// When it was applied or rejected.
    pub finished_at: i64,
}

fn import_record(row: &Row) -> Result<ImportRecord, DbError> {
    let report = match row.opt_text(7)? {
        None => None,
        Some(t) => {
            Some(serde_json::from_str(&t).map_err(|e| corrupt("checkin_imports.report", e))?)
        }
    };
    Ok(ImportRecord {
        id: row.text(0)?,
        sha256: row.text(1)?,
        object_key: row.text(2)?,
        size_bytes: row.int(3)?,
        status: row.text(4)?,
        rows_total: row.int(5)?,
        rows_applied: row.int(6)?,
        report,
        created_by: row.text(8)?,
        created_at: row.int(9)?,
        finished_at: row.int(10)?,
    })
}

/// Records an import; false when the same file was recorded first.
pub async fn insert_import(db: &Db, r: &ImportRecord) -> Result<bool, DbError> {
    let report = match &r.report {
        None => None,
        Some(rep) => Some(serde_json::to_string(rep).map_err(|e| corrupt("report", e))?),
    };
    let n = db
        .execute(
            INSERT_IMPORT,
            vec![
                text(r.id.as_str()),
                text(r.sha256.as_str()),
                text(r.object_key.as_str()),
                int(r.size_bytes),
                text(r.status.as_str()),
                int(r.rows_total),
                int(r.rows_applied),
                opt_text(report),
                text(r.created_by.as_str()),
                int(r.created_at),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// An import by id or by file checksum.
pub async fn import(db: &Db, by: &str, value: &str) -> Result<Option<ImportRecord>, DbError> {
    let column = if by == "sha256" { "sha256" } else { "id" };
    let sql = format!("SELECT {IMPORT_COLUMNS} FROM checkin_imports WHERE {column} = $1");
    db.query_one(&sql, vec![text(value)])
        .await?
        .map(|r| import_record(&r))
        .transpose()
}
