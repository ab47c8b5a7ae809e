//! Who is calling: a user (with a role bound to an organisation), a device, or an
//! agency system holding a scoped API key.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::apikey::{KeyId, Scope};
use super::credit_code::CreditCode;
use super::device::DeviceId;

/// A user's role, as carried in the token's `role` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member of the public.
    Citizen,
    /// Someone acting for an enterprise (bound to its credit code).
    Enterprise,
    /// An enforcement officer (bound to an agency).
    Officer,
    /// Agency back-office staff (bound to an agency).
    AgencyStaff,
}

impl Role {
    /// The claim text: `citizen`, `enterprise`, `officer`, `agency_staff`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Enterprise => "enterprise",
            Role::Officer => "officer",
            Role::AgencyStaff => "agency_staff",
        }
    }

    /// Parses the claim text exactly; anything else is an unknown role.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "citizen" => Some(Role::Citizen),
            "enterprise" => Some(Role::Enterprise),
            "officer" => Some(Role::Officer),
            "agency_staff" => Some(Role::AgencyStaff),
            _ => None,
        }
    }
}

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Empty or longer than allowed.
    #[error("{kind} must have 1 to {max} characters")]
    Length {
        /// Which identifier.
        kind: &'static str,
        /// Longest allowed.
        max: usize,
    },
    /// A character outside `[A-Za-z0-9._:@-]`.
    #[error("{kind} contains a character that is not allowed")]
    Character {
        /// Which identifier.
        kind: &'static str,
    },
}

impl IdError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Length { .. } => "SEC_ID_LENGTH",
            IdError::Character { .. } => "SEC_ID_CHARACTER",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IdError::Length { kind, max } => format!("{kind} 的长度应为 1 至 {max} 个字符。"),
            IdError::Character { kind } => {
                format!("{kind} 只能包含字母、数字以及 . _ : @ - 字符。")
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            IdError::Length { kind, max } => format!("{kind} must have 1 to {max} characters."),
            IdError::Character { kind } => {
                format!("{kind} may contain only letters, digits and . _ : @ -")
            }
        }
    }
}

/// Checks an identifier: 1..=max characters of `[A-Za-z0-9._:@-]`.
pub(crate) fn check_id(kind: &'static str, text: &str, max: usize) -> Result<(), IdError> {
    if text.is_empty() || text.len() > max {
        return Err(IdError::Length { kind, max });
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._:@-".contains(&b))
    {
        return Err(IdError::Character { kind });
    }
    Ok(())
}

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses the identifier (1 to the maximum length of `[A-Za-z0-9._:@-]`).
            pub fn parse(text: &str) -> Result<Self, IdError> {
                check_id($kind, text, $max).map(|()| Self(text.to_owned()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

id_newtype!(
    /// A user's stable identifier (the token's `sub`), e.g. a ULID.
    Subject,
    "subject",
    128
);

id_newtype!(
    /// An agency's identifier, e.g. `xuchang-market-supervision`.
    AgencyId,
    "agency id",
    64
);

/// A role together with the organisation it is bound to: an enterprise user always
/// has a valid credit code, an officer or staff member always has an agency, a
/// citizen has neither. Invalid combinations cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Membership {
    /// A citizen, bound to no organisation.
    Citizen,
    /// Acting for the enterprise with this credit code.
    Enterprise(CreditCode),
    /// An enforcement officer of this agency.
    Officer(AgencyId),
    /// Back-office staff of this agency.
    AgencyStaff(AgencyId),
}

impl Membership {
    /// The role.
    pub fn role(&self) -> Role {
        match self {
            Membership::Citizen => Role::Citizen,
            Membership::Enterprise(_) => Role::Enterprise,
            Membership::Officer(_) => Role::Officer,
            Membership::AgencyStaff(_) => Role::AgencyStaff,
        }
    }

    /// The organisation as the `org` claim text, if any.
    pub fn org_text(&self) -> Option<&str> {
        match self {
            Membership::Citizen => None,
            Membership::Enterprise(code) => Some(code.as_str()),
            Membership::Officer(agency) | Membership::AgencyStaff(agency) => Some(agency.as_str()),
        }
    }

    /// The enterprise, for an enterprise user.
    pub fn enterprise(&self) -> Option<&CreditCode> {
        match self {
            Membership::Enterprise(code) => Some(code),
            _ => None,
        }
    }

    /// The agency, for an officer or staff member.
    pub fn agency(&self) -> Option<&AgencyId> {
        match self {
            Membership::Officer(agency) | Membership::AgencyStaff(agency) => Some(agency),
            _ => None,
        }
    }
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPrincipal {
    /// Who the user is.
    pub subject: Subject,
    /// Role and organisation.
    pub membership: Membership,
    /// When the credential stops being valid (unix seconds), for caching decisions.
    pub expires_at: i64,
}

/// An authenticated agency system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyPrincipal {
    /// The agency the key belongs to.
    pub agency: AgencyId,
    /// The key used (never the secret).
    pub key_id: KeyId,
    /// What the key may do.
    pub scopes: BTreeSet<Scope>,
}

/// Any authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A user with a bearer token.
    User(UserPrincipal),
    /// A device that signed its request.
    Device(DeviceId),
    /// An agency system with an API key.
    Agency(AgencyPrincipal),
}

impl Principal {
    /// A log- and audit-safe name of the caller, also what records it owns are keyed
    /// on: `<role>:<sub>` for a user (`citizen:alice` and `enterprise:alice` are two
    /// people: subjects are unique only within a kind of account), `device:<id>` or
    /// `agency:<agency>/<key id>`. Never a secret.
    pub fn audit_actor(&self) -> String {
        match self {
            Principal::User(u) => format!("{}:{}", u.membership.role().as_str(), u.subject),
            Principal::Device(d) => format!("device:{d}"),
            Principal::Agency(a) => format!("agency:{}/{}", a.agency, a.key_id),
        }
    }

    /// The user's role, for a user.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User(u) => Some(u.membership.role()),
            _ => None,
        }
    }
}

/// The role of a user's [`Principal::audit_actor`] text (`citizen:alice` → citizen);
/// `None` for a device or an agency key.
pub fn user_actor_role(actor: &str) -> Option<Role> {
    actor
        .split_once(':')
        .and_then(|(kind, _)| Role::parse(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_is_none() {
        for r in [
            Role::Citizen,
            Role::Enterprise,
            Role::Officer,
            Role::AgencyStaff,
        ] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse("Officer"), None);
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(Subject::parse("01HZX3K9ABCDEF").is_ok());
        assert_eq!(
            Subject::parse(""),
            Err(IdError::Length {
                kind: "subject",
                max: 128
            })
        );
        assert_eq!(
            AgencyId::parse("tax bureau"),
            Err(IdError::Character { kind: "agency id" })
        );
        assert!(AgencyId::parse(&"a".repeat(65)).is_err());
        assert!(serde_json::from_str::<AgencyId>("\"a/b\"").is_err());
    }

    #[test]
    fn audit_actor_names_without_secrets() {
        let user = Principal::User(UserPrincipal {
            subject: Subject::parse("u1").unwrap(),
            membership: Membership::Officer(AgencyId::parse("xc-sm").unwrap()),
            expires_at: 0,
        });
        assert_eq!(user.audit_actor(), "officer:u1");
        assert_eq!(user_actor_role("officer:u1"), Some(Role::Officer));
        assert_eq!(user_actor_role("agency:a/k"), None);
        let citizen = Principal::User(UserPrincipal {
            subject: Subject::parse("u1").unwrap(),
            membership: Membership::Citizen,
            expires_at: 0,
        });
        assert_ne!(
            citizen.audit_actor(),
            user.audit_actor(),
            "kinds never collide"
        );
        assert_eq!(user.role(), Some(Role::Officer));
        let dev = Principal::Device(DeviceId::parse("meter-123456789012").unwrap());
        assert_eq!(dev.audit_actor(), "device:meter-123456789012");
        assert_eq!(dev.role(), None);
    }
}
