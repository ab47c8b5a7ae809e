//! Chinese resident identity numbers (居民身份证号码, GB 11643-1999): 6-digit address
//! code, 8-digit birth date, 3-digit sequence, and a check character computed with
//! ISO 7064 MOD 11-2 (`0`–`9` or `X`).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::types::anniversary;

/// Weights of the first 17 digits (2^(17-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each `sum mod 11`.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// An 18-character resident ID number whose check character and birth date are valid.
/// A lower-case `x` is accepted and stored as `X`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses and checks an ID number.
    pub fn parse(text: &str) -> Result<IdNumber, IdNumberError> {
        let t = text.trim();
        let count = t.chars().count();
        if count != 18 {
            return Err(IdNumberError::WrongLength(count));
        }
        let upper = t.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if let Some(pos) = bytes[..17].iter().position(|b| !b.is_ascii_digit()) {
            return Err(IdNumberError::NotADigit { position: pos + 1 });
        }
        let last = bytes[17];
        if !(last.is_ascii_digit() || last == b'X') {
            return Err(IdNumberError::BadCheckCharacter(char::from(last)));
        }
        birth_date_of(bytes)
            .ok_or_else(|| IdNumberError::InvalidBirthDate(upper[6..14].to_owned()))?;
        let expected = check_char(bytes);
        if expected != last {
            return Err(IdNumberError::CheckDigitMismatch {
                expected: char::from(expected),
                found: char::from(last),
            });
        }
        Ok(IdNumber(upper))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit address code of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// The birth date embedded in positions 7–14.
    pub fn birth_date(&self) -> Date {
        // Checked in `parse`; the fallback is never taken.
        birth_date_of(self.0.as_bytes()).unwrap_or(Date::MIN)
    }

    /// True when the holder is under 18 on `on` (the 18th birthday itself is adult).
    pub fn is_minor_on(&self, on: Date) -> bool {
        on < anniversary(self.birth_date(), 18)
    }
}

fn check_char(bytes: &[u8]) -> u8 {
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn birth_date_of(bytes: &[u8]) -> Option<Date> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&bytes[r]).ok()?.parse().ok()
    };
    let year = i32::try_from(num(6..10)?).ok()?;
    let month = Month::try_from(u8::try_from(num(10..12)?).ok()?).ok()?;
    let day = u8::try_from(num(12..14)?).ok()?;
    if year < 1800 {
        return None;
    }
    Date::from_calendar_date(year, month, day).ok()
}

// The schema says the shape; the check character and birth date are checked by
// `parse` (a well-shaped number failing them is refused with its own code).
crate::openapi::json_schema_of!(IdNumber, "IdNumber", {
    "type": "string",
    "pattern": "^[0-9]{17}[0-9Xx]$",
    "description": "A resident ID number (GB 11643): 17 digits and a check character (digit or X). 公民身份号码。"
});

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

impl std::fmt::Display for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not a resident ID number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 characters long.
    #[error("an ID number has 18 characters, this one has {0}")]
    WrongLength(usize),
    /// One of the first 17 characters is not a digit.
    #[error("character {position} of the ID number is not a digit")]
    NotADigit {
        /// 1-based position.
        position: usize,
    },
    /// The 18th character is neither a digit nor `X`.
    #[error("the check character must be a digit or X, got {0:?}")]
    BadCheckCharacter(char),
    /// Positions 7–14 are not a calendar date.
    #[error("the birth date {0} in the ID number is not a valid date")]
    InvalidBirthDate(String),
    /// The check character does not match the first 17 digits.
    #[error("the check character should be {expected}, found {found}")]
    CheckDigitMismatch {
        /// What ISO 7064 MOD 11-2 gives.
        expected: char,
        /// What the number has.
        found: char,
    },
}

impl IdNumberError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "VAL_ID_NUMBER_LENGTH",
        "VAL_ID_NUMBER_NOT_DIGIT",
        "VAL_ID_NUMBER_CHECK_CHARACTER",
        "VAL_ID_NUMBER_BIRTH_DATE",
        "VAL_ID_NUMBER_CHECK_DIGIT",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            IdNumberError::WrongLength(_) => "VAL_ID_NUMBER_LENGTH",
            IdNumberError::NotADigit { .. } => "VAL_ID_NUMBER_NOT_DIGIT",
            IdNumberError::BadCheckCharacter(_) => "VAL_ID_NUMBER_CHECK_CHARACTER",
            IdNumberError::InvalidBirthDate(_) => "VAL_ID_NUMBER_BIRTH_DATE",
            IdNumberError::CheckDigitMismatch { .. } => "VAL_ID_NUMBER_CHECK_DIGIT",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IdNumberError::WrongLength(n) => format!("身份证号码应为18位，实际为{n}位"),
            IdNumberError::NotADigit { position } => {
                format!("身份证号码第{position}位应为数字")
            }
            IdNumberError::BadCheckCharacter(c) => {
                format!("身份证号码校验码应为数字或X，实际为“{c}”")
            }
            IdNumberError::InvalidBirthDate(d) => {
                format!("身份证号码中的出生日期{d}不是有效日期")
            }
            IdNumberError::CheckDigitMismatch { expected, found } => {
                format!("身份证号码校验码错误：应为{expected}，实际为{found}")
            }
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    /// Builds a valid ID number for tests from a region, a birth date and a sequence.
    /// Uses the weights 2^(17-i) mod 11 computed afresh, not the table above.
    pub(crate) fn make_id(region: &str, birth: Date, seq: u16) -> IdNumber {
        let body = format!(
            "{region}{:04}{:02}{:02}{seq:03}",
            birth.year(),
            u8::from(birth.month()),
            birth.day()
        );
        let sum: u64 = body
            .bytes()
            .enumerate()
            .map(|(i, b)| u64::from(b - b'0') * ((1u64 << (17 - i)) % 11))
            .sum();
        let check = (12 - (sum % 11)) % 11;
        let c = if check == 10 {
            'X'
        } else {
            char::from(b'0' + check as u8)
        };
        IdNumber::parse(&format!("{body}{c}")).expect("made a valid id")
    }

    #[test]
    fn accepts_published_samples() {
        // The sample of GB 11643-1999.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), date!(1949 - 12 - 31));
        assert_eq!(id.region_code(), "110105");
        // Lower-case x is normalised.
        assert_eq!(
            IdNumber::parse("11010519491231002x").unwrap().as_str(),
            "11010519491231002X"
        );
        // A sample with a digit check character: 440524188001010014.
        let id = IdNumber::parse("440524188001010014").unwrap();
        assert_eq!(id.birth_date(), date!(1880 - 01 - 01));
    }

    #[test]
    fn names_what_is_wrong() {
        let e = |t| IdNumber::parse(t).unwrap_err();
        assert_eq!(e("1101051949123100"), IdNumberError::WrongLength(16));
        assert_eq!(
            e("11010519491231002Y"),
            IdNumberError::BadCheckCharacter('Y')
        );
        assert_eq!(
            e("1101A519491231002X"),
            IdNumberError::NotADigit { position: 5 }
        );
        assert_eq!(
            e("110105194913310020"),
            IdNumberError::InvalidBirthDate("19491331".to_owned())
        );
        assert_eq!(
            e("110105199902290028").code(),
            "VAL_ID_NUMBER_BIRTH_DATE",
            "1999 has no 29 February"
        );
        assert_eq!(
            e("110105194912310021"),
            IdNumberError::CheckDigitMismatch {
                expected: 'X',
                found: '1'
            }
        );
        assert!(e("110105194912310021").message_zh().contains("应为X"));
    }

    #[test]
    fn minors_turn_adult_on_the_18th_birthday() {
        let child = make_id("410302", date!(2008 - 03 - 10), 12);
        assert!(child.is_minor_on(date!(2026 - 03 - 09)));
        assert!(!child.is_minor_on(date!(2026 - 03 - 10)));
        let leap = make_id("410302", date!(2008 - 02 - 29), 14);
        assert!(leap.is_minor_on(date!(2026 - 02 - 28)));
        assert!(!leap.is_minor_on(date!(2026 - 03 - 01)));
    }

    proptest! {
        #[test]
        fn any_single_digit_change_is_caught(
            days in 0i64..40_000, seq in 0u16..1000, pos in 0usize..17, delta in 1u8..10
        ) {
            let birth = date!(1920 - 01 - 01) + time::Duration::days(days);
            let id = make_id("410303", birth, seq);
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&altered).is_err());
        }
    }
}
