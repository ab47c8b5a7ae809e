//! The identifiers of the complaints domain: catalogue codes (categories,
//! departments), common-problem keys and case ids.
//!
//! Category and department codes are slugs because they travel as Open311
//! `service_code`s, URL segments and CSV cells: lower-case ASCII letters, digits and
//! single hyphens, starting with a letter. A slug is only syntax; whether a code
//! names something in the catalogue is [`Catalogue`](super::Catalogue)'s question.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::input_error::InputError;

/// Shortest slug accepted.
pub const MIN_SLUG_CHARS: usize = 2;
/// Longest slug accepted: enough for `government-arrears-clearance` and the like,
/// short enough to stay a readable CSV cell and URL segment.
pub const MAX_SLUG_CHARS: usize = 64;
/// Longest case id accepted (a ULID has 26 characters; room for other schemes).
pub const MAX_CASE_ID_CHARS: usize = 64;

/// Whether `text` is a slug: `[a-z][a-z0-9]*(-[a-z0-9]+)*`, 2 to 64 characters.
///
/// No leading, trailing or doubled hyphen, so that two spellings never name the same
/// thing (`tax--policy`, `tax-policy-`) and a slug splits cleanly on `-`.
pub fn is_slug(text: &str) -> bool {
    let b = text.as_bytes();
    (MIN_SLUG_CHARS..=MAX_SLUG_CHARS).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && !text.contains("--")
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Declares a slug newtype: parsed by [`is_slug`], serialised as its text.
macro_rules! slug {
    ($(#[$doc:meta])* $name:ident, $field:literal, $error:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The field name an error names when [`parse`](Self::parse) refuses.
            pub const FIELD: &'static str = $field;

            /// Parses a slug (no trimming: a code is a contract, not prose).
            pub fn parse(text: &str) -> Result<$name, InputError> {
                Self::parse_at(text, Self::FIELD)
            }

            /// Parses a slug, naming `field` in the error.
            pub fn parse_at(text: &str, field: &str) -> Result<$name, InputError> {
                if is_slug(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err($error(field.to_owned()))
                }
            }

            /// The code as text.
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
            type Error = InputError;
            fn try_from(text: String) -> Result<$name, InputError> {
                $name::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }

        crate::openapi::json_schema_of!($name, stringify!($name), {
            "type": "string",
            "minLength": MIN_SLUG_CHARS,
            "maxLength": MAX_SLUG_CHARS,
            "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
        });
    };
}

slug!(
    /// A category's stable code, e.g. `tax-policy`; also its Open311 `service_code`.
    CategoryCode,
    "category",
    |field| InputError::CategoryUnknown { field }
);

slug!(
    /// A department's stable code, e.g. `market-regulation` or `yingshang-office`.
    DepartmentCode,
    "department",
    |field| InputError::DepartmentUnknown { field }
);

slug!(
    /// A common-problem key handlers tag cases with, e.g. `permit-renewal-docs`:
    /// cases sharing a key are one class of problem ("solve one, crack a class").
    ProblemKey,
    "problem_key",
    |field| InputError::ProblemKeyInvalid { field }
);

/// The JSON Schema of a unified social credit code as the complaints types write it
/// (`#[schemars(with = "CreditCodeText")]` on a `CreditCode` field): 18 characters of
/// its alphabet, upper case.
pub struct CreditCodeText;

crate::openapi::json_schema_of!(CreditCodeText, "CreditCode", {
    "type": "string",
    "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
    "description": "A unified social credit code (统一社会信用代码), its check character right."
});

/// A case's id as the shell assigns it (a ULID): 1 to 64 characters of
/// `[0-9A-Za-z_-]`, so it is safe in URLs, logs and CSV cells.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

crate::openapi::json_schema_of!(CaseId, "CaseId", {
    "type": "string",
    "pattern": "^[0-9A-Za-z_-]{1,64}$",
    "description": "A case's id (a ULID). 诉求编号。"
});

impl CaseId {
    /// Parses a case id.
    pub fn parse(text: &str) -> Result<CaseId, InputError> {
        let ok = (1..=MAX_CASE_ID_CHARS).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(CaseId(text.to_owned()))
        } else {
            Err(InputError::CaseIdInvalid {
                field: "id".to_owned(),
            })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CaseId {
    type Error = InputError;
    fn try_from(text: String) -> Result<CaseId, InputError> {
        CaseId::parse(&text)
    }
}

impl From<CaseId> for String {
    fn from(id: CaseId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_one_spelling_only() {
        for good in ["tax-policy", "permits", "a1", "yingshang-office", "x-2-y"] {
            assert!(is_slug(good), "{good}");
        }
        let long = "a".repeat(MAX_SLUG_CHARS + 1);
        for bad in [
            "",
            "a",
            "Tax-policy",
            "tax_policy",
            "-tax",
            "tax-",
            "tax--policy",
            "1tax",
            "tax policy",
            "税务",
            long.as_str(),
        ] {
            assert!(!is_slug(bad), "{bad:?}");
        }
        assert!(is_slug(&"a".repeat(MAX_SLUG_CHARS)));
    }

    #[test]
    fn each_slug_names_its_field_and_code() {
        let e = ProblemKey::parse("Bad Key").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_PROBLEM_KEY_INVALID");
        assert_eq!(e.field(), "problem_key");
        let e = CategoryCode::parse("nope!").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_CATEGORY_UNKNOWN");
        let e = DepartmentCode::parse_at("X", "lead").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_DEPARTMENT_UNKNOWN");
        assert_eq!(e.field(), "lead");
        assert_eq!(
            ProblemKey::parse("permit-renewal-docs").unwrap().as_str(),
            "permit-renewal-docs"
        );
    }

    #[test]
    fn case_ids_are_url_safe() {
        assert_eq!(
            CaseId::parse("01JEXAMPLE0000000000000000")
                .unwrap()
                .as_str(),
            "01JEXAMPLE0000000000000000"
        );
        for bad in ["", "a/b", "a b", "é", &"a".repeat(MAX_CASE_ID_CHARS + 1)] {
            assert_eq!(
                CaseId::parse(bad).unwrap_err().code(),
                "COMPLAINTS_CASE_ID_INVALID"
            );
        }
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let key: ProblemKey = serde_json::from_str("\"late-refund\"").unwrap();
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"late-refund\"");
        assert!(serde_json::from_str::<ProblemKey>("\"Late Refund\"").is_err());
        assert!(serde_json::from_str::<CaseId>("\"../etc\"").is_err());
    }
}
