//! Token keys: an HMAC secret or an Ed25519 key pair, passed in as bytes.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The shortest HMAC secret accepted: as long as the SHA-256 output (RFC 7518 §3.2).
pub const MIN_HMAC_KEY_LEN: usize = 32;

/// A signing algorithm, as named in the JWT header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    Hs256,
    /// Ed25519 signatures.
    EdDsa,
}

impl Algorithm {
    /// The `alg` header value: `HS256` or `EdDSA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::EdDsa => "EdDSA",
        }
    }
}

/// Why a key could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The HMAC secret is shorter than [`MIN_HMAC_KEY_LEN`] bytes.
    #[error("HMAC secret shorter than {min} bytes")]
    HmacTooShort {
        /// The minimum length.
        min: usize,
    },
    /// The text is neither 64 hex digits nor base64 of 32 bytes.
    #[error("key is not 32 bytes in hex or base64")]
    Encoding,
    /// The bytes are not a valid Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    Ed25519,
}

impl KeyError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::HmacTooShort { .. } => "SEC_KEY_HMAC_TOO_SHORT",
            KeyError::Encoding => "SEC_KEY_ENCODING",
            KeyError::Ed25519 => "SEC_KEY_ED25519_INVALID",
        }
    }

    /// The message in Chinese (for operators; keys are configuration).
    pub fn message_zh(&self) -> String {
        match self {
            KeyError::HmacTooShort { min } => format!("HMAC 密钥至少需要 {min} 字节。"),
            KeyError::Encoding => "密钥应为 64 位十六进制或 32 字节的 base64 编码。".into(),
            KeyError::Ed25519 => "不是有效的 Ed25519 公钥。".into(),
        }
    }

    /// The message in English (for operators; keys are configuration).
    pub fn message_en(&self) -> String {
        match self {
            KeyError::HmacTooShort { min } => format!("An HMAC secret needs at least {min} bytes."),
            KeyError::Encoding => "A key must be 32 bytes as 64 hex digits or base64.".into(),
            KeyError::Ed25519 => "Not a valid Ed25519 public key.".into(),
        }
    }
}

/// An HMAC-SHA256 secret. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey(Vec<u8>);

impl HmacKey {
    /// Wraps a secret of at least [`MIN_HMAC_KEY_LEN`] bytes.
    pub fn new(secret: &[u8]) -> Result<HmacKey, KeyError> {
        if secret.len() < MIN_HMAC_KEY_LEN {
            return Err(KeyError::HmacTooShort {
                min: MIN_HMAC_KEY_LEN,
            });
        }
        Ok(HmacKey(secret.to_vec()))
    }

    /// The secret bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(<redacted>)")
    }
}

/// Decodes 32 bytes written as hex (64 digits), standard base64 (padded) or
/// base64url (unpadded), as secret variables usually hold them.
fn decode_32(text: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    let bytes = if text.len() == 64 {
        hex::decode(text).map_err(|_| KeyError::Encoding)?
    } else if text.len() == 44 {
        STANDARD.decode(text).map_err(|_| KeyError::Encoding)?
    } else {
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| KeyError::Encoding)?
    };
    bytes.try_into().map_err(|_| KeyError::Encoding)
}

/// The key that signs tokens.
#[derive(Clone)]
pub enum SigningKey {
    /// An HMAC secret (the verifier holds the same secret).
    Hs256(HmacKey),
    /// An Ed25519 private key.
    EdDsa(Box<ed25519_dalek::SigningKey>),
}

impl SigningKey {
    /// An HS256 key from a secret of at least 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<SigningKey, KeyError> {
        HmacKey::new(secret).map(SigningKey::Hs256)
    }

    /// An Ed25519 key from its 32-byte seed.
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> SigningKey {
        SigningKey::EdDsa(Box::new(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// An Ed25519 key from its seed written in hex or base64.
    pub fn ed25519_from_encoded(text: &str) -> Result<SigningKey, KeyError> {
        decode_32(text).map(|seed| SigningKey::ed25519_from_seed(&seed))
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Hs256(_) => Algorithm::Hs256,
            SigningKey::EdDsa(_) => Algorithm::EdDsa,
        }
    }

    /// The matching verification key.
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::Hs256(k) => VerifyingKey::Hs256(k.clone()),
            SigningKey::EdDsa(k) => VerifyingKey::EdDsa(k.verifying_key()),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, <redacted>)", self.algorithm().as_str())
    }
}

/// The key that verifies tokens.
#[derive(Clone, PartialEq, Eq)]
pub enum VerifyingKey {
    /// An HMAC secret.
    Hs256(HmacKey),
    /// An Ed25519 public key.
    EdDsa(ed25519_dalek::VerifyingKey),
}

impl VerifyingKey {
    /// An HS256 key from a secret of at least 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<VerifyingKey, KeyError> {
        HmacKey::new(secret).map(VerifyingKey::Hs256)
    }

    /// An Ed25519 public key from its 32 bytes.
    pub fn ed25519_from_bytes(bytes: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(VerifyingKey::EdDsa)
            .map_err(|_| KeyError::Ed25519)
    }

    /// An Ed25519 public key written in hex or base64.
    pub fn ed25519_from_encoded(text: &str) -> Result<VerifyingKey, KeyError> {
        VerifyingKey::ed25519_from_bytes(&decode_32(text)?)
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            VerifyingKey::Hs256(_) => Algorithm::Hs256,
            VerifyingKey::EdDsa(_) => Algorithm::EdDsa,
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyingKey::Hs256(_) => f.write_str("VerifyingKey(HS256, <redacted>)"),
            VerifyingKey::EdDsa(k) => {
                write!(f, "VerifyingKey(EdDSA, {})", hex::encode(k.as_bytes()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_secret_needs_32_bytes_and_hides_itself() {
        assert_eq!(
            HmacKey::new(&[7; 31]),
            Err(KeyError::HmacTooShort { min: 32 })
        );
        let k = HmacKey::new(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(format!("{k:?}"), "HmacKey(<redacted>)");
        let s = SigningKey::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
        assert!(!format!("{s:?}").contains("0123"));
    }

    #[test]
    fn ed25519_keys_decode_from_hex_and_base64() {
        let seed = [9u8; 32];
        let signing = SigningKey::ed25519_from_seed(&seed);
        let public = match signing.verifying_key() {
            VerifyingKey::EdDsa(k) => k.to_bytes(),
            VerifyingKey::Hs256(_) => unreachable!("an Ed25519 key verifies with Ed25519"),
        };
        let from_hex = VerifyingKey::ed25519_from_encoded(&hex::encode(public)).unwrap();
        let from_b64 = VerifyingKey::ed25519_from_encoded(&STANDARD.encode(public)).unwrap();
        let from_url = VerifyingKey::ed25519_from_encoded(&URL_SAFE_NO_PAD.encode(public)).unwrap();
        assert_eq!(from_hex, signing.verifying_key());
        assert_eq!(from_b64, from_hex);
        assert_eq!(from_url, from_hex);
        let again = SigningKey::ed25519_from_encoded(&hex::encode(seed)).unwrap();
        assert_eq!(again.verifying_key(), signing.verifying_key());
        assert_eq!(
            VerifyingKey::ed25519_from_encoded("abc"),
            Err(KeyError::Encoding)
        );
        assert_eq!(
            VerifyingKey::ed25519_from_encoded(&"zz".repeat(32)),
            Err(KeyError::Encoding)
        );
        assert_eq!(signing.algorithm(), Algorithm::EdDsa);
    }
}
