//! What agencies publish — inspection items with their legal basis, the annual cap of
//! routine inspections per enterprise, special campaigns with their quotas — and the
//! officers they send, with enforcement certificates. Agency systems import both with
//! their own key (`checkin:agency`); the published rules are public.

use super::SCOPE_AGENCY;
use super::error::CheckinError;
use crate::store;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::checkin::{AgencyRules, Officer, RuleError};
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::{AgencyId, Principal};
use yingshang_kit::body::read_json;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The largest rules or officers document (2,000 items or 1,000 officers).
const LIMIT: usize = 1024 * 1024;
/// Most officers in one import.
const MAX_OFFICERS: usize = 1_000;

fn agency_id(text: &str) -> Result<AgencyId, Failure> {
    AgencyId::parse(text).map_err(|_| {
        CheckinError::Field {
            field: "agency",
            zh: "须为 1–64 位字母、数字或 ._:@-",
            en: "must be 1–64 letters, digits or ._:@-",
        }
        .into()
    })
}

/// The agency's own system (the bootstrap key may act for any).
async fn own_system(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    agency: &AgencyId,
) -> Result<Principal, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_AGENCY).await?;
    let bootstrap = matches!(&caller, Principal::Agency(a) if a.agency.as_str() == "bootstrap");
    if !bootstrap {
        guard::own_agency(ctx, &caller, agency)?;
    }
    Ok(caller)
}

/// The agency in the path (a demo agency).
const AGENCY: Param = Param::path(
    "agency",
    "The agency's id (1-64 letters, digits or `._:@-`). 机关代码。",
    schema::<String>,
)
.example("jy-market");

/// What `PUT /agencies/{agency}` answers.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PublishedView {
    /// The agency.
    agency: String,
    /// Its rules as published.
    rules: AgencyRules,
}

/// What `GET /agencies/{agency}` answers.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AgencyView {
    /// The agency.
    agency: String,
    /// Its published rules.
    rules: AgencyRules,
    /// How many officers it has registered.
    officers: i64,
}

/// `PUT /agencies/{agency}`'s description.
pub const PUT_DOC: Operation = Operation {
    id: "publishAgencyRules",
    summary: "Publish an agency's inspection items, annual cap and campaigns",
    description: "机关公布检查事项清单（含法律依据）、每年对同一企业的常规检查上限和专项检查。仅本机关系统可操作。",
    caller: Caller::Agency(SCOPE_AGENCY),
    params: &[AGENCY],
    body: Content::Json(schema::<AgencyRules>),
    body_example: Some(
        r#"{"name_zh": "济源市市场监督管理局", "routine_cap_per_year": 2,
            "items": [{"code": "SC-FOOD-01", "name_zh": "食品生产经营监督检查",
                       "legal_basis_zh": "《中华人民共和国食品安全法》第一百一十条"}],
            "campaigns": [{"id": "2026-winter-food", "name_zh": "2026 年冬季食品安全专项检查",
                           "quota_per_enterprise": 1, "from": "2026-11-01", "until": "2027-02-28"}]}"#,
    ),
    replies: &[Reply::json(200, "Published", schema::<PublishedView>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (403, &["AUTHZ_NOT_OWN_AGENCY"]),
        (422, &["CHECKIN_FIELD_INVALID", "CHECKIN_DUPLICATE"]),
    ],
    ..Operation::NEW
};

/// `GET /agencies/{agency}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getAgencyRules",
    summary: "What an agency publishes, and how many officers it has",
    description: "查询机关公布的检查事项、常规检查上限、专项检查及执法人员人数（公开）。",
    caller: Caller::Public,
    params: &[AGENCY],
    replies: &[Reply::json(200, "The agency's rules", schema::<AgencyView>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (404, &["CHECKIN_AGENCY_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `PUT /agencies/{agency}/officers`'s description.
pub const OFFICERS_DOC: Operation = Operation {
    id: "importOfficers",
    summary: "Add or update an agency's officers with their certificates (1-1000, all or nothing)",
    description: "导入或更新本机关执法人员及行政执法证（每次 1–1000 人，全部成功才生效）。",
    caller: Caller::Agency(SCOPE_AGENCY),
    params: &[AGENCY],
    body: Content::Json(schema::<OfficersBody>),
    body_example: Some(
        r#"{"officers": [{"subject": "officer-zhang", "name_zh": "张伟",
            "certificate_number": "41900120230001", "valid_from": "2024-01-01", "valid_until": "2028-12-31"}]}"#,
    ),
    replies: &[Reply::json(200, "Imported", schema::<OfficersAnswer>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (403, &["AUTHZ_NOT_OWN_AGENCY"]),
        (422, &["CHECKIN_FIELD_INVALID", "CHECKIN_DUPLICATE"]),
    ],
    ..Operation::NEW
};

/// `PUT /agencies/{agency}`: publishes the agency's rules.
pub async fn put(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    agency: &str,
) -> Result<Answer, Failure> {
    let agency = agency_id(agency)?;
    let caller = own_system(ctx, db, &req, &agency).await?;
    let (parts, body) = req.into_parts();
    let rules: AgencyRules = read_json(ctx, &parts.headers, body, LIMIT).await?;
    rules.check()?;
    let now = unix_ms(ctx.now);
    let after = serde_json::to_value(&rules).unwrap_or_default();
    in_transaction(ctx, db, "publishing agency rules", async |db: &Db| {
        let before = store::agency(db, agency.as_str())
            .await?
            .map(|r| serde_json::to_value(&r).unwrap_or_default());
        store::put_agency(db, agency.as_str(), &rules, &caller.audit_actor(), now).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.agency.publish",
            format!("checkin-agency/{agency}"),
            ctx.now,
            before.as_ref(),
            Some(&after),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &PublishedView {
            agency: agency.as_str().to_owned(),
            rules,
        },
    ))
}

/// `GET /agencies/{agency}`: what it publishes, and how many officers it has.
pub async fn show(ctx: &RequestContext, db: &Db, agency: &str) -> Result<Answer, Failure> {
    let agency = agency_id(agency)?;
    let rules = store::agency(db, agency.as_str())
        .await
        .map_err(|e| ctx.internal("loading agency rules", e))?
        .ok_or(CheckinError::AgencyNotFound)?;
    let officers = store::officer_count(db, agency.as_str())
        .await
        .map_err(|e| ctx.internal("counting officers", e))?;
    Ok(json(
        ctx,
        200,
        &AgencyView {
            agency: agency.as_str().to_owned(),
            rules,
            officers,
        },
    ))
}

/// `PUT /agencies/{agency}/officers`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficersBody {
    /// The officers (1-1000).
    officers: Vec<Officer>,
}

/// What an officers import answers.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OfficersAnswer {
    agency: String,
    imported: usize,
    total: i64,
}

/// `PUT /agencies/{agency}/officers`: adds or updates officers (1–1,000, all or nothing).
pub async fn officers(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    agency: &str,
) -> Result<Answer, Failure> {
    let agency = agency_id(agency)?;
    let caller = own_system(ctx, db, &req, &agency).await?;
    let (parts, body) = req.into_parts();
    let body: OfficersBody = read_json(ctx, &parts.headers, body, LIMIT).await?;
    if body.officers.is_empty() || body.officers.len() > MAX_OFFICERS {
        return Err(RuleError::Field {
            field: "/officers".into(),
            max: MAX_OFFICERS,
        }
        .into());
    }
    let mut seen = std::collections::HashSet::new();
    for (i, o) in body.officers.iter().enumerate() {
        o.check(&format!("/officers/{i}"))?;
        if !seen.insert(o.subject.as_str()) {
            return Err(RuleError::Duplicate {
                field: format!("/officers/{i}/subject"),
            }
            .into());
        }
    }
    let now = unix_ms(ctx.now);
    let total = in_transaction(ctx, db, "importing officers", async |db: &Db| {
        for o in &body.officers {
            store::put_officer(db, agency.as_str(), o, now).await?;
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.officers.import",
            format!("checkin-agency/{agency}/officers"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "officers": body.officers.len() })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<i64, TxError>(store::officer_count(db, agency.as_str()).await?)
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &OfficersAnswer {
            agency: agency.as_str().to_owned(),
            imported: body.officers.len(),
            total,
        },
    ))
}
