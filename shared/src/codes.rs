//! National codes more than one domain speaks: the administrative division code
//! (行政区划代码, GB/T 2260) names where an enterprise is registered (tax), and it is
//! the first six characters of a real-estate unit number and a city's code
//! (valuation).
//!
//! Like every code here it is parsed once at the edge; after that an invalid one
//! cannot exist. It serialises as its text and deserialises through its parser.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of digits in a division code.
pub const DIVISION_CODE_LEN: usize = 6;

/// A 6-digit administrative division code (GB/T 2260): digits 1–2 the province,
/// 3–4 the prefecture-level city, 5–6 the county-level division (`411502`).
///
/// Only the shape is checked (six ASCII digits), not that the division exists: the
/// list changes every year and a code of a merged county still names old records.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivisionCode([u8; DIVISION_CODE_LEN]);

/// Why a text is not a division code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionCodeError {
    /// Not exactly six characters.
    #[error("a division code has 6 digits, found {found} characters")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("position {position}: expected a digit, found {found:?}")]
    NotDigit {
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl DivisionCodeError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "DIVISION_CODE_LENGTH",
            Self::NotDigit { .. } => "DIVISION_CODE_NOT_DIGIT",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::WrongLength { found } => format!("行政区划代码应为6位数字，实际为{found}位"),
            Self::NotDigit { position, found } => {
                format!("行政区划代码第{position}位应为数字，实际为“{found}”")
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        format!("invalid division code: {self}")
    }
}

impl DivisionCode {
    /// Parses exactly six ASCII digits: nothing trimmed, no full-width digits.
    pub fn parse(text: &str) -> Result<DivisionCode, DivisionCodeError> {
        let found = text.chars().count();
        if found != DIVISION_CODE_LEN {
            return Err(DivisionCodeError::WrongLength { found });
        }
        let mut bytes = [0u8; DIVISION_CODE_LEN];
        for (i, ch) in text.chars().enumerate() {
            if !ch.is_ascii_digit() {
                return Err(DivisionCodeError::NotDigit {
                    position: i + 1,
                    found: ch,
                });
            }
            // An ASCII digit, so one byte.
            bytes[i] = ch as u8;
        }
        Ok(DivisionCode(bytes))
    }

    /// The code, six digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Digits 1–2: the province (省级).
    pub fn province(&self) -> &str {
        &self.as_str()[..2]
    }

    /// Digits 1–4: the prefecture-level city (地级) within its province.
    pub fn prefecture(&self) -> &str {
        &self.as_str()[..4]
    }

    /// True when the code starts with `prefix` (a province, a city, or the whole code).
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.as_str().starts_with(prefix)
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.as_str())
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DivisionCode {
    type Err = DivisionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DivisionCode::parse(s)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DivisionCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_six_digits_and_names_its_levels() {
        let c = DivisionCode::parse("411502").unwrap();
        assert_eq!(c.as_str(), "411502");
        assert_eq!((c.province(), c.prefecture()), ("41", "4115"));
        assert!(c.starts_with("4115") && c.starts_with("411502") && !c.starts_with("4103"));
        assert_eq!(c.to_string(), "411502");
        assert_eq!(format!("{c:?}"), "DivisionCode(411502)");
        assert_eq!("410302".parse::<DivisionCode>().unwrap().as_str(), "410302");
    }

    #[test]
    fn refuses_other_lengths() {
        for (text, found) in [("", 0), ("41150", 5), ("4115021", 7), ("４１１５０２", 6)] {
            let e = DivisionCode::parse(text).unwrap_err();
            if found == 6 {
                assert_eq!(
                    e,
                    DivisionCodeError::NotDigit {
                        position: 1,
                        found: '４'
                    }
                );
            } else {
                assert_eq!(e, DivisionCodeError::WrongLength { found });
                assert_eq!(e.code(), "DIVISION_CODE_LENGTH");
            }
        }
    }

    #[test]
    fn names_the_first_character_that_is_not_a_digit() {
        let e = DivisionCode::parse("41150a").unwrap_err();
        assert_eq!(
            e,
            DivisionCodeError::NotDigit {
                position: 6,
                found: 'a'
            }
        );
        assert_eq!(e.code(), "DIVISION_CODE_NOT_DIGIT");
        assert!(e.message_zh().contains("第6位"));
        assert!(e.message_en().contains("position 6"));
        assert!(DivisionCode::parse(" 41150").is_err());
        assert!(DivisionCode::parse("-41150").is_err());
    }

    #[test]
    fn serialises_as_the_string_and_deserialises_through_the_parser() {
        let c = DivisionCode::parse("411502").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"411502\"");
        assert_eq!(serde_json::from_str::<DivisionCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<DivisionCode>("\"4115\"").is_err());
        assert!(serde_json::from_str::<DivisionCode>("411502").is_err());
    }

    #[test]
    fn orders_by_text() {
        let a = DivisionCode::parse("410302").unwrap();
        let b = DivisionCode::parse("411502").unwrap();
        assert!(a < b);
    }
}
