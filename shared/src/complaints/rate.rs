//! Rates as exact integers: permille (‰), rounded half-up, never floats — a rate is
//! compared against targets ("98% satisfied"), and a float's 0.1 + 0.2 is not 0.3.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A rate in permille, 0 to 1000 for a share of a whole.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Permille(u32);

impl Permille {
    /// `part / whole` in permille, rounded half-up; `None` when `whole` is zero (a
    /// rate of nothing is not 0% nor 100%).
    pub fn of(part: u32, whole: u32) -> Option<Permille> {
        if whole == 0 {
            return None;
        }
        let (part, whole) = (u64::from(part), u64::from(whole));
        // round(part * 1000 / whole) = floor((2 * part * 1000 + whole) / (2 * whole)).
        let permille = (2 * part * 1000 + whole) / (2 * whole);
        Some(Permille(u32::try_from(permille).unwrap_or(u32::MAX)))
    }

    /// The value in permille.
    pub fn get(self) -> u32 {
        self.0
    }

    /// As a percentage with one decimal, e.g. `98.1` (for reports and CSV).
    pub fn percent(self) -> String {
        format!("{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl fmt::Display for Permille {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}‰", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up_to_the_permille() {
        assert_eq!(Permille::of(0, 0), None);
        assert_eq!(Permille::of(0, 5), Some(Permille(0)));
        assert_eq!(Permille::of(5, 5), Some(Permille(1000)));
        // 101/103 = 980.58‰ → 981 (Jiyuan: 98% satisfied).
        assert_eq!(Permille::of(101, 103).map(Permille::get), Some(981));
        // 1/3 = 333.33‰ → 333; 2/3 = 666.67‰ → 667.
        assert_eq!(Permille::of(1, 3).map(Permille::get), Some(333));
        assert_eq!(Permille::of(2, 3).map(Permille::get), Some(667));
        // Exactly half a permille rounds up: 1/2000 = 0.5‰ → 1.
        assert_eq!(Permille::of(1, 2000).map(Permille::get), Some(1));
        assert_eq!(
            Permille::of(u32::MAX, u32::MAX).map(Permille::get),
            Some(1000)
        );
    }

    #[test]
    fn percent_text_has_one_decimal() {
        assert_eq!(Permille(981).percent(), "98.1");
        assert_eq!(Permille(1000).percent(), "100.0");
        assert_eq!(Permille(5).percent(), "0.5");
        assert_eq!(Permille(0).percent(), "0.0");
        assert_eq!(Permille(981).to_string(), "981‰");
        assert_eq!(serde_json::to_string(&Permille(981)).unwrap(), "981");
    }
}
