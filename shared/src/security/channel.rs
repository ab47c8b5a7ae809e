//! Signed messages between us and a payment channel (WeChat Pay, a bank's gateway):
//! the sender computes HMAC-SHA256 over the raw body with the secret both sides
//! share and sends it as lower-case hex in [`HEADER_CHANNEL_SIGNATURE`]. We verify
//! the channel's payment confirmations this way, and sign our refund requests the
//! same way so the channel (or a local stand-in) can verify them.
//!
//! Replays are harmless by design: every message carries the channel's transaction
//! id or our idempotency key, and the shell stores it under a unique key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::problem::{ApiError, Lang};

/// Header carrying the signature.
pub const HEADER_CHANNEL_SIGNATURE: &str = "x-channel-signature";
/// Shortest channel secret accepted, in bytes.
pub const MIN_CHANNEL_SECRET_LEN: usize = 16;

/// Why a channel message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChannelAuthError {
    /// No signature header.
    #[error("missing channel signature")]
    Missing,
    /// The signature is not 64 lower-case hex digits.
    #[error("malformed channel signature")]
    Malformed,
    /// The signature does not verify.
    #[error("bad channel signature")]
    BadSignature,
    /// The configured secret is unusable (too short): a configuration fault.
    #[error("channel secret unusable")]
    SecretUnusable,
}

impl ChannelAuthError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ChannelAuthError::Missing => "CHANNEL_SIGNATURE_MISSING",
            ChannelAuthError::Malformed => "CHANNEL_SIGNATURE_MALFORMED",
            ChannelAuthError::BadSignature => "CHANNEL_BAD_SIGNATURE",
            ChannelAuthError::SecretUnusable => "CHANNEL_SECRET_UNUSABLE",
        }
    }
}

impl ApiError for ChannelAuthError {
    fn status(&self) -> u16 {
        match self {
            ChannelAuthError::SecretUnusable => 500,
            _ => 401,
        }
    }

    fn code(&self) -> &'static str {
        ChannelAuthError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        match self {
            ChannelAuthError::SecretUnusable => {
                lang.pick("服务器内部错误", "Internal server error")
            }
            _ => lang.pick("支付渠道签名无效", "Payment channel signature invalid"),
        }
        .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            ChannelAuthError::Missing => lang.pick(
                "缺少支付渠道签名请求头 x-channel-signature。",
                "The header x-channel-signature is missing.",
            ),
            ChannelAuthError::Malformed => lang.pick(
                "支付渠道签名应为 64 位小写十六进制。",
                "The channel signature must be 64 lower-case hex digits.",
            ),
            ChannelAuthError::BadSignature => lang.pick(
                "支付渠道签名校验失败。",
                "The channel signature does not verify.",
            ),
            ChannelAuthError::SecretUnusable => lang.pick(
                "支付渠道密钥配置有误,请联系运维人员。",
                "The channel secret is misconfigured; contact the operator.",
            ),
        }
        .to_owned()
    }
}

fn mac(secret: &[u8]) -> Result<Hmac<Sha256>, ChannelAuthError> {
    if secret.len() < MIN_CHANNEL_SECRET_LEN {
        return Err(ChannelAuthError::SecretUnusable);
    }
    <Hmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| ChannelAuthError::SecretUnusable)
}

/// The signature of `body`: lower-case hex HMAC-SHA256 under `secret`.
pub fn sign_body(secret: &[u8], body: &[u8]) -> Result<String, ChannelAuthError> {
    let mut m = mac(secret)?;
    m.update(body);
    Ok(hex::encode(m.finalize().into_bytes()))
}

/// Verifies the signature header (`None` if absent) over `body`, in constant time.
pub fn verify_body(
    secret: &[u8],
    body: &[u8],
    signature: Option<&str>,
) -> Result<(), ChannelAuthError> {
    let text = signature.ok_or(ChannelAuthError::Missing)?.trim();
    let ok_shape = text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok_shape {
        return Err(ChannelAuthError::Malformed);
    }
    let bytes = hex::decode(text).map_err(|_| ChannelAuthError::Malformed)?;
    let mut m = mac(secret)?;
    m.update(body);
    m.verify_slice(&bytes)
        .map_err(|_| ChannelAuthError::BadSignature)
}

/// A refund we ask of the channel (the body of the signed POST; the refund id is
/// also its `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Our refund's id (the session id).
    pub refund_request_id: String,
    /// The channel's payment transaction being refunded.
    pub payment_transaction_id: Option<String>,
    /// To the fen.
    pub amount_fen: i64,
}

/// The channel's answer to a refund: its refund id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefundAnswer {
    /// The channel's id for the refund.
    pub refund_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"channel-secret-0123456789";

    #[test]
    fn a_signed_body_verifies_and_a_changed_one_does_not() {
        let body = br#"{"transaction_id":"T1","amount_fen":1000}"#;
        let sig = sign_body(SECRET, body).unwrap();
        assert_eq!(sig.len(), 64);
        assert_eq!(verify_body(SECRET, body, Some(&sig)), Ok(()));
        assert_eq!(
            verify_body(
                SECRET,
                br#"{"transaction_id":"T1","amount_fen":1001}"#,
                Some(&sig)
            ),
            Err(ChannelAuthError::BadSignature)
        );
        assert_eq!(
            verify_body(b"another-secret-0123456789", body, Some(&sig)),
            Err(ChannelAuthError::BadSignature)
        );
    }

    #[test]
    fn known_vector() {
        // `printf hello | openssl dgst -sha256 -hmac channel-secret-0123456789`: a
        // script can produce the same signature without our code.
        assert_eq!(
            sign_body(SECRET, b"hello").unwrap(),
            "a0aaf509f63047eb1be81109fd94c8756e2c42ea70fa02b0fce7f177daf04b39"
        );
    }

    #[test]
    fn shapes_and_secrets_are_checked() {
        let body = b"{}";
        assert_eq!(
            verify_body(SECRET, body, None),
            Err(ChannelAuthError::Missing)
        );
        assert_eq!(
            verify_body(SECRET, body, Some("xyz")),
            Err(ChannelAuthError::Malformed)
        );
        let upper = sign_body(SECRET, body).unwrap().to_uppercase();
        assert_eq!(
            verify_body(SECRET, body, Some(&upper)),
            Err(ChannelAuthError::Malformed)
        );
        assert_eq!(
            sign_body(b"short", body),
            Err(ChannelAuthError::SecretUnusable)
        );
        assert_eq!(ChannelAuthError::BadSignature.status(), 401);
        assert_eq!(ChannelAuthError::SecretUnusable.status(), 500);
        let detail = ChannelAuthError::BadSignature.detail(Lang::ZhCn);
        assert!(!detail.contains("channel-secret"));
    }
}
