//! The assessment itself: base price × Π coefficients, with one named rounding rule.
//!
//! Rounding rule [`RoundingRule::UnitPriceHalfUpFenThenTotalHalfUpFen`]:
//! 1. unit price (fen per m²) = base price × c₁ × c₂ × … × cₖ, computed as ONE exact
//!    product of integers (coefficients in parts per million, no intermediate rounding),
//!    then rounded half-up (half away from zero) to the fen;
//! 2. total value (fen) = rounded unit price × area (in 0.01 m²) ÷ 100, rounded half-up
//!    to the fen.
//!
//! No floats are involved anywhere. The exact product of up to 16 ppm coefficients does
//! not fit in an `i128`, so it is carried in a small fixed-width unsigned integer.

use super::base_price::{AppliedBasePrice, BasePrices, LookupMiss};
use super::categories::FloorPosition;
use super::dwelling::Dwelling;
use super::ids::{Area, BuildingId, CommunityId};
use super::iso_date;
use super::table::{CoefficientTable, Dimension, END_UNIT_KEYS, LIFT_KEYS, MAX_DIMENSIONS};
use super::unit_code::UnitCode;
use crate::money::{Fen, Rate, div_half_up};
use serde::{Deserialize, Serialize};
use time::Date;

/// The rounding rule an assessment was computed with (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingRule {
    /// Exact product, unit price half-up to the fen per m²; total = unit price × area,
    /// half-up to the fen.
    UnitPriceHalfUpFenThenTotalHalfUpFen,
}

/// One correction factor applied to a dwelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// The dimension.
    pub dimension: Dimension,
    /// The dwelling's value for it: a key (`"upper"`), an age in years (`"10"`) or an
    /// area in m² (`"120.00"`).
    pub value: String,
    /// The coefficient, in parts per million.
    #[serde(rename = "coefficient_ppm")]
    pub coefficient: Rate,
}

/// The assessed price of one dwelling, with everything needed to reproduce and explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The dwelling.
    pub unit_code: UnitCode,
    /// The assessment date.
    #[serde(with = "iso_date")]
    pub assessed_on: Date,
    /// Assessed unit price, fen per m².
    pub unit_price_per_m2: Fen,
    /// Assessed value of the dwelling, fen.
    pub total_value: Fen,
    /// Building area used.
    pub area_m2: Area,
    /// The base price used.
    pub base_price: AppliedBasePrice,
    /// The coefficient table version used.
    pub table_version: String,
    /// The rounding rule used.
    pub rounding: RoundingRule,
    /// Every factor applied, in the fixed order of [`Dimension::ALL`].
    pub factors: Vec<Factor>,
}

/// Why a dwelling cannot be assessed. All of these are 422 at the API: the request was
/// well-formed, but the data needed to assess it on that date is missing or does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// The table belongs to another city than the dwelling's division.
    #[error("coefficient table for {city_code} does not cover division {division_code}")]
    WrongCity {
        /// The table's city code.
        city_code: String,
        /// The dwelling's division code.
        division_code: String,
    },
    /// The assessment date is before the table's effective date.
    #[error("coefficient table takes effect on {effective_from}, after {on}")]
    TableNotYetEffective {
        /// The assessment date.
        on: Date,
        /// The table's first day.
        effective_from: Date,
    },
    /// The building was completed after the assessment year.
    #[error("build year {build_year} is after the assessment date {on}")]
    BuiltAfterAssessment {
        /// The build year.
        build_year: i32,
        /// The assessment date.
        on: Date,
    },
    /// Neither the building nor the community has any base price.
    #[error("no base price for community {community_id}, building {building_id}")]
    NoBasePrice {
        /// The community.
        community_id: CommunityId,
        /// The building.
        building_id: BuildingId,
    },
    /// The assessment date is before the first applicable base price.
    #[error("the first base price takes effect on {earliest}, after {on}")]
    BeforeFirstBasePrice {
        /// The assessment date.
        on: Date,
        /// The earliest base price date.
        earliest: Date,
    },
    /// The table gives no coefficient for a value. A table built with
    /// [`CoefficientTable::new`] is complete, so this signals a bug, never a guess.
    #[error("no coefficient for {dimension:?}")]
    NoCoefficient {
        /// The dimension.
        dimension: Dimension,
    },
    /// The result does not fit in 64-bit fen.
    #[error("assessed value out of range")]
    OutOfRange,
}

impl AssessError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "VAL_TABLE_WRONG_CITY",
        "VAL_TABLE_NOT_YET_EFFECTIVE",
        "VAL_BUILT_AFTER_ASSESSMENT_DATE",
        "VAL_NO_BASE_PRICE",
        "VAL_BASE_PRICE_NOT_YET_EFFECTIVE",
        "VAL_NO_COEFFICIENT",
        "VAL_VALUE_OUT_OF_RANGE",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongCity { .. } => "VAL_TABLE_WRONG_CITY",
            Self::TableNotYetEffective { .. } => "VAL_TABLE_NOT_YET_EFFECTIVE",
            Self::BuiltAfterAssessment { .. } => "VAL_BUILT_AFTER_ASSESSMENT_DATE",
            Self::NoBasePrice { .. } => "VAL_NO_BASE_PRICE",
            Self::BeforeFirstBasePrice { .. } => "VAL_BASE_PRICE_NOT_YET_EFFECTIVE",
            Self::NoCoefficient { .. } => "VAL_NO_COEFFICIENT",
            Self::OutOfRange => "VAL_VALUE_OUT_OF_RANGE",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::WrongCity {
                city_code,
                division_code,
            } => format!("系数表适用于{city_code}，不适用于行政区划{division_code}"),
            Self::TableNotYetEffective { on, effective_from } => {
                format!("系数表自{effective_from}起施行，评估日期{on}早于施行日期")
            }
            Self::BuiltAfterAssessment { build_year, on } => {
                format!("建成年份{build_year}晚于评估日期{on}")
            }
            Self::NoBasePrice {
                community_id,
                building_id,
            } => format!("小区{community_id}楼栋{building_id}没有基准价"),
            Self::BeforeFirstBasePrice { on, earliest } => {
                format!("评估日期{on}早于最早的基准价日期{earliest}")
            }
            Self::NoCoefficient { dimension } => {
                format!("系数表缺少{}维度的系数", dimension.label_zh())
            }
            Self::OutOfRange => "评估结果超出可表示范围".to_owned(),
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// A 512-bit unsigned integer, little-endian limbs: just enough for the exact product.
/// Only the limbs in use (`used`) are touched: a dwelling's product needs about three
/// of the eight, and this arithmetic was a sixth of a city's re-assessment.
struct Wide {
    limbs: [u64; 8],
    used: usize,
}

impl Wide {
    fn from_u64(v: u64) -> Wide {
        let mut limbs = [0; 8];
        limbs[0] = v;
        Wide { limbs, used: 1 }
    }

    /// Appends a carry out of the top limb; false if there is no room.
    fn push(&mut self, carry: u64) -> bool {
        if carry == 0 {
            return true;
        }
        if self.used == self.limbs.len() {
            return false;
        }
        self.limbs[self.used] = carry;
        self.used += 1;
        true
    }

    /// `self *= m`; false on overflow.
    fn mul_small(&mut self, m: u64) -> bool {
        let mut carry: u128 = 0;
        for limb in &mut self.limbs[..self.used] {
            let p = u128::from(*limb) * u128::from(m) + carry;
            *limb = p as u64;
            carry = p >> 64;
        }
        self.push(carry as u64)
    }

    /// `self += other`; false on overflow.
    fn add(&mut self, other: &Wide) -> bool {
        let used = self.used.max(other.used);
        let mut carry = false;
        for (a, b) in self.limbs[..used].iter_mut().zip(other.limbs) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *a = s2;
            carry = c1 || c2;
        }
        self.used = used;
        self.push(u64::from(carry))
    }

    /// `self = floor(self / d)`, `d > 0`.
    fn div_small(&mut self, d: u64) {
        let mut rem: u128 = 0;
        for limb in self.limbs[..self.used].iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = (cur / u128::from(d)) as u64;
            rem = cur % u128::from(d);
        }
        while self.used > 1 && self.limbs[self.used - 1] == 0 {
            self.used -= 1;
        }
    }

    fn to_i64(&self) -> Option<i64> {
        if self.used > 1 {
            return None;
        }
        i64::try_from(self.limbs[0]).ok()
    }
}

/// `base × Π coefficients`, exactly, rounded half-up to an integer. `None` if a value
/// is negative or the result does not fit.
pub fn round_product(base: Fen, coefficients: &[Rate]) -> Option<i64> {
    let base = u64::try_from(base.get()).ok()?;
    // N = base × Π cᵢ (ppm); D = 10^(6k). Half-up: floor((2N + D) / (2D)).
    let mut n = Wide::from_u64(base);
    let mut d = Wide::from_u64(1);
    for c in coefficients {
        let ppm = u64::try_from(c.ppm()).ok()?;
        if !n.mul_small(ppm) || !d.mul_small(Rate::ONE_PPM as u64) {
            return None;
        }
    }
    if !n.mul_small(2) || !n.add(&d) {
        return None;
    }
    n.div_small(2);
    const _: () = assert!(Rate::ONE_PPM == 1_000_000, "the division below assumes ppm");
    // Dividing by 10^6 k times, three at a time (floor(floor(x / a) / b) is
    // floor(x / ab)): 10^18 still fits one limb.
    let mut digits = 6 * coefficients.len() as u32;
    while digits > 0 {
        let step = digits.min(18);
        n.div_small(10_u64.pow(step));
        digits -= step;
    }
    n.to_i64()
}

/// A dwelling's value along one dimension.
enum DimValue {
    Key(usize, &'static str),
    Number(i64, String),
}

fn value_of(d: &Dwelling, dimension: Dimension, age: i64) -> DimValue {
    use DimValue::Key;
    match dimension {
        Dimension::FloorPosition => {
            let p = FloorPosition::of(d.floor, d.total_storeys, d.has_lift);
            Key(p.index(), p.key())
        }
        Dimension::Orientation => Key(d.orientation.index(), d.orientation.key()),
        Dimension::Layout => Key(d.layout.index(), d.layout.key()),
        Dimension::View => Key(d.view.index(), d.view.key()),
        Dimension::BuildingAge => DimValue::Number(age, age.to_string()),
        Dimension::Decoration => Key(d.decoration.index(), d.decoration.key()),
        Dimension::Area => DimValue::Number(d.area.centi_m2(), d.area.to_string()),
        Dimension::Lift => {
            let i = usize::from(!d.has_lift);
            Key(i, LIFT_KEYS[i])
        }
        Dimension::EndUnit => {
            let i = usize::from(!d.end_unit);
            Key(i, END_UNIT_KEYS[i])
        }
        Dimension::Structure => Key(d.structure.index(), d.structure.key()),
    }
}

/// Assesses one dwelling on date `on` with the given base prices and table.
pub fn assess(
    dwelling: &Dwelling,
    prices: &BasePrices,
    table: &CoefficientTable,
    on: Date,
) -> Result<Assessment, AssessError> {
    let division = dwelling.unit_code.division_code();
    if !table.covers_division(division) {
        return Err(AssessError::WrongCity {
            city_code: table.city_code().to_owned(),
            division_code: division.to_owned(),
        });
    }
    if on < table.effective_from() {
        return Err(AssessError::TableNotYetEffective {
            on,
            effective_from: table.effective_from(),
        });
    }
    let age = i64::from(on.year()) - i64::from(dwelling.build_year);
    if age < 0 {
        return Err(AssessError::BuiltAfterAssessment {
            build_year: dwelling.build_year,
            on,
        });
    }
    let base = prices
        .lookup(&dwelling.community_id, &dwelling.building_id, on)
        .map_err(|miss| match miss {
            LookupMiss::None => AssessError::NoBasePrice {
                community_id: dwelling.community_id.clone(),
                building_id: dwelling.building_id.clone(),
            },
            LookupMiss::NotYet { earliest } => AssessError::BeforeFirstBasePrice { on, earliest },
        })?;

    let mut factors = Vec::with_capacity(MAX_DIMENSIONS);
    let mut coefficients = Vec::with_capacity(MAX_DIMENSIONS);
    for (at, dimension) in table.dimensions().enumerate() {
        let (coefficient, value) = match value_of(dwelling, dimension, age) {
            DimValue::Key(index, key) => (table.key_coefficient(at, index), key.to_owned()),
            DimValue::Number(n, shown) => (table.range_coefficient(at, n), shown),
        };
        let coefficient = coefficient.ok_or(AssessError::NoCoefficient { dimension })?;
        coefficients.push(coefficient);
        factors.push(Factor {
            dimension,
            value,
            coefficient,
        });
    }
    let unit = round_product(base.amount, &coefficients).ok_or(AssessError::OutOfRange)?;
    let total = i128::from(unit) * i128::from(dwelling.area.centi_m2());
    if total / 100 > i128::from(i64::MAX) {
        return Err(AssessError::OutOfRange);
    }
    Ok(Assessment {
        unit_code: dwelling.unit_code,
        assessed_on: on,
        unit_price_per_m2: Fen(unit),
        total_value: Fen(div_half_up(total, 100)),
        area_m2: dwelling.area,
        base_price: base,
        table_version: table.version().to_owned(),
        rounding: RoundingRule::UnitPriceHalfUpFenThenTotalHalfUpFen,
        factors,
    })
}

/// Assesses many dwellings, one result per dwelling, in input order.
pub fn assess_many(
    dwellings: &[Dwelling],
    prices: &BasePrices,
    table: &CoefficientTable,
    on: Date,
) -> Vec<Result<Assessment, AssessError>> {
    dwellings
        .iter()
        .map(|d| assess(d, prices, table, on))
        .collect()
}
