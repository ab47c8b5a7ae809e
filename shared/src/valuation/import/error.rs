//! The import boundary's error enum and the per-row report built from it.

use super::super::base_price::BasePriceError;
use super::super::csv::Syntax;
use super::super::dwelling::DwellingError;
use super::super::table::TableError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most issues a report lists; further issues are only counted.
pub const MAX_REPORTED_ISSUES: usize = 1000;

/// What is wrong with one row (or the header) of an import file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A quoted field is never closed.
    #[error("a quoted field is never closed")]
    UnterminatedQuote,
    /// A `"` inside an unquoted field, or text after a closing quote.
    #[error("misplaced double quote")]
    MisplacedQuote,
    /// The file has no header row.
    #[error("the file is empty: a header row is required")]
    NoHeader,
    /// A required column is not in the header.
    #[error("missing column {column}")]
    MissingColumn {
        /// The column.
        column: &'static str,
    },
    /// The header has a column this file does not take.
    #[error("unknown column {column:?}")]
    UnknownColumn {
        /// The column.
        column: String,
    },
    /// The header names a column twice.
    #[error("column {column:?} appears twice")]
    DuplicateColumn {
        /// The column.
        column: String,
    },
    /// The file has a header but no data rows.
    #[error("the file has no data rows")]
    NoDataRows,
    /// A row has another number of fields than the header.
    #[error("expected {expected} fields, found {found}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A required field is empty.
    #[error("the field is empty")]
    Empty,
    /// A field that must be empty for this row is not.
    #[error("the field must be empty here, found {found:?}")]
    NotEmpty {
        /// The text found.
        found: String,
    },
    /// Not a date `YYYY-MM-DD`.
    #[error("expected a date YYYY-MM-DD, found {found:?}")]
    BadDate {
        /// The text found.
        found: String,
    },
    /// Not a yuan amount with at most two decimals.
    #[error("expected a yuan amount with at most two decimals, found {found:?}")]
    BadAmount {
        /// The text found.
        found: String,
    },
    /// Not an integer.
    #[error("expected a whole number, found {found:?}")]
    BadInteger {
        /// The text found.
        found: String,
    },
    /// Not a yes/no value.
    #[error("expected true/false, 1/0 or 是/否, found {found:?}")]
    BadBool {
        /// The text found.
        found: String,
    },
    /// Not a valid id.
    #[error("expected 1-64 characters from A-Z a-z 0-9 - _ ., found {found:?}")]
    BadId {
        /// The text found.
        found: String,
    },
    /// Not a decimal coefficient with at most six decimals.
    #[error("expected a decimal coefficient such as 1.09, found {found:?}")]
    BadCoefficient {
        /// The text found.
        found: String,
    },
    /// Not a square-metre amount with at most two decimals.
    #[error("expected square metres with at most two decimals, found {found:?}")]
    BadArea {
        /// The text found.
        found: String,
    },
    /// Not a known dimension key.
    #[error("unknown dimension {found:?}")]
    UnknownDimension {
        /// The text found.
        found: String,
    },
    /// A coefficient row whose version, city or date differs from the first row's.
    #[error("differs from the first row: one file holds one table")]
    TableHeaderDiffers,
    /// The same unit code on two rows of the register.
    #[error("unit code {unit_code} already on row {first_row}")]
    DuplicateUnitCode {
        /// The unit code.
        unit_code: String,
        /// The row where it first appears.
        first_row: usize,
    },
    /// The row is not a valid dwelling.
    #[error(transparent)]
    Dwelling(#[from] DwellingError),
    /// The row is not a valid base price.
    #[error(transparent)]
    BasePrice(#[from] BasePriceError),
    /// The rows do not form a valid coefficient table.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The file is not UTF-8 text.
    #[error("the file is not UTF-8 text (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A coefficient table with this version is already published; versions are
    /// immutable, so a changed table needs a new version.
    #[error("coefficient table version {version} already exists; give the new table a new version")]
    TableVersionExists {
        /// The version in the file.
        version: String,
    },
}

impl From<Syntax> for ImportError {
    fn from(s: Syntax) -> Self {
        match s {
            Syntax::UnterminatedQuote => ImportError::UnterminatedQuote,
            Syntax::QuoteInUnquotedField | Syntax::TextAfterQuote => ImportError::MisplacedQuote,
        }
    }
}

impl ImportError {
    /// Stable machine code; a domain error keeps its own code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnterminatedQuote => "VAL_CSV_UNTERMINATED_QUOTE",
            Self::MisplacedQuote => "VAL_CSV_MISPLACED_QUOTE",
            Self::NoHeader => "VAL_CSV_NO_HEADER",
            Self::MissingColumn { .. } => "VAL_CSV_MISSING_COLUMN",
            Self::UnknownColumn { .. } => "VAL_CSV_UNKNOWN_COLUMN",
            Self::DuplicateColumn { .. } => "VAL_CSV_DUPLICATE_COLUMN",
            Self::NoDataRows => "VAL_CSV_NO_DATA_ROWS",
            Self::FieldCount { .. } => "VAL_CSV_FIELD_COUNT",
            Self::Empty => "VAL_CSV_EMPTY_FIELD",
            Self::NotEmpty { .. } => "VAL_CSV_FIELD_NOT_EMPTY",
            Self::BadDate { .. } => "VAL_CSV_BAD_DATE",
            Self::BadAmount { .. } => "VAL_CSV_BAD_AMOUNT",
            Self::BadInteger { .. } => "VAL_CSV_BAD_INTEGER",
            Self::BadBool { .. } => "VAL_CSV_BAD_BOOL",
            Self::BadId { .. } => "VAL_CSV_BAD_ID",
            Self::BadCoefficient { .. } => "VAL_CSV_BAD_COEFFICIENT",
            Self::BadArea { .. } => "VAL_CSV_BAD_AREA",
            Self::UnknownDimension { .. } => "VAL_CSV_UNKNOWN_DIMENSION",
            Self::TableHeaderDiffers => "VAL_CSV_TABLE_HEADER_DIFFERS",
            Self::DuplicateUnitCode { .. } => "VAL_CSV_DUPLICATE_UNIT_CODE",
            Self::Dwelling(e) => e.code(),
            Self::BasePrice(e) => e.code(),
            Self::Table(e) => e.code(),
            Self::NotUtf8 { .. } => "VAL_CSV_NOT_UTF8",
            Self::TableVersionExists { .. } => "VAL_TABLE_VERSION_EXISTS",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::UnterminatedQuote => "引号字段没有结束引号".to_owned(),
            Self::MisplacedQuote => "双引号位置不正确".to_owned(),
            Self::NoHeader => "文件为空：第一行必须是表头".to_owned(),
            Self::MissingColumn { column } => format!("缺少列 {column}"),
            Self::UnknownColumn { column } => format!("未知的列“{column}”"),
            Self::DuplicateColumn { column } => format!("列“{column}”重复"),
            Self::NoDataRows => "文件只有表头，没有数据行".to_owned(),
            Self::FieldCount { expected, found } => {
                format!("应有{expected}个字段，实际为{found}个")
            }
            Self::Empty => "该字段不能为空".to_owned(),
            Self::NotEmpty { found } => format!("该行此字段应为空，实际为“{found}”"),
            Self::BadDate { found } => format!("日期应为YYYY-MM-DD格式，实际为“{found}”"),
            Self::BadAmount { found } => format!("金额应为最多两位小数的元数，实际为“{found}”"),
            Self::BadInteger { found } => format!("应为整数，实际为“{found}”"),
            Self::BadBool { found } => format!("应为true/false、1/0或是/否，实际为“{found}”"),
            Self::BadId { found } => format!("编号应为1至64位字母、数字或“-_.”，实际为“{found}”"),
            Self::BadCoefficient { found } => format!("系数应为小数（如1.09），实际为“{found}”"),
            Self::BadArea { found } => format!("面积应为最多两位小数的平方米数，实际为“{found}”"),
            Self::UnknownDimension { found } => format!("未知的修正维度“{found}”"),
            Self::TableHeaderDiffers => {
                "与第一行的版本、城市或施行日期不一致：一个文件只能包含一张系数表".to_owned()
            }
            Self::DuplicateUnitCode {
                unit_code,
                first_row,
            } => format!("不动产单元代码{unit_code}已在第{first_row}行出现"),
            Self::Dwelling(e) => e.message_zh(),
            Self::BasePrice(e) => e.message_zh(),
            Self::Table(e) => e.message_zh(),
            Self::NotUtf8 { offset } => {
                format!("文件不是UTF-8编码的文本（第{offset}字节起无效），请以UTF-8另存")
            }
            Self::TableVersionExists { version } => {
                format!("修正系数表版本{version}已存在；修改后的系数表须使用新的版本号")
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Dwelling(e) => e.message_en(),
            Self::BasePrice(e) => e.message_en(),
            Self::Table(e) => e.message_en(),
            other => other.to_string(),
        }
    }
}

/// One issue: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based row (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    /// The column, when one column is at fault.
    pub column: Option<String>,
    /// Stable machine code.
    pub code: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// Why a file was refused: every row was checked; the issues found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows read (not counting the header).
    pub rows_checked: usize,
    /// Distinct rows with at least one issue.
    pub rows_with_issues: usize,
    /// All issues found, including those not listed.
    pub total_issues: usize,
    /// The first [`MAX_REPORTED_ISSUES`] issues, in the order found.
    pub issues: Vec<RowIssue>,
}

impl ImportReport {
    /// A report for a file refused as a whole (row 0) before or after its rows were
    /// read: `rows_checked` rows were read, none of them is at fault.
    pub fn for_file(error: &ImportError, rows_checked: usize) -> ImportReport {
        let mut c = Collector::default();
        c.push(0, None, error);
        c.into_report(rows_checked)
    }
}

/// Collects issues while a file is read.
#[derive(Default)]
pub(super) struct Collector {
    report: ImportReport,
    rows: HashSet<usize>,
}

impl Collector {
    pub(super) fn push(&mut self, row: usize, column: Option<&str>, error: &ImportError) {
        self.report.total_issues += 1;
        if self.rows.insert(row) {
            self.report.rows_with_issues += 1;
        }
        if self.report.issues.len() < MAX_REPORTED_ISSUES {
            self.report.issues.push(RowIssue {
                row,
                column: column.map(str::to_owned),
                code: error.code().to_owned(),
                message_zh: error.message_zh(),
                message_en: error.message_en(),
            });
        }
    }

    pub(super) fn is_clean(&self) -> bool {
        self.report.total_issues == 0
    }

    /// The value if no issue was recorded, else the report.
    pub(super) fn finish<T>(self, rows_checked: usize, value: T) -> Result<T, ImportReport> {
        if self.is_clean() {
            Ok(value)
        } else {
            Err(self.into_report(rows_checked))
        }
    }

    /// The report of the issues recorded.
    pub(super) fn into_report(mut self, rows_checked: usize) -> ImportReport {
        self.report.rows_checked = rows_checked;
        self.report
    }
}
