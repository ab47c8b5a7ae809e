//! Money and rates. Money is always an integer number of fen (分, 0.01 CNY); rates are
//! exact decimals in parts per million. Every rounding is explicit and named.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (分). Never a float.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen.
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// The raw number of fen.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Checked addition; `None` on overflow.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// Checked subtraction; `None` on overflow.
    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// Parses a yuan amount written with at most two decimals ("1200000", "43689.32").
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyParseError> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyParseError(text.to_owned()));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| MoneyParseError(text.to_owned()))?;
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        let fen = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac_fen))
            .ok_or_else(|| MoneyParseError(text.to_owned()))?;
        Ok(Fen(if negative { -fen } else { fen }))
    }
}

impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

/// Shows yuan with two decimals, e.g. `12000.00`, `-0.05`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A yuan amount that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a yuan amount with at most two decimals: {0:?}")]
pub struct MoneyParseError(pub String);

/// An exact rate in parts per million: 1% = `Rate::from_ppm(10_000)`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Rate(pub i64);

impl Rate {
    /// Parts per million in one whole (100%).
    pub const ONE_PPM: i64 = 1_000_000;
    /// 0%.
    pub const ZERO: Rate = Rate(0);

    /// A rate from parts per million.
    pub const fn from_ppm(ppm: i64) -> Rate {
        Rate(ppm)
    }

    /// A rate from basis points (1 bp = 0.01%).
    pub const fn from_bp(bp: i64) -> Rate {
        Rate(bp * 100)
    }

    /// A rate from whole percent.
    pub const fn from_percent(percent: i64) -> Rate {
        Rate(percent * 10_000)
    }

    /// Parts per million.
    pub const fn ppm(self) -> i64 {
        self.0
    }

    /// `amount × rate`, rounded to the fen, half away from zero.
    pub fn apply_half_up(self, amount: Fen) -> Fen {
        Fen(div_half_up(
            amount.0 as i128 * self.0 as i128,
            Self::ONE_PPM as i128,
        ))
    }

    /// Parses a decimal percentage such as `"3"`, `"1.5"` or `"0.45"` (at most 4 decimals).
    pub fn parse_percent(text: &str) -> Result<Rate, RateParseError> {
        let err = || RateParseError(text.to_owned());
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 4
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let whole: i64 = whole.parse().map_err(|_| err())?;
        let mut frac_ppm: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            frac_ppm += (b - b'0') as i64 * 10_i64.pow(3 - i as u32);
        }
        whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(frac_ppm))
            .map(Rate)
            .ok_or_else(err)
    }
}

/// A rate that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a percentage with at most four decimals: {0:?}")]
pub struct RateParseError(pub String);

/// `numerator / denominator` rounded half away from zero (the "四舍五入" of tax forms).
/// `denominator` must be positive.
pub fn div_half_up(numerator: i128, denominator: i128) -> i64 {
    assert!(denominator > 0, "div_half_up needs a positive denominator");
    let q = numerator / denominator;
    let r = numerator % denominator;
    let adjust = if 2 * r.abs() >= denominator {
        numerator.signum()
    } else {
        0
    };
    (q + adjust) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_rounds_halves_away_from_zero() {
        assert_eq!(div_half_up(5, 10), 1);
        assert_eq!(div_half_up(4, 10), 0);
        assert_eq!(div_half_up(-5, 10), -1);
        assert_eq!(div_half_up(15, 10), 2);
    }

    #[test]
    fn applies_rate_to_the_fen() {
        // 1% of 1,200,000.00 = 12,000.00
        assert_eq!(
            Rate::from_percent(1).apply_half_up(Fen::from_yuan(1_200_000)),
            Fen::from_yuan(12_000)
        );
        // 3.5% of 0.10 = 0.0035 -> 0.00
        assert_eq!(
            Rate::parse_percent("3.5").unwrap().apply_half_up(Fen(10)),
            Fen(0)
        );
    }

    #[test]
    fn parses_and_shows_yuan() {
        assert_eq!(Fen::parse_yuan("43689.32").unwrap(), Fen(4_368_932));
        assert_eq!(Fen::parse_yuan("1.5").unwrap(), Fen(150));
        assert_eq!(Fen(4_368_932).to_string(), "43689.32");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert!(Fen::parse_yuan("1.234").is_err());
        assert!(Fen::parse_yuan("abc").is_err());
        assert!(Fen::parse_yuan("").is_err());
    }

    #[test]
    fn parses_percentages() {
        assert_eq!(Rate::parse_percent("3").unwrap(), Rate::from_percent(3));
        assert_eq!(Rate::parse_percent("1.5").unwrap(), Rate(15_000));
        assert_eq!(Rate::parse_percent("0.45").unwrap(), Rate(4_500));
        assert!(Rate::parse_percent("-1").is_err());
    }
}
