//! The only place with the valuation SQL (named constants, `$1…$n` in order, the
//! subset SQLite and PostgreSQL share) and the Spin calls that run it. Tables are
//! those of `infra/migrations/sqlite/0002_valuation.sql`.

pub mod imports;

use serde_json::Value as Json;
use spin_sdk::sqlite::Value;
use time::{Date, OffsetDateTime};
use yingshang_core::money::Fen;
use yingshang_core::valuation::{
    Area, AssessError, Assessment, BasePrice, BuildingId, CoefficientTable, CommunityId, Dwelling,
    DwellingDto, TableData, UnitCode,
};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError, Row};

const COUNT_DWELLINGS: &str = "SELECT COUNT(*) FROM dwellings";
const COUNT_DWELLINGS_LIKE: &str = "SELECT COUNT(*) FROM dwellings WHERE unit_code LIKE $1";
const SELECT_DWELLING: &str = "SELECT unit_code, community_id, building_id, floor, total_storeys, \
     has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, structure \
     FROM dwellings WHERE unit_code = $1";
const SELECT_DWELLINGS_AFTER: &str = "SELECT unit_code, community_id, building_id, floor, total_storeys, \
     has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, structure \
     FROM dwellings WHERE unit_code LIKE $1 AND unit_code > $2 ORDER BY unit_code LIMIT $3";
const INSERT_DWELLING: &str = "INSERT INTO dwellings (unit_code, division_code, community_id, building_id, \
     floor, total_storeys, has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, \
     end_unit, structure, source, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT DO NOTHING";

const SELECT_BASE_PRICES_OF: &str = "SELECT community_id, building_id, effective_from, price_per_m2_fen \
     FROM base_prices WHERE community_id = $1";
const SELECT_BASE_PRICES_AFTER: &str = "SELECT community_id, building_id, effective_from, price_per_m2_fen \
     FROM base_prices WHERE community_id IN (SELECT community_id FROM dwellings \
     WHERE unit_code LIKE $1 AND unit_code > $2 ORDER BY unit_code LIMIT $3)";
const INSERT_BASE_PRICE: &str = "INSERT INTO base_prices (community_id, building_id, effective_from, \
     price_per_m2_fen, source, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

const SELECT_TABLES_FOR: &str =
    "SELECT data FROM coefficient_tables WHERE city_code = $1 OR city_code = $2";
const SELECT_TABLE: &str = "SELECT data FROM coefficient_tables WHERE version = $1";
const INSERT_TABLE: &str = "INSERT INTO coefficient_tables (version, city_code, effective_from, data, \
     source, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

const INSERT_RUN: &str = "INSERT INTO reassessment_runs (id, city_code, unit_prefix, assessed_on, \
     table_version, status, last_unit, total, created_by, created_at, updated_at, finished_at) \
     VALUES ($1, $2, $3, $4, $5, 'running', '', $6, $7, $8, $9, NULL)";
const SELECT_RUN: &str = "SELECT id, city_code, unit_prefix, assessed_on, table_version, status, \
     last_unit, total, created_by, created_at, updated_at, finished_at \
     FROM reassessment_runs WHERE id = $1";
const ADVANCE_RUN: &str = "UPDATE reassessment_runs SET last_unit = $1, status = $2, updated_at = $3, \
     finished_at = $4 WHERE id = $5 AND last_unit = $6 AND status = 'running'";
const COUNT_RUN_RESULTS: &str =
    "SELECT COUNT(*), COUNT(error_code) FROM assessments WHERE run_id = $1";
const UPSERT_ASSESSMENT: &str = "INSERT INTO assessments (run_id, unit_code, assessed_on, \
     unit_price_fen, total_value_fen, area_centi_m2, base_price_fen, base_price_from, base_price_level, \
     table_version, factors, error_code, computed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
     ON CONFLICT (run_id, unit_code) DO UPDATE SET assessed_on = excluded.assessed_on, \
     unit_price_fen = excluded.unit_price_fen, total_value_fen = excluded.total_value_fen, \
     area_centi_m2 = excluded.area_centi_m2, base_price_fen = excluded.base_price_fen, \
     base_price_from = excluded.base_price_from, base_price_level = excluded.base_price_level, \
     table_version = excluded.table_version, factors = excluded.factors, \
     error_code = excluded.error_code, computed_at = excluded.computed_at";

/// Where a row came from: the generated demo register.
pub const SOURCE_DEMO: &str = "demo";

pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> DbError {
    DbError {
        doing: format!("reading {what}"),
        error: format!("stored value does not parse: {detail}"),
    }
}

/// `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_iso(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

fn dwelling_of(row: &Row) -> Result<Dwelling, DbError> {
    let dto = DwellingDto {
        unit_code: row.text(0)?,
        community_id: row.text(1)?,
        building_id: row.text(2)?,
        floor: row.int(3)?,
        total_storeys: row.int(4)?,
        has_lift: row.bool(5)?,
        orientation: row.text(6)?,
        layout: row.text(7)?,
        view: row.text(8)?,
        build_year: row.int(9)?,
        decoration: row.text(10)?,
        area_m2: Area::from_centi_m2(row.int(11)?).to_string(),
        end_unit: row.bool(12)?,
        structure: row.text(13)?,
    };
    Dwelling::try_from(dto).map_err(|e| corrupt("dwellings", e))
}

fn base_price_of(row: &Row) -> Result<BasePrice, DbError> {
    let community = row.text(0)?;
    let building = row.text(1)?;
    let date = row.text(2)?;
    Ok(BasePrice {
        community_id: CommunityId::parse(&community)
            .ok_or_else(|| corrupt("base_prices.community_id", &community))?,
        building_id: match building.as_str() {
            "" => None,
            b => Some(BuildingId::parse(b).ok_or_else(|| corrupt("base_prices.building_id", b))?),
        },
        effective_from: parse_iso(&date)
            .ok_or_else(|| corrupt("base_prices.effective_from", &date))?,
        price_per_m2: Fen(row.int(3)?),
    })
}

fn table_of(row: &Row) -> Result<CoefficientTable, DbError> {
    serde_json::from_str(&row.text(0)?).map_err(|e| corrupt("coefficient_tables.data", e))
}

fn collect<T>(rows: Vec<Row>, f: fn(&Row) -> Result<T, DbError>) -> Result<Vec<T>, DbError> {
    rows.iter().map(f).collect()
}

fn count(row: Option<Row>, i: usize) -> Result<i64, DbError> {
    row.map_or(Ok(0), |r| r.int(i))
}

/// Number of dwellings in the register.
pub async fn count_dwellings(db: &Db) -> Result<i64, DbError> {
    count(db.query_one(COUNT_DWELLINGS, vec![]).await?, 0)
}

/// Number of dwellings whose unit code starts with `prefix`.
pub async fn count_dwellings_with_prefix(db: &Db, prefix: &str) -> Result<i64, DbError> {
    count(
        db.query_one(COUNT_DWELLINGS_LIKE, vec![db::text(format!("{prefix}%"))])
            .await?,
        0,
    )
}

/// The registered dwelling with this unit code.
pub async fn dwelling(db: &Db, code: &UnitCode) -> Result<Option<Dwelling>, DbError> {
    db.query_one(SELECT_DWELLING, vec![db::text(code.as_str())])
        .await?
        .map(|r| dwelling_of(&r))
        .transpose()
}

/// Up to `limit` dwellings whose unit code starts with `prefix`, after `after`, in
/// unit-code order (the keyset of a re-assessment run).
pub async fn dwellings_after(
    db: &Db,
    prefix: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<Dwelling>, DbError> {
    let params = vec![
        db::text(format!("{prefix}%")),
        db::text(after),
        db::int(limit),
    ];
    collect(db.query(SELECT_DWELLINGS_AFTER, params).await?, dwelling_of)
}

/// Every base price of the communities of the same chunk as [`dwellings_after`].
pub async fn base_prices_after(
    db: &Db,
    prefix: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<BasePrice>, DbError> {
    let params = vec![
        db::text(format!("{prefix}%")),
        db::text(after),
        db::int(limit),
    ];
    collect(
        db.query(SELECT_BASE_PRICES_AFTER, params).await?,
        base_price_of,
    )
}

/// Every base price of a community (its own and its buildings').
pub async fn base_prices_of(db: &Db, community: &CommunityId) -> Result<Vec<BasePrice>, DbError> {
    let rows = db
        .query(SELECT_BASE_PRICES_OF, vec![db::text(community.as_str())])
        .await?;
    collect(rows, base_price_of)
}

/// The tables published for a county-level division or for its city (`xxxx00`).
pub async fn tables_for(db: &Db, division: &str) -> Result<Vec<CoefficientTable>, DbError> {
    let city = format!("{}00", division.get(..4).unwrap_or(division));
    let rows = db
        .query(SELECT_TABLES_FOR, vec![db::text(division), db::text(city)])
        .await?;
    collect(rows, table_of)
}

/// The table with this version.
pub async fn table(db: &Db, version: &str) -> Result<Option<CoefficientTable>, DbError> {
    db.query_one(SELECT_TABLE, vec![db::text(version)])
        .await?
        .map(|r| table_of(&r))
        .transpose()
}

/// Stores a table unless its version exists.
pub async fn insert_table(
    db: &Db,
    table: &CoefficientTable,
    source: &str,
    now: OffsetDateTime,
) -> Result<u64, DbError> {
    let data = serde_json::to_string(&TableData::from(table.clone()))
        .map_err(|e| corrupt("a coefficient table to store", e))?;
    let params = vec![
        db::text(table.version()),
        db::text(table.city_code()),
        db::text(iso(table.effective_from())),
        db::text(data),
        db::text(source),
        db::int(unix_ms(now)),
    ];
    db.execute(INSERT_TABLE, params).await
}

/// Stores a base price unless one exists for the same community, building and date.
pub async fn insert_base_price(
    db: &Db,
    p: &BasePrice,
    source: &str,
    now: OffsetDateTime,
) -> Result<u64, DbError> {
    let params = vec![
        db::text(p.community_id.as_str()),
        db::text(p.building_id.as_ref().map_or("", |b| b.as_str())),
        db::text(iso(p.effective_from)),
        db::int(p.price_per_m2.get()),
        db::text(source),
        db::int(unix_ms(now)),
    ];
    db.execute(INSERT_BASE_PRICE, params).await
}

/// The 15 register columns of a dwelling, in the order of `dwellings`
/// (`unit_code` … `structure`), as parameters.
pub(crate) fn dwelling_params(d: &Dwelling) -> Vec<Value> {
    let dto = DwellingDto::from(d);
    vec![
        db::text(dto.unit_code),
        db::text(d.unit_code().division_code()),
        db::text(dto.community_id),
        db::text(dto.building_id),
        db::int(dto.floor),
        db::int(dto.total_storeys),
        db::boolean(dto.has_lift),
        db::text(dto.orientation),
        db::text(dto.layout),
        db::text(dto.view),
        db::int(dto.build_year),
        db::text(dto.decoration),
        db::int(d.area().centi_m2()),
        db::boolean(dto.end_unit),
        db::text(dto.structure),
    ]
}

/// Stores a dwelling unless its unit code exists.
pub async fn insert_dwelling(
    db: &Db,
    d: &Dwelling,
    source: &str,
    now: OffsetDateTime,
) -> Result<u64, DbError> {
    let mut params = dwelling_params(d);
    params.push(db::text(source));
    params.push(db::int(unix_ms(now)));
    db.execute(INSERT_DWELLING, params).await
}

/// A stored re-assessment run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// ULID.
    pub id: String,
    /// The city (or county) code.
    pub city_code: String,
    /// Unit codes in scope start with this.
    pub unit_prefix: String,
    /// Assessment date, `YYYY-MM-DD`.
    pub assessed_on: String,
    /// The coefficient table version.
    pub table_version: String,
    /// `running` or `finished`.
    pub status: String,
    /// The keyset cursor: the last unit code processed, `''` before the first chunk.
    pub last_unit: String,
    /// Dwellings in scope when the run was created.
    pub total: i64,
    /// Who created it (audit actor).
    pub created_by: String,
    /// Created, ms.
    pub created_at: i64,
    /// Last change, ms.
    pub updated_at: i64,
    /// Finished, ms.
    pub finished_at: Option<i64>,
}

/// Status of a run still being processed.
pub const RUN_RUNNING: &str = "running";
/// Status of a run whose every dwelling was processed.
pub const RUN_FINISHED: &str = "finished";

/// Creates a run.
pub async fn insert_run(db: &Db, r: &RunRecord) -> Result<(), DbError> {
    let params = vec![
        db::text(r.id.as_str()),
        db::text(r.city_code.as_str()),
        db::text(r.unit_prefix.as_str()),
        db::text(r.assessed_on.as_str()),
        db::text(r.table_version.as_str()),
        db::int(r.total),
        db::text(r.created_by.as_str()),
        db::int(r.created_at),
        db::int(r.updated_at),
    ];
    db.execute(INSERT_RUN, params).await.map(drop)
}

/// A run by id.
pub async fn run(db: &Db, id: &str) -> Result<Option<RunRecord>, DbError> {
    let Some(r) = db.query_one(SELECT_RUN, vec![db::text(id)]).await? else {
        return Ok(None);
    };
    Ok(Some(RunRecord {
        id: r.text(0)?,
        city_code: r.text(1)?,
        unit_prefix: r.text(2)?,
        assessed_on: r.text(3)?,
        table_version: r.text(4)?,
        status: r.text(5)?,
        last_unit: r.text(6)?,
        total: r.int(7)?,
        created_by: r.text(8)?,
        created_at: r.int(9)?,
        updated_at: r.int(10)?,
        finished_at: r.opt_int(11)?,
    }))
}

/// `(processed, failed)` result rows of a run.
pub async fn run_counts(db: &Db, id: &str) -> Result<(i64, i64), DbError> {
    match db.query_one(COUNT_RUN_RESULTS, vec![db::text(id)]).await? {
        Some(r) => Ok((r.int(0)?, r.int(1)?)),
        None => Ok((0, 0)),
    }
}

/// Moves a running run's cursor from `from` to `to` (finishing it if `finished`);
/// false when another request moved it first.
pub async fn advance_run(
    db: &Db,
    id: &str,
    from: &str,
    to: &str,
    finished: bool,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let at = unix_ms(now);
    let params = vec![
        db::text(to),
        db::text(if finished { RUN_FINISHED } else { RUN_RUNNING }),
        db::int(at),
        db::opt_int(finished.then_some(at)),
        db::text(id),
        db::text(from),
    ];
    Ok(db.execute(ADVANCE_RUN, params).await? == 1)
}

/// Stores (or replaces) the result for one dwelling of a run.
pub async fn upsert_assessment(
    db: &Db,
    run_id: &str,
    unit_code: &UnitCode,
    assessed_on: Date,
    table_version: &str,
    result: &Result<Assessment, AssessError>,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let (values, error_code) = match result {
        Ok(a) => {
            let factors: Json =
                serde_json::to_value(&a.factors).map_err(|e| corrupt("factors to store", e))?;
            let level = serde_json::to_value(a.base_price.level)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            (
                vec![
                    db::int(a.unit_price_per_m2.get()),
                    db::int(a.total_value.get()),
                    db::int(a.area_m2.centi_m2()),
                    db::int(a.base_price.amount.get()),
                    db::text(iso(a.base_price.effective_from)),
                    db::opt_text(level),
                    db::text(factors.to_string()),
                ],
                None,
            )
        }
        Err(e) => (vec![db::opt_int(None); 7], Some(e.code())),
    };
    let mut params = vec![
        db::text(run_id),
        db::text(unit_code.as_str()),
        db::text(iso(assessed_on)),
    ];
    params.extend(values[..6].iter().cloned());
    params.push(db::text(table_version));
    params.push(values[6].clone());
    params.push(db::opt_text(error_code));
    params.push(db::int(unix_ms(now)));
    db.execute(UPSERT_ASSESSMENT, params).await.map(drop)
}
