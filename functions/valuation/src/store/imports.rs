//! The SQL of imports: upload slots, import records, the upserts that apply a file,
//! and the staging table of large register imports (tables of
//! `infra/migrations/sqlite/0004_valuation_imports.sql`).

use super::{corrupt, dwelling_params, iso};
use time::OffsetDateTime;
use yingshang_core::storage::upload::UploadSlot;
use yingshang_core::valuation::import::{ImportKind, ImportReport, ImportStatus};
use yingshang_core::valuation::{BasePrice, Dwelling};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError, Row};

const INSERT_SLOT: &str = "INSERT INTO valuation_import_slots (object_key, kind, slot, created_by, \
     created_at) VALUES ($1, $2, $3, $4, $5)";
const SELECT_SLOT: &str = "SELECT kind, slot FROM valuation_import_slots WHERE object_key = $1";

const INSERT_IMPORT: &str = "INSERT INTO valuation_imports (id, kind, sha256, object_key, size_bytes, \
     status, rows_total, rows_staged, rows_applied, report, table_version, created_by, created_at, \
     updated_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
     ON CONFLICT (kind, sha256) DO NOTHING";
const SELECT_IMPORT: &str = "SELECT id, kind, sha256, object_key, size_bytes, status, rows_total, \
     rows_staged, rows_applied, report, table_version, created_by, created_at, updated_at, finished_at \
     FROM valuation_imports WHERE id = $1";
const SELECT_IMPORT_BY_CHECKSUM: &str = "SELECT id, kind, sha256, object_key, size_bytes, status, \
     rows_total, rows_staged, rows_applied, report, table_version, created_by, created_at, updated_at, \
     finished_at FROM valuation_imports WHERE kind = $1 AND sha256 = $2";
const ADVANCE_STAGING: &str = "UPDATE valuation_imports SET rows_staged = $1, updated_at = $2 \
     WHERE id = $3 AND rows_staged = $4 AND status = 'received'";
const MARK_APPLIED: &str = "UPDATE valuation_imports SET status = 'applied', rows_applied = $1, \
     updated_at = $2, finished_at = $2 WHERE id = $3 AND status = 'received'";

const UPSERT_BASE_PRICE: &str = "INSERT INTO base_prices (community_id, building_id, effective_from, \
     price_per_m2_fen, source, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (community_id, building_id, effective_from) DO UPDATE SET \
     price_per_m2_fen = excluded.price_per_m2_fen, source = excluded.source, \
     created_at = excluded.created_at";
const UPSERT_DWELLING: &str = "INSERT INTO dwellings (unit_code, division_code, community_id, \
     building_id, floor, total_storeys, has_lift, orientation, layout, view_key, build_year, decoration, \
     area_centi_m2, end_unit, structure, source, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT (unit_code) DO UPDATE SET division_code = excluded.division_code, \
     community_id = excluded.community_id, building_id = excluded.building_id, floor = excluded.floor, \
     total_storeys = excluded.total_storeys, has_lift = excluded.has_lift, \
     orientation = excluded.orientation, layout = excluded.layout, view_key = excluded.view_key, \
     build_year = excluded.build_year, decoration = excluded.decoration, \
     area_centi_m2 = excluded.area_centi_m2, end_unit = excluded.end_unit, \
     structure = excluded.structure, source = excluded.source, updated_at = excluded.updated_at";
const STAGE_DWELLING: &str = "INSERT INTO valuation_import_dwellings (import_id, unit_code, \
     division_code, community_id, building_id, floor, total_storeys, has_lift, orientation, layout, \
     view_key, build_year, decoration, area_centi_m2, end_unit, structure) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
     ON CONFLICT (import_id, unit_code) DO NOTHING";
/// `$1` source, `$2` time, `$3` import: numbered in order of appearance, as Spin binds
/// parameters by position.
const PROMOTE_STAGED: &str = "INSERT INTO dwellings (unit_code, division_code, community_id, \
     building_id, floor, total_storeys, has_lift, orientation, layout, view_key, build_year, decoration, \
     area_centi_m2, end_unit, structure, source, updated_at) \
     SELECT unit_code, division_code, community_id, building_id, floor, total_storeys, has_lift, \
     orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, structure, $1, $2 \
     FROM valuation_import_dwellings WHERE import_id = $3 \
     ON CONFLICT (unit_code) DO UPDATE SET division_code = excluded.division_code, \
     community_id = excluded.community_id, building_id = excluded.building_id, floor = excluded.floor, \
     total_storeys = excluded.total_storeys, has_lift = excluded.has_lift, \
     orientation = excluded.orientation, layout = excluded.layout, view_key = excluded.view_key, \
     build_year = excluded.build_year, decoration = excluded.decoration, \
     area_centi_m2 = excluded.area_centi_m2, end_unit = excluded.end_unit, \
     structure = excluded.structure, source = excluded.source, updated_at = excluded.updated_at";
const COUNT_STAGED: &str = "SELECT COUNT(*) FROM valuation_import_dwellings WHERE import_id = $1";
const DELETE_STAGED: &str = "DELETE FROM valuation_import_dwellings WHERE import_id = $1";

/// The `source` of rows an import brought: `import:<id>`.
pub fn source_of(import_id: &str) -> String {
    format!("import:{import_id}")
}

/// Remembers an issued slot until the agency imports it.
pub async fn insert_slot(
    db: &Db,
    kind: ImportKind,
    slot: &UploadSlot,
    created_by: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let data = serde_json::to_string(slot).map_err(|e| corrupt("a slot to store", e))?;
    let params = vec![
        db::text(slot.key.as_str()),
        db::text(kind.as_str()),
        db::text(data),
        db::text(created_by),
        db::int(unix_ms(now)),
    ];
    db.execute(INSERT_SLOT, params).await.map(drop)
}

/// The slot issued for an object key, with its kind.
pub async fn slot(db: &Db, key: &str) -> Result<Option<(ImportKind, UploadSlot)>, DbError> {
    let Some(r) = db.query_one(SELECT_SLOT, vec![db::text(key)]).await? else {
        return Ok(None);
    };
    let kind = r.text(0)?;
    let kind = ImportKind::parse(&kind).ok_or_else(|| corrupt("slot kind", &kind))?;
    let slot = serde_json::from_str(&r.text(1)?).map_err(|e| corrupt("slot", e))?;
    Ok(Some((kind, slot)))
}

/// A stored import.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    /// ULID.
    pub id: String,
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's SHA-256, hex.
    pub sha256: String,
    /// Where the file is.
    pub object_key: String,
    /// Its size.
    pub size_bytes: i64,
    /// Where it stands.
    pub status: ImportStatus,
    /// Data rows in the file.
    pub rows_total: i64,
    /// Rows staged so far (staged register imports).
    pub rows_staged: i64,
    /// Rows written to the target tables.
    pub rows_applied: i64,
    /// Why it was rejected.
    pub report: Option<ImportReport>,
    /// The version a coefficient-table import published.
    pub table_version: Option<String>,
    /// Who imported it (audit actor).
    pub created_by: String,
    /// Created, ms.
    pub created_at: i64,
    /// Last change, ms.
    pub updated_at: i64,
    /// Applied or rejected, ms.
    pub finished_at: Option<i64>,
}

fn import_of(r: &Row) -> Result<ImportRecord, DbError> {
    let kind = r.text(1)?;
    let status = r.text(5)?;
    let report = r
        .opt_text(9)?
        .map(|t| serde_json::from_str(&t).map_err(|e| corrupt("valuation_imports.report", e)))
        .transpose()?;
    Ok(ImportRecord {
        id: r.text(0)?,
        kind: ImportKind::parse(&kind).ok_or_else(|| corrupt("valuation_imports.kind", &kind))?,
        sha256: r.text(2)?,
        object_key: r.text(3)?,
        size_bytes: r.int(4)?,
        status: ImportStatus::parse(&status)
            .ok_or_else(|| corrupt("valuation_imports.status", &status))?,
        rows_total: r.int(6)?,
        rows_staged: r.int(7)?,
        rows_applied: r.int(8)?,
        report,
        table_version: r.opt_text(10)?,
        created_by: r.text(11)?,
        created_at: r.int(12)?,
        updated_at: r.int(13)?,
        finished_at: r.opt_int(14)?,
    })
}

/// Records an import; false when an import of the same kind and checksum exists.
pub async fn insert_import(db: &Db, i: &ImportRecord) -> Result<bool, DbError> {
    let report = i
        .report
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| corrupt("a report to store", e))?;
    let params = vec![
        db::text(i.id.as_str()),
        db::text(i.kind.as_str()),
        db::text(i.sha256.as_str()),
        db::text(i.object_key.as_str()),
        db::int(i.size_bytes),
        db::text(i.status.as_str()),
        db::int(i.rows_total),
        db::int(i.rows_staged),
        db::int(i.rows_applied),
        db::opt_text(report),
        db::opt_text(i.table_version.clone()),
        db::text(i.created_by.as_str()),
        db::int(i.created_at),
        db::int(i.updated_at),
        db::opt_int(i.finished_at),
    ];
    Ok(db.execute(INSERT_IMPORT, params).await? == 1)
}

/// An import by id.
pub async fn import(db: &Db, id: &str) -> Result<Option<ImportRecord>, DbError> {
    db.query_one(SELECT_IMPORT, vec![db::text(id)])
        .await?
        .map(|r| import_of(&r))
        .transpose()
}

/// The import of a file of `kind` with this checksum, if any.
pub async fn import_by_checksum(
    db: &Db,
    kind: ImportKind,
    sha256: &str,
) -> Result<Option<ImportRecord>, DbError> {
    let params = vec![db::text(kind.as_str()), db::text(sha256)];
    db.query_one(SELECT_IMPORT_BY_CHECKSUM, params)
        .await?
        .map(|r| import_of(&r))
        .transpose()
}

/// Inserts or replaces a base price (same community, building and date).
pub async fn upsert_base_price(
    db: &Db,
    p: &BasePrice,
    source: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let params = vec![
        db::text(p.community_id.as_str()),
        db::text(p.building_id.as_ref().map_or("", |b| b.as_str())),
        db::text(iso(p.effective_from)),
        db::int(p.price_per_m2.get()),
        db::text(source),
        db::int(unix_ms(now)),
    ];
    db.execute(UPSERT_BASE_PRICE, params).await.map(drop)
}

/// Inserts or replaces a dwelling of the register.
pub async fn upsert_dwelling(
    db: &Db,
    d: &Dwelling,
    source: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let mut params = dwelling_params(d);
    params.push(db::text(source));
    params.push(db::int(unix_ms(now)));
    db.execute(UPSERT_DWELLING, params).await.map(drop)
}

/// Stages a dwelling of a large import (a row staged twice stays one row).
pub async fn stage_dwelling(db: &Db, import_id: &str, d: &Dwelling) -> Result<(), DbError> {
    let mut params = vec![db::text(import_id)];
    params.extend(dwelling_params(d));
    db.execute(STAGE_DWELLING, params).await.map(drop)
}

/// Rows staged for an import.
pub async fn count_staged(db: &Db, import_id: &str) -> Result<i64, DbError> {
    db.query_one(COUNT_STAGED, vec![db::text(import_id)])
        .await?
        .map_or(Ok(0), |r| r.int(0))
}

/// Moves a received import's staging cursor from `from` to `to`; false when another
/// request moved it first.
pub async fn advance_staging(
    db: &Db,
    id: &str,
    from: i64,
    to: i64,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let params = vec![
        db::int(to),
        db::int(unix_ms(now)),
        db::text(id),
        db::int(from),
    ];
    Ok(db.execute(ADVANCE_STAGING, params).await? == 1)
}

/// Promotes every staged row of an import into the register, empties the staging
/// rows and marks the import applied; false (and nothing to commit) when it was no
/// longer `received`. Run inside one transaction.
pub async fn promote_staged(
    db: &Db,
    id: &str,
    rows: i64,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let at = unix_ms(now);
    let marked = db
        .execute(MARK_APPLIED, vec![db::int(rows), db::int(at), db::text(id)])
        .await?;
    if marked != 1 {
        return Ok(false);
    }
    let params = vec![db::text(source_of(id)), db::int(at), db::text(id)];
    db.execute(PROMOTE_STAGED, params).await?;
    db.execute(DELETE_STAGED, vec![db::text(id)]).await?;
    Ok(true)
}
