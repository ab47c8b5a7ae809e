//! The register's places, for finding a dwelling by pickers (district → community →
//! building → room) instead of typing its unit number: each level is one read, the
//! longer lists keyset pages (`?after=<last id>&limit=N`, `next_after` while more
//! follow). Any signed-in user may read them, as they may look a dwelling up.

use super::error::ValuationError;
use super::{SCOPE_READ, query_param};
use crate::store::places::{self, BuildingRow, CommunityRow, DwellingRow};
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::codes::DivisionCode;
use yingshang_core::openapi::{Caller, Operation, Param, Reply, schema};
use yingshang_core::query::count;
use yingshang_core::valuation::places::{DivisionEntry, divisions, room_label};
use yingshang_core::valuation::{BuildingId, CommunityId, UnitCode};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Communities or buildings per page unless `limit` says otherwise, and at most.
const DEFAULT_PLACES: i64 = 100;
const MAX_PLACES: i64 = 500;
/// Dwellings per page: a tall building's whole list (33 storeys × 6) in one.
const DEFAULT_DWELLINGS: i64 = 200;
const MAX_DWELLINGS: i64 = 500;

/// `GET /divisions`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DivisionList {
    /// The divisions with dwellings: Luoyang's districts in their order, then others.
    pub divisions: Vec<DivisionEntry>,
}

/// A community of a division.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CommunityEntry {
    /// Its id.
    pub community_id: CommunityId,
    /// Buildings with registered dwellings.
    pub buildings: u64,
    /// Dwellings registered.
    pub dwellings: u64,
}

/// `GET /divisions/{division_code}/communities`: one page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CommunityPage {
    /// The division.
    pub division_code: String,
    /// Communities by id.
    pub communities: Vec<CommunityEntry>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

/// A building of a community.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BuildingEntry {
    /// Its id.
    pub building_id: BuildingId,
    /// Storeys.
    pub storeys: u32,
    /// Dwellings registered.
    pub dwellings: u64,
}

/// `GET /communities/{community_id}/buildings`: one page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BuildingPage {
    /// The community.
    pub community_id: CommunityId,
    /// Buildings by id.
    pub buildings: Vec<BuildingEntry>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

/// A dwelling of a building, as a picker shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DwellingEntry {
    /// Its unit number: look it up at `GET /units/{unit_code}`.
    pub unit_code: UnitCode,
    /// Its floor.
    pub floor: i64,
    /// Its room as written on the door: the household number without leading zeros.
    pub room: String,
    /// Floor area in m², two decimals (`"89.50"`).
    pub area_m2: String,
}

/// `GET /communities/{community_id}/buildings/{building_id}/dwellings`: one page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DwellingPage {
    /// The community.
    pub community_id: CommunityId,
    /// The building.
    pub building_id: BuildingId,
    /// Dwellings by unit number (so by floor, then room, for registers coded that way).
    pub dwellings: Vec<DwellingEntry>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

const CALLER: Caller = Caller::UsersOrAgency(guard::ANY_USER, SCOPE_READ);

const DIVISION_PARAM: Param = Param::path(
    "division_code",
    "The county-level division code, 6 digits (GB/T 2260). 行政区划代码。",
    schema::<String>,
)
.example("410302");
const COMMUNITY_PARAM: Param = Param::path(
    "community_id",
    "The community's id. 小区编号。",
    schema::<CommunityId>,
)
.example("C410302-00000");
const BUILDING_PARAM: Param = Param::path(
    "building_id",
    "The building's id within its community. 楼栋编号。",
    schema::<BuildingId>,
)
.example("C410302-00000-B01");

/// `GET /divisions`'s description.
pub const DIVISIONS_DOC: Operation = Operation {
    id: "listDivisions",
    summary: "The districts of the register, with their dwelling counts",
    description: "按区县选房：登记簿中有房屋的区县（洛阳市各区按序在前），含中文名称与房屋数。",
    caller: CALLER,
    replies: &[Reply::json(200, "The districts", schema::<DivisionList>)],
    ..Operation::NEW
};

/// `GET /divisions/{division_code}/communities`'s description.
pub const COMMUNITIES_DOC: Operation = Operation {
    id: "listCommunities",
    summary: "The communities of a district, a page at a time",
    description: "某区县的小区列表（按编号分页，after 为上一页最后一个编号），含楼栋数与房屋数。",
    caller: CALLER,
    params: &[
        DIVISION_PARAM,
        Param::query(
            "after",
            "The last community id of the previous page. 上一页最后一个小区编号。",
            schema::<CommunityId>,
        ),
        Param::query(
            "limit",
            "Communities per page, 1-500 (default 100). 每页条数。",
            schema::<u32>,
        ),
    ],
    replies: &[Reply::json(200, "One page", schema::<CommunityPage>)],
    problems: &[
        (400, &["VAL_PARAMETER_INVALID"]),
        (404, &["VAL_DIVISION_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `GET /communities/{community_id}/buildings`'s description.
pub const BUILDINGS_DOC: Operation = Operation {
    id: "listBuildings",
    summary: "The buildings of a community, a page at a time",
    description: "某小区的楼栋列表（按编号分页），含层数与房屋数。",
    caller: CALLER,
    params: &[
        COMMUNITY_PARAM,
        Param::query(
            "after",
            "The last building id of the previous page. 上一页最后一个楼栋编号。",
            schema::<BuildingId>,
        ),
        Param::query(
            "limit",
            "Buildings per page, 1-500 (default 100). 每页条数。",
            schema::<u32>,
        ),
    ],
    replies: &[Reply::json(200, "One page", schema::<BuildingPage>)],
    problems: &[
        (400, &["VAL_PARAMETER_INVALID"]),
        (404, &["VAL_COMMUNITY_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `GET /communities/{community_id}/buildings/{building_id}/dwellings`'s description.
pub const DWELLINGS_DOC: Operation = Operation {
    id: "listDwellings",
    summary: "The dwellings of a building, with floor, room and area",
    description: "某楼栋的房屋列表（按不动产单元号分页）：楼层、房号、建筑面积；选中后按单元号查询评估价。",
    caller: CALLER,
    params: &[
        COMMUNITY_PARAM,
        BUILDING_PARAM,
        Param::query(
            "after",
            "The last unit number of the previous page. 上一页最后一个不动产单元号。",
            schema::<UnitCode>,
        ),
        Param::query(
            "limit",
            "Dwellings per page, 1-500 (default 200). 每页条数。",
            schema::<u32>,
        ),
    ],
    replies: &[Reply::json(200, "One page", schema::<DwellingPage>)],
    problems: &[
        (400, &["VAL_PARAMETER_INVALID"]),
        (404, &["VAL_BUILDING_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

fn invalid(field: &'static str, expected_en: &'static str, expected_zh: &'static str) -> Failure {
    ValuationError::InvalidParameter {
        field,
        expected_en,
        expected_zh,
    }
    .into()
}

fn community_id(text: &str, field: &'static str) -> Result<CommunityId, Failure> {
    CommunityId::parse(text).ok_or_else(|| {
        invalid(
            field,
            "a community id (1-64 of A-Z a-z 0-9 . _ -)",
            "小区编号（1至64位字母、数字或 . _ -）",
        )
    })
}

fn building_id(text: &str, field: &'static str) -> Result<BuildingId, Failure> {
    BuildingId::parse(text).ok_or_else(|| {
        invalid(
            field,
            "a building id (1-64 of A-Z a-z 0-9 . _ -)",
            "楼栋编号（1至64位字母、数字或 . _ -）",
        )
    })
}

/// `?after=` read with `parse` ("" when absent).
fn after<T>(
    req: &Request,
    parse: impl Fn(&str, &'static str) -> Result<T, Failure>,
) -> Result<Option<T>, Failure> {
    query_param(req.uri().query(), "after")
        .map(|text| parse(text, "after"))
        .transpose()
}

fn limit(req: &Request, default: i64, max: i64) -> Result<i64, Failure> {
    Ok(count(req.uri().query(), "limit", default, max).map_err(ValuationError::from)?)
}

/// The next page's `after` when this page is full.
fn next_after(len: usize, limit: i64, last: Option<String>) -> Option<String> {
    if i64::try_from(len).is_ok_and(|n| n >= limit) {
        last
    } else {
        None
    }
}

fn non_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

async fn allow(ctx: &RequestContext, db: &Db, req: &Request) -> Result<(), Failure> {
    guard::user_or_agency(ctx, db, req.headers(), guard::ANY_USER, SCOPE_READ).await?;
    Ok(())
}

/// `GET /divisions`.
pub async fn list_divisions(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
) -> Result<Answer, Failure> {
    allow(ctx, db, &req).await?;
    let counts = places::count_by_division(db)
        .await
        .map_err(|e| ctx.internal("counting dwellings per division", e))?;
    let counts: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(code, n)| (code, non_negative(n)))
        .collect();
    let answer = DivisionList {
        divisions: divisions(&counts),
    };
    Ok(json(ctx, 200, &answer))
}

/// `GET /divisions/{division_code}/communities`.
pub async fn list_communities(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    division: &str,
) -> Result<Answer, Failure> {
    allow(ctx, db, &req).await?;
    let division = DivisionCode::parse(division).map_err(|_| {
        invalid(
            "division_code",
            "a 6-digit division code, e.g. 410302",
            "6位行政区划代码，例如 410302",
        )
    })?;
    let after = after(&req, community_id)?;
    let limit = limit(&req, DEFAULT_PLACES, MAX_PLACES)?;
    let division = division.as_str();
    let after_text = after.as_ref().map_or("", CommunityId::as_str);
    let rows = places::communities_of(db, division, after_text, limit)
        .await
        .map_err(|e| ctx.internal("listing communities", e))?;
    if rows.is_empty()
        && !places::division_exists(db, division)
            .await
            .map_err(|e| ctx.internal("finding a division", e))?
    {
        return Err(ValuationError::DivisionNotFound(division.to_owned()).into());
    }
    let next = next_after(rows.len(), limit, rows.last().map(|r| r.id.clone()));
    let communities = rows
        .into_iter()
        .map(|r: CommunityRow| {
            Ok(CommunityEntry {
                community_id: CommunityId::parse(&r.id)
                    .ok_or_else(|| ctx.internal("reading a community id", &r.id))?,
                buildings: non_negative(r.buildings),
                dwellings: non_negative(r.dwellings),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let page = CommunityPage {
        division_code: division.to_owned(),
        communities,
        next_after: next,
    };
    Ok(json(ctx, 200, &page))
}

/// `GET /communities/{community_id}/buildings`.
pub async fn list_buildings(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    community: &str,
) -> Result<Answer, Failure> {
    allow(ctx, db, &req).await?;
    let community = community_id(community, "community_id")?;
    let after = after(&req, building_id)?;
    let limit = limit(&req, DEFAULT_PLACES, MAX_PLACES)?;
    let after_text = after.as_ref().map_or("", BuildingId::as_str);
    let rows = places::buildings_of(db, community.as_str(), after_text, limit)
        .await
        .map_err(|e| ctx.internal("listing buildings", e))?;
    if rows.is_empty()
        && !places::community_exists(db, community.as_str())
            .await
            .map_err(|e| ctx.internal("finding a community", e))?
    {
        return Err(ValuationError::CommunityNotFound(community.to_string()).into());
    }
    let next = next_after(rows.len(), limit, rows.last().map(|r| r.id.clone()));
    let buildings = rows
        .into_iter()
        .map(|r: BuildingRow| {
            Ok(BuildingEntry {
                building_id: BuildingId::parse(&r.id)
                    .ok_or_else(|| ctx.internal("reading a building id", &r.id))?,
                storeys: u32::try_from(r.storeys).unwrap_or(0),
                dwellings: non_negative(r.dwellings),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let page = BuildingPage {
        community_id: community,
        buildings,
        next_after: next,
    };
    Ok(json(ctx, 200, &page))
}

/// `GET /communities/{community_id}/buildings/{building_id}/dwellings`.
pub async fn list_dwellings(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    community: &str,
    building: &str,
) -> Result<Answer, Failure> {
    allow(ctx, db, &req).await?;
    let community = community_id(community, "community_id")?;
    let building = building_id(building, "building_id")?;
    let after = after(&req, |text, field| {
        UnitCode::parse(text)
            .map_err(|_| invalid(field, "a 28-character unit number", "28位不动产单元号"))
    })?;
    let limit = limit(&req, DEFAULT_DWELLINGS, MAX_DWELLINGS)?;
    let after_text = after.as_ref().map_or("", UnitCode::as_str);
    let rows = places::dwellings_of(db, community.as_str(), building.as_str(), after_text, limit)
        .await
        .map_err(|e| ctx.internal("listing dwellings", e))?;
    if rows.is_empty()
        && !places::building_exists(db, community.as_str(), building.as_str())
            .await
            .map_err(|e| ctx.internal("finding a building", e))?
    {
        return Err(ValuationError::BuildingNotFound(building.to_string()).into());
    }
    let next = next_after(
        rows.len(),
        limit,
        rows.last().map(|r| r.unit_code.to_string()),
    );
    let dwellings = rows
        .into_iter()
        .map(|r: DwellingRow| DwellingEntry {
            room: room_label(&r.unit_code),
            floor: r.floor,
            area_m2: r.area.to_string(),
            unit_code: r.unit_code,
        })
        .collect();
    let page = DwellingPage {
        community_id: community,
        building_id: building,
        dwellings,
        next_after: next,
    };
    Ok(json(ctx, 200, &page))
}
