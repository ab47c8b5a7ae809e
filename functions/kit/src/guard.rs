//! Guards: the only way handlers authorize. Each route names who may call it —
//! an agency system holding a scope ([`agency`]), users in some roles ([`user`]), or
//! either ([`user_or_agency`]) — and, for records of an organisation, whether the
//! user is bound to it ([`own_enterprise`], [`own_agency`]). Authentication and the
//! core's `authz` rules run here; every refusal is logged with the request id and
//! answers 401/403 problem+json.

use crate::auth::authenticate;
use crate::context::RequestContext;
use crate::db::Db;
use crate::responses::Failure;
use spin_sdk::http::HeaderMap;
use yingshang_core::security::AgencyId;
use yingshang_core::security::apikey::Scope;
use yingshang_core::security::authz::{self, Denied, Principal, Role, require_role, require_scope};
use yingshang_core::security::credit_code::CreditCode;

/// Every user role: "any signed-in user".
pub const ANY_USER: &[Role] = &[
    Role::Citizen,
    Role::Enterprise,
    Role::Officer,
    Role::AgencyStaff,
];

/// A route's scope, from the function's constant (`domain:action`).
fn scope(text: &str) -> Scope {
    Scope::parse(text).expect("route scopes are written as `domain:action`")
}

fn logged(ctx: &RequestContext, caller: &Principal, denied: Denied) -> Failure {
    ctx.log_denial(&caller.audit_actor(), denied.code());
    denied.into()
}

/// An agency system whose API key holds `scope` (a user token is refused with 403).
pub async fn agency(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
    scope_text: &str,
) -> Result<Principal, Failure> {
    let wanted = scope(scope_text);
    let caller = authenticate(ctx, headers, db, Some(&wanted)).await?;
    require_scope(&caller, &wanted).map_err(|d| logged(ctx, &caller, d))?;
    Ok(caller)
}

/// A user signed in with one of `roles` (agency keys and other roles: 403).
pub async fn user(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
    roles: &[Role],
) -> Result<Principal, Failure> {
    let caller = authenticate(ctx, headers, db, None).await?;
    require_role(&caller, roles).map_err(|d| logged(ctx, &caller, d))?;
    Ok(caller)
}

/// A user with one of `roles`, or an agency system whose key holds `scope`.
pub async fn user_or_agency(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
    roles: &[Role],
    scope_text: &str,
) -> Result<Principal, Failure> {
    let wanted = scope(scope_text);
    let caller = authenticate(ctx, headers, db, Some(&wanted)).await?;
    match &caller {
        Principal::Agency(_) => require_scope(&caller, &wanted),
        _ => require_role(&caller, roles).map(drop),
    }
    .map_err(|d| logged(ctx, &caller, d))?;
    Ok(caller)
}

/// The caller is a user of enterprise `code` (403 `AUTHZ_NOT_OWN_ORG` otherwise).
pub fn own_enterprise(
    ctx: &RequestContext,
    caller: &Principal,
    code: &CreditCode,
) -> Result<(), Failure> {
    authz::require_own_enterprise(caller, code).map_err(|d| logged(ctx, caller, d))
}

/// The caller acts for agency `agency`: its officer or staff, or its key (403
/// `AUTHZ_NOT_OWN_AGENCY` otherwise).
pub fn own_agency(
    ctx: &RequestContext,
    caller: &Principal,
    agency: &AgencyId,
) -> Result<(), Failure> {
    authz::require_own_agency(caller, agency).map_err(|d| logged(ctx, caller, d))
}
