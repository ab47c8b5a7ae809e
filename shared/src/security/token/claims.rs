//! Token claims: typed for issuing, and the wire form they are parsed from.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::TokenError;
use crate::security::credit_code::CreditCode;
use crate::security::principal::{AgencyId, Membership, Role, Subject};

/// What a token says about its holder. Built typed, so an issued token always
/// carries a role bound to a valid organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `sub`: who the holder is.
    pub subject: Subject,
    /// `role` and `org`.
    pub membership: Membership,
    /// `iat`: issued at, unix seconds.
    pub issued_at: i64,
    /// `exp`: not valid from this instant on, unix seconds.
    pub expires_at: i64,
    /// `nbf`: not valid before, unix seconds.
    pub not_before: Option<i64>,
    /// `iss`: who issued it.
    pub issuer: Option<String>,
    /// `aud`: who it is for.
    pub audience: Option<String>,
    /// `id_number`: the holder's resident ID number, as the identity provider verified
    /// it (real-name verification). Absent when it did not verify one.
    pub id_number: Option<VerifiedIdNumber>,
}

impl Claims {
    /// Claims issued at `now`, valid for `lifetime`, without `nbf`, `iss`, `aud`.
    pub fn new(
        subject: Subject,
        membership: Membership,
        now: OffsetDateTime,
        lifetime: time::Duration,
    ) -> Claims {
        let iat = now.unix_timestamp();
        Claims {
            subject,
            membership,
            issued_at: iat,
            expires_at: iat.saturating_add(lifetime.whole_seconds()),
            not_before: None,
            issuer: None,
            audience: None,
            id_number: None,
        }
    }

    /// The same claims with the ID number the identity provider verified.
    pub fn with_id_number(mut self, id_number: VerifiedIdNumber) -> Claims {
        self.id_number = Some(id_number);
        self
    }

    /// The same claims with an issuer.
    pub fn with_issuer(mut self, issuer: &str) -> Claims {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// The same claims with an audience.
    pub fn with_audience(mut self, audience: &str) -> Claims {
        self.audience = Some(audience.to_owned());
        self
    }

    /// The same claims with a not-before time (unix seconds).
    pub fn with_not_before(mut self, nbf: i64) -> Claims {
        self.not_before = Some(nbf);
        self
    }

    /// The wire form.
    pub(super) fn to_wire(&self) -> WireClaims {
        WireClaims {
            sub: Some(self.subject.as_str().to_owned()),
            role: Some(self.membership.role().as_str().to_owned()),
            org: self.membership.org_text().map(str::to_owned),
            iat: Some(self.issued_at),
            exp: Some(self.expires_at),
            nbf: self.not_before,
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(Audience::One),
            id_number: self.id_number.as_ref().map(|n| n.as_str().to_owned()),
        }
    }
}

/// A resident ID number as a token carries it: 18 characters, 17 digits and a digit
/// or `X`. Only the shape is checked here (a token is no place for the check-digit
/// rules); the domain that uses it parses it with its own rules. It is what the
/// identity provider verified, so it may bind the holder to a person named in a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerifiedIdNumber(String);

impl VerifiedIdNumber {
    /// Checks the shape; a lower-case `x` is taken as `X`.
    pub fn parse(text: &str) -> Option<VerifiedIdNumber> {
        let upper = text.to_ascii_uppercase();
        let b = upper.as_bytes();
        let shaped = b.len() == 18
            && b[..17].iter().all(u8::is_ascii_digit)
            && (b[17].is_ascii_digit() || b[17] == b'X');
        shaped.then_some(VerifiedIdNumber(upper))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    /// One audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `wanted` is among the audiences.
    pub(super) fn contains(&self, wanted: &str) -> bool {
        match self {
            Audience::One(a) => a == wanted,
            Audience::Many(list) => list.iter().any(|a| a == wanted),
        }
    }
}

/// The claims as they travel. Unknown claims (e.g. `jti`) are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct WireClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

impl WireClaims {
    /// The subject and membership, refusing unknown roles and organisations that do
    /// not fit the role. Times, issuer and audience are checked by the verifier.
    pub(super) fn identity(&self) -> Result<(Subject, Membership), TokenError> {
        let sub = self
            .sub
            .as_deref()
            .ok_or(TokenError::InvalidClaim { claim: "sub" })?;
        let subject = Subject::parse(sub).map_err(|_| TokenError::InvalidClaim { claim: "sub" })?;
        let role_text = self
            .role
            .as_deref()
            .ok_or(TokenError::InvalidClaim { claim: "role" })?;
        let role = Role::parse(role_text).ok_or(TokenError::UnknownRole)?;
        let bad_org = TokenError::InvalidClaim { claim: "org" };
        let org = self.org.as_deref();
        let membership = match role {
            Role::Citizen => match org {
                None => Membership::Citizen,
                Some(_) => return Err(bad_org),
            },
            Role::Enterprise => {
                let code = org.and_then(|o| CreditCode::parse(o).ok()).ok_or(bad_org)?;
                // The parser accepts lower case; a signed claim must be canonical.
                if org != Some(code.as_str()) {
                    return Err(bad_org);
                }
                Membership::Enterprise(code)
            }
            Role::Officer | Role::AgencyStaff => {
                let agency = org.and_then(|o| AgencyId::parse(o).ok()).ok_or(bad_org)?;
                if role == Role::Officer {
                    Membership::Officer(agency)
                } else {
                    Membership::AgencyStaff(agency)
                }
            }
        };
        Ok((subject, membership))
    }

    /// The verified ID number, if the token carries one; a malformed one refuses the
    /// token (the identity provider signed something it should not have).
    pub(super) fn verified_id_number(&self) -> Result<Option<VerifiedIdNumber>, TokenError> {
        self.id_number
            .as_deref()
            .map(|t| {
                VerifiedIdNumber::parse(t).ok_or(TokenError::InvalidClaim { claim: "id_number" })
            })
            .transpose()
    }
}
