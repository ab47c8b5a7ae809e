//! API keys for agency systems (tax bureau, registry, justice bureau, schedulers).
//!
//! A key reads `ysk_<key id>_<secret>`: the id is 16 lower-case hex digits (the
//! lookup handle, safe to log), the secret 43 base64url characters (32 random
//! bytes). Only the SHA-256 of the whole key is stored ([`ApiKeyRecord::hash`]);
//! the key itself is shown once, at generation. Randomness comes from the caller.

use std::collections::BTreeSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::principal::{AgencyId, AgencyPrincipal, Principal};
use crate::problem::{ApiError, Lang};

/// The prefix of every key.
pub const API_KEY_PREFIX: &str = "ysk_";
/// The header an agency system may send its key in (besides `Authorization: Bearer`).
pub const HEADER_API_KEY: &str = "x-api-key";
/// Length of a key: `ysk_` + 16 + `_` + 43.
const KEY_LEN: usize = 4 + 16 + 1 + 43;

/// The public handle of a key: 16 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// Parses a key id (16 lower-case hex digits).
    pub fn parse(text: &str) -> Result<KeyId, ApiKeyError> {
        if text.len() == 16
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(KeyId(text.to_owned()))
        } else {
            Err(ApiKeyError::Malformed)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for KeyId {
    type Error = ApiKeyError;
    fn try_from(value: String) -> Result<Self, ApiKeyError> {
        KeyId::parse(&value)
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> String {
        id.0
    }
}

/// A permission, `domain:action` (e.g. `valuation:import`, `complaints:sweep`):
/// each part 1–32 characters, a lower-case letter then `[a-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(String);

/// Why a text is not a scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// Not exactly two parts separated by one `:`.
    #[error("a scope is domain:action")]
    Shape,
    /// A part is empty, too long, or has a character outside `[a-z0-9_-]` (or does
    /// not start with a letter).
    #[error("scope part is not a lower-case word")]
    Part,
}

impl ScopeError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ScopeError::Shape => "SEC_SCOPE_SHAPE",
            ScopeError::Part => "SEC_SCOPE_PART",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ScopeError::Shape => "权限范围应为“领域:操作”的形式,例如 valuation:import。".into(),
            ScopeError::Part => {
                "权限范围的每一部分应为 1 至 32 位小写字母开头的字母、数字、_ 或 -。".into()
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            ScopeError::Shape => "A scope reads domain:action, e.g. valuation:import.".into(),
            ScopeError::Part => {
                "Each scope part is 1-32 characters of a-z 0-9 _ -, starting with a letter.".into()
            }
        }
    }
}

fn scope_part_ok(part: &str) -> bool {
    let b = part.as_bytes();
    (1..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-')
}

impl Scope {
    /// Parses a scope strictly (no spaces, no upper case, no wildcard).
    pub fn parse(text: &str) -> Result<Scope, ScopeError> {
        let mut parts = text.split(':');
        let (Some(domain), Some(action), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(ScopeError::Shape);
        };
        if scope_part_ok(domain) && scope_part_ok(action) {
            Ok(Scope(text.to_owned()))
        } else {
            Err(ScopeError::Part)
        }
    }

    /// The scope as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain part (before `:`).
    pub fn domain(&self) -> &str {
        self.0.split(':').next().unwrap_or_default()
    }

    /// The action part (after `:`).
    pub fn action(&self) -> &str {
        self.0.split(':').nth(1).unwrap_or_default()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;
    fn try_from(value: String) -> Result<Self, ScopeError> {
        Scope::parse(&value)
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.0
    }
}

/// A freshly generated key: show `key` once to the agency, store `key_id` and `hash`.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    /// The lookup handle.
    pub key_id: KeyId,
    /// The full key, to hand over once and never store.
    pub key: String,
    /// Hex SHA-256 of the full key, to store.
    pub hash: String,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GeneratedKey {{ key_id: {}, key: <redacted>, hash: {} }}",
            self.key_id, self.hash
        )
    }
}

/// Generates a key from 40 caller-provided random bytes (8 for the id, 32 for the
/// secret). The caller must use a cryptographic source.
pub fn generate(random: &[u8; 40]) -> GeneratedKey {
    let key_id = KeyId(hex::encode(&random[..8]));
    let key = format!(
        "{API_KEY_PREFIX}{key_id}_{}",
        URL_SAFE_NO_PAD.encode(&random[8..])
    );
    let hash = hash_key(&key);
    GeneratedKey { key_id, key, hash }
}

/// Hex SHA-256 of a full key: what is stored.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A key as presented by a caller, well-formed but not yet checked. `Debug` never
/// shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedKey {
    key_id: KeyId,
    key: String,
}

impl fmt::Debug for PresentedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PresentedKey {{ key_id: {}, secret: <redacted> }}",
            self.key_id
        )
    }
}

impl PresentedKey {
    /// Parses `ysk_<16 hex>_<43 base64url>`.
    pub fn parse(text: &str) -> Result<PresentedKey, ApiKeyError> {
        let rest = text
            .strip_prefix(API_KEY_PREFIX)
            .ok_or(ApiKeyError::Malformed)?;
        if text.len() != KEY_LEN || rest.as_bytes().get(16) != Some(&b'_') {
            return Err(ApiKeyError::Malformed);
        }
        let key_id = KeyId::parse(&rest[..16])?;
        let secret = URL_SAFE_NO_PAD
            .decode(&rest[17..])
            .map_err(|_| ApiKeyError::Malformed)?;
        if secret.len() != 32 {
            return Err(ApiKeyError::Malformed);
        }
        Ok(PresentedKey {
            key_id,
            key: text.to_owned(),
        })
    }

    /// The key id, to look the record up by.
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }
}

/// Finds the key in `x-api-key` or in `Authorization: Bearer ysk_…`. A bearer token
/// that is not an API key (a user's JWT) counts as no key. Two different keys are
/// refused as ambiguous.
pub fn presented_key(
    authorization: Option<&str>,
    x_api_key: Option<&str>,
) -> Result<PresentedKey, ApiKeyError> {
    let from_bearer = authorization.and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim_start();
        (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(API_KEY_PREFIX))
            .then_some(token)
    });
    let from_header = x_api_key.map(str::trim);
    match (from_header, from_bearer) {
        (Some(a), Some(b)) if a != b => Err(ApiKeyError::Ambiguous),
        (Some(k), _) | (None, Some(k)) => PresentedKey::parse(k),
        (None, None) => Err(ApiKeyError::Missing),
    }
}

/// A stored key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    /// The lookup handle.
    pub key_id: KeyId,
    /// The agency that holds the key.
    pub agency: AgencyId,
    /// Hex SHA-256 of the full key.
    pub hash: String,
    /// What the key may do.
    pub scopes: BTreeSet<Scope>,
    /// When it was revoked, if it was.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// When it stops working, if ever.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// Why an API key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    /// No key was presented.
    #[error("no API key")]
    Missing,
    /// The key is not in the `ysk_<id>_<secret>` form.
    #[error("malformed API key")]
    Malformed,
    /// Two different keys were presented.
    #[error("two different API keys")]
    Ambiguous,
    /// No such key, or the secret does not match (not told apart on purpose).
    #[error("unknown API key")]
    Unknown,
    /// The key was revoked.
    #[error("revoked API key")]
    Revoked,
    /// The key has expired.
    #[error("expired API key")]
    Expired,
    /// The key is valid but lacks the scope the route needs (403).
    #[error("API key lacks scope {needed}")]
    WrongScope {
        /// The scope the route needs.
        needed: Scope,
    },
}

impl ApiKeyError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiKeyError::Missing => "APIKEY_MISSING",
            ApiKeyError::Malformed => "APIKEY_MALFORMED",
            ApiKeyError::Ambiguous => "APIKEY_AMBIGUOUS",
            ApiKeyError::Unknown => "APIKEY_UNKNOWN",
            ApiKeyError::Revoked => "APIKEY_REVOKED",
            ApiKeyError::Expired => "APIKEY_EXPIRED",
            ApiKeyError::WrongScope { .. } => "APIKEY_SCOPE_MISSING",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ApiKeyError::Missing => {
                "请在 x-api-key 头或 Authorization: Bearer 中提供 API 密钥。".into()
            }
            ApiKeyError::Malformed => "API 密钥格式不正确。".into(),
            ApiKeyError::Ambiguous => "同时提供了两个不同的 API 密钥。".into(),
            ApiKeyError::Unknown => "API 密钥无效。".into(),
            ApiKeyError::Revoked => "API 密钥已被吊销。".into(),
            ApiKeyError::Expired => "API 密钥已过期。".into(),
            ApiKeyError::WrongScope { needed } => format!("该 API 密钥没有 {needed} 权限。"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            ApiKeyError::Missing => "Send an API key in x-api-key or Authorization: Bearer.".into(),
            ApiKeyError::Malformed => "The API key is malformed.".into(),
            ApiKeyError::Ambiguous => "Two different API keys were sent.".into(),
            ApiKeyError::Unknown => "The API key is not valid.".into(),
            ApiKeyError::Revoked => "The API key has been revoked.".into(),
            ApiKeyError::Expired => "The API key has expired.".into(),
            ApiKeyError::WrongScope { needed } => format!("The API key lacks the scope {needed}."),
        }
    }
}

impl ApiError for ApiKeyError {
    fn status(&self) -> u16 {
        match self {
            ApiKeyError::WrongScope { .. } => 403,
            _ => 401,
        }
    }

    fn code(&self) -> &'static str {
        ApiKeyError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        match self {
            ApiKeyError::WrongScope { .. } => lang.pick("无权访问", "Forbidden"),
            _ => lang.pick("未通过身份认证", "Unauthenticated"),
        }
        .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

/// Checks a presented key against its stored record (looked up by
/// [`PresentedKey::key_id`]; `None` if there is none): it must be known, match, and be
/// neither revoked nor expired. Scopes are not checked: see [`authorize`].
pub fn verify(
    record: Option<&ApiKeyRecord>,
    presented: &PresentedKey,
    now: OffsetDateTime,
) -> Result<AgencyPrincipal, ApiKeyError> {
    let record = record
        .filter(|r| r.key_id == presented.key_id)
        .ok_or(ApiKeyError::Unknown)?;
    let mut stored = [0u8; 32];
    hex::decode_to_slice(&record.hash, &mut stored).map_err(|_| ApiKeyError::Unknown)?;
    let actual = Sha256::digest(presented.key.as_bytes());
    if !bool::from(stored.ct_eq(actual.as_slice())) {
        return Err(ApiKeyError::Unknown);
    }
    if record.revoked_at.is_some_and(|at| at <= now) {
        return Err(ApiKeyError::Revoked);
    }
    if record.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiKeyError::Expired);
    }
    Ok(AgencyPrincipal {
        agency: record.agency.clone(),
        key_id: record.key_id.clone(),
        scopes: record.scopes.clone(),
    })
}

/// Checks a presented key as [`verify`] does, for a route needing `needed`.
pub fn authorize(
    record: Option<&ApiKeyRecord>,
    presented: &PresentedKey,
    needed: &Scope,
    now: OffsetDateTime,
) -> Result<Principal, ApiKeyError> {
    let agency = verify(record, presented, now)?;
    if !agency.scopes.contains(needed) {
        return Err(ApiKeyError::WrongScope {
            needed: needed.clone(),
        });
    }
    Ok(Principal::Agency(agency))
}

/// The agency id of the bootstrap key.
pub const BOOTSTRAP_AGENCY: &str = "bootstrap";

/// Shortest configured bootstrap key accepted; a shorter one never matches, so an
/// empty or made-up value cannot open every route.
pub const MIN_BOOTSTRAP_KEY_LEN: usize = 32;

/// Whether a presented credential (any text: `x-api-key` or a bearer token) is the
/// configured bootstrap key. Compares the SHA-256 digests in constant time, so the
/// comparison's timing tells nothing about the key.
pub fn is_bootstrap_key(presented: &str, configured: &str) -> bool {
    if configured.len() < MIN_BOOTSTRAP_KEY_LEN {
        return false;
    }
    let a = Sha256::digest(presented.as_bytes());
    let b = Sha256::digest(configured.as_bytes());
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

/// The caller holding the bootstrap key, for a route that needs `needed` (`None`: a
/// route for users only, where no scope could admit an agency key).
///
/// The bootstrap key is an agency key (agency [`BOOTSTRAP_AGENCY`]) with every scope:
/// the principal carries the scope the route checked, if any. Its key id is the key's own id
/// when the key has the `ysk_` form, otherwise the first 16 hex digits of its hash —
/// either way safe to log.
pub fn bootstrap_principal(configured: &str, needed: Option<&Scope>) -> Principal {
    let key_id = PresentedKey::parse(configured)
        .map(|k| k.key_id)
        .unwrap_or_else(|_| KeyId(hash_key(configured)[..16].to_owned()));
    Principal::Agency(AgencyPrincipal {
        agency: AgencyId::parse(BOOTSTRAP_AGENCY).expect("`bootstrap` is a valid agency id"),
        key_id,
        scopes: needed.into_iter().cloned().collect(),
    })
}

#[cfg(test)]
#[path = "apikey_tests.rs"]
mod tests;
