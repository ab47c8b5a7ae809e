//! Who the caller is in the marketplace: an intermediary agency (an enterprise user,
//! its credit code), a project owner (an enterprise user, or a public unit's staff),
//! marketplace staff (a key with `intermediary:admin`, the bootstrap key, or staff of
//! an agency in `intermediary_admin_agencies`), or the schedule.

use super::SCOPE_ADMIN;
use super::error::MarketError;
use spin_sdk::http::HeaderMap;
use yingshang_core::openapi::Caller;
use yingshang_core::security::Principal;
use yingshang_core::security::authz::Role;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::guard;
use yingshang_kit::{Db, Failure, RequestContext};

/// The agencies whose staff administer the marketplace (comma-separated).
pub const VAR_ADMINS: &str = "intermediary_admin_agencies";

/// Who acts as an intermediary agency (or complains, as an enterprise).
pub const ENTERPRISE: &[Role] = &[Role::Enterprise];
/// Who may own projects: an enterprise user, or a public unit's staff.
pub const OWNERS: &[Role] = &[Role::Enterprise, Role::AgencyStaff];
/// The users among whom marketplace staff are (staff of an admin agency).
pub const STAFF: &[Role] = &[Role::AgencyStaff];
/// Marketplace staff, as the guard of [`staff`] admits them (then checks the agency).
pub const STAFF_CALLER: Caller = Caller::UsersOrAgency(STAFF, SCOPE_ADMIN);

/// An enterprise user: the principal and its credit code.
pub async fn enterprise(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, CreditCode), Failure> {
    let caller = guard::user(ctx, db, headers, ENTERPRISE).await?;
    let code = match &caller {
        Principal::User(u) => u.membership.enterprise().cloned(),
        _ => None,
    };
    let code = code.ok_or(MarketError::StaffOnly)?;
    Ok((caller, code))
}

/// A project owner: `enterprise:<credit code>` or `agency:<agency id>`.
pub async fn owner(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, String), Failure> {
    let caller = guard::user(ctx, db, headers, OWNERS).await?;
    let owner = match &caller {
        Principal::User(u) => match (u.membership.enterprise(), u.membership.agency()) {
            (Some(cc), _) => format!("enterprise:{cc}"),
            (None, Some(a)) => format!("agency:{a}"),
            _ => return Err(MarketError::NotOwner.into()),
        },
        _ => return Err(MarketError::NotOwner.into()),
    };
    Ok((caller, owner))
}

/// The owner string of a caller, if it can own projects.
pub fn owner_of(caller: &Principal) -> Option<String> {
    match caller {
        Principal::User(u) => match (u.membership.enterprise(), u.membership.agency()) {
            (Some(cc), _) => Some(format!("enterprise:{cc}")),
            (None, Some(a)) if u.membership.role() == Role::AgencyStaff => {
                Some(format!("agency:{a}"))
            }
            _ => None,
        },
        _ => None,
    }
}

async fn admins() -> Vec<String> {
    spin_sdk::variables::get(VAR_ADMINS)
        .await
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a principal is marketplace staff.
pub async fn is_staff(caller: &Principal) -> bool {
    match caller {
        Principal::Agency(a) => {
            a.scopes.iter().any(|s| s.as_str() == SCOPE_ADMIN) || a.agency.as_str() == "bootstrap"
        }
        Principal::User(u) if u.membership.role() == Role::AgencyStaff => {
            let org = u.membership.org_text().unwrap_or_default().to_owned();
            admins().await.contains(&org)
        }
        _ => false,
    }
}

/// Marketplace staff only.
pub async fn staff(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<Principal, Failure> {
    let caller = guard::user_or_agency(ctx, db, headers, STAFF, SCOPE_ADMIN).await?;
    if !is_staff(&caller).await {
        ctx.log_denial(&caller.audit_actor(), "INTERMEDIARY_STAFF_ONLY");
        return Err(MarketError::StaffOnly.into());
    }
    Ok(caller)
}

/// A credit code from a path.
pub fn credit_code(text: &str) -> Result<CreditCode, Failure> {
    CreditCode::parse(text).map_err(|_| {
        super::error::field(
            "credit_code",
            "须为 18 位统一社会信用代码",
            "must be an 18-character unified social credit code",
        )
        .into()
    })
}
