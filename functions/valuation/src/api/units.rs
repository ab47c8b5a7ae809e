//! Assessing one dwelling: a registered one by unit code, or a described one (what-if).

use super::dto::{AssessmentView, WhatIfRequest, parse_date};
use super::error::ValuationError;
use super::{SCOPE_READ, query_param};
use crate::store;
use spin_sdk::http::Request;
use time::Date;
use yingshang_core::calendar::IsoDate;
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_core::security::authz::Role;
use yingshang_core::valuation::{
    AssessError, BasePriceError, BasePrices, CoefficientTable, Dwelling, DwellingError, TableError,
    UnitCode, UnitCodeError, assess, default_assessment_date, select_table,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// `GET /units/{unit_code}`'s description.
pub const LOOKUP_DOC: Operation = Operation {
    id: "getUnitAssessment",
    summary: "The assessed price of a registered dwelling on a date",
    description: "一房一价：按不动产单元号查询登记房屋在某日的评估单价与总价，逐项列出修正系数。",
    caller: Caller::UsersOrAgency(guard::ANY_USER, SCOPE_READ),
    params: &[
        // The first dwelling of the demo register (seeded: the same on every machine).
        Param::path(
            "unit_code",
            "The dwelling's unit number. 不动产单元号。",
            schema::<UnitCode>,
        )
        .example("410302001001GB00001F00010101"),
        Param::query(
            "date",
            "Assessment date (YYYY-MM-DD); today in UTC+8 when absent. 评估日期。",
            schema::<IsoDate>,
        )
        .example("2025-06-30"),
    ],
    replies: &[Reply::json(
        200,
        "The assessment, factor by factor",
        schema::<AssessmentView>,
    )],
    problems: &[
        (400, UnitCodeError::CODES),
        (400, &["VAL_DATE_INVALID"]),
        (404, &["VAL_UNIT_NOT_FOUND"]),
        (422, &["VAL_NO_COEFFICIENT_TABLE"]),
        (422, AssessError::CODES),
    ],
    ..Operation::NEW
};

/// `GET /units/{unit_code}?date=`: the registered dwelling assessed on a date.
pub async fn lookup(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    code: &str,
) -> Result<Answer, Failure> {
    // Any signed-in user; an agency system needs the read scope.
    guard::user_or_agency(ctx, db, req.headers(), guard::ANY_USER, SCOPE_READ).await?;
    let code = UnitCode::parse(code).map_err(ValuationError::UnitCode)?;
    let on = match query_param(req.uri().query(), "date") {
        Some(text) => parse_date("date", text)?,
        None => default_assessment_date(ctx.now),
    };
    let (dwelling, stored) = store::dwelling_with_prices(db, &code)
        .await
        .map_err(|e| ctx.internal("loading a dwelling", e))?
        .ok_or_else(|| ValuationError::UnitNotFound(code.to_string()))?;
    // Stored prices were checked on the way in; a failure here is corrupt data.
    let prices =
        BasePrices::new(stored).map_err(|e| ctx.internal("indexing stored base prices", e))?;
    let tables = store::tables_for(db, dwelling.unit_code().division_code())
        .await
        .map_err(|e| ctx.internal("loading coefficient tables", e))?;
    let view = assess_with(&dwelling, &prices, &tables, on)?;
    Ok(json(ctx, 200, &view))
}

/// Who may ask for a what-if assessment: the guard and the description both use it.
const WHAT_IF_ROLES: &[Role] = &[Role::Officer, Role::AgencyStaff];

/// `POST /assessments`'s description.
pub const WHAT_IF_DOC: Operation = Operation {
    id: "assessDescribedDwelling",
    summary: "Assess a described dwelling (what-if), with stored or given prices and table",
    description: "按给定房屋信息试算评估价（可附基准价与修正系数表），供执法人员与机关工作人员使用。",
    caller: Caller::Users(WHAT_IF_ROLES),
    body: Content::Json(schema::<WhatIfRequest>),
    replies: &[Reply::json(
        200,
        "The assessment, factor by factor",
        schema::<AssessmentView>,
    )],
    problems: &[
        (400, DwellingError::CODES),
        (400, UnitCodeError::CODES),
        (400, &["VAL_DATE_INVALID"]),
        (422, BasePriceError::CODES),
        (422, TableError::CODES),
        (422, &["VAL_NO_COEFFICIENT_TABLE"]),
        (422, AssessError::CODES),
    ],
    ..Operation::NEW
};

/// `POST /assessments`: a described dwelling, for officers and agency staff.
pub async fn what_if(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    guard::user(ctx, db, &parts.headers, WHAT_IF_ROLES).await?;
    let request: WhatIfRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let dwelling = Dwelling::try_from(request.dwelling).map_err(ValuationError::Dwelling)?;
    let on = match &request.assessed_on {
        Some(text) => parse_date("/assessed_on", text)?,
        None => default_assessment_date(ctx.now),
    };
    let prices = match request.base_prices {
        Some(given) => BasePrices::new(given).map_err(ValuationError::BasePrice)?,
        None => stored_prices(ctx, db, &dwelling).await?,
    };
    let tables = match request.coefficient_table {
        Some(data) => vec![CoefficientTable::new(data).map_err(ValuationError::Table)?],
        None => store::tables_for(db, dwelling.unit_code().division_code())
            .await
            .map_err(|e| ctx.internal("loading coefficient tables", e))?,
    };
    let view = assess_with(&dwelling, &prices, &tables, on)?;
    Ok(json(ctx, 200, &view))
}

async fn stored_prices(
    ctx: &RequestContext,
    db: &Db,
    dwelling: &Dwelling,
) -> Result<BasePrices, Failure> {
    let stored = store::base_prices_of(db, dwelling.community_id())
        .await
        .map_err(|e| ctx.internal("loading base prices", e))?;
    // Stored prices were checked on the way in; a failure here is corrupt data.
    BasePrices::new(stored).map_err(|e| ctx.internal("indexing stored base prices", e).into())
}

fn assess_with(
    dwelling: &Dwelling,
    prices: &BasePrices,
    tables: &[CoefficientTable],
    on: Date,
) -> Result<AssessmentView, ValuationError> {
    let division = dwelling.unit_code().division_code();
    let table = select_table(tables, division, on).ok_or_else(|| ValuationError::NoTable {
        division: division.to_owned(),
    })?;
    let assessment = assess(dwelling, prices, table, on).map_err(ValuationError::Assess)?;
    Ok(AssessmentView::from(&assessment))
}
