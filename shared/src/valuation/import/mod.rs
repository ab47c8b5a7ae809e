//! Pure parsing of the three CSV files an agency uploads: base prices, a coefficient
//! table, and the dwelling register. Each function takes the file's text and returns
//! either every row parsed or an [`ImportReport`] — never part of a file. Every row is
//! checked; the report lists the first [`MAX_REPORTED_ISSUES`] issues and counts all.
//!
//! The header row is required. Column order is free; every listed column must appear
//! exactly once and no other column may appear. Fields are trimmed of surrounding
//! spaces. Row numbers are 1-based lines of the
//! file, the header being row 1 (as a spreadsheet shows them); row 0 marks an issue
//! with the file as a whole (empty file, incomplete table).
//!
//! [`parse_import`] reads a whole uploaded file of an [`ImportKind`]; [`ImportRows::plan`]
//! says whether it is applied in one request or staged in chunks ([`next_chunk`]) and
//! promoted in one transaction — applied whole either way, never half.
//!
//! | File | Columns |
//! |---|---|
//! | base prices | [`BASE_PRICE_COLUMNS`]: `price_per_m2` in yuan (≤ 2 decimals), `building_id` empty for a community price, dates `YYYY-MM-DD` |
//! | coefficients | [`TABLE_COLUMNS`]: one table per file; `key` for categorical dimensions, `from`/`to` (years for `building_age`, m² for `area`, `to` empty = open) for numeric ones; `coefficient` a decimal such as `1.09` |
//! | dwellings | [`DWELLING_COLUMNS`]: the fields of [`DwellingDto`]; booleans `true/false`, `1/0` or `是/否` |

mod error;
mod files;
mod job;
mod write;

pub use error::{ImportError, ImportReport, MAX_REPORTED_ISSUES, RowIssue};
pub use files::{
    BASE_PRICE_COLUMNS, DWELLING_COLUMNS, TABLE_COLUMNS, parse_base_prices_csv,
    parse_coefficient_table_csv, parse_dwellings_csv,
};
pub use job::{
    ApplyPlan, DEFAULT_STAGE_CHUNK, DIRECT_APPLY_MAX_ROWS, IMPORT_CONTENT_TYPE, IMPORT_EXTENSION,
    ImportKind, ImportRows, ImportStatus, MAX_STAGE_CHUNK, next_chunk, parse_import,
};
pub use write::{base_prices_to_csv, dwellings_to_csv, table_to_csv};

#[cfg(doc)]
use super::DwellingDto;

#[cfg(test)]
mod job_tests;
#[cfg(test)]
mod tests;
