//! The industry code of the national economic classification (国民经济行业分类,
//! GB/T 4754-2017), as enterprise attributes carry it and policy conditions match
//! it by prefix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most characters in an industry code: a section letter and four digits.
pub const INDUSTRY_CODE_MAX_LEN: usize = 5;

/// A GB/T 4754 industry code: a section letter `A`–`T` (门类), then up to four
/// digits narrowing it to a division (大类, 2 digits), a group (中类, 3) and a class
/// (小类, 4): `C`, `C13`, `C1371`.
///
/// Only the shape is checked, not that the class exists in the 2017 table; the
/// letter is upper case only, as the standard writes it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndustryCode {
    /// The code's ASCII bytes, then zeros.
    bytes: [u8; INDUSTRY_CODE_MAX_LEN],
    /// How many bytes are used (1–5).
    len: u8,
}

/// Why a text is not an industry code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryCodeError {
    /// Empty, or the first character is not a section letter `A`–`T`.
    #[error("an industry code starts with a section letter A-T")]
    Section,
    /// After the letter: more than four characters, or one that is not an ASCII digit.
    #[error("an industry code has at most 4 digits after the section letter")]
    Digits,
}

impl IndustryCodeError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Section => "INDUSTRY_CODE_SECTION",
            Self::Digits => "INDUSTRY_CODE_DIGITS",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Section => "行业代码应以门类字母A至T开头".to_owned(),
            Self::Digits => "行业代码的门类字母后应为至多4位数字".to_owned(),
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl IndustryCode {
    /// Parses a section letter `A`–`T` followed by zero to four ASCII digits; nothing
    /// is trimmed or case-folded.
    pub fn parse(text: &str) -> Result<IndustryCode, IndustryCodeError> {
        let b = text.as_bytes();
        if !matches!(b.first(), Some(b'A'..=b'T')) {
            return Err(IndustryCodeError::Section);
        }
        if b.len() > INDUSTRY_CODE_MAX_LEN || !b[1..].iter().all(u8::is_ascii_digit) {
            return Err(IndustryCodeError::Digits);
        }
        let mut bytes = [0u8; INDUSTRY_CODE_MAX_LEN];
        bytes[..b.len()].copy_from_slice(b);
        Ok(IndustryCode {
            bytes,
            // At most 5, checked above.
            len: b.len() as u8,
        })
    }

    /// The code as written (`C1371`).
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this never fails.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The section letter (门类).
    pub fn section(&self) -> char {
        char::from(self.bytes[0])
    }

    /// The digits after the section letter (possibly none).
    pub fn digits(&self) -> &str {
        &self.as_str()[1..]
    }

    /// True when the code starts with `prefix` (`C`, `C13`, …), as a policy's
    /// industry condition asks.
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.as_str().starts_with(prefix)
    }
}

impl fmt::Debug for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndustryCode({})", self.as_str())
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IndustryCode {
    type Err = IndustryCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndustryCode::parse(s)
    }
}

impl Serialize for IndustryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IndustryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        IndustryCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_level() {
        for text in ["C", "C1", "C13", "C137", "C1371", "A0111", "T9600"] {
            let c = IndustryCode::parse(text).unwrap();
            assert_eq!(c.as_str(), text);
            assert_eq!(c.to_string(), text);
            assert_eq!(c.section(), text.chars().next().unwrap());
            assert_eq!(c.digits(), &text[1..]);
        }
        let c: IndustryCode = "C1371".parse().unwrap();
        assert!(c.starts_with("C") && c.starts_with("C13") && !c.starts_with("C14"));
        assert_eq!(format!("{c:?}"), "IndustryCode(C1371)");
    }

    #[test]
    fn refuses_a_missing_or_unknown_section() {
        for text in ["", "c65", "U1", "Z", "1371", " C13", "中13"] {
            assert_eq!(
                IndustryCode::parse(text).unwrap_err(),
                IndustryCodeError::Section,
                "{text}"
            );
        }
        assert_eq!(IndustryCodeError::Section.code(), "INDUSTRY_CODE_SECTION");
    }

    #[test]
    fn refuses_more_than_four_digits_or_other_characters() {
        for text in ["C13710", "C13a", "CC", "C13 ", "C-13", "C１３"] {
            let e = IndustryCode::parse(text).unwrap_err();
            assert_eq!(e, IndustryCodeError::Digits, "{text}");
            assert_eq!(e.code(), "INDUSTRY_CODE_DIGITS");
            assert!(e.message_zh().contains("4位"));
            assert!(e.message_en().contains("4 digits"));
        }
    }

    #[test]
    fn serialises_as_the_string_and_deserialises_through_the_parser() {
        let c = IndustryCode::parse("I6513").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"I6513\"");
        assert_eq!(serde_json::from_str::<IndustryCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<IndustryCode>("\"i6513\"").is_err());
        assert!(serde_json::from_str::<IndustryCode>("6513").is_err());
    }

    #[test]
    fn orders_by_text() {
        let codes =
            ["C", "C1", "C13", "C1371", "C14", "D"].map(|t| IndustryCode::parse(t).unwrap());
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
    }
}
