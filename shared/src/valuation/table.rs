//! Coefficient tables: versioned data per city that say, for each dimension of a
//! dwelling, which correction coefficient applies. A table is checked when it is built,
//! so that every dimension it carries gives exactly one coefficient for every dwelling.

use super::categories::{Decoration, FloorPosition, Layout, Orientation, Structure, View};
use super::iso_date;
pub use super::table_error::TableError;
use crate::money::Rate;
use serde::{Deserialize, Serialize};
use time::Date;

/// The most dimensions a table may carry (the Henan model uses 16).
pub const MAX_DIMENSIONS: usize = 16;
/// The largest coefficient a table may hold: 10.0, in parts per million.
pub const MAX_COEFFICIENT_PPM: i64 = 10_000_000;

/// Keys of the lift dimension.
pub const LIFT_KEYS: &[&str] = &["with_lift", "no_lift"];
/// Keys of the end-unit dimension.
pub const END_UNIT_KEYS: &[&str] = &["end", "inner"];

/// A dimension along which a dwelling's price is corrected. The declaration order is
/// the fixed order in which factors are applied and listed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Floor position relative to storeys and lift ([`FloorPosition`] keys).
    FloorPosition,
    /// Orientation ([`Orientation`] keys).
    Orientation,
    /// Layout ([`Layout`] keys).
    Layout,
    /// View ([`View`] keys).
    View,
    /// Building age in whole years (assessment year − build year): numeric ranges.
    BuildingAge,
    /// Decoration ([`Decoration`] keys).
    Decoration,
    /// Building area in 0.01 m²: numeric ranges.
    Area,
    /// Lift in the building ([`LIFT_KEYS`]).
    Lift,
    /// End unit ([`END_UNIT_KEYS`]).
    EndUnit,
    /// Building structure ([`Structure`] keys).
    Structure,
}

const _: () = assert!(Dimension::ALL.len() <= MAX_DIMENSIONS);

impl Dimension {
    /// Every dimension, in application order.
    pub const ALL: [Dimension; 10] = [
        Dimension::FloorPosition,
        Dimension::Orientation,
        Dimension::Layout,
        Dimension::View,
        Dimension::BuildingAge,
        Dimension::Decoration,
        Dimension::Area,
        Dimension::Lift,
        Dimension::EndUnit,
        Dimension::Structure,
    ];

    /// Stable machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::FloorPosition => "floor_position",
            Self::Orientation => "orientation",
            Self::Layout => "layout",
            Self::View => "view",
            Self::BuildingAge => "building_age",
            Self::Decoration => "decoration",
            Self::Area => "area",
            Self::Lift => "lift",
            Self::EndUnit => "end_unit",
            Self::Structure => "structure",
        }
    }

    /// Chinese label.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::FloorPosition => "楼层",
            Self::Orientation => "朝向",
            Self::Layout => "户型",
            Self::View => "景观",
            Self::BuildingAge => "房龄",
            Self::Decoration => "装修",
            Self::Area => "面积段",
            Self::Lift => "电梯",
            Self::EndUnit => "边户",
            Self::Structure => "结构",
        }
    }

    /// The Chinese label of a dwelling's value along a categorical dimension
    /// (`south` → `南`); `None` for the numeric dimensions (age, area) and for a key
    /// the dimension does not have.
    pub fn value_label_zh(self, key: &str) -> Option<&'static str> {
        match self {
            Self::FloorPosition => FloorPosition::from_key(key).map(FloorPosition::label_zh),
            Self::Orientation => Orientation::from_key(key).map(Orientation::label_zh),
            Self::Layout => Layout::from_key(key).map(Layout::label_zh),
            Self::View => View::from_key(key).map(View::label_zh),
            Self::Decoration => Decoration::from_key(key).map(Decoration::label_zh),
            Self::Structure => Structure::from_key(key).map(Structure::label_zh),
            Self::Lift => match key {
                "with_lift" => Some("有电梯"),
                "no_lift" => Some("无电梯"),
                _ => None,
            },
            Self::EndUnit => match key {
                "end" => Some("边户"),
                "inner" => Some("非边户"),
                _ => None,
            },
            Self::BuildingAge | Self::Area => None,
        }
    }

    /// Reads a machine key.
    pub fn from_key(text: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.key() == text.trim())
    }

    /// The keys of a categorical dimension; `None` for the numeric ones (age, area).
    pub fn keys(self) -> Option<&'static [&'static str]> {
        Some(match self {
            Self::FloorPosition => FloorPosition::KEYS,
            Self::Orientation => Orientation::KEYS,
            Self::Layout => Layout::KEYS,
            Self::View => View::KEYS,
            Self::Decoration => Decoration::KEYS,
            Self::Lift => LIFT_KEYS,
            Self::EndUnit => END_UNIT_KEYS,
            Self::Structure => Structure::KEYS,
            Self::BuildingAge | Self::Area => return None,
        })
    }
}

/// Parses a coefficient written as a decimal with at most six decimals (`"1.09"`).
pub fn parse_coefficient(text: &str) -> Option<Rate> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || whole.len() > 6
        || frac.len() > 6
        || (text.contains('.') && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut ppm: i64 = whole.parse::<i64>().ok()? * Rate::ONE_PPM;
    for (i, b) in frac.bytes().enumerate() {
        ppm += i64::from(b - b'0') * 10_i64.pow(5 - i as u32);
    }
    Some(Rate::from_ppm(ppm))
}

/// Shows a coefficient as a decimal with at least two decimals: `1.09`, `0.855`, `1.00`.
pub fn format_coefficient(rate: Rate) -> String {
    let ppm = rate.ppm();
    let sign = if ppm < 0 { "-" } else { "" };
    let abs = ppm.unsigned_abs();
    let frac = format!("{:06}", abs % 1_000_000);
    let trimmed = frac.trim_end_matches('0');
    let shown = if trimmed.len() < 2 {
        &frac[..2]
    } else {
        trimmed
    };
    format!("{sign}{}.{shown}", abs / 1_000_000)
}

/// Which dwelling values a row applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowMatch {
    /// A categorical value, by machine key.
    Key(String),
    /// A numeric range `from <= v < to` (`to: None` = no upper end), in the
    /// dimension's unit (years; 0.01 m²).
    Range {
        /// Inclusive lower end.
        from: i64,
        /// Exclusive upper end, or none.
        to: Option<i64>,
    },
}

/// One lookup row of a coefficient table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoefficientRow {
    /// The dimension.
    pub dimension: Dimension,
    /// The values it applies to.
    #[serde(rename = "match")]
    pub matches: RowMatch,
    /// The coefficient, in parts per million (1.09 = 1,090,000).
    #[serde(rename = "coefficient_ppm")]
    pub coefficient: Rate,
}

/// The raw, unchecked content of a coefficient table (its wire and storage form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableData {
    /// Version label, e.g. `"luoyang-2025.1"`; named in every assessment.
    pub version: String,
    /// The 6-digit division code of the city (`410300`) or county it applies to.
    pub city_code: String,
    /// First day on which the table may be used.
    #[serde(with = "iso_date")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub effective_from: Date,
    /// The lookup rows. A dimension without rows is not applied.
    pub rows: Vec<CoefficientRow>,
}

/// The compiled lookup of one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DimLookup {
    /// Coefficient per key index.
    Categories(Vec<Rate>),
    /// Contiguous ranges sorted by `from`, starting at 0, the last one open.
    Ranges(Vec<(i64, Option<i64>, Rate)>),
}

/// A checked coefficient table. Every dimension it carries covers every possible value
/// exactly once: all keys of a categorical dimension, and `0..∞` without gaps or
/// overlaps for a numeric one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TableData", into = "TableData")]
pub struct CoefficientTable {
    data: TableData,
    lookup: Vec<(Dimension, DimLookup)>,
}

impl TryFrom<TableData> for CoefficientTable {
    type Error = TableError;
    fn try_from(data: TableData) -> Result<Self, Self::Error> {
        CoefficientTable::new(data)
    }
}

impl From<CoefficientTable> for TableData {
    fn from(table: CoefficientTable) -> Self {
        table.data
    }
}

impl CoefficientTable {
    /// Checks table data and compiles its lookup.
    pub fn new(data: TableData) -> Result<CoefficientTable, TableError> {
        if data.version.is_empty()
            || data.version.chars().count() > 64
            || data.version.chars().any(char::is_control)
        {
            return Err(TableError::BadVersion);
        }
        if data.city_code.len() != 6 || !data.city_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TableError::BadCityCode {
                found: data.city_code.clone(),
            });
        }
        if data.rows.is_empty() {
            return Err(TableError::NoRows);
        }
        let mut lookup = Vec::new();
        for dimension in Dimension::ALL {
            let rows: Vec<(usize, &CoefficientRow)> = data
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.dimension == dimension)
                .collect();
            if rows.is_empty() {
                continue;
            }
            for &(row, r) in &rows {
                if r.coefficient.ppm() <= 0 || r.coefficient.ppm() > MAX_COEFFICIENT_PPM {
                    return Err(TableError::CoefficientOutOfRange { row });
                }
            }
            let compiled = match dimension.keys() {
                Some(keys) => compile_keys(dimension, keys, &rows)?,
                None => compile_ranges(dimension, &rows)?,
            };
            lookup.push((dimension, compiled));
        }
        Ok(CoefficientTable { data, lookup })
    }

    /// The version label.
    pub fn version(&self) -> &str {
        &self.data.version
    }

    /// The division code of the city or county.
    pub fn city_code(&self) -> &str {
        &self.data.city_code
    }

    /// First day of validity.
    pub fn effective_from(&self) -> Date {
        self.data.effective_from
    }

    /// The rows, as given.
    pub fn rows(&self) -> &[CoefficientRow] {
        &self.data.rows
    }

    /// The dimensions the table applies, in application order.
    pub fn dimensions(&self) -> impl Iterator<Item = Dimension> + '_ {
        self.lookup.iter().map(|(d, _)| *d)
    }

    /// Whether a county-level division code falls under this table: a city code ending
    /// in `00` covers its whole prefecture (first four digits), any other code only itself.
    pub fn covers_division(&self, division_code: &str) -> bool {
        let city = self.city_code();
        if city.ends_with("00") {
            division_code.len() == 6 && division_code[..4] == city[..4]
        } else {
            division_code == city
        }
    }

    /// The coefficient for a categorical dimension at key index `index`.
    pub(super) fn key_coefficient(&self, at: usize, index: usize) -> Option<Rate> {
        match &self.lookup.get(at)?.1 {
            DimLookup::Categories(v) => v.get(index).copied(),
            DimLookup::Ranges(_) => None,
        }
    }

    /// The coefficient for a numeric dimension at value `value`.
    pub(super) fn range_coefficient(&self, at: usize, value: i64) -> Option<Rate> {
        match &self.lookup.get(at)?.1 {
            DimLookup::Ranges(v) => v
                .iter()
                .find(|(from, to, _)| value >= *from && to.is_none_or(|t| value < t))
                .map(|(_, _, c)| *c),
            DimLookup::Categories(_) => None,
        }
    }
}

fn compile_keys(
    dimension: Dimension,
    keys: &'static [&'static str],
    rows: &[(usize, &CoefficientRow)],
) -> Result<DimLookup, TableError> {
    let mut slots: Vec<Option<Rate>> = vec![None; keys.len()];
    for &(row, r) in rows {
        let RowMatch::Key(key) = &r.matches else {
            return Err(TableError::KindMismatch {
                row,
                dimension,
                numeric: false,
            });
        };
        let index = keys
            .iter()
            .position(|k| k == key)
            .ok_or_else(|| TableError::UnknownKey {
                row,
                dimension,
                key: key.clone(),
            })?;
        if slots[index].replace(r.coefficient).is_some() {
            return Err(TableError::DuplicateKey {
                row,
                dimension,
                key: key.clone(),
            });
        }
    }
    let mut out = Vec::with_capacity(keys.len());
    for (slot, key) in slots.into_iter().zip(keys) {
        out.push(slot.ok_or(TableError::MissingKey { dimension, key })?);
    }
    Ok(DimLookup::Categories(out))
}

fn compile_ranges(
    dimension: Dimension,
    rows: &[(usize, &CoefficientRow)],
) -> Result<DimLookup, TableError> {
    let mut ranges = Vec::with_capacity(rows.len());
    for &(row, r) in rows {
        let RowMatch::Range { from, to } = r.matches else {
            return Err(TableError::KindMismatch {
                row,
                dimension,
                numeric: true,
            });
        };
        if from < 0 || to.is_some_and(|t| t <= from) {
            return Err(TableError::BadRange { row });
        }
        ranges.push((row, from, to, r.coefficient));
    }
    ranges.sort_by_key(|&(row, from, _, _)| (from, row));
    // `covered` is where the next range must start; `None` once a range is open-ended.
    let mut covered: Option<i64> = Some(0);
    for &(row, from, to, _) in &ranges {
        match covered {
            None => return Err(TableError::Overlap { row, dimension }),
            Some(c) if from < c => return Err(TableError::Overlap { row, dimension }),
            Some(c) if from > c => return Err(TableError::Gap { dimension, at: c }),
            Some(_) => covered = to,
        }
    }
    if let Some(at) = covered {
        return Err(TableError::Gap { dimension, at });
    }
    Ok(DimLookup::Ranges(
        ranges.into_iter().map(|(_, f, t, c)| (f, t, c)).collect(),
    ))
}
