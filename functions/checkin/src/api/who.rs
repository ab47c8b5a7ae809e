//! Who the caller is in check-in: an officer of an agency, a user of an enterprise,
//! an agency's staff or system, or the justice bureau — and which inspections each sees.

use super::error::CheckinError;
use super::{SCOPE_AGENCY, SCOPE_REGISTER, VAR_CODE_SECRET, VAR_JUSTICE};
use spin_sdk::http::HeaderMap;
use yingshang_core::security::authz::Role;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::{AgencyId, Principal, Subject};
use yingshang_kit::guard;
use yingshang_kit::{Db, Failure, RequestContext};

/// The agency of the bootstrap key, which sees what the justice bureau sees.
const BOOTSTRAP_AGENCY: &str = "bootstrap";

/// Who scans and checks out: officers (the guards and the descriptions both use these).
pub const OFFICER_ROLES: &[Role] = &[Role::Officer];
/// Who acts for an enterprise.
pub const ENTERPRISE_ROLES: &[Role] = &[Role::Enterprise];
/// Who reads inspections (with an agency key holding [`SCOPE_AGENCY`]).
pub const VIEWER_ROLES: &[Role] = &[Role::Enterprise, Role::Officer, Role::AgencyStaff];

/// An officer signed in on his own phone: the principal, his agency and subject.
pub async fn officer(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, AgencyId, Subject), Failure> {
    let caller = guard::user(ctx, db, headers, OFFICER_ROLES).await?;
    let Principal::User(u) = &caller else {
        return Err(CheckinError::OfficersOnly.into());
    };
    let agency = u
        .membership
        .agency()
        .cloned()
        .ok_or(CheckinError::OfficersOnly)?;
    let subject = u.subject.clone();
    Ok((caller, agency, subject))
}

/// A user of an enterprise: the principal and its credit code.
pub async fn enterprise_user(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, CreditCode), Failure> {
    let caller = guard::user(ctx, db, headers, ENTERPRISE_ROLES).await?;
    let code = match &caller {
        Principal::User(u) => u.membership.enterprise().cloned(),
        _ => None,
    };
    let code = code.ok_or(CheckinError::InspectionNotFound)?;
    Ok((caller, code))
}

/// The enterprise's own users, or an agency system keeping the register, for `code`.
pub async fn code_keeper(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
    code: &CreditCode,
) -> Result<Principal, Failure> {
    let caller = guard::user_or_agency(ctx, db, headers, ENTERPRISE_ROLES, SCOPE_REGISTER).await?;
    if matches!(caller, Principal::User(_)) {
        guard::own_enterprise(ctx, &caller, code)?;
    }
    Ok(caller)
}

/// The agencies that act as the justice bureau.
pub async fn justice_agencies() -> Vec<String> {
    spin_sdk::variables::get(VAR_JUSTICE)
        .await
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Who reads inspections, and so which ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// An enterprise: its own.
    Enterprise(CreditCode),
    /// An agency's officers, staff or system: the agency's.
    Agency(AgencyId),
    /// The justice bureau (or the bootstrap key): all.
    Justice,
}

/// The caller as a reader of inspections.
pub async fn viewer(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, Viewer), Failure> {
    let caller = guard::user_or_agency(ctx, db, headers, VIEWER_ROLES, SCOPE_AGENCY).await?;
    let agency = match &caller {
        Principal::User(u) => {
            if let Some(code) = u.membership.enterprise() {
                return Ok((caller.clone(), Viewer::Enterprise(code.clone())));
            }
            u.membership.agency().cloned()
        }
        Principal::Agency(a) if a.agency.as_str() == BOOTSTRAP_AGENCY => {
            return Ok((caller, Viewer::Justice));
        }
        Principal::Agency(a) => Some(a.agency.clone()),
        Principal::Device(_) => None,
    };
    let agency = agency.ok_or(CheckinError::OfficersOnly)?;
    if justice_agencies()
        .await
        .iter()
        .any(|j| j == agency.as_str())
    {
        return Ok((caller, Viewer::Justice));
    }
    Ok((caller, Viewer::Agency(agency)))
}

/// The justice bureau only (403 `CHECKIN_JUSTICE_BUREAU_ONLY` for others).
pub async fn justice(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<Principal, Failure> {
    let (caller, viewer) = viewer(ctx, db, headers).await?;
    if viewer != Viewer::Justice {
        ctx.log_denial(&caller.audit_actor(), "CHECKIN_JUSTICE_BUREAU_ONLY");
        return Err(CheckinError::JusticeOnly.into());
    }
    Ok(caller)
}

/// The secret the codes are signed with.
pub async fn code_secret(ctx: &RequestContext) -> Result<String, Failure> {
    match spin_sdk::variables::get(VAR_CODE_SECRET).await {
        Ok(s) if s.len() >= 16 => Ok(s),
        Ok(_) => Err(CheckinError::CodeSecretMissing.into()),
        Err(e) => {
            eprintln!(
                "request_id={} code secret unavailable: {e:?}",
                ctx.request_id
            );
            Err(CheckinError::CodeSecretMissing.into())
        }
    }
}

/// Parses a credit code from a path.
pub fn credit_code(text: &str) -> Result<CreditCode, Failure> {
    CreditCode::parse(text).map_err(|_| {
        CheckinError::Field {
            field: "credit_code",
            zh: "须为 18 位统一社会信用代码",
            en: "must be an 18-character unified social credit code",
        }
        .into()
    })
}
