//! Physical quantities and sub-fen money as integers. No floats anywhere: each type
//! names its unit, so a volt can never be added to a milliamp by mistake.

use crate::money::{Fen, div_half_up};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::error::MeteringInputError;

/// Energy in watt-hours (Wh).
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
pub struct Wh(pub u64);

impl Wh {
    /// No energy.
    pub const ZERO: Wh = Wh(0);

    /// From meter-register units of 0.01 kWh (= 10 Wh), as DL/T 645 meters count.
    pub const fn from_centi_kwh(units: u64) -> Wh {
        Wh(units.saturating_mul(10))
    }

    /// The raw number of watt-hours.
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Shows kWh with three decimals, e.g. `3.270 kWh`.
impl fmt::Display for Wh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} kWh", self.0 / 1000, self.0 % 1000)
    }
}

/// Voltage in tenths of a volt (0.1 V): 235.4 V is `DeciVolt(2354)`.
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
pub struct DeciVolt(pub u32);

impl fmt::Display for DeciVolt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{} V", self.0 / 10, self.0 % 10)
    }
}

/// Current in milliamperes (mA). Also used for residual (leakage) current.
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
pub struct MilliAmp(pub u32);

impl fmt::Display for MilliAmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} mA", self.0)
    }
}

/// Active power in watts (W).
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
pub struct Watt(pub u32);

impl fmt::Display for Watt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} W", self.0)
    }
}

/// Temperature in tenths of a degree Celsius (0.1 °C); may be negative outdoors.
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
pub struct DeciCelsius(pub i32);

impl fmt::Display for DeciCelsius {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{} °C", abs / 10, abs % 10)
    }
}

/// Money in micro-fen (10⁻⁶ fen): the exact running charge of a session. It is rounded
/// to the fen once, when the session closes.
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
pub struct MicroFen(pub i64);

impl MicroFen {
    /// Micro-fen in one fen.
    pub const PER_FEN: i64 = 1_000_000;
    /// Nothing.
    pub const ZERO: MicroFen = MicroFen(0);

    /// Whole fen to micro-fen (saturating: amounts that large are refused earlier).
    pub const fn from_fen(fen: Fen) -> MicroFen {
        MicroFen(fen.0.saturating_mul(Self::PER_FEN))
    }

    /// The raw number of micro-fen.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Rounded to the fen, half away from zero (四舍五入).
    pub fn to_fen_half_up(self) -> Fen {
        Fen(div_half_up(self.0 as i128, Self::PER_FEN as i128))
    }
}

/// A price per kWh in micro-fen, i.e. exact to 10⁻⁸ yuan: 0.60 CNY/kWh is
/// `PricePerKwh(60_000_000)`. Tariff tables quote up to 5–6 decimals of a yuan, so
/// this holds every published price exactly.
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
pub struct PricePerKwh(pub u64);

impl PricePerKwh {
    /// Micro-fen per yuan.
    const PER_YUAN: u64 = 100 * MicroFen::PER_FEN as u64;

    /// A price of whole fen per kWh.
    pub const fn from_fen(fen: u64) -> PricePerKwh {
        PricePerKwh(fen * MicroFen::PER_FEN as u64)
    }

    /// Micro-fen per kWh.
    pub const fn micro_fen(self) -> u64 {
        self.0
    }

    /// `self × numerator / denominator`, half-up (for price ratios such as 1.72).
    /// `denominator` must be positive.
    pub fn scaled(self, numerator: u32, denominator: u32) -> PricePerKwh {
        let v = div_half_up(
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        );
        PricePerKwh(u64::try_from(v).unwrap_or(u64::MAX))
    }

    /// Parses a non-negative yuan-per-kWh price with at most 8 decimals ("0.6", "0.61563").
    pub fn parse_yuan(text: &str) -> Result<PricePerKwh, MeteringInputError> {
        let err = || MeteringInputError::PriceInvalid {
            input: text.to_owned(),
        };
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty()
            || whole.len() > 6
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 8
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let whole: u64 = whole.parse().map_err(|_| err())?;
        let mut frac_micro_fen = 0_u64;
        for (i, b) in frac.bytes().enumerate() {
            frac_micro_fen += u64::from(b - b'0') * 10_u64.pow(7 - i as u32);
        }
        Ok(PricePerKwh(whole * Self::PER_YUAN + frac_micro_fen))
    }
}

/// Shows yuan per kWh with the decimals it needs (at least two): `0.60`, `0.61563`.
impl fmt::Display for PricePerKwh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut frac = format!("{:08}", self.0 % Self::PER_YUAN);
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "{}.{frac}", self.0 / Self::PER_YUAN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_shows_prices() {
        assert_eq!(
            PricePerKwh::parse_yuan("0.60").unwrap(),
            PricePerKwh(60_000_000)
        );
        assert_eq!(
            PricePerKwh::parse_yuan("0.61563").unwrap(),
            PricePerKwh(61_563_000)
        );
        assert_eq!(
            PricePerKwh::parse_yuan("1").unwrap(),
            PricePerKwh::from_fen(100)
        );
        assert_eq!(PricePerKwh(60_000_000).to_string(), "0.60");
        assert_eq!(PricePerKwh(61_563_000).to_string(), "0.61563");
        for bad in ["", "-0.6", "0.123456789", "abc", ".5", "1e3"] {
            assert!(PricePerKwh::parse_yuan(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn micro_fen_rounds_half_up_once() {
        assert_eq!(MicroFen(196_200_000).to_fen_half_up(), Fen(196));
        assert_eq!(MicroFen(196_500_000).to_fen_half_up(), Fen(197));
        assert_eq!(MicroFen(196_499_999).to_fen_half_up(), Fen(196));
        assert_eq!(MicroFen::from_fen(Fen(1000)), MicroFen(1_000_000_000));
    }

    #[test]
    fn quantities_show_their_units() {
        assert_eq!(Wh(3270).to_string(), "3.270 kWh");
        assert_eq!(Wh::from_centi_kwh(327), Wh(3270));
        assert_eq!(DeciVolt(2354).to_string(), "235.4 V");
        assert_eq!(DeciCelsius(-55).to_string(), "-5.5 °C");
        assert_eq!(
            PricePerKwh::from_fen(60).scaled(172, 100),
            PricePerKwh(103_200_000)
        );
    }
}
