//! Upload slots: a function chooses the key, the phone PUTs to a presigned URL, and
//! the function confirms size and SHA-256 from a HEAD before recording the object.

use super::key::{Owner, Purpose, upload_key};
use super::{ObjectHead, ObjectKey, Presigned, StorageError, StoreConfig};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

/// A SHA-256 digest; JSON and text as 64 lower-case hex digits, S3 headers as base64.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Digest([u8; 32]);

crate::openapi::json_schema_of!(Sha256Digest, "Sha256Digest", {
    "type": "string",
    "pattern": "^[0-9a-fA-F]{64}$",
    "description": "A SHA-256 digest, 64 hex digits."
});

impl Sha256Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Digest {
        Sha256Digest(Sha256::digest(bytes).into())
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Result<Sha256Digest, StorageError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut out).map_err(|_| StorageError::InvalidArgument {
            why: "a SHA-256 is 64 hex digits",
        })?;
        Ok(Sha256Digest(out))
    }

    /// Parses the base64 form of S3's `x-amz-checksum-sha256`.
    pub fn from_base64(s: &str) -> Result<Sha256Digest, StorageError> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|_| StorageError::InvalidResponse {
                why: "a checksum is not base64",
            })?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StorageError::InvalidResponse {
                why: "a SHA-256 checksum is not 32 bytes",
            })?;
        Ok(Sha256Digest(arr))
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Base64, as S3 headers carry it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl std::fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256Digest({})", self.to_hex())
    }
}

impl TryFrom<String> for Sha256Digest {
    type Error = StorageError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sha256Digest::from_hex(&s)
    }
}

impl From<Sha256Digest> for String {
    fn from(d: Sha256Digest) -> String {
        d.to_hex()
    }
}

/// What a purpose accepts: the function's rule, not the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPolicy {
    /// The purpose (a key segment).
    pub purpose: Purpose,
    /// The largest object, in bytes.
    pub max_size: u64,
    /// Accepted content types and the extension each gets, e.g. `("image/jpeg", "jpg")`.
    pub content_types: Vec<(String, String)>,
    /// How long the presigned PUT stays valid.
    pub expires_in: Duration,
}

/// What the caller declares about the file it will upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRequest {
    /// Its content type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256 (hex).
    pub sha256: Sha256Digest,
}

/// An issued upload slot: what the function remembers until confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSlot {
    /// The key the function chose.
    pub key: ObjectKey,
    /// Who may confirm it.
    pub owner: Owner,
    /// The declared content type.
    pub content_type: String,
    /// The declared size.
    pub size: u64,
    /// The largest size the purpose accepts.
    pub max_size: u64,
    /// The declared SHA-256.
    pub sha256: Sha256Digest,
    /// When the presigned PUT stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The longest content-type text copied into an error message.
const MAX_TYPE_ECHO: usize = 64;

/// The declared content type's essence, lower case, if the declaration is a plain
/// media type with at most a `charset` parameter whose value is a token (`text/csv`,
/// `text/csv; charset=utf-8`, `text/csv;charset="UTF-8"`). Any other parameter
/// (`x=../../`, `boundary=…`), a repeated or empty parameter, or a charset that is not
/// a token is refused: the slot would otherwise accept a type it never checked.
fn declared_essence(declared: &str) -> Option<String> {
    let mut parts = declared.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let mut charset_seen = false;
    for param in parts {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") || charset_seen {
            return None;
        }
        charset_seen = true;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let token = !value.is_empty()
            && value.len() <= 40
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        if !token {
            return None;
        }
    }
    Some(essence)
}

/// Issues a slot for `owner` under `policy`; `random` comes from the shell's random
/// source and makes the key unguessable and unique. An empty file (size 0) is
/// refused: there is nothing to upload, confirm or import.
pub fn issue_slot(
    policy: &UploadPolicy,
    owner: &Owner,
    request: &SlotRequest,
    random: [u8; 16],
    now: OffsetDateTime,
) -> Result<UploadSlot, StorageError> {
    let not_allowed = || StorageError::ContentTypeNotAllowed {
        content_type: request
            .content_type
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_TYPE_ECHO)
            .collect(),
    };
    let essence = declared_essence(&request.content_type).ok_or_else(not_allowed)?;
    let Some((content_type, ext)) = policy.content_types.iter().find(|(t, _)| *t == essence) else {
        return Err(not_allowed());
    };
    if request.size == 0 {
        return Err(StorageError::UploadEmpty);
    }
    if request.size > policy.max_size {
        return Err(StorageError::UploadTooLarge {
            limit: Some(policy.max_size),
        });
    }
    Ok(UploadSlot {
        key: upload_key(owner, &policy.purpose, random, ext)?,
        owner: owner.clone(),
        content_type: content_type.clone(),
        size: request.size,
        max_size: policy.max_size,
        sha256: request.sha256,
        expires_at: now + policy.expires_in,
    })
}

impl UploadSlot {
    /// The presigned PUT for this slot, valid until [`UploadSlot::expires_at`].
    pub fn presign(
        &self,
        config: &StoreConfig,
        now: OffsetDateTime,
    ) -> Result<Presigned, StorageError> {
        if now >= self.expires_at {
            return Err(StorageError::SlotExpired);
        }
        config.presign_put(
            &self.key,
            &self.content_type,
            self.size,
            &self.sha256,
            self.expires_at - now,
            now,
        )
    }
}

/// The object a confirmed upload recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredObject {
    /// Its key.
    pub key: ObjectKey,
    /// Its owner.
    pub owner: Owner,
    /// Its content type.
    pub content_type: String,
    /// Its size.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: Sha256Digest,
}

/// What to do with an upload after looking at the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Record the object.
    Accept(StoredObject),
    /// Answer the error; record nothing. When `remove_object`, the stored bytes are
    /// not what was declared and must be deleted.
    Reject {
        /// The error to answer.
        error: StorageError,
        /// Whether to delete the stored object.
        remove_object: bool,
    },
}

/// Decides a confirmation by `caller` of `slot`, from the HEAD of its key (`None`:
/// no object).
pub fn decide(
    slot: &UploadSlot,
    caller: &Owner,
    head: Option<&ObjectHead>,
    now: OffsetDateTime,
) -> Verdict {
    let reject = |error, remove_object| Verdict::Reject {
        error,
        remove_object,
    };
    if slot.owner != *caller || !caller.owns(&slot.key) {
        return reject(StorageError::NotOwner, false);
    }
    let Some(head) = head else {
        return if now > slot.expires_at {
            reject(StorageError::SlotExpired, false)
        } else {
            reject(
                StorageError::ObjectMissing {
                    key: slot.key.as_str().to_owned(),
                },
                false,
            )
        };
    };
    if head.size > slot.max_size {
        return reject(
            StorageError::UploadTooLarge {
                limit: Some(slot.max_size),
            },
            true,
        );
    }
    if head.size != slot.size {
        return reject(
            StorageError::SizeMismatch {
                expected: slot.size,
                actual: head.size,
            },
            true,
        );
    }
    if head.sha256 != Some(slot.sha256) {
        return reject(StorageError::ChecksumMismatch, true);
    }
    if let Some(ct) = &head.content_type
        && !ct.eq_ignore_ascii_case(&slot.content_type)
    {
        return reject(
            StorageError::ContentTypeNotAllowed {
                content_type: ct.chars().filter(|c| !c.is_control()).take(64).collect(),
            },
            true,
        );
    }
    Verdict::Accept(StoredObject {
        key: slot.key.clone(),
        owner: slot.owner.clone(),
        content_type: slot.content_type.clone(),
        size: slot.size,
        sha256: slot.sha256,
    })
}

#[cfg(test)]
#[path = "upload_tests.rs"]
mod tests;
