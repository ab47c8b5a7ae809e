//! The problems every route of a kind can answer, and the problem+json schema.
//!
//! The lists are the codes of the core's error types (`tests.rs` builds every variant
//! and checks each list against them, so a new variant cannot go undocumented).

use super::{Caller, Content, Operation};
use serde_json::{Value, json};

/// A credential that is missing, malformed, unknown, revoked or expired: a user's
/// bearer token ([`crate::security::token::TokenError`]) or an agency key
/// ([`crate::security::apikey::ApiKeyError`]).
pub const AUTH_401: &[&str] = &[
    "AUTH_TOKEN_MISSING",
    "AUTH_TOKEN_MALFORMED",
    "AUTH_TOKEN_ALG_UNSUPPORTED",
    "AUTH_TOKEN_ALG_MISMATCH",
    "AUTH_TOKEN_BAD_SIGNATURE",
    "AUTH_TOKEN_EXPIRED",
    "AUTH_TOKEN_NOT_YET_VALID",
    "AUTH_TOKEN_WRONG_ISSUER",
    "AUTH_TOKEN_WRONG_AUDIENCE",
    "AUTH_TOKEN_UNKNOWN_ROLE",
    "AUTH_TOKEN_INVALID_CLAIM",
    "APIKEY_MISSING",
    "APIKEY_MALFORMED",
    "APIKEY_AMBIGUOUS",
    "APIKEY_UNKNOWN",
    "APIKEY_REVOKED",
    "APIKEY_EXPIRED",
];

/// A valid credential that may not do this: a key without the scope, a user of
/// another role ([`crate::security::authz::Denied`]).
pub const FORBIDDEN_403: &[&str] = &["APIKEY_SCOPE_MISSING", "AUTHZ_ROLE_NOT_ALLOWED"];

/// A device's signed request refused ([`crate::security::device::DeviceAuthError`]).
pub const DEVICE_401: &[&str] = &[
    "DEVICE_HEADER_MISSING",
    "DEVICE_ID_MALFORMED",
    "DEVICE_TIMESTAMP_MALFORMED",
    "DEVICE_NONCE_MALFORMED",
    "DEVICE_SIGNATURE_MALFORMED",
    "DEVICE_TIMESTAMP_STALE",
    "DEVICE_BAD_SIGNATURE",
    "DEVICE_REPLAYED",
];

/// The payment channel's signature refused
/// ([`crate::security::channel::ChannelAuthError`]).
pub const CHANNEL_401: &[&str] = &[
    "CHANNEL_SIGNATURE_MISSING",
    "CHANNEL_SIGNATURE_MALFORMED",
    "CHANNEL_BAD_SIGNATURE",
];

/// A retried write whose key was used for another request, or whose first request
/// is still running ([`crate::security::idempotency::IdempotencyError`]).
pub const IDEMPOTENCY_409: &[&str] = &["IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"];

/// A JSON body that is not JSON, or not of the operation's shape
/// ([`crate::problem::RequestError`]).
pub const JSON_BODY_400: &[&str] = &[
    "REQ_JSON_MALFORMED",
    "REQ_FIELD_INVALID",
    "REQ_FIELD_UNKNOWN",
    "REQ_FIELD_MISSING",
];

/// The problems of `op`, by status: its own, and those its caller and body imply.
/// Every operation can answer 500 (`REQ_INTERNAL`: the cause is logged, never shown).
pub fn of(op: &Operation) -> Vec<(u16, Vec<&'static str>)> {
    let mut all: Vec<(u16, &'static str)> = Vec::new();
    let mut add = |status: u16, codes: &[&'static str]| {
        all.extend(codes.iter().map(|c| (status, *c)));
    };
    for (status, codes) in op
        .problems
        .iter()
        .chain(op.problem_tables.iter().copied().flatten())
    {
        add(*status, codes);
    }
    match op.caller {
        Caller::Public => {}
        Caller::Users(_) | Caller::Agency(_) | Caller::UsersOrAgency(..) => {
            add(401, AUTH_401);
            add(403, FORBIDDEN_403);
        }
        Caller::Device => {
            add(401, DEVICE_401);
            add(403, &["DEVICE_WRONG_RESOURCE"]);
            add(500, &["DEVICE_SECRET_UNUSABLE"]);
        }
        Caller::Channel => {
            add(401, CHANNEL_401);
            add(500, &["CHANNEL_SECRET_UNUSABLE"]);
        }
    }
    match op.body {
        Content::Json(_) => {
            add(400, JSON_BODY_400);
            add(413, &["REQ_BODY_TOO_LARGE"]);
            add(415, &["REQ_UNSUPPORTED_MEDIA_TYPE"]);
        }
        Content::Bytes(_) | Content::Text(_) | Content::Typed(..) | Content::Either(_) => {
            add(413, &["REQ_BODY_TOO_LARGE"])
        }
        Content::Empty => {}
    }
    if op.idempotent {
        add(400, &["IDEMPOTENCY_KEY_INVALID"]);
        add(409, IDEMPOTENCY_409);
    }
    add(500, &["REQ_INTERNAL"]);
    let mut by_status: Vec<(u16, Vec<&'static str>)> = Vec::new();
    for (status, code) in all {
        match by_status.iter_mut().find(|(s, _)| *s == status) {
            Some((_, codes)) if codes.contains(&code) => {}
            Some((_, codes)) => codes.push(code),
            None => by_status.push((status, vec![code])),
        }
    }
    by_status.sort_by_key(|(s, _)| *s);
    for (_, codes) in &mut by_status {
        codes.sort_unstable();
    }
    by_status
}

/// The RFC 9457 problem document this system answers (`components/schemas/Problem`).
pub fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details, with a stable `code` and field errors. \
                        问题详情(RFC 9457),含稳定的错误代码。",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
            "instance": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pointer", "code", "message"],
                    "properties": {
                        "pointer": {"type": "string"},
                        "code": {"type": "string"},
                        "message": {"type": "string"}
                    }
                }
            }
        }
    })
}
