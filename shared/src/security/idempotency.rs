//! Idempotent writes: the pure decision for a request carrying an idempotency key.
//!
//! The shell looks the key up (scoped to the caller, e.g. by principal and key) and
//! asks [`decide`]. On `Fresh` it claims the key with a record without a response
//! (the unique key makes a concurrent twin see `InProgress`), processes the request,
//! and stores the response *in the transaction of the work* — so after a crash the
//! key either replays the committed answer or was never answered. A claim left
//! without an answer for longer than [`CLAIM_TTL_S`] belongs to a request that died
//! (trap, timeout, kill); the next request with the key takes it over and runs
//! afresh, since the dead request's work was rolled back with its answer. Answers
//! that [`should_store`] refuses release the claim, so that a retry runs again.
//! A key's record is kept for [`RECORD_RETENTION_S`]: after that the key is new again,
//! whether or not the scheduled expiry has deleted the record yet.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::problem::{ApiError, Lang};

/// How long a claim without an answer holds its key, in seconds: well beyond any
/// request's time limit (the gateway's default is 30 s, Spin's none), so that only
/// a request that can no longer answer loses its claim.
pub const CLAIM_TTL_S: i64 = 120;

/// How long a key's record (its answer) is kept, in seconds: a day, as payment
/// APIs keep theirs, far beyond any client's retry window. Older records are deleted
/// on a schedule and, until then, count as absent.
pub const RECORD_RETENTION_S: i64 = 86_400;

/// The request header carrying the key.
pub const HEADER_IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A client-chosen key: 1–255 visible ASCII characters (`!` to `~`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key.
    pub fn parse(text: &str) -> Result<IdempotencyKey, IdempotencyError> {
        let ok =
            (1..=255).contains(&text.len()) && text.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if ok {
            Ok(IdempotencyKey(text.to_owned()))
        } else {
            Err(IdempotencyError::KeyInvalid)
        }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = IdempotencyError;
    fn try_from(value: String) -> Result<Self, IdempotencyError> {
        IdempotencyKey::parse(&value)
    }
}

impl From<IdempotencyKey> for String {
    fn from(k: IdempotencyKey) -> String {
        k.0
    }
}

/// SHA-256 of `method \n path \n body`: what "the same request" means.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a request (path with query, as received).
    pub fn of(method: &str, path_and_query: &str, body: &[u8]) -> Fingerprint {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b"\n");
        h.update(path_and_query.as_bytes());
        h.update(b"\n");
        h.update(body);
        Fingerprint(h.finalize().into())
    }

    /// Lower-case hex, as stored.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads a stored fingerprint (64 hex digits).
    pub fn from_hex(text: &str) -> Option<Fingerprint> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out)
            .ok()
            .map(|()| Fingerprint(out))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// What the store holds for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The key.
    pub key: IdempotencyKey,
    /// The first request's fingerprint.
    pub fingerprint: Fingerprint,
    /// Its response, or `None` while it is still being processed.
    pub response: Option<StoredResponse>,
    /// When the key was claimed.
    pub claimed_at: OffsetDateTime,
}

/// Why a keyed request cannot go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyError {
    /// The key is empty, longer than 255, or has a character outside `!`..`~` (400).
    #[error("invalid idempotency key")]
    KeyInvalid,
    /// The key was used before for a different request (409).
    #[error("idempotency key reused with a different request")]
    Mismatch,
    /// The first request with this key is still being processed (409).
    #[error("request with this idempotency key in progress")]
    InProgress,
}

impl IdempotencyError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            IdempotencyError::KeyInvalid => "IDEMPOTENCY_KEY_INVALID",
            IdempotencyError::Mismatch => "IDEMPOTENCY_KEY_REUSED",
            IdempotencyError::InProgress => "IDEMPOTENCY_IN_PROGRESS",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IdempotencyError::KeyInvalid => "幂等键应为 1 至 255 个可见 ASCII 字符。",
            IdempotencyError::Mismatch => "该幂等键已用于另一个不同的请求,请换一个新的幂等键。",
            IdempotencyError::InProgress => "使用该幂等键的请求仍在处理中,请稍后重试。",
        }
        .to_owned()
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            IdempotencyError::KeyInvalid => {
                "An idempotency key is 1 to 255 visible ASCII characters."
            }
            IdempotencyError::Mismatch => {
                "This idempotency key was used for a different request; use a new key."
            }
            IdempotencyError::InProgress => {
                "A request with this idempotency key is still being processed; retry later."
            }
        }
        .to_owned()
    }
}

impl ApiError for IdempotencyError {
    fn status(&self) -> u16 {
        match self {
            IdempotencyError::KeyInvalid => 400,
            IdempotencyError::Mismatch | IdempotencyError::InProgress => 409,
        }
    }

    fn code(&self) -> &'static str {
        IdempotencyError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        match self {
            IdempotencyError::KeyInvalid => lang.pick("幂等键无效", "Invalid idempotency key"),
            _ => lang.pick("幂等键冲突", "Idempotency key conflict"),
        }
        .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

/// What to do with a keyed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not seen before: process it (and record it).
    Fresh,
    /// Seen, same request, finished: answer the stored response again.
    Replay(StoredResponse),
    /// Seen with another request, or still in progress: answer 409.
    Conflict(IdempotencyError),
}

/// The claim time before which an unanswered claim is abandoned, at `now`.
pub fn stale_before(now: OffsetDateTime) -> OffsetDateTime {
    now - time::Duration::seconds(CLAIM_TTL_S)
}

/// The claim time before which a record has expired, at `now`.
pub fn expired_before(now: OffsetDateTime) -> OffsetDateTime {
    now - time::Duration::seconds(RECORD_RETENTION_S)
}

/// Decides from the stored record for `key` (if any) and the new request's
/// fingerprint, at `now`. A record for another key is no record for this one, nor
/// is a claim abandoned without an answer (older than [`CLAIM_TTL_S`]), nor a record
/// past its retention (older than [`RECORD_RETENTION_S`]).
pub fn decide(
    stored: Option<&IdempotencyRecord>,
    key: &IdempotencyKey,
    fingerprint: &Fingerprint,
    now: OffsetDateTime,
) -> Decision {
    let Some(record) = stored.filter(|r| &r.key == key) else {
        return Decision::Fresh;
    };
    if record.response.is_none() && record.claimed_at < stale_before(now) {
        return Decision::Fresh;
    }
    if record.claimed_at < expired_before(now) {
        return Decision::Fresh;
    }
    if &record.fingerprint != fingerprint {
        return Decision::Conflict(IdempotencyError::Mismatch);
    }
    match &record.response {
        Some(response) => Decision::Replay(response.clone()),
        None => Decision::Conflict(IdempotencyError::InProgress),
    }
}

/// Whether a response is kept for replay: everything but server errors (5xx) and
/// rate limiting (429), which a retry should get a fresh chance at.
pub fn should_store(status: u16) -> bool {
    status < 500 && status != 429
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> IdempotencyKey {
        IdempotencyKey::parse(s).unwrap()
    }

    fn done(body: &[u8]) -> IdempotencyRecord {
        IdempotencyRecord {
            key: key("pay-2025-0001"),
            fingerprint: Fingerprint::of("POST", "/payments", body),
            response: Some(StoredResponse {
                status: 201,
                content_type: Some("application/json".into()),
                body: br#"{"id":"01J"}"#.to_vec(),
            }),
            claimed_at: NOW,
        }
    }

    const NOW: OffsetDateTime = time::macros::datetime!(2026-12-02 08:00 UTC);

    #[test]
    fn same_request_replays_the_stored_response() {
        let rec = done(b"{\"fen\":100}");
        let d = decide(
            Some(&rec),
            &key("pay-2025-0001"),
            &Fingerprint::of("POST", "/payments", b"{\"fen\":100}"),
            NOW,
        );
        assert_eq!(d, Decision::Replay(rec.response.clone().unwrap()));
    }

    #[test]
    fn same_key_other_request_conflicts() {
        let rec = done(b"{\"fen\":100}");
        let k = key("pay-2025-0001");
        for fp in [
            Fingerprint::of("POST", "/payments", b"{\"fen\":101}"),
            Fingerprint::of("PUT", "/payments", b"{\"fen\":100}"),
            Fingerprint::of("POST", "/payments?x=1", b"{\"fen\":100}"),
        ] {
            assert_eq!(
                decide(Some(&rec), &k, &fp, NOW),
                Decision::Conflict(IdempotencyError::Mismatch)
            );
        }
        assert_eq!(IdempotencyError::Mismatch.status(), 409);
    }

    #[test]
    fn unseen_key_is_fresh_and_in_flight_is_in_progress() {
        let fp = Fingerprint::of("POST", "/payments", b"{}");
        assert_eq!(decide(None, &key("k1"), &fp, NOW), Decision::Fresh);
        let other = done(b"{}");
        assert_eq!(decide(Some(&other), &key("k1"), &fp, NOW), Decision::Fresh);
        let in_flight = IdempotencyRecord {
            key: key("k1"),
            fingerprint: fp,
            response: None,
            claimed_at: NOW,
        };
        let later = NOW + time::Duration::seconds(CLAIM_TTL_S);
        assert_eq!(
            decide(Some(&in_flight), &key("k1"), &fp, later),
            Decision::Conflict(IdempotencyError::InProgress)
        );
    }

    #[test]
    fn an_abandoned_claim_is_taken_over_but_an_answered_key_stays_for_its_retention() {
        let fp = Fingerprint::of("POST", "/payments", b"{}");
        let abandoned = IdempotencyRecord {
            key: key("k1"),
            fingerprint: fp,
            response: None,
            claimed_at: NOW,
        };
        let after = NOW + time::Duration::seconds(CLAIM_TTL_S + 1);
        assert_eq!(
            decide(Some(&abandoned), &key("k1"), &fp, after),
            Decision::Fresh
        );
        let answered = done(b"{}");
        assert!(matches!(
            decide(
                Some(&answered),
                &key("pay-2025-0001"),
                &Fingerprint::of("POST", "/payments", b"{}"),
                after
            ),
            Decision::Replay(_)
        ));
    }

    #[test]
    fn a_record_past_its_retention_is_no_record() {
        let answered = done(b"{}");
        let k = key("pay-2025-0001");
        let fp = Fingerprint::of("POST", "/payments", b"{}");
        let last_day = answered.claimed_at + time::Duration::seconds(RECORD_RETENTION_S);
        assert!(matches!(
            decide(Some(&answered), &k, &fp, last_day),
            Decision::Replay(_)
        ));
        let other = Fingerprint::of("POST", "/payments", b"{\"fen\":1}");
        let past = last_day + time::Duration::seconds(1);
        assert_eq!(decide(Some(&answered), &k, &fp, past), Decision::Fresh);
        assert_eq!(decide(Some(&answered), &k, &other, past), Decision::Fresh);
        assert_eq!(
            expired_before(past),
            answered.claimed_at + time::Duration::seconds(1)
        );
    }

    #[test]
    fn fingerprint_is_sha256_of_method_path_body() {
        // printf 'POST\n/p\nabc' | sha256sum
        assert_eq!(
            Fingerprint::of("POST", "/p", b"abc").to_hex(),
            "bd869d50d30f13d8bb233d41f2319441cdf458be1a5fd71022cc05c03c08dc6c"
        );
        let fp = Fingerprint::of("GET", "/", b"");
        assert_eq!(Fingerprint::from_hex(&fp.to_hex()), Some(fp));
        assert_eq!(Fingerprint::from_hex("xyz"), None);
        // Separators keep method and path apart.
        assert_ne!(
            Fingerprint::of("POST", "/a", b"b"),
            Fingerprint::of("POST", "/ab", b"")
        );
    }

    #[test]
    fn key_format() {
        assert!(IdempotencyKey::parse("a").is_ok());
        assert!(IdempotencyKey::parse(&"~".repeat(255)).is_ok());
        for bad in ["", "has space", "tab\t", "ключ", &"a".repeat(256)] {
            assert_eq!(
                IdempotencyKey::parse(bad),
                Err(IdempotencyError::KeyInvalid),
                "{bad}"
            );
        }
        assert_eq!(IdempotencyError::KeyInvalid.status(), 400);
    }

    #[test]
    fn what_is_stored() {
        assert!(should_store(201) && should_store(200) && should_store(400) && should_store(409));
        assert!(!should_store(500) && !should_store(503) && !should_store(429));
    }
}
