//! Free texts of a case, each with its own bounds: the enterprise's description,
//! written reasons (a refusal, a transfer), replies, notes, and the texts of a
//! published typical case.
//!
//! Every text is trimmed, has its line breaks normalised to `\n`, refuses other
//! control characters (they hide text in a ledger and break CSV and SMS), and is
//! bounded in characters (Unicode scalar values), not bytes: a Chinese character
//! counts once, as a reader counts it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::input_error::InputError;

/// Trims, normalises line breaks and checks the length of a text for `field`.
fn bounded(text: &str, field: &str, min: usize, max: usize) -> Result<String, InputError> {
    let normalised = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    if normalised
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(InputError::TextControl {
            field: field.to_owned(),
        });
    }
    let found = normalised.chars().count();
    if found < min || found > max {
        return Err(InputError::TextLength {
            field: field.to_owned(),
            min,
            max,
            found,
        });
    }
    Ok(normalised)
}

/// Declares a bounded text newtype.
macro_rules! text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal ..= $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Fewest characters accepted (after trimming).
            pub const MIN_CHARS: usize = $min;
            /// Most characters accepted.
            pub const MAX_CHARS: usize = $max;
            /// The field name an error names when [`parse`](Self::parse) refuses.
            pub const FIELD: &'static str = $field;

            /// Parses the text (trimmed, line breaks normalised, bounded).
            pub fn parse(text: &str) -> Result<$name, InputError> {
                Self::parse_at(text, Self::FIELD)
            }

            /// Parses the text, naming `field` in the error.
            pub fn parse_at(text: &str, field: &str) -> Result<$name, InputError> {
                bounded(text, field, $min, $max).map($name)
            }

            /// The text.
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
            fn from(text: $name) -> String {
                text.0
            }
        }

        // Trimmed, so at least `$min` characters of text; no control character but
        // line feeds and tabs.
        crate::openapi::json_schema_of!($name, stringify!($name), {
            "type": "string",
            "minLength": $min,
            "maxLength": $max
        });
    };
}

text!(
    /// What the enterprise asks or complains about: at least a short sentence (5
    /// characters, e.g. "营业执照补办"), at most 2000.
    Description,
    "description",
    5..=2000
);

text!(
    /// Written reasons (a refusal, a transfer, a feedback comment): required where a
    /// rule asks for them, so never empty; at most 1000 characters.
    Reason,
    "reason",
    1..=1000
);

text!(
    /// A department's answer to the enterprise (答复): never empty, at most 2000.
    ReplyText,
    "reply",
    1..=2000
);

text!(
    /// A handler's note: a first response (contact made) or a callback (回访) record.
    Note,
    "note",
    1..=1000
);

text!(
    /// A typical case's problem summary, written for the public (redacted again on
    /// publication).
    Summary,
    "summary",
    5..=500
);

text!(
    /// How the class of problem was solved, written for the public (redacted again on
    /// publication).
    Solution,
    "solution",
    5..=2000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_bounds_count_characters_not_bytes() {
        // Five Chinese characters are 15 bytes and exactly the minimum.
        assert_eq!(
            Description::parse("营业执照补").unwrap().as_str(),
            "营业执照补"
        );
        let e = Description::parse("  营业执照 ").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_TEXT_LENGTH");
        assert_eq!(e.field(), "description");
        assert!(e.message_zh().contains("5"));
        assert!(Description::parse(&"字".repeat(2000)).is_ok());
        let e = Description::parse(&"字".repeat(2001)).unwrap_err();
        assert_eq!(
            e,
            InputError::TextLength {
                field: "description".into(),
                min: 5,
                max: 2000,
                found: 2001
            }
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        for empty in ["", "   ", "\n\t"] {
            let e = Reason::parse(empty).unwrap_err();
            assert_eq!(e.code(), "COMPLAINTS_TEXT_LENGTH", "{empty:?}");
        }
        assert!(Reason::parse(&"因".repeat(1000)).is_ok());
        assert!(Reason::parse(&"因".repeat(1001)).is_err());
        let e = Reason::parse_at("", "reasons").unwrap_err();
        assert_eq!(e.field(), "reasons");
    }

    #[test]
    fn line_breaks_are_normalised_and_control_characters_refused() {
        assert_eq!(
            Note::parse("已电话联系\r\n企业负责人\r同意")
                .unwrap()
                .as_str(),
            "已电话联系\n企业负责人\n同意"
        );
        let e = Note::parse("hidden\u{0}text").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_TEXT_CONTROL_CHARACTER");
        assert!(Note::parse("bell\u{7}").is_err());
        assert!(Note::parse("tab\tok").is_ok());
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let d: Description = serde_json::from_str("\"  请协助办理施工许可  \"").unwrap();
        assert_eq!(d.as_str(), "请协助办理施工许可");
        assert!(serde_json::from_str::<Description>("\"短\"").is_err());
    }
}
