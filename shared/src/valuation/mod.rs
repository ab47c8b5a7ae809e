//! Per-dwelling valuation (一房一价): the assessed price of one second-hand dwelling for
//! the tax base, computed in microseconds and explainable to the taxpayer.
//!
//! - [`UnitCode`]: the 28-character real-estate unit number (GB/T 37346), parsed with
//!   errors that name the wrong position.
//! - [`Dwelling`]: the attributes the model needs, parsed from [`DwellingDto`].
//! - [`BasePrices`]: dated base prices per community and building; the latest on or
//!   before the assessment date applies, a building price overriding its community's.
//! - [`CoefficientTable`]: versioned per-city data, one coefficient per value of each
//!   [`Dimension`]; [`CoefficientTable::luoyang_illustrative`] is an ILLUSTRATIVE table.
//! - [`assess`] / [`assess_many`]: unit price = base price × Π coefficients, value =
//!   unit price × area, with the one rounding rule [`RoundingRule`] (exact product,
//!   half-up to the fen, then total half-up to the fen). No floats anywhere.
//! - [`import`]: pure parsing of the three CSV files (base prices, coefficient table,
//!   dwelling register): all rows or a per-row report, never part of a file.
//! - [`select_table`] / [`default_assessment_date`]: which table and date apply when
//!   the caller does not say (today in UTC+8).
//! - [`lanes`]: a re-assessment run cut into ranges that callers process at once.
//! - [`demo`]: a deterministic Luoyang-like register from a seed, as an iterator.
//!
//! Dates in JSON are `YYYY-MM-DD`. Amounts are integer fen; coefficients are parts per
//! million; areas are decimal strings of square metres with two decimals.

mod assess;
mod base_price;
mod categories;
pub mod coverage;
mod csv;
pub mod demo;
mod dwelling;
mod ids;
pub mod import;
pub mod lanes;
mod luoyang;
pub mod places;
mod select;
mod table;
mod table_error;
mod unit_code;

#[cfg(test)]
mod assess_tests;
#[cfg(test)]
mod table_tests;

pub use assess::{
    AssessError, Assessment, Factor, RoundingRule, assess, assess_many, round_product,
};
pub use base_price::{
    AppliedBasePrice, BasePrice, BasePriceError, BasePriceLevel, BasePrices, MAX_BASE_PRICE_FEN,
};
pub use categories::{Decoration, FloorPosition, Layout, Orientation, Structure, View};
pub use dwelling::{
    Dwelling, DwellingDto, DwellingError, MAX_BUILD_YEAR, MAX_STOREYS, MIN_BUILD_YEAR,
};
pub use ids::{Area, BuildingId, CommunityId, MAX_AREA_CENTI_M2, MAX_ID_LEN};
pub use luoyang::LUOYANG_ILLUSTRATIVE_VERSION;
pub use select::{
    CHINA_STANDARD_TIME, default_assessment_date, select_table, unit_code_prefix,
    unit_code_prefix_end,
};
pub use table::{
    CoefficientRow, CoefficientTable, Dimension, END_UNIT_KEYS, LIFT_KEYS, MAX_COEFFICIENT_PPM,
    MAX_DIMENSIONS, RowMatch, TableData, TableError, format_coefficient, parse_coefficient,
};
pub use unit_code::{
    FixtureFeature, LandOwnership, ParcelFeature, UNIT_CODE_LEN, UnitCode, UnitCodeError,
};

use crate::calendar::iso_serde as iso_date;
