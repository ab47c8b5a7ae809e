//! Why table data is not a usable coefficient table.

use super::table::Dimension;

/// Why table data is not a usable coefficient table. `row` is the 0-based index into
/// [`TableData::rows`](crate::valuation::TableData::rows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// The version is empty, longer than 64 characters or has control characters.
    #[error("version must be 1-64 printable characters")]
    BadVersion,
    /// The city code is not six digits.
    #[error("city_code must be a 6-digit division code, found {found:?}")]
    BadCityCode {
        /// The text found.
        found: String,
    },
    /// The table has no rows at all.
    #[error("the table has no rows")]
    NoRows,
    /// A key row on a numeric dimension, or a range row on a categorical one.
    #[error("row {row}: {dimension:?} takes {}", if *numeric { "ranges" } else { "keys" })]
    KindMismatch {
        /// Row index.
        row: usize,
        /// The dimension.
        dimension: Dimension,
        /// Whether the dimension is numeric.
        numeric: bool,
    },
    /// A key that the dimension does not have.
    #[error("row {row}: {dimension:?} has no key {key:?}")]
    UnknownKey {
        /// Row index.
        row: usize,
        /// The dimension.
        dimension: Dimension,
        /// The key found.
        key: String,
    },
    /// The same key twice in one dimension.
    #[error("row {row}: key {key:?} of {dimension:?} appears twice")]
    DuplicateKey {
        /// Row index.
        row: usize,
        /// The dimension.
        dimension: Dimension,
        /// The key.
        key: String,
    },
    /// A coefficient that is not above 0 and at most 10.
    #[error("row {row}: coefficient must be above 0 and at most 10")]
    CoefficientOutOfRange {
        /// Row index.
        row: usize,
    },
    /// A range with a negative start or an end not above its start.
    #[error("row {row}: range must have 0 <= from < to")]
    BadRange {
        /// Row index.
        row: usize,
    },
    /// A range that overlaps another one of its dimension.
    #[error("row {row}: range overlaps another range of {dimension:?}")]
    Overlap {
        /// Row index.
        row: usize,
        /// The dimension.
        dimension: Dimension,
    },
    /// A categorical dimension that has rows, but not for every key.
    #[error("{dimension:?} has no row for key {key:?}")]
    MissingKey {
        /// The dimension.
        dimension: Dimension,
        /// The key without a row.
        key: &'static str,
    },
    /// A numeric dimension whose ranges do not cover the value `at`.
    #[error("{dimension:?} has no range covering {at}")]
    Gap {
        /// The dimension.
        dimension: Dimension,
        /// The first value not covered.
        at: i64,
    },
}

impl TableError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "VAL_TABLE_VERSION_INVALID",
        "VAL_TABLE_CITY_CODE_INVALID",
        "VAL_TABLE_EMPTY",
        "VAL_TABLE_ROW_KIND",
        "VAL_TABLE_UNKNOWN_KEY",
        "VAL_TABLE_DUPLICATE_KEY",
        "VAL_TABLE_COEFFICIENT_OUT_OF_RANGE",
        "VAL_TABLE_BAD_RANGE",
        "VAL_TABLE_RANGE_OVERLAP",
        "VAL_TABLE_MISSING_KEY",
        "VAL_TABLE_RANGE_GAP",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadVersion => "VAL_TABLE_VERSION_INVALID",
            Self::BadCityCode { .. } => "VAL_TABLE_CITY_CODE_INVALID",
            Self::NoRows => "VAL_TABLE_EMPTY",
            Self::KindMismatch { .. } => "VAL_TABLE_ROW_KIND",
            Self::UnknownKey { .. } => "VAL_TABLE_UNKNOWN_KEY",
            Self::DuplicateKey { .. } => "VAL_TABLE_DUPLICATE_KEY",
            Self::CoefficientOutOfRange { .. } => "VAL_TABLE_COEFFICIENT_OUT_OF_RANGE",
            Self::BadRange { .. } => "VAL_TABLE_BAD_RANGE",
            Self::Overlap { .. } => "VAL_TABLE_RANGE_OVERLAP",
            Self::MissingKey { .. } => "VAL_TABLE_MISSING_KEY",
            Self::Gap { .. } => "VAL_TABLE_RANGE_GAP",
        }
    }

    /// The row at fault, when one row is.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::KindMismatch { row, .. }
            | Self::UnknownKey { row, .. }
            | Self::DuplicateKey { row, .. }
            | Self::CoefficientOutOfRange { row }
            | Self::BadRange { row }
            | Self::Overlap { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::BadVersion => "系数表版本号应为1至64个可见字符".to_owned(),
            Self::BadCityCode { found } => format!("城市代码应为6位行政区划代码，实际为“{found}”"),
            Self::NoRows => "系数表没有任何系数行".to_owned(),
            Self::KindMismatch {
                dimension, numeric, ..
            } => format!(
                "{}维度应使用{}",
                dimension.label_zh(),
                if *numeric {
                    "数值区间"
                } else {
                    "取值代码"
                }
            ),
            Self::UnknownKey { dimension, key, .. } => {
                format!("{}维度没有取值“{key}”", dimension.label_zh())
            }
            Self::DuplicateKey { dimension, key, .. } => {
                format!("{}维度的取值“{key}”重复", dimension.label_zh())
            }
            Self::CoefficientOutOfRange { .. } => "修正系数应大于0且不超过10".to_owned(),
            Self::BadRange { .. } => "区间应满足 0 ≤ 起点 < 终点".to_owned(),
            Self::Overlap { dimension, .. } => {
                format!("{}维度的区间相互重叠", dimension.label_zh())
            }
            Self::MissingKey { dimension, key } => {
                format!("{}维度缺少取值“{key}”的系数", dimension.label_zh())
            }
            Self::Gap { dimension, at } => {
                format!("{}维度的区间没有覆盖数值{at}", dimension.label_zh())
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        format!("invalid coefficient table: {self}")
    }
}
