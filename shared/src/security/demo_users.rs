//! The demo users of a local run: which membership a role name stands for, with the
//! demo organisation unless another is named. Used by `yingshang dev token` and by the
//! web pages' development sign-in, so that both issue the same users.

use super::authz::Membership;
use super::{AgencyId, CreditCode};

/// The demo enterprise's unified social credit code (a valid GB 32100 code).
pub const DEMO_ENTERPRISE: &str = "91350100M000100Y43";
/// The demo agency.
pub const DEMO_AGENCY: &str = "ly-tax";

/// Why a role and organisation name no demo user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoUserError {
    /// Not citizen, enterprise, officer or agency_staff.
    #[error("unknown role `{0}` (citizen, enterprise, officer, agency_staff)")]
    UnknownRole(String),
    /// The organisation is no credit code (enterprise) or agency id (the others).
    #[error("{0}")]
    BadOrganisation(String),
}

/// The membership of the demo user with `role`, in `org` (default: the demo one).
pub fn demo_membership(role: &str, org: Option<&str>) -> Result<Membership, DemoUserError> {
    let agency = || {
        AgencyId::parse(org.unwrap_or(DEMO_AGENCY))
            .map_err(|e| DemoUserError::BadOrganisation(e.message_en()))
    };
    Ok(match role {
        "citizen" => Membership::Citizen,
        "enterprise" => Membership::Enterprise(
            CreditCode::parse(org.unwrap_or(DEMO_ENTERPRISE))
                .map_err(|e| DemoUserError::BadOrganisation(e.message_en()))?,
        ),
        "officer" => Membership::Officer(agency()?),
        "agency_staff" => Membership::AgencyStaff(agency()?),
        other => return Err(DemoUserError::UnknownRole(other.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_name_their_demo_users_and_nothing_else() {
        assert_eq!(demo_membership("citizen", None), Ok(Membership::Citizen));
        assert!(matches!(
            demo_membership("enterprise", None),
            Ok(Membership::Enterprise(c)) if c.as_str() == DEMO_ENTERPRISE
        ));
        assert!(matches!(
            demo_membership("officer", Some("jy-market")),
            Ok(Membership::Officer(a)) if a.as_str() == "jy-market"
        ));
        assert!(matches!(
            demo_membership("root", None),
            Err(DemoUserError::UnknownRole(_))
        ));
        assert!(matches!(
            demo_membership("enterprise", Some("not-a-credit-code")),
            Err(DemoUserError::BadOrganisation(_))
        ));
    }
}
