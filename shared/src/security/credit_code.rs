//! The unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! 18 characters from a 31-character alphabet (digits and upper-case letters
//! without I, O, S, V, Z): registration authority (1), organisation category (1),
//! administrative division (6 digits), organisation code (9), check character (1).
//! The check character makes the weighted sum of all 18 values a multiple of 31,
//! with weights 3^(i) mod 31 for positions 1–17.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The 31 characters of GB 32100, in value order.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// Why a text is not a unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Not 18 characters long.
    #[error("credit code must have 18 characters, found {found}")]
    Length {
        /// Characters found.
        found: usize,
    },
    /// A character outside the GB 32100 alphabet (I, O, S, V, Z and symbols are not used).
    #[error("character {position} is not allowed in a credit code")]
    Character {
        /// 1-based position of the character.
        position: usize,
    },
    /// Positions 3–8 (administrative division) are not all digits.
    #[error("positions 3-8 of a credit code must be digits")]
    Region,
    /// The check character does not match the first 17 characters.
    #[error("check character should be {expected}")]
    Check {
        /// The check character the first 17 characters call for.
        expected: char,
    },
}

impl CreditCodeError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] =
        &["USCC_LENGTH", "USCC_CHARACTER", "USCC_REGION", "USCC_CHECK"];

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            CreditCodeError::Length { .. } => "USCC_LENGTH",
            CreditCodeError::Character { .. } => "USCC_CHARACTER",
            CreditCodeError::Region => "USCC_REGION",
            CreditCodeError::Check { .. } => "USCC_CHECK",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CreditCodeError::Length { found } => {
                format!("统一社会信用代码应为 18 位,实际为 {found} 位。")
            }
            CreditCodeError::Character { position } => {
                format!("统一社会信用代码第 {position} 位含有不允许的字符(不使用 I、O、S、V、Z)。")
            }
            CreditCodeError::Region => "统一社会信用代码第 3 至 8 位(行政区划码)应为数字。".into(),
            CreditCodeError::Check { .. } => "统一社会信用代码校验位不正确,请核对。".into(),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            CreditCodeError::Length { found } => {
                format!("A unified social credit code has 18 characters, not {found}.")
            }
            CreditCodeError::Character { position } => format!(
                "Character {position} of the credit code is not allowed (I, O, S, V, Z are not used)."
            ),
            CreditCodeError::Region => {
                "Positions 3-8 of the credit code (administrative division) must be digits.".into()
            }
            CreditCodeError::Check { .. } => {
                "The credit code's check character is wrong; please check the code.".into()
            }
        }
    }
}

/// The value of a character in the GB 32100 alphabet.
fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check as usize]))
}

impl CreditCode {
    /// Parses a code; ASCII lower case is accepted and stored in upper case, and
    /// surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<CreditCode, CreditCodeError> {
        let upper = text.trim().to_ascii_uppercase();
        let found = upper.chars().count();
        if found != 18 {
            return Err(CreditCodeError::Length { found });
        }
        let bytes = upper.as_bytes();
        if let Some(i) = bytes.iter().position(|&b| value_of(b).is_none()) {
            return Err(CreditCodeError::Character { position: i + 1 });
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Region);
        }
        let expected =
            check_char(&bytes[..17]).ok_or(CreditCodeError::Character { position: 1 })?;
        if char::from(bytes[17]) != expected {
            return Err(CreditCodeError::Check { expected });
        }
        Ok(CreditCode(upper))
    }

    /// Completes the first 17 characters of a code with their GB 32100 check
    /// character, e.g. to make valid demo or test codes: `None` when they are not 17
    /// characters of the alphabet (ASCII lower case is accepted) or positions 3–8 are
    /// not digits.
    pub fn complete(first17: &str) -> Option<CreditCode> {
        let upper = first17.to_ascii_uppercase();
        if upper.len() != 17 {
            return None;
        }
        let check = check_char(upper.as_bytes())?;
        CreditCode::parse(&format!("{upper}{check}")).ok()
    }

    /// The code as text (18 upper-case characters).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division code (positions 3–8), e.g. `410100`.
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&value)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn published_codes_pass() {
        // The example printed in GB 32100-2015 and two codes of well-known companies.
        for code in [
            "91350100M000100Y43",
            "914403001922038216",
            "91440300708461136T",
        ] {
            assert_eq!(CreditCode::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn hand_checked_sum() {
        // 91350100M000100Y4: 9·1+1·3+3·9+5·27+0+1·26+0+0+M(21)·20+0+0+0+1·8+0+0
        // +Y(30)·30+4·28 = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28;
        // 31-28 = 3 → '3'.
        assert_eq!(check_char(b"91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn wrong_inputs_are_refused_with_a_reason() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::Check { expected: '3' })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Length { found: 17 })
        );
        assert_eq!(
            CreditCode::parse("91350100O000100Y43"),
            Err(CreditCodeError::Character { position: 9 })
        );
        assert_eq!(
            CreditCode::parse("913501A0M000100Y43"),
            Err(CreditCodeError::Region)
        );
        assert_eq!(
            CreditCode::parse("９1350100M000100Y43"),
            Err(CreditCodeError::Character { position: 1 })
        );
        assert_eq!(CreditCodeError::Region.code(), "USCC_REGION");
    }

    #[test]
    fn complete_appends_the_check_character() {
        let c = CreditCode::complete("91350100M000100Y4").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
        assert_eq!(
            CreditCode::complete("91440300708461136").unwrap().as_str(),
            "91440300708461136T"
        );
        assert_eq!(
            CreditCode::complete("91350100m000100y4").unwrap().as_str(),
            "91350100M000100Y43"
        );
        let made = CreditCode::complete("91419001MA4000001").unwrap();
        assert_eq!(CreditCode::parse(made.as_str()), Ok(made.clone()));
        assert_eq!(made.region(), "419001");
        // Wrong length, a character outside the alphabet, letters in the region.
        assert_eq!(CreditCode::complete("91350100M000100Y"), None);
        assert_eq!(CreditCode::complete("91350100M000100Y43"), None);
        assert_eq!(CreditCode::complete("91350100O000100Y4"), None);
        assert_eq!(CreditCode::complete("913501A0M000100Y4"), None);
        // 17 bytes, but a full-width digit.
        assert_eq!(CreditCode::complete("9135０100M000100"), None);
    }

    #[test]
    fn lower_case_and_spaces_normalise() {
        let c = CreditCode::parse(" 91440300708461136t ").unwrap();
        assert_eq!(c.to_string(), "91440300708461136T");
        assert_eq!(c.region(), "440300");
    }

    #[test]
    fn serde_round_trip_and_refusal() {
        let c: CreditCode = serde_json::from_str("\"914403001922038216\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"914403001922038216\"");
        assert!(serde_json::from_str::<CreditCode>("\"914403001922038217\"").is_err());
    }

    proptest! {
        #[test]
        fn every_single_character_change_is_caught(
            pos in 0usize..18,
            replacement in proptest::sample::select(ALPHABET.to_vec()),
        ) {
            let good = b"91350100M000100Y43";
            prop_assume!(good[pos] != replacement);
            let mut bad = good.to_vec();
            bad[pos] = replacement;
            let text = String::from_utf8(bad).unwrap();
            prop_assert!(CreditCode::parse(&text).is_err());
        }
    }
}
