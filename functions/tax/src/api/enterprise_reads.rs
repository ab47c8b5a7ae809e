//! What an enterprise reads (免申即享 and 红利账单): the policies it enjoys and why, and
//! its dividend bill for a period — its own users, and officers of the tax authority.

use super::dto::parse_date;
use super::error::TaxError;
use super::policies::{CREDIT_CODE_PARAM, current, parse_code};
use super::query_param;
use crate::store::policies as store;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::calendar::IsoDate;
use yingshang_core::openapi::{Caller, In, Operation, Param, Reply, schema};
use yingshang_core::security::CreditCode;
use yingshang_core::security::authz::Role;
use yingshang_core::security::credit_code::CreditCodeError;
use yingshang_core::tax::{BillPeriod, DividendBill, DividendError, PolicyMatch, dividend_bill};
use yingshang_kit::clock::rfc3339;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// Who may read an enterprise's policies and bill: its users, and officers (of the
/// tax authority, checked after the guard).
const ENTERPRISE_READERS: &[Role] = &[Role::Enterprise, Role::Officer];

/// Who may not read an enterprise's policies and bill (403), beside the role guard's.
const READER_403: &[&str] = &["AUTHZ_NOT_OWN_ORG", "TAX_OFFICER_NOT_TAX_AUTHORITY"];

/// The enterprise named in the path, read by its own users or by tax officers.
async fn reader(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    credit_code: &str,
) -> Result<CreditCode, Failure> {
    let caller = guard::user(ctx, db, req.headers(), ENTERPRISE_READERS).await?;
    let code = parse_code("credit_code".to_owned(), credit_code)?;
    if caller.role() == Some(Role::Enterprise) {
        guard::own_enterprise(ctx, &caller, &code)?;
    }
    super::access::require_tax_officer(ctx, &caller).await?;
    Ok(code)
}

/// A policy the enterprise enjoys, and since when.
#[derive(Debug, Serialize, JsonSchema)]
struct EnjoyedPolicy {
    #[serde(flatten)]
    policy: PolicyMatch,
    /// When the matching first found it (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    since: String,
}

/// The policies an enterprise enjoys.
#[derive(Debug, Serialize, JsonSchema)]
struct PoliciesAnswer {
    /// The enterprise.
    credit_code: String,
    /// The catalogue last matched with; `null` when not matched yet.
    catalogue_version: Option<String>,
    /// When it was last matched (RFC 3339); `null` when not matched yet.
    #[schemars(extend("format" = "date-time"))]
    matched_at: Option<String>,
    /// The policies enjoyed.
    policies: Vec<EnjoyedPolicy>,
}

/// `GET /enterprises/{credit_code}/policies`'s description.
pub const ENJOYED_DOC: Operation = Operation {
    id: "getEnterprisePolicies",
    summary: "The policies an enterprise enjoys without applying, and why",
    description: "企业享受的免申即享政策及依据；本企业用户或税务人员可查看。",
    caller: Caller::Users(ENTERPRISE_READERS),
    params: &[CREDIT_CODE_PARAM],
    replies: &[Reply::json(200, "The policies", schema::<PoliciesAnswer>)],
    problems: &[
        (400, CreditCodeError::CODES),
        (403, READER_403),
        (404, &["TAX_ENTERPRISE_UNKNOWN"]),
    ],
    ..Operation::NEW
};

/// A required date of the bill's period.
const fn period_param(name: &'static str, description: &'static str) -> Param {
    Param {
        name,
        location: In::Query,
        required: true,
        description,
        schema: schema::<IsoDate>,
        example: None,
    }
}

/// `GET /enterprises/{credit_code}/dividend-bill`'s description.
pub const BILL_DOC: Operation = Operation {
    id: "getDividendBill",
    summary: "An enterprise's dividend bill: what it saved per policy in a period",
    description: "红利账单：企业在一段期间内享受各项政策减免的金额合计；本企业用户或税务人员可查看。",
    caller: Caller::Users(ENTERPRISE_READERS),
    params: &[
        CREDIT_CODE_PARAM,
        period_param("from", "First day of the period (YYYY-MM-DD). 起始日期。")
            .example("2026-01-01"),
        period_param("until", "Last day of the period (YYYY-MM-DD). 截止日期。")
            .example("2026-12-31"),
    ],
    replies: &[Reply::json(200, "The bill", schema::<DividendBill>)],
    problems: &[
        (400, &["TAX_PARAMETER_REQUIRED", "TAX_DATE_INVALID"]),
        (400, CreditCodeError::CODES),
        (403, READER_403),
        (404, &["TAX_POLICY_CATALOGUE_MISSING"]),
        (422, DividendError::CODES),
    ],
    ..Operation::NEW
};

/// `GET /enterprises/{credit_code}/policies`: what the enterprise enjoys, and why.
pub async fn enjoyed(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    credit_code: &str,
) -> Result<Answer, Failure> {
    let code = reader(ctx, db, &req, credit_code).await?;
    let load = async || -> Result<_, DbError> {
        let Some((version, at)) = store::enterprise_matched(db, code.as_str()).await? else {
            return Ok(None);
        };
        Ok(Some((
            version,
            at,
            store::open_matches(db, code.as_str()).await?,
        )))
    };
    let (version, at, matches) = load()
        .await
        .map_err(|e| ctx.internal("loading policy matches", e))?
        .ok_or(TaxError::EnterpriseUnknown)?;
    Ok(json(
        ctx,
        200,
        &PoliciesAnswer {
            credit_code: code.as_str().to_owned(),
            catalogue_version: version,
            matched_at: at.map(rfc3339),
            policies: matches
                .into_iter()
                .map(|(policy, since)| EnjoyedPolicy {
                    policy,
                    since: rfc3339(since),
                })
                .collect(),
        },
    ))
}

/// `GET /enterprises/{credit_code}/dividend-bill?from=YYYY-MM-DD&until=YYYY-MM-DD`.
pub async fn bill(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    credit_code: &str,
) -> Result<Answer, Failure> {
    let code = reader(ctx, db, &req, credit_code).await?;
    let query = req.uri().query();
    let date = |field: &'static str| -> Result<time::Date, TaxError> {
        let text = query_param(query, field).ok_or(TaxError::ParameterRequired(field))?;
        parse_date(field, text)
    };
    let (from, until) = (date("from")?, date("until")?);
    let period = BillPeriod::new(from, until).map_err(TaxError::Dividend)?;
    let catalogue = current(ctx, db).await?;
    let records = store::savings(db, code.as_str(), from, until)
        .await
        .map_err(|e| ctx.internal("loading policy savings", e))?;
    let bill =
        dividend_bill(&catalogue, code.as_str(), period, &records).map_err(TaxError::Dividend)?;
    Ok(json(ctx, 200, &bill))
}
