//! The only place with the valuation SQL (named constants, `$1…$n` in order, the
//! subset SQLite and PostgreSQL share; the multi-row upsert of results repeats its
//! shared `$1…$4` in every row) and the Spin calls that run it. Tables are those of
//! `infra/migrations/sqlite/0002_valuation.sql` (indexes also in 0007; the dwellings
//! assessed, 0016).

pub mod dashboard;
mod factors;
pub mod imports;
pub mod places;
pub mod runs;

use factors::stored_factors;
pub use runs::{RUN_FINISHED, RUN_RUNNING, RunRecord};

use std::cell::RefCell;
use time::{Date, OffsetDateTime};
use yingshang_core::money::Fen;
use yingshang_core::valuation::{
    Area, AssessError, Assessment, BasePrice, BuildingId, CoefficientTable, CommunityId, Dwelling,
    DwellingDto, TableData, UnitCode,
};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::Value;
use yingshang_kit::db::{self, Db, DbError, Row};

const COUNT_DWELLINGS: &str = "SELECT COUNT(*) FROM dwellings";
const COUNT_DWELLINGS_LIKE: &str = "SELECT COUNT(*) FROM dwellings WHERE unit_code LIKE $1";
/// A dwelling and its community's base prices in one statement (one row per price;
/// the price columns are NULL when the community has none): a lookup's main read.
const SELECT_DWELLING_WITH_PRICES: &str = "SELECT d.unit_code, d.community_id, d.building_id, \
     d.floor, d.total_storeys, d.has_lift, d.orientation, d.layout, d.view_key, d.build_year, \
     d.decoration, d.area_centi_m2, d.end_unit, d.structure, \
     b.community_id, b.building_id, b.effective_from, b.price_per_m2_fen \
     FROM dwellings d LEFT JOIN base_prices b ON b.community_id = d.community_id \
     WHERE d.unit_code = $1";
/// A chunk of a run's lane: after the cursor `$2`, up to the lane's last code `$3`
/// (inclusive; the last lane's is the end of the prefix's range, which no code equals)
/// so that the last chunk of a lane or a district stops at its end instead of
/// scanning the rest of the register for codes that cannot match.
const SELECT_DWELLINGS_IN: &str = "SELECT unit_code, community_id, building_id, floor, total_storeys, \
     has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, structure \
     FROM dwellings WHERE unit_code LIKE $1 AND unit_code > $2 AND unit_code <= $3 \
     ORDER BY unit_code LIMIT $4";
const INSERT_DWELLING: &str = "INSERT INTO dwellings (unit_code, division_code, community_id, building_id, \
     floor, total_storeys, has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, \
     end_unit, structure, source, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT DO NOTHING";

const SELECT_BASE_PRICES_OF: &str = "SELECT community_id, building_id, effective_from, price_per_m2_fen \
     FROM base_prices WHERE community_id = $1";
const SELECT_BASE_PRICES_IN: &str = "SELECT community_id, building_id, effective_from, price_per_m2_fen \
     FROM base_prices WHERE community_id IN (SELECT community_id FROM dwellings \
     WHERE unit_code LIKE $1 AND unit_code > $2 AND unit_code <= $3 ORDER BY unit_code LIMIT $4)";
const INSERT_BASE_PRICE: &str = "INSERT INTO base_prices (community_id, building_id, effective_from, \
     price_per_m2_fen, source, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

const SELECT_TABLES_FOR: &str =
    "SELECT data FROM coefficient_tables WHERE city_code = $1 OR city_code = $2";
const SELECT_TABLE: &str = "SELECT data FROM coefficient_tables WHERE version = $1";
const INSERT_TABLE: &str = "INSERT INTO coefficient_tables (version, city_code, effective_from, data, \
     source, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

/// A multi-row upsert of results is this head, one `(…)` per row in `VALUES` (see
/// [`upsert_assessments_sql`]), then [`UPSERT_ASSESSMENTS_TAIL`].
/// The four shared columns come first, so that every `$N` first appears in order
/// (`$1`…`$13` in the first row, then `$14`… in the next): Spin binds parameters by
/// position and SQLite numbers `$N` by first appearance, so out-of-order numbers would
/// bind the wrong values there.
const UPSERT_ASSESSMENTS_HEAD: &str = "INSERT INTO assessments (run_id, assessed_on, \
     table_version, computed_at, unit_code, unit_price_fen, total_value_fen, area_centi_m2, \
     base_price_fen, base_price_from, base_price_level, factors, error_code) VALUES ";
const UPSERT_ASSESSMENTS_TAIL: &str = " ON CONFLICT (run_id, unit_code) DO UPDATE SET assessed_on = excluded.assessed_on, \
     unit_price_fen = excluded.unit_price_fen, total_value_fen = excluded.total_value_fen, \
     area_centi_m2 = excluded.area_centi_m2, base_price_fen = excluded.base_price_fen, \
     base_price_from = excluded.base_price_from, base_price_level = excluded.base_price_level, \
     table_version = excluded.table_version, factors = excluded.factors, \
     error_code = excluded.error_code, computed_at = excluded.computed_at";
/// The parameters every row of one upsert shares, in this order: `$1` run id, `$2`
/// assessment date, `$3` table version, `$4` computed at.
const SHARED_PARAMS: usize = 4;
/// The parameters of each row: unit code, unit price, total value, area, base price,
/// its date and level, factors, error code.
const ROW_PARAMS: usize = 9;
/// Results per upsert statement: one statement instead of this many round trips.
/// Small on purpose: SQLite finds each `$n` parameter by a linear scan of the
/// statement's parameter names when binding, so binding grows with the square of the
/// parameters (500 rows of 13 spent 70 % of a re-assessment there); 32 rows sharing
/// the four common values (292 parameters) keep it well under the round trips saved.
pub const UPSERT_BATCH: usize = 32;

/// Where a row came from: the generated demo register.
pub const SOURCE_DEMO: &str = "demo";

pub(crate) use yingshang_kit::db::corrupt;

pub use yingshang_core::calendar::iso;

fn parse_iso(text: &str) -> Option<Date> {
    yingshang_core::calendar::IsoDate::parse(text)
        .ok()
        .map(yingshang_core::calendar::IsoDate::date)
}

/// Columns of a dwelling in a row (`unit_code` … `structure`).
const DWELLING_COLUMNS: usize = 14;

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
    base_price_at(row, 0)
}

/// The base price in columns `at..at + 4` (community, building, date, price).
fn base_price_at(row: &Row, at: usize) -> Result<BasePrice, DbError> {
    let community = row.text(at)?;
    let building = row.text(at + 1)?;
    let date = row.text(at + 2)?;
    Ok(BasePrice {
        community_id: CommunityId::parse(&community)
            .ok_or_else(|| corrupt("base_prices.community_id", &community))?,
        building_id: match building.as_str() {
            "" => None,
            b => Some(BuildingId::parse(b).ok_or_else(|| corrupt("base_prices.building_id", b))?),
        },
        effective_from: parse_iso(&date)
            .ok_or_else(|| corrupt("base_prices.effective_from", &date))?,
        price_per_m2: Fen(row.int(at + 3)?),
    })
}

/// Tables cached per instance: at most this many.
const CACHED_TABLES: usize = 8;

thread_local! {
    /// Parsed coefficient tables by their exact stored JSON. An instance serves many
    /// requests, and parsing and checking a table (6.5 KB of JSON) was a large part of
    /// each lookup. Only the identical text hits, so a cached table is exactly what
    /// parsing the row again would give; nothing can go stale.
    static TABLES: RefCell<Vec<(String, CoefficientTable)>> = const { RefCell::new(Vec::new()) };
}

fn table_of(row: &Row) -> Result<CoefficientTable, DbError> {
    let text = row.text(0)?;
    let cached = TABLES.with_borrow(|tables| {
        tables
            .iter()
            .find(|(data, _)| *data == text)
            .map(|(_, table)| table.clone())
    });
    if let Some(table) = cached {
        return Ok(table);
    }
    let table: CoefficientTable =
        serde_json::from_str(&text).map_err(|e| corrupt("coefficient_tables.data", e))?;
    TABLES.with_borrow_mut(|tables| {
        if tables.len() >= CACHED_TABLES {
            tables.remove(0);
        }
        tables.push((text, table.clone()));
    });
    Ok(table)
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

/// The registered dwelling with this unit code and every base price of its community
/// (its own and its buildings').
pub async fn dwelling_with_prices(
    db: &Db,
    code: &UnitCode,
) -> Result<Option<(Dwelling, Vec<BasePrice>)>, DbError> {
    let rows = db
        .query(SELECT_DWELLING_WITH_PRICES, vec![db::text(code.as_str())])
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let dwelling = dwelling_of(first)?;
    let mut prices = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.opt_text(DWELLING_COLUMNS)?.is_some() {
            prices.push(base_price_at(row, DWELLING_COLUMNS)?);
        }
    }
    Ok(Some((dwelling, prices)))
}

/// Where a chunk of a run's lane lies: the first `limit` unit codes that start with
/// `prefix`, after the cursor `after`, up to `upper` (inclusive: the lane's
/// [`LaneRecord::upper`](runs::LaneRecord::upper)), in unit-code order.
pub struct ChunkRange<'a> {
    /// The run's prefix.
    pub prefix: &'a str,
    /// The lane's cursor.
    pub after: &'a str,
    /// The lane's upper bound.
    pub upper: &'a str,
    /// Dwellings at most.
    pub limit: i64,
}

/// The parameters of a chunk: `prefix%`, the cursor, the upper bound, the limit (in
/// this order: SQLite numbers `$n` by where each first appears).
fn chunk_params(c: &ChunkRange) -> Vec<Value> {
    vec![
        db::text(format!("{}%", c.prefix)),
        db::text(c.after),
        db::text(c.upper),
        db::int(c.limit),
    ]
}

/// The dwellings of a chunk (the keyset of a re-assessment run's lane).
pub async fn dwellings_in(db: &Db, chunk: &ChunkRange<'_>) -> Result<Vec<Dwelling>, DbError> {
    let rows = db.query(SELECT_DWELLINGS_IN, chunk_params(chunk)).await?;
    collect(rows, dwelling_of)
}

/// Every base price of the communities of the same chunk as [`dwellings_in`].
pub async fn base_prices_in(db: &Db, chunk: &ChunkRange<'_>) -> Result<Vec<BasePrice>, DbError> {
    collect(
        db.query(SELECT_BASE_PRICES_IN, chunk_params(chunk)).await?,
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

/// The upsert statement for `rows` results: row `r` (from 0) is
/// `($1, $2, $3, $4, $p+1 … $p+9)` with `p = 4 + 9r` (see [`db::values_rows`]).
fn upsert_assessments_sql(rows: usize) -> String {
    format!(
        "{UPSERT_ASSESSMENTS_HEAD}{}{UPSERT_ASSESSMENTS_TAIL}",
        db::values_rows(SHARED_PARAMS, ROW_PARAMS, rows)
    )
}

/// Appends the [`ROW_PARAMS`] parameters of one result.
fn assessment_params(
    params: &mut Vec<Value>,
    unit_code: &UnitCode,
    result: &Result<Assessment, AssessError>,
) -> Result<(), DbError> {
    params.push(db::text(unit_code.as_str()));
    match result {
        Ok(a) => {
            let factors = stored_factors(&a.factors)?;
            let level = serde_json::to_value(a.base_price.level)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            params.extend([
                db::int(a.unit_price_per_m2.get()),
                db::int(a.total_value.get()),
                db::int(a.area_m2.centi_m2()),
                db::int(a.base_price.amount.get()),
                db::text(iso(a.base_price.effective_from)),
                db::opt_text(level),
                db::text(factors),
                db::opt_int(None),
            ]);
        }
        Err(e) => {
            params.extend(std::iter::repeat_n(db::opt_int(None), 7));
            params.push(db::text(e.code()));
        }
    }
    Ok(())
}

/// Adds the dwellings of run `$1` with a successful result in the unit-code range
/// (`$2`, `$3`] to those assessed (migration 0016), reading back the rows just stored:
/// one statement per chunk, along the results' primary key.
const NOTE_ASSESSED: &str = "INSERT INTO assessed_dwellings (unit_code) \
     SELECT unit_code FROM assessments WHERE run_id = $1 AND unit_code > $2 \
     AND unit_code <= $3 AND error_code IS NULL ON CONFLICT (unit_code) DO NOTHING";

/// Records that the dwellings of `run_id` in (`after`, `through`] with a successful
/// result have been assessed (the dashboard's coverage). Call it after
/// [`upsert_assessments`] in the same transaction.
pub async fn note_assessed(
    db: &Db,
    run_id: &str,
    after: &str,
    through: &str,
) -> Result<u64, DbError> {
    db.execute(
        NOTE_ASSESSED,
        vec![db::text(run_id), db::text(after), db::text(through)],
    )
    .await
}

/// Stores (or replaces) the results of a run for these dwellings, [`UPSERT_BATCH`]
/// rows per statement. `results[i]` is the result of `dwellings[i]`.
pub async fn upsert_assessments(
    db: &Db,
    run_id: &str,
    dwellings: &[Dwelling],
    results: &[Result<Assessment, AssessError>],
    assessed_on: Date,
    table_version: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let shared = [
        db::text(run_id),
        db::text(iso(assessed_on)),
        db::text(table_version),
        db::int(unix_ms(now)),
    ];
    let rows: Vec<_> = dwellings.iter().zip(results).collect();
    let full_rows = UPSERT_BATCH.min(rows.len());
    let full = upsert_assessments_sql(full_rows);
    for batch in rows.chunks(UPSERT_BATCH) {
        let mut params = Vec::with_capacity(SHARED_PARAMS + batch.len() * ROW_PARAMS);
        params.extend(shared.iter().cloned());
        for (d, r) in batch {
            assessment_params(&mut params, d.unit_code(), r)?;
        }
        let partial;
        let sql = if batch.len() == full_rows {
            &full
        } else {
            partial = upsert_assessments_sql(batch.len());
            &partial
        };
        db.query(sql, params).await?;
    }
    Ok(())
}
