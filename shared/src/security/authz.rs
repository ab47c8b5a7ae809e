//! Authorisation: what an authenticated caller may touch.
//!
//! Each check returns `Ok` or a [`Denied`] whose code and reason suit both a 403
//! answer and a log line: they name roles, organisations and ids, never a secret.

pub use super::principal::{AgencyPrincipal, Membership, Principal, Role, UserPrincipal};

use super::apikey::Scope;
use super::credit_code::CreditCode;
use super::device::DeviceId;
use super::principal::{AgencyId, Subject};
use crate::problem::{ApiError, Lang};

/// A refusal (403).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {reason}")]
pub struct Denied {
    /// Stable machine code, e.g. `AUTHZ_NOT_OWN_ORG`.
    pub code: &'static str,
    /// Log-safe English reason (roles and ids, no secret).
    pub reason: String,
}

impl Denied {
    fn new(code: &'static str, reason: String) -> Denied {
        Denied { code, reason }
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message in Chinese (shown to the caller; no internal detail).
    pub fn message_zh(&self) -> String {
        match self.code {
            "AUTHZ_ROLE_NOT_ALLOWED" => "当前身份的角色不能执行此操作。",
            "AUTHZ_NOT_OWN_ORG" => "只能查看或操作本企业的记录。",
            "AUTHZ_NOT_OWN_AGENCY" => "只能以本机关的名义执行此操作。",
            "AUTHZ_NOT_OWN_RECORD" => "只能查看或操作本人的记录。",
            "AUTHZ_WRONG_DEVICE" => "设备只能为自身提交数据。",
            "AUTHZ_SCOPE_MISSING" => "该 API 密钥没有执行此操作的权限。",
            _ => "无权执行此操作。",
        }
        .to_owned()
    }

    /// The message in English (shown to the caller; no internal detail).
    pub fn message_en(&self) -> String {
        match self.code {
            "AUTHZ_ROLE_NOT_ALLOWED" => "Your role may not do this.",
            "AUTHZ_NOT_OWN_ORG" => "You may only see or act on your own enterprise's records.",
            "AUTHZ_NOT_OWN_AGENCY" => "You may only act for your own agency.",
            "AUTHZ_NOT_OWN_RECORD" => "You may only see or act on your own records.",
            "AUTHZ_WRONG_DEVICE" => "A device may only post data for itself.",
            "AUTHZ_SCOPE_MISSING" => "The API key lacks the scope for this.",
            _ => "You are not allowed to do this.",
        }
        .to_owned()
    }
}

impl ApiError for Denied {
    fn status(&self) -> u16 {
        403
    }

    fn code(&self) -> &'static str {
        self.code
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("无权访问", "Forbidden").to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

fn caller_kind(p: &Principal) -> String {
    match p {
        Principal::User(u) => format!("role {}", u.membership.role().as_str()),
        Principal::Device(d) => format!("device {d}"),
        Principal::Agency(a) => format!("agency key {}", a.key_id),
    }
}

/// The user, if the caller is a user whose role is one of `allowed`.
pub fn require_role<'p>(p: &'p Principal, allowed: &[Role]) -> Result<&'p UserPrincipal, Denied> {
    match p {
        Principal::User(u) if allowed.contains(&u.membership.role()) => Ok(u),
        _ => Err(Denied::new(
            "AUTHZ_ROLE_NOT_ALLOWED",
            format!(
                "{} is not one of [{}]",
                caller_kind(p),
                allowed
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// An enterprise user may only see or act on records of its own enterprise.
pub fn require_own_enterprise(p: &Principal, record_org: &CreditCode) -> Result<(), Denied> {
    let user = require_role(p, &[Role::Enterprise])?;
    match user.membership.enterprise() {
        Some(own) if own == record_org => Ok(()),
        own => Err(Denied::new(
            "AUTHZ_NOT_OWN_ORG",
            format!(
                "enterprise {} may not access records of {record_org}",
                own.map(CreditCode::as_str).unwrap_or("-")
            ),
        )),
    }
}

/// An officer or staff member acts only for its own agency; an agency system only
/// with a key of that agency.
pub fn require_own_agency(p: &Principal, agency: &AgencyId) -> Result<(), Denied> {
    let own = match p {
        Principal::Agency(a) => Some(&a.agency),
        _ => require_role(p, &[Role::Officer, Role::AgencyStaff])?
            .membership
            .agency(),
    };
    match own {
        Some(own) if own == agency => Ok(()),
        own => Err(Denied::new(
            "AUTHZ_NOT_OWN_AGENCY",
            format!(
                "{} of agency {} may not act for {agency}",
                caller_kind(p),
                own.map(AgencyId::as_str).unwrap_or("-")
            ),
        )),
    }
}

/// A citizen (or any user) may only see or act on records whose owner is itself.
pub fn require_subject(p: &Principal, owner: &Subject) -> Result<(), Denied> {
    match p {
        Principal::User(u) if &u.subject == owner => Ok(()),
        Principal::User(u) => Err(Denied::new(
            "AUTHZ_NOT_OWN_RECORD",
            format!("user {} may not access records of user {owner}", u.subject),
        )),
        _ => Err(Denied::new(
            "AUTHZ_ROLE_NOT_ALLOWED",
            format!("{} is not a user", caller_kind(p)),
        )),
    }
}

/// A device may only post for itself.
pub fn require_device(p: &Principal, device: &DeviceId) -> Result<(), Denied> {
    match p {
        Principal::Device(d) if d == device => Ok(()),
        Principal::Device(d) => Err(Denied::new(
            "AUTHZ_WRONG_DEVICE",
            format!("device {d} may not post for device {device}"),
        )),
        _ => Err(Denied::new(
            "AUTHZ_ROLE_NOT_ALLOWED",
            format!("{} is not a device", caller_kind(p)),
        )),
    }
}

/// An agency system must hold the scope.
pub fn require_scope(p: &Principal, scope: &Scope) -> Result<(), Denied> {
    match p {
        Principal::Agency(a) if a.scopes.contains(scope) => Ok(()),
        _ => Err(Denied::new(
            "AUTHZ_SCOPE_MISSING",
            format!("{} lacks scope {scope}", caller_kind(p)),
        )),
    }
}

/// The agency whose staff see every agency's records on the operator dashboard (营商环境办,
/// the supervising office; the complaints catalogue names the same department).
pub const SUPERVISING_OFFICE: &str = "yingshang-office";

/// Which agencies' records an operator dashboard shows its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    /// Every agency's (staff of the supervising office).
    Everything,
    /// Only this agency's.
    Agency(AgencyId),
}

impl Sight {
    /// Whether records of `owner` are shown.
    pub fn sees(&self, owner: &AgencyId) -> bool {
        match self {
            Sight::Everything => true,
            Sight::Agency(own) => own == owner,
        }
    }
}

/// Agency staff read their own agency's records on the dashboard; staff of the
/// supervising office read every agency's. Anyone else (citizens, enterprises,
/// officers, devices, agency keys) is refused.
pub fn staff_sight(p: &Principal) -> Result<Sight, Denied> {
    let staff = require_role(p, &[Role::AgencyStaff])?;
    match staff.membership.agency() {
        Some(a) if a.as_str() == SUPERVISING_OFFICE => Ok(Sight::Everything),
        Some(a) => Ok(Sight::Agency(a.clone())),
        None => Err(Denied::new(
            "AUTHZ_ROLE_NOT_ALLOWED",
            format!("{} belongs to no agency", caller_kind(p)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;
    use crate::security::apikey::KeyId;

    fn user(sub: &str, m: Membership) -> Principal {
        Principal::User(UserPrincipal {
            subject: Subject::parse(sub).unwrap(),
            membership: m,
            expires_at: 0,
        })
    }
    fn code(s: &str) -> CreditCode {
        CreditCode::parse(s).unwrap()
    }
    fn agency(s: &str) -> AgencyId {
        AgencyId::parse(s).unwrap()
    }
    const A: &str = "914403001922038216";
    const B: &str = "91440300708461136T";

    #[test]
    fn enterprise_sees_only_its_own_records() {
        let ent = user("e1", Membership::Enterprise(code(A)));
        assert_eq!(require_own_enterprise(&ent, &code(A)), Ok(()));
        let d = require_own_enterprise(&ent, &code(B)).unwrap_err();
        assert_eq!(d.code, "AUTHZ_NOT_OWN_ORG");
        assert_eq!(
            d.reason,
            format!("enterprise {A} may not access records of {B}")
        );
        let citizen = user("c1", Membership::Citizen);
        assert_eq!(
            require_own_enterprise(&citizen, &code(A)).unwrap_err().code,
            "AUTHZ_ROLE_NOT_ALLOWED"
        );
    }

    #[test]
    fn officer_acts_only_for_its_agency() {
        let off = user("o1", Membership::Officer(agency("xc-sm")));
        assert_eq!(require_own_agency(&off, &agency("xc-sm")), Ok(()));
        let d = require_own_agency(&off, &agency("zz-tax")).unwrap_err();
        assert_eq!(d.code, "AUTHZ_NOT_OWN_AGENCY");
        assert_eq!(
            d.reason,
            "role officer of agency xc-sm may not act for zz-tax"
        );
        let staff = user("s1", Membership::AgencyStaff(agency("zz-tax")));
        assert_eq!(require_own_agency(&staff, &agency("zz-tax")), Ok(()));
        let ent = user("e1", Membership::Enterprise(code(A)));
        assert_eq!(
            require_own_agency(&ent, &agency("xc-sm")).unwrap_err().code,
            "AUTHZ_ROLE_NOT_ALLOWED"
        );
        let dev = Principal::Device(DeviceId::parse("m1").unwrap());
        assert_eq!(
            require_own_agency(&dev, &agency("xc-sm")).unwrap_err().code,
            "AUTHZ_ROLE_NOT_ALLOWED"
        );
    }

    #[test]
    fn agency_systems_need_their_agency_and_scope() {
        let key = Principal::Agency(AgencyPrincipal {
            agency: agency("henan-tax"),
            key_id: KeyId::parse("0011223344556677").unwrap(),
            scopes: [Scope::parse("valuation:import").unwrap()]
                .into_iter()
                .collect(),
        });
        assert_eq!(require_own_agency(&key, &agency("henan-tax")), Ok(()));
        assert!(require_own_agency(&key, &agency("registry")).is_err());
        assert_eq!(
            require_scope(&key, &Scope::parse("valuation:import").unwrap()),
            Ok(())
        );
        let d = require_scope(&key, &Scope::parse("complaints:sweep").unwrap()).unwrap_err();
        assert_eq!(
            d.reason,
            "agency key 0011223344556677 lacks scope complaints:sweep"
        );
        let off = user("o1", Membership::Officer(agency("henan-tax")));
        assert!(require_scope(&off, &Scope::parse("valuation:import").unwrap()).is_err());
    }

    #[test]
    fn staff_see_their_agency_and_the_office_sees_everything() {
        let staff = user("s1", Membership::AgencyStaff(agency("ly-tax")));
        let sight = staff_sight(&staff).unwrap();
        assert_eq!(sight, Sight::Agency(agency("ly-tax")));
        assert!(sight.sees(&agency("ly-tax")));
        assert!(!sight.sees(&agency("henan-tax")));
        let office = user("s2", Membership::AgencyStaff(agency(SUPERVISING_OFFICE)));
        assert_eq!(staff_sight(&office), Ok(Sight::Everything));
        assert!(Sight::Everything.sees(&agency("henan-tax")));
        // Officers, citizens, enterprises, devices and agency keys are no dashboard readers.
        for p in [
            user("o1", Membership::Officer(agency(SUPERVISING_OFFICE))),
            user("c1", Membership::Citizen),
            user("e1", Membership::Enterprise(code(A))),
            Principal::Device(DeviceId::parse("m1").unwrap()),
            Principal::Agency(AgencyPrincipal {
                agency: agency(SUPERVISING_OFFICE),
                key_id: KeyId::parse("0011223344556677").unwrap(),
                scopes: Default::default(),
            }),
        ] {
            assert_eq!(
                staff_sight(&p).unwrap_err().code,
                "AUTHZ_ROLE_NOT_ALLOWED",
                "{p:?}"
            );
        }
    }

    #[test]
    fn device_posts_only_for_itself() {
        let dev = Principal::Device(DeviceId::parse("123456789012").unwrap());
        assert_eq!(
            require_device(&dev, &DeviceId::parse("123456789012").unwrap()),
            Ok(())
        );
        let d = require_device(&dev, &DeviceId::parse("999").unwrap()).unwrap_err();
        assert_eq!(d.code, "AUTHZ_WRONG_DEVICE");
        let citizen = user("c1", Membership::Citizen);
        assert_eq!(
            require_device(&citizen, &DeviceId::parse("999").unwrap())
                .unwrap_err()
                .code,
            "AUTHZ_ROLE_NOT_ALLOWED"
        );
    }

    #[test]
    fn citizens_see_their_own_records() {
        let c = user("c1", Membership::Citizen);
        assert_eq!(require_subject(&c, &Subject::parse("c1").unwrap()), Ok(()));
        assert_eq!(
            require_subject(&c, &Subject::parse("c2").unwrap())
                .unwrap_err()
                .code,
            "AUTHZ_NOT_OWN_RECORD"
        );
        assert!(require_role(&c, &[Role::Officer]).is_err());
        assert!(require_role(&c, &[Role::Citizen, Role::Officer]).is_ok());
    }

    #[test]
    fn denied_is_a_403_problem_in_both_languages() {
        let ent = user("e1", Membership::Enterprise(code(A)));
        let d = require_own_enterprise(&ent, &code(B)).unwrap_err();
        let p = Problem::from_error(&d, Lang::ZhCn, Some("r9"));
        assert_eq!(
            (p.status, p.code.as_str(), p.title.as_str()),
            (403, "AUTHZ_NOT_OWN_ORG", "无权访问")
        );
        assert_eq!(p.detail, "只能查看或操作本企业的记录。");
        // The caller's answer does not carry the other enterprise's code.
        assert!(!p.detail.contains(B));
        let p = Problem::from_error(&d, Lang::En, None);
        assert_eq!(
            p.detail,
            "You may only see or act on your own enterprise's records."
        );
    }
}
