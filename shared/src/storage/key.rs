//! Object keys: checked text, and the layout of keys the functions choose for
//! uploads — `<owner-kind>/<owner-id>/<purpose>/<random>.<ext>`.

use super::StorageError;
use serde::{Deserialize, Serialize};

/// Longest key S3 accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// An object key that is safe to use: 1–1024 bytes, no leading `/`, no empty, `.`
/// or `..` segment, no control character, no backslash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ObjectKey(String);

impl ObjectKey {
    /// Checks a key.
    pub fn parse(text: &str) -> Result<ObjectKey, StorageError> {
        let bad = |why| Err(StorageError::KeyInvalid { why });
        if text.is_empty() || text.len() > MAX_KEY_BYTES {
            return bad("a key has 1 to 1024 bytes");
        }
        if text.starts_with('/') {
            return bad("a key must not start with '/'");
        }
        if text.chars().any(|c| c.is_control() || c == '\\') {
            return bad("a key must not contain control characters or '\\'");
        }
        if text
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return bad("a key must not contain empty, '.' or '..' segments");
        }
        Ok(ObjectKey(text.to_owned()))
    }

    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ObjectKey {
    type Error = StorageError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ObjectKey::parse(&s)
    }
}

impl From<ObjectKey> for String {
    fn from(k: ObjectKey) -> String {
        k.0
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who an object belongs to (the first key segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerKind {
    /// A citizen.
    Citizen,
    /// An enterprise.
    Enterprise,
    /// An enforcement officer.
    Officer,
    /// An agency.
    Agency,
    /// A device.
    Device,
}

impl OwnerKind {
    /// The key segment.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Citizen => "citizen",
            OwnerKind::Enterprise => "enterprise",
            OwnerKind::Officer => "officer",
            OwnerKind::Agency => "agency",
            OwnerKind::Device => "device",
        }
    }

    /// Parses the key segment.
    pub fn parse(s: &str) -> Result<OwnerKind, StorageError> {
        Ok(match s {
            "citizen" => OwnerKind::Citizen,
            "enterprise" => OwnerKind::Enterprise,
            "officer" => OwnerKind::Officer,
            "agency" => OwnerKind::Agency,
            "device" => OwnerKind::Device,
            _ => {
                return Err(StorageError::KeyInvalid {
                    why: "unknown owner kind",
                });
            }
        })
    }
}

/// The owner of objects: a kind and an id (1–64 of `A-Z a-z 0-9 - _`), normally
/// taken from the authenticated principal, never from the request body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owner {
    /// The kind.
    pub kind: OwnerKind,
    id: String,
}

impl Owner {
    /// Builds an owner, checking the id.
    pub fn new(kind: OwnerKind, id: &str) -> Result<Owner, StorageError> {
        if !safe_segment(id, 64, |b| {
            b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
        }) {
            return Err(StorageError::KeyInvalid {
                why: "an owner id has 1 to 64 letters, digits, '-' or '_'",
            });
        }
        Ok(Owner {
            kind,
            id: id.to_owned(),
        })
    }

    /// An owner whose id comes from an identifier with a wider alphabet (e.g. an
    /// agency id with `.`, `:` or `@`): every byte outside `A-Z a-z 0-9 -`, and `_`
    /// itself, is written `_xx` (lower-case hex), so distinct ids stay distinct.
    pub fn escaped(kind: OwnerKind, id: &str) -> Result<Owner, StorageError> {
        let mut out = String::with_capacity(id.len());
        for b in id.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("_{b:02x}"));
            }
        }
        Owner::new(kind, &out)
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key prefix of everything this owner has: `<kind>/<id>/`.
    pub fn prefix(&self) -> String {
        format!("{}/{}/", self.kind.as_str(), self.id)
    }

    /// Whether `key` lies under this owner's prefix.
    pub fn owns(&self, key: &ObjectKey) -> bool {
        key.as_str().starts_with(&self.prefix())
    }
}

/// What an upload is for (a key segment): 1–32 of `a-z 0-9 -`, e.g. `licence-scan`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Purpose(String);

impl Purpose {
    /// Checks a purpose.
    pub fn parse(s: &str) -> Result<Purpose, StorageError> {
        if !safe_segment(s, 32, |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
        }) {
            return Err(StorageError::KeyInvalid {
                why: "a purpose has 1 to 32 of a-z, 0-9 or '-'",
            });
        }
        Ok(Purpose(s.to_owned()))
    }

    /// The segment.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn safe_segment(s: &str, max: usize, ok: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(ok)
}

/// The key of a new upload: `<kind>/<id>/<purpose>/<32 hex of random>.<ext>`.
/// `random` comes from the shell's random source; `ext` from the upload policy.
pub fn upload_key(
    owner: &Owner,
    purpose: &Purpose,
    random: [u8; 16],
    ext: &str,
) -> Result<ObjectKey, StorageError> {
    if !safe_segment(ext, 8, |b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        return Err(StorageError::KeyInvalid {
            why: "an extension has 1 to 8 of a-z or 0-9",
        });
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    ObjectKey::parse(&format!(
        "{}{}/{hex}.{ext}",
        owner.prefix(),
        purpose.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_are_checked() {
        for ok in ["a", "citizen/u1/photo/x.jpg", "营商/文件.pdf", "a b/c+d"] {
            assert!(ObjectKey::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "/a", "a/../b", "..", "a/./b", "a//b", "a/", "a\nb", "a\u{0}b", "a\\b", "a\u{7f}",
        ] {
            assert!(ObjectKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ObjectKey::parse(&"a".repeat(1025)).is_err());
        assert!(serde_json::from_str::<ObjectKey>("\"../x\"").is_err());
    }

    #[test]
    fn upload_keys_follow_the_layout() {
        let owner = Owner::new(OwnerKind::Enterprise, "91410100MA44XXXX1X").unwrap();
        let key = upload_key(
            &owner,
            &Purpose::parse("licence-scan").unwrap(),
            [0xab; 16],
            "pdf",
        )
        .unwrap();
        assert_eq!(
            key.as_str(),
            "enterprise/91410100MA44XXXX1X/licence-scan/abababababababababababababababab.pdf"
        );
        assert!(owner.owns(&key));
        let other = Owner::new(OwnerKind::Enterprise, "91410100MA44XXXX1").unwrap();
        assert!(!other.owns(&key), "a prefix of another id is not the owner");
        assert!(
            !Owner::new(OwnerKind::Citizen, "91410100MA44XXXX1X")
                .unwrap()
                .owns(&key)
        );
        assert!(Owner::new(OwnerKind::Citizen, "../x").is_err());
        assert!(Owner::new(OwnerKind::Citizen, "").is_err());
        assert!(Purpose::parse("Photos").is_err());
        assert!(upload_key(&owner, &Purpose::parse("p").unwrap(), [0; 16], "p/df").is_err());
        assert_eq!(OwnerKind::parse("agency").unwrap(), OwnerKind::Agency);
        assert!(OwnerKind::parse("root").is_err());
    }

    #[test]
    fn escaped_owners_keep_ids_apart() {
        let a = Owner::escaped(OwnerKind::Agency, "henan-tax").unwrap();
        assert_eq!(a.id(), "henan-tax");
        let b = Owner::escaped(OwnerKind::Agency, "tax.ly").unwrap();
        assert_eq!(b.id(), "tax_2ely");
        let c = Owner::escaped(OwnerKind::Agency, "tax_2ely").unwrap();
        assert_eq!(c.id(), "tax_5f2ely");
        assert_ne!(b, c);
        assert!(Owner::escaped(OwnerKind::Agency, &"@".repeat(30)).is_err());
    }

    proptest! {
        #[test]
        fn parsed_keys_never_escape(s in "\\PC{0,40}") {
            if let Ok(k) = ObjectKey::parse(&s) {
                prop_assert!(!k.as_str().starts_with('/'));
                prop_assert!(!k.as_str().split('/').any(|seg| seg == ".." || seg.is_empty()));
            }
        }
    }
}
