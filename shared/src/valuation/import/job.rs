//! The rules of an import job: what an agency may import, how large a file may be,
//! how a file is read as a whole, whether it is applied at once or staged in chunks,
//! and the states an import goes through. Pure: the shell stores, fetches and applies.

use super::error::{ImportError, ImportReport};
use super::files::{parse_base_prices_csv, parse_coefficient_table_csv, parse_dwellings_csv};
use crate::valuation::{BasePrice, CoefficientTable, Dwelling, TableData};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The only content type an import file may have.
pub const IMPORT_CONTENT_TYPE: &str = "text/csv";
/// The extension its object key gets.
pub const IMPORT_EXTENSION: &str = "csv";

/// The most rows applied in the import request itself (one transaction). A larger
/// file (only a dwelling register can be) is staged chunk by chunk and then promoted
/// in one transaction, so that no request runs past its time limit.
pub const DIRECT_APPLY_MAX_ROWS: usize = 2_000;
/// Rows staged per chunk by default.
pub const DEFAULT_STAGE_CHUNK: usize = 5_000;
/// The most rows one chunk may stage.
pub const MAX_STAGE_CHUNK: usize = 20_000;

/// What an agency imports: one kind per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Dated base prices per community or building.
    BasePrices,
    /// One coefficient table, published as a new version.
    CoefficientTable,
    /// The dwelling register (or a part of it, e.g. one district).
    Dwellings,
}

impl ImportKind {
    /// Every kind.
    pub const ALL: [ImportKind; 3] = [
        ImportKind::BasePrices,
        ImportKind::CoefficientTable,
        ImportKind::Dwellings,
    ];

    /// The machine key (`base_prices`, `coefficient_table`, `dwellings`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::BasePrices => "base_prices",
            ImportKind::CoefficientTable => "coefficient_table",
            ImportKind::Dwellings => "dwellings",
        }
    }

    /// Parses the machine key.
    pub fn parse(text: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The object-key segment its uploads go under (`a-z 0-9 -`).
    pub fn purpose(self) -> &'static str {
        match self {
            ImportKind::BasePrices => "valuation-base-prices",
            ImportKind::CoefficientTable => "valuation-coefficient-table",
            ImportKind::Dwellings => "valuation-dwellings",
        }
    }

    /// The largest file accepted, in bytes. A register file is bounded by what one
    /// instance can hold in memory while checking every row (about 130,000 rows); a
    /// city's full register is imported as several files, e.g. one per district.
    pub fn max_size(self) -> u64 {
        match self {
            ImportKind::BasePrices => 8 << 20,
            ImportKind::CoefficientTable => 1 << 20,
            ImportKind::Dwellings => 16 << 20,
        }
    }
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Every row checked and good; being staged chunk by chunk, nothing applied yet.
    Received,
    /// Every row applied, in one transaction.
    Applied,
    /// At least one row is bad; nothing applied. The report says why.
    Rejected,
}

impl ImportStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Received => "received",
            ImportStatus::Applied => "applied",
            ImportStatus::Rejected => "rejected",
        }
    }

    /// Parses the stored text.
    pub fn parse(text: &str) -> Option<ImportStatus> {
        [
            ImportStatus::Received,
            ImportStatus::Applied,
            ImportStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// The rows of a file that passed every check.
#[derive(Debug, Clone)]
pub enum ImportRows {
    /// Base prices.
    BasePrices(Vec<BasePrice>),
    /// One coefficient table.
    CoefficientTable(CoefficientTable),
    /// Dwellings.
    Dwellings(Vec<Dwelling>),
}

impl ImportRows {
    /// Rows the file held (a table counts its coefficient rows).
    pub fn len(&self) -> usize {
        match self {
            ImportRows::BasePrices(p) => p.len(),
            ImportRows::CoefficientTable(t) => TableData::from(t.clone()).rows.len(),
            ImportRows::Dwellings(d) => d.len(),
        }
    }

    /// Whether there are no rows (never true for a parsed file).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How the rows are applied.
    pub fn plan(&self) -> ApplyPlan {
        match self {
            ImportRows::Dwellings(d) if d.len() > DIRECT_APPLY_MAX_ROWS => ApplyPlan::Staged,
            _ => ApplyPlan::Whole,
        }
    }
}

/// How a good file is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyPlan {
    /// In the import request, in one transaction.
    Whole,
    /// Staged in chunks (`next`), then promoted in one transaction.
    Staged,
}

/// Reads a whole file of `kind`: every row parsed, or the per-row report.
pub fn parse_import(kind: ImportKind, bytes: &[u8]) -> Result<ImportRows, ImportReport> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ImportReport::for_file(
            &ImportError::NotUtf8 {
                offset: e.valid_up_to(),
            },
            0,
        )
    })?;
    Ok(match kind {
        ImportKind::BasePrices => ImportRows::BasePrices(parse_base_prices_csv(text)?),
        ImportKind::CoefficientTable => {
            ImportRows::CoefficientTable(parse_coefficient_table_csv(text)?)
        }
        ImportKind::Dwellings => ImportRows::Dwellings(parse_dwellings_csv(text)?),
    })
}

/// The rows the next chunk stages: from `staged` on, at most `chunk`, within `total`.
pub fn next_chunk(total: usize, staged: usize, chunk: usize) -> Range<usize> {
    let start = staged.min(total);
    start..start.saturating_add(chunk).min(total)
}
