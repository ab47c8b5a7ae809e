//! Who the caller is in the complaints domain: the core's [`Actor`] for a principal,
//! and loading a case only for those the core's [`may_read`] admits.

use super::SCOPE_HANDLE;
use super::error::ComplaintsError;
use crate::store::{self, Stored};
use spin_sdk::http::HeaderMap;
use std::sync::OnceLock;
use yingshang_core::calendar::WorkingCalendar;
use yingshang_core::complaints::{Actor, CaseId, Catalogue, may_read};
use yingshang_core::openapi::{Caller, Param, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::authz::Role;
use yingshang_kit::guard;
use yingshang_kit::{Db, Failure, RequestContext};

/// The roles that take part in the loop.
pub const ROLES: &[Role] = &[Role::Enterprise, Role::Officer, Role::AgencyStaff];

/// Who [`participant`] admits, as the routes' descriptions say it.
pub const CALLER: Caller = Caller::UsersOrAgency(ROLES, SCOPE_HANDLE);

/// The `{id}` of a case's routes.
pub const CASE_ID: Param = Param::path(
    "id",
    "The case's id (a ULID). 诉求编号。",
    schema::<yingshang_core::complaints::CaseId>,
);

/// What [`participant`] itself refuses: an organisation that is no department.
pub const NOT_A_DEPARTMENT: &[&str] = &["COMPLAINTS_NOT_A_DEPARTMENT"];

/// The agency of the bootstrap key, which acts as the supervising office.
const BOOTSTRAP_AGENCY: &str = "bootstrap";

/// The catalogue, parsed once per instance.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::builtin().expect("the built-in catalogue is tested"))
}

/// The working-day calendar: the built-in years and those published since
/// (`calendar_years`, loaded by the kit before each request).
pub fn calendar() -> std::sync::Arc<WorkingCalendar> {
    yingshang_kit::calendar::current()
}

/// The caller as the core's actor: an enterprise user acts for its credit code; an
/// officer or staff member for the department named by the token's `org`; an
/// agency key for its agency's department (the bootstrap key: the office).
pub fn actor_of(ctx: &RequestContext, caller: &Principal) -> Result<Actor, Failure> {
    let department = match caller {
        Principal::User(u) => match u.membership.enterprise() {
            Some(code) => {
                return Ok(Actor::Enterprise {
                    credit_code: code.clone(),
                });
            }
            None => u.membership.org_text().unwrap_or_default().to_owned(),
        },
        Principal::Agency(a) if a.agency.as_str() == BOOTSTRAP_AGENCY => return Ok(Actor::Office),
        Principal::Agency(a) => a.agency.as_str().to_owned(),
        Principal::Device(_) => String::new(),
    };
    Actor::staff(catalogue(), &department).map_err(|_| {
        ctx.log_denial(&caller.audit_actor(), "COMPLAINTS_NOT_A_DEPARTMENT");
        ComplaintsError::NotADepartment.into()
    })
}

/// A caller taking part in the loop, as principal and actor.
pub async fn participant(
    ctx: &RequestContext,
    db: &Db,
    headers: &HeaderMap,
) -> Result<(Principal, Actor), Failure> {
    let caller = guard::user_or_agency(ctx, db, headers, ROLES, SCOPE_HANDLE).await?;
    let actor = actor_of(ctx, &caller)?;
    Ok((caller, actor))
}

/// Loads a case the actor may read; 404 for an unknown id and for a case the
/// actor may not see (a stranger learns nothing of it).
pub async fn readable(
    ctx: &RequestContext,
    db: &Db,
    actor: &Actor,
    id: &str,
) -> Result<Stored, Failure> {
    if CaseId::parse(id).is_err() {
        return Err(ComplaintsError::CaseNotFound.into());
    }
    let stored = store::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("loading a case", e))?
        .ok_or(ComplaintsError::CaseNotFound)?;
    if !may_read(&stored.state, actor) {
        ctx.log_denial(&actor.audit_label(), "COMPLAINTS_CASE_NOT_FOUND");
        return Err(ComplaintsError::CaseNotFound.into());
    }
    Ok(stored)
}
