//! The SQL of the register's places, for pickers: dwellings counted per division,
//! the communities of a division, the buildings of a community and the dwellings of a
//! building, each list a keyset page (`> $after ORDER BY … LIMIT $n`). The indexes:
//! `dwellings_division_community` (0013) and `dwellings_community` (0002).

use yingshang_core::valuation::{Area, UnitCode};
use yingshang_kit::db::{self, Db, DbError};

use super::corrupt;

const COUNT_BY_DIVISION: &str =
    "SELECT division_code, COUNT(*) FROM dwellings GROUP BY division_code ORDER BY division_code";
const COMMUNITIES_OF: &str = "SELECT community_id, COUNT(DISTINCT building_id), COUNT(*) \
     FROM dwellings WHERE division_code = $1 AND community_id > $2 \
     GROUP BY community_id ORDER BY community_id LIMIT $3";
const BUILDINGS_OF: &str = "SELECT building_id, MAX(total_storeys), COUNT(*) \
     FROM dwellings WHERE community_id = $1 AND building_id > $2 \
     GROUP BY building_id ORDER BY building_id LIMIT $3";
const DWELLINGS_OF: &str = "SELECT unit_code, floor, area_centi_m2 FROM dwellings \
     WHERE community_id = $1 AND building_id = $2 AND unit_code > $3 \
     ORDER BY unit_code LIMIT $4";
const ANY_IN_DIVISION: &str = "SELECT 1 FROM dwellings WHERE division_code = $1 LIMIT 1";
const ANY_IN_COMMUNITY: &str = "SELECT 1 FROM dwellings WHERE community_id = $1 LIMIT 1";
const ANY_IN_BUILDING: &str =
    "SELECT 1 FROM dwellings WHERE community_id = $1 AND building_id = $2 LIMIT 1";

/// A community as the register holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityRow {
    /// Its id.
    pub id: String,
    /// Buildings with registered dwellings.
    pub buildings: i64,
    /// Dwellings registered.
    pub dwellings: i64,
}

/// A building as the register holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildingRow {
    /// Its id.
    pub id: String,
    /// Storeys (the largest of its dwellings' `total_storeys`).
    pub storeys: i64,
    /// Dwellings registered.
    pub dwellings: i64,
}

/// A dwelling, as much as a picker shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DwellingRow {
    /// Its unit number.
    pub unit_code: UnitCode,
    /// Its floor.
    pub floor: i64,
    /// Its area.
    pub area: Area,
}

/// `(division, dwellings)` for every division with dwellings.
pub async fn count_by_division(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    db.query(COUNT_BY_DIVISION, vec![])
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?)))
        .collect()
}

/// Up to `limit` communities of a division after `after`, by id.
pub async fn communities_of(
    db: &Db,
    division: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<CommunityRow>, DbError> {
    let params = vec![db::text(division), db::text(after), db::int(limit)];
    db.query(COMMUNITIES_OF, params)
        .await?
        .iter()
        .map(|r| {
            Ok(CommunityRow {
                id: r.text(0)?,
                buildings: r.int(1)?,
                dwellings: r.int(2)?,
            })
        })
        .collect()
}

/// Up to `limit` buildings of a community after `after`, by id.
pub async fn buildings_of(
    db: &Db,
    community: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<BuildingRow>, DbError> {
    let params = vec![db::text(community), db::text(after), db::int(limit)];
    db.query(BUILDINGS_OF, params)
        .await?
        .iter()
        .map(|r| {
            Ok(BuildingRow {
                id: r.text(0)?,
                storeys: r.int(1)?,
                dwellings: r.int(2)?,
            })
        })
        .collect()
}

/// Up to `limit` dwellings of a building after unit code `after`, by unit code.
pub async fn dwellings_of(
    db: &Db,
    community: &str,
    building: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<DwellingRow>, DbError> {
    let params = vec![
        db::text(community),
        db::text(building),
        db::text(after),
        db::int(limit),
    ];
    db.query(DWELLINGS_OF, params)
        .await?
        .iter()
        .map(|r| {
            let code = r.text(0)?;
            Ok(DwellingRow {
                unit_code: UnitCode::parse(&code)
                    .map_err(|_| corrupt("dwellings.unit_code", &code))?,
                floor: r.int(1)?,
                area: Area::from_centi_m2(r.int(2)?),
            })
        })
        .collect()
}

/// Whether the division holds any dwelling.
pub async fn division_exists(db: &Db, division: &str) -> Result<bool, DbError> {
    Ok(db
        .query_one(ANY_IN_DIVISION, vec![db::text(division)])
        .await?
        .is_some())
}

/// Whether the community holds any dwelling.
pub async fn community_exists(db: &Db, community: &str) -> Result<bool, DbError> {
    Ok(db
        .query_one(ANY_IN_COMMUNITY, vec![db::text(community)])
        .await?
        .is_some())
}

/// Whether the building of the community holds any dwelling.
pub async fn building_exists(db: &Db, community: &str, building: &str) -> Result<bool, DbError> {
    let params = vec![db::text(community), db::text(building)];
    Ok(db.query_one(ANY_IN_BUILDING, params).await?.is_some())
}
