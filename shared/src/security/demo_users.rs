//! The demo users of a local run: which membership a role name stands for, with the
//! demo organisation unless another is named. Used by `yingshang dev token` and by the
//! web pages' development sign-in, so that both issue the same users.

use super::authz::Membership;
use super::token::VerifiedIdNumber;
use super::{AgencyId, CreditCode};

/// The demo enterprise's unified social credit code (a valid GB 32100 code).
pub const DEMO_ENTERPRISE: &str = "91350100M000100Y43";
/// The demo agency.
pub const DEMO_AGENCY: &str = "ly-tax";
/// A second officer of the demo agency: scan-to-enter takes two officers of one
/// agency, so the check-in demo data registers this one beside the demo officer
/// ([`demo_subject`]`("officer")`).
pub const DEMO_SECOND_OFFICER: &str = "ly-tax-officer-chen";

/// The subject of the demo user with `role` (`dev-officer`, …): the development
/// sign-in issues it, and the check-in demo data registers `dev-officer` as an officer
/// of [`DEMO_AGENCY`], so a demo officer can scan to enter out of the box.
pub fn demo_subject(role: &str) -> String {
    format!("dev-{role}")
}

/// The demo citizen's resident ID number, as real-name verification would put it in
/// the token: a valid GB 11643 number (the check character fits), so that the demo
/// citizen can ask for a transfer-tax assessment as the buyer, as a verified citizen
/// does. Invented: born 1988-08-08 in 西工区.
pub const DEMO_CITIZEN_ID_NUMBER: &str = "410303198808080022";

/// The ID number the demo user with `role` carries as verified: the demo citizen's;
/// none for the other roles (the identity provider verifies natural persons only).
pub fn demo_id_number(role: &str) -> Option<VerifiedIdNumber> {
    match role {
        "citizen" => VerifiedIdNumber::parse(DEMO_CITIZEN_ID_NUMBER),
        _ => None,
    }
}

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
    use crate::security::Subject;

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
            demo_membership("officer", None),
            Ok(Membership::Officer(a)) if a.as_str() == DEMO_AGENCY
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

    #[test]
    fn the_demo_officers_are_two_valid_subjects() {
        let officer = demo_subject("officer");
        assert_eq!(officer, "dev-officer");
        assert!(Subject::parse(&officer).is_ok());
        assert!(Subject::parse(DEMO_SECOND_OFFICER).is_ok());
        assert_ne!(officer, DEMO_SECOND_OFFICER);
    }

    #[test]
    fn only_the_demo_citizen_carries_a_valid_id_number() {
        let id = demo_id_number("citizen").expect("the demo citizen is verified");
        assert_eq!(id.as_str(), DEMO_CITIZEN_ID_NUMBER);
        // GB 11643: weights 2^(17-i) mod 11, check character (12 - sum mod 11) mod 11.
        let digits = DEMO_CITIZEN_ID_NUMBER.as_bytes();
        let sum: u32 = digits[..17]
            .iter()
            .enumerate()
            .map(|(i, d)| u32::from(d - b'0') * ((1u32 << (17 - i)) % 11))
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize];
        assert_eq!(digits[17], check, "the check character fits");
        for role in ["enterprise", "officer", "agency_staff", "root"] {
            assert_eq!(demo_id_number(role), None, "{role}");
        }
    }
}
