//! The register's refusals: what is wrong with a file, a header or a row
//! ([`RegisterError`], stable codes, zh-CN and English sentences naming the field),
//! and the report that lists them ([`RegisterReport`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::register::{MAX_REPORTED_ISSUES, REGISTER_COLUMNS};
use crate::security::credit_code::{CreditCode, CreditCodeError};

/// Why a text field (name, address) is refused, beyond being empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// More characters than allowed.
    TooLong {
        /// Characters found (after trimming).
        chars: usize,
        /// Characters allowed.
        max: usize,
    },
    /// A control character (line break, tab, …).
    Control {
        /// 1-based position of the first one, in characters of the trimmed text.
        position: usize,
    },
}

/// What is wrong with a register file, its header or one of its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    /// The file is not UTF-8 text.
    NotUtf8 {
        /// Byte offset of the first invalid byte (counting a BOM).
        offset: usize,
    },
    /// The file is empty: no header.
    NoHeader,
    /// A quoted field is never closed.
    UnterminatedQuote,
    /// A `"` inside an unquoted field, or text after a closing quote.
    MisplacedQuote,
    /// A column of [`REGISTER_COLUMNS`] is not in the header.
    MissingColumn {
        /// The column.
        column: &'static str,
    },
    /// The header has a column that is not one of [`REGISTER_COLUMNS`].
    UnknownColumn {
        /// The column as written (trimmed).
        column: String,
    },
    /// The header names a column twice.
    DuplicateColumn {
        /// The column.
        column: String,
    },
    /// A header but no data rows.
    NoDataRows,
    /// More than [`MAX_REGISTER_ROWS`] data rows.
    TooManyRows {
        /// The limit.
        max: usize,
    },
    /// A row has another number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field is empty (or only whitespace).
    Empty {
        /// The column.
        column: &'static str,
    },
    /// Not a valid unified social credit code.
    CreditCode {
        /// The text found (trimmed).
        found: String,
        /// Why.
        reason: CreditCodeError,
    },
    /// The name is too long or holds a control character.
    Name(TextProblem),
    /// The address is too long or holds a control character.
    Address(TextProblem),
    /// The division code is not 6 ASCII digits.
    DivisionCode {
        /// The text found (trimmed).
        found: String,
    },
    /// The industry code is not a GB/T 4754 code.
    IndustryCode {
        /// The text found (trimmed).
        found: String,
    },
    /// The enterprise is already on an earlier row of the file.
    DuplicateCreditCode {
        /// The credit code.
        credit_code: CreditCode,
        /// The row where it first appears.
        first_row: usize,
    },
}

/// The column's name in messages: (zh-CN, English).
fn label(column: &str) -> (&'static str, &'static str) {
    match column {
        "credit_code" => ("统一社会信用代码", "credit code"),
        "name" => ("企业名称", "enterprise name"),
        "address" => ("地址", "address"),
        "division_code" => ("行政区划代码", "division code"),
        "industry_code" => ("行业代码", "industry code"),
        _ => ("字段", "field"),
    }
}

/// A found value as shown in a message: at most 40 characters, control characters
/// escaped.
fn shown(text: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl TextProblem {
    fn message_zh(&self, label: &str) -> String {
        match self {
            Self::TooLong { chars, max } => {
                format!("{label}不能超过{max}个字符，实际为{chars}个。")
            }
            Self::Control { position } => {
                format!("{label}的第{position}个字符是控制字符（如换行符或制表符），请删除。")
            }
        }
    }

    fn message_en(&self, label: &str) -> String {
        match self {
            Self::TooLong { chars, max } => {
                format!("The {label} has {chars} characters; at most {max} are allowed.")
            }
            Self::Control { position } => format!(
                "Character {position} of the {label} is a control character (such as a line break or a tab); remove it."
            ),
        }
    }
}

impl RegisterError {
    /// The stable machine code (`REGISTER_…`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotUtf8 { .. } => "REGISTER_NOT_UTF8",
            Self::NoHeader => "REGISTER_NO_HEADER",
            Self::UnterminatedQuote => "REGISTER_UNTERMINATED_QUOTE",
            Self::MisplacedQuote => "REGISTER_MISPLACED_QUOTE",
            Self::MissingColumn { .. } => "REGISTER_MISSING_COLUMN",
            Self::UnknownColumn { .. } => "REGISTER_UNKNOWN_COLUMN",
            Self::DuplicateColumn { .. } => "REGISTER_DUPLICATE_COLUMN",
            Self::NoDataRows => "REGISTER_NO_DATA_ROWS",
            Self::TooManyRows { .. } => "REGISTER_TOO_MANY_ROWS",
            Self::FieldCount { .. } => "REGISTER_FIELD_COUNT",
            Self::Empty { .. } => "REGISTER_EMPTY_FIELD",
            Self::CreditCode { .. } => "REGISTER_CREDIT_CODE_INVALID",
            Self::Name(_) => "REGISTER_NAME_INVALID",
            Self::Address(_) => "REGISTER_ADDRESS_INVALID",
            Self::DivisionCode { .. } => "REGISTER_DIVISION_CODE_INVALID",
            Self::IndustryCode { .. } => "REGISTER_INDUSTRY_CODE_INVALID",
            Self::DuplicateCreditCode { .. } => "REGISTER_DUPLICATE_CREDIT_CODE",
        }
    }

    /// The message in Chinese: one or two sentences.
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotUtf8 { offset } => format!(
                "文件不是UTF-8编码的文本（第{offset}字节起无效），请以UTF-8编码另存后重新上传。"
            ),
            Self::NoHeader => format!(
                "文件为空：第一行必须是表头（{}）。",
                REGISTER_COLUMNS.join(",")
            ),
            Self::UnterminatedQuote => "以双引号开始的字段没有结束的双引号。".to_owned(),
            Self::MisplacedQuote => "双引号位置不正确：含逗号或双引号的字段须整体用双引号括起，字段内的双引号写作两个双引号。".to_owned(),
            Self::MissingColumn { column } => format!("表头缺少列{column}。"),
            Self::UnknownColumn { column } => format!(
                "表头中的列“{}”不是企业名录的列（应为{}）。",
                shown(column),
                REGISTER_COLUMNS.join("、")
            ),
            Self::DuplicateColumn { column } => format!("表头中的列{}出现了两次。", shown(column)),
            Self::NoDataRows => "文件只有表头，没有企业数据行。".to_owned(),
            Self::TooManyRows { max } => {
                format!("文件的企业数据超过{max}行的上限，请拆分为多个文件分别导入。")
            }
            Self::FieldCount { expected, found } => format!(
                "该行有{found}个字段，表头有{expected}个（含逗号的字段须用双引号括起）。"
            ),
            Self::Empty { column } => format!("{}不能为空。", label(column).0),
            Self::CreditCode { found, reason } => {
                let why = match reason {
                    CreditCodeError::Length { found } => format!("应为18位，实际为{found}位"),
                    CreditCodeError::Character { position } => {
                        format!("第{position}位字符不允许（代码不使用I、O、S、V、Z）")
                    }
                    CreditCodeError::Region => "第3至8位（行政区划码）应为数字".to_owned(),
                    CreditCodeError::Check { .. } => "校验位（第18位）不正确，请核对".to_owned(),
                };
                format!("统一社会信用代码“{}”无效：{why}。", shown(found))
            }
            Self::Name(p) => p.message_zh(label("name").0),
            Self::Address(p) => p.message_zh(label("address").0),
            Self::DivisionCode { found } => format!(
                "行政区划代码应为6位数字（GB/T 2260，如济源市为419001），实际为“{}”。",
                shown(found)
            ),
            Self::IndustryCode { found } => format!(
                "行业代码应为一个大写门类字母A至T，后接0、2、3或4位数字（GB/T 4754，如C、C13、C131、C1310），实际为“{}”。",
                shown(found)
            ),
            Self::DuplicateCreditCode {
                credit_code,
                first_row,
            } => format!(
                "统一社会信用代码{credit_code}已在第{first_row}行出现：同一企业在一个文件中只能出现一次。"
            ),
        }
    }

    /// The message in English: one or two sentences.
    pub fn message_en(&self) -> String {
        match self {
            Self::NotUtf8 { offset } => format!(
                "The file is not UTF-8 text (the first invalid byte is at offset {offset}); save it as UTF-8 and upload it again."
            ),
            Self::NoHeader => format!(
                "The file is empty: the first row must be the header ({}).",
                REGISTER_COLUMNS.join(",")
            ),
            Self::UnterminatedQuote => "A field opened with a double quote is never closed.".to_owned(),
            Self::MisplacedQuote => "Misplaced double quote: a field holding a comma or a quote must be enclosed in double quotes, and a quote inside it written twice.".to_owned(),
            Self::MissingColumn { column } => format!("The header lacks the column {column}."),
            Self::UnknownColumn { column } => format!(
                "The header column \"{}\" is not a register column (expected {}).",
                shown(column),
                REGISTER_COLUMNS.join(", ")
            ),
            Self::DuplicateColumn { column } => {
                format!("The header names the column {} twice.", shown(column))
            }
            Self::NoDataRows => "The file has a header but no enterprise rows.".to_owned(),
            Self::TooManyRows { max } => format!(
                "The file has more than {max} enterprise rows; split it into several files."
            ),
            Self::FieldCount { expected, found } => format!(
                "The row has {found} fields, the header {expected} (a field holding a comma must be enclosed in double quotes)."
            ),
            Self::Empty { column } => format!("The {} is empty.", label(column).1),
            Self::CreditCode { found, reason } => {
                let why = match reason {
                    CreditCodeError::Length { found } => {
                        format!("it has {found} characters instead of 18")
                    }
                    CreditCodeError::Character { position } => format!(
                        "character {position} is not allowed (the code does not use I, O, S, V, Z)"
                    ),
                    CreditCodeError::Region => {
                        "positions 3-8 (the division) must be digits".to_owned()
                    }
                    CreditCodeError::Check { .. } => {
                        "the check character (the 18th) is wrong; please check the code".to_owned()
                    }
                };
                format!("The credit code \"{}\" is invalid: {why}.", shown(found))
            }
            Self::Name(p) => p.message_en(label("name").1),
            Self::Address(p) => p.message_en(label("address").1),
            Self::DivisionCode { found } => format!(
                "The division code must be 6 digits (GB/T 2260, e.g. 419001 for Jiyuan), found \"{}\".",
                shown(found)
            ),
            Self::IndustryCode { found } => format!(
                "The industry code must be an upper-case section letter A-T followed by 0, 2, 3 or 4 digits (GB/T 4754, e.g. C, C13, C131, C1310), found \"{}\".",
                shown(found)
            ),
            Self::DuplicateCreditCode {
                credit_code,
                first_row,
            } => format!(
                "The credit code {credit_code} already appears on row {first_row}: an enterprise may appear only once in a file."
            ),
        }
    }
}

/// One issue: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterIssue {
    /// The 1-based line of the file on which the record starts (the header is row
    /// 1); 0 for the file as a whole.
    pub row: usize,
    /// The column, when one column is at fault.
    pub column: Option<String>,
    /// Stable machine code ([`RegisterError::code`]).
    pub code: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// Why a register file was refused: the rows checked and the issues found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegisterReport {
    /// Data rows read (not counting the header).
    pub rows_checked: usize,
    /// Distinct rows (the header included, the file as a whole not) with at least
    /// one issue.
    pub rows_with_issues: usize,
    /// All issues found, including those not listed.
    pub total_issues: usize,
    /// The first [`MAX_REPORTED_ISSUES`] issues: an issue with the file as a whole
    /// first, then in the order of the rows.
    pub issues: Vec<RegisterIssue>,
}

impl RegisterReport {
    /// A report for a file refused as a whole (row 0), e.g. before it is read:
    /// `rows_checked` rows were read, none of them is at fault.
    pub fn for_file(error: &RegisterError, rows_checked: usize) -> RegisterReport {
        let mut c = Collector::default();
        c.push(0, None, error);
        c.into_report(rows_checked)
    }
}

/// Collects issues while a file is read.
#[derive(Default)]
pub(super) struct Collector {
    report: RegisterReport,
    rows: HashSet<usize>,
}

impl Collector {
    pub(super) fn issue(row: usize, column: Option<&str>, error: &RegisterError) -> RegisterIssue {
        RegisterIssue {
            row,
            column: column.map(str::to_owned),
            code: error.code().to_owned(),
            message_zh: error.message_zh(),
            message_en: error.message_en(),
        }
    }

    pub(super) fn push(&mut self, row: usize, column: Option<&str>, error: &RegisterError) {
        self.report.total_issues += 1;
        if row > 0 && self.rows.insert(row) {
            self.report.rows_with_issues += 1;
        }
        if self.report.issues.len() < MAX_REPORTED_ISSUES {
            self.report.issues.push(Self::issue(row, column, error));
        }
    }

    /// An issue with the file as a whole, listed first so that the cap never hides it.
    pub(super) fn push_first(&mut self, error: &RegisterError) {
        self.report.total_issues += 1;
        self.report.issues.insert(0, Self::issue(0, None, error));
        self.report.issues.truncate(MAX_REPORTED_ISSUES);
    }

    pub(super) fn finish<T>(mut self, rows_checked: usize, value: T) -> Result<T, RegisterReport> {
        if self.report.total_issues == 0 {
            Ok(value)
        } else {
            self.report.rows_checked = rows_checked;
            Err(self.report)
        }
    }

    pub(super) fn into_report(mut self, rows_checked: usize) -> RegisterReport {
        self.report.rows_checked = rows_checked;
        self.report
    }
}
