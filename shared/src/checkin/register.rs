//! The enterprise register (企业名录) of check-in: the enterprises an agency may
//! inspect, uploaded as one CSV file and written back in the same format.
//!
//! # The file
//!
//! - UTF-8 text; a leading UTF-8 BOM (as spreadsheet exports write) is skipped.
//! - A header row naming exactly the columns of [`REGISTER_COLUMNS`], in any order.
//! - RFC 4180 fields: separated by commas, optionally enclosed in double quotes; a
//!   quoted field may hold commas, and `""` inside it is one quote. Lines end with LF,
//!   CRLF or CR; a trailing line end is fine and blank lines are skipped.
//! - Every field is trimmed of surrounding whitespace before it is checked.
//! - At most [`MAX_REGISTER_ROWS`] data rows.
//!
//! | Column | Rule |
//! |---|---|
//! | `credit_code` | unified social credit code (GB 32100, 18 characters, check character right; lower case is accepted and stored upper case); unique in the file |
//! | `name` | 1–[`MAX_NAME_CHARS`] characters, no control characters |
//! | `address` | 1–[`MAX_ADDRESS_CHARS`] characters, no control characters |
//! | `division_code` | where the enterprise is now: 6 ASCII digits (GB/T 2260). It need not equal the credit code's region (positions 3–8): that is where the enterprise was registered, and enterprises move |
//! | `industry_code` | GB/T 4754 class: an upper-case section letter `A`–`T` and 0, 2, 3 or 4 digits (`C`, `C13`, `C131`, `C1310`) |
//!
//! # The report
//!
//! A file is taken whole or not at all: [`parse_register_csv`] checks every row and
//! answers either every enterprise or a [`RegisterReport`] listing the first
//! [`MAX_REPORTED_ISSUES`] issues and counting all. An issue names its **row: the
//! 1-based line of the file on which the record starts, the header being row 1** (the
//! row number a spreadsheet shows; blank lines count, as they do there); row 0 is the
//! file as a whole. Its `code` is stable (`REGISTER_…`, see [`RegisterError::code`]);
//! its messages, in zh-CN and English, are whole sentences naming the field, fit for
//! the body of an answer.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::security::credit_code::{CreditCode, CreditCodeError};

/// The columns of a register file, in the order [`register_to_csv`] writes them.
pub const REGISTER_COLUMNS: [&str; 5] = [
    "credit_code",
    "name",
    "address",
    "division_code",
    "industry_code",
];

/// The most data rows one file may hold; a larger register is imported as several
/// files.
pub const MAX_REGISTER_ROWS: usize = 50_000;

/// The most issues a report lists; further issues are only counted.
pub const MAX_REPORTED_ISSUES: usize = 1000;

/// The most characters of an enterprise name.
pub const MAX_NAME_CHARS: usize = 100;

/// The most characters of an address.
pub const MAX_ADDRESS_CHARS: usize = 200;

/// An enterprise of the register, every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enterprise {
    /// The unified social credit code: who the enterprise is.
    pub credit_code: CreditCode,
    /// The registered name (企业名称), trimmed.
    pub name: String,
    /// The address (经营地址), trimmed.
    pub address: String,
    /// Where the enterprise is now (GB/T 2260, 6 digits); not necessarily the
    /// region of its credit code.
    pub division_code: String,
    /// Its industry (GB/T 4754 section letter and 0, 2, 3 or 4 digits).
    pub industry_code: String,
}

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
struct Collector {
    report: RegisterReport,
    rows: HashSet<usize>,
}

impl Collector {
    fn issue(row: usize, column: Option<&str>, error: &RegisterError) -> RegisterIssue {
        RegisterIssue {
            row,
            column: column.map(str::to_owned),
            code: error.code().to_owned(),
            message_zh: error.message_zh(),
            message_en: error.message_en(),
        }
    }

    fn push(&mut self, row: usize, column: Option<&str>, error: &RegisterError) {
        self.report.total_issues += 1;
        if row > 0 && self.rows.insert(row) {
            self.report.rows_with_issues += 1;
        }
        if self.report.issues.len() < MAX_REPORTED_ISSUES {
            self.report.issues.push(Self::issue(row, column, error));
        }
    }

    /// An issue with the file as a whole, listed first so that the cap never hides it.
    fn push_first(&mut self, error: &RegisterError) {
        self.report.total_issues += 1;
        self.report.issues.insert(0, Self::issue(0, None, error));
        self.report.issues.truncate(MAX_REPORTED_ISSUES);
    }

    fn finish<T>(mut self, rows_checked: usize, value: T) -> Result<T, RegisterReport> {
        if self.report.total_issues == 0 {
            Ok(value)
        } else {
            self.report.rows_checked = rows_checked;
            Err(self.report)
        }
    }

    fn into_report(mut self, rows_checked: usize) -> RegisterReport {
        self.report.rows_checked = rows_checked;
        self.report
    }
}

// ---------------------------------------------------------------------------------
// CSV records.

/// A CSV syntax error; it spoils its record only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    UnterminatedQuote,
    MisplacedQuote,
}

impl From<Syntax> for RegisterError {
    fn from(s: Syntax) -> Self {
        match s {
            Syntax::UnterminatedQuote => RegisterError::UnterminatedQuote,
            Syntax::MisplacedQuote => RegisterError::MisplacedQuote,
        }
    }
}

/// One record (its fields untrimmed) and the line on which it starts.
struct Record {
    row: usize,
    fields: Vec<String>,
}

/// Reads records one by one. After a syntax error it resumes at the next line, so
/// that every row is checked; an unterminated quote runs to the end of the text.
struct Records<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        Records {
            text,
            at: 0,
            line: 1,
        }
    }

    /// Length of a line end (LF, CRLF, CR) at `i`, if there is one.
    fn line_end(&self, i: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        match b.get(i) {
            Some(b'\n') => Some(1),
            Some(b'\r') if b.get(i + 1) == Some(&b'\n') => Some(2),
            Some(b'\r') => Some(1),
            _ => None,
        }
    }

    /// Reads the record at `self.at`; leaves `self.at` after its line end.
    fn record(&mut self) -> Result<Vec<String>, Syntax> {
        let text = self.text;
        let b = text.as_bytes();
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if b.get(self.at) == Some(&b'"') {
                self.at += 1;
                let mut start = self.at;
                loop {
                    match b.get(self.at) {
                        None => return Err(Syntax::UnterminatedQuote),
                        Some(b'"') if b.get(self.at + 1) == Some(&b'"') => {
                            field.push_str(&text[start..=self.at]);
                            self.at += 2;
                            start = self.at;
                        }
                        Some(b'"') => {
                            field.push_str(&text[start..self.at]);
                            self.at += 1;
                            break;
                        }
                        Some(_) => match self.line_end(self.at) {
                            Some(n) => {
                                self.line += 1;
                                self.at += n;
                            }
                            None => self.at += 1,
                        },
                    }
                }
                if !matches!(b.get(self.at), None | Some(b',' | b'\n' | b'\r')) {
                    return Err(Syntax::MisplacedQuote);
                }
            } else {
                let start = self.at;
                while let Some(&c) = b.get(self.at) {
                    match c {
                        b',' | b'\n' | b'\r' => break,
                        b'"' => return Err(Syntax::MisplacedQuote),
                        _ => self.at += 1,
                    }
                }
                field.push_str(&text[start..self.at]);
            }
            fields.push(field);
            match b.get(self.at) {
                Some(b',') => self.at += 1,
                None => return Ok(fields),
                Some(_) => {
                    self.at += self.line_end(self.at).unwrap_or(1);
                    self.line += 1;
                    return Ok(fields);
                }
            }
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, (usize, Syntax)>;

    fn next(&mut self) -> Option<Self::Item> {
        // Blank lines.
        while let Some(n) = self.line_end(self.at) {
            self.at += n;
            self.line += 1;
        }
        if self.at >= self.text.len() {
            return None;
        }
        let row = self.line;
        Some(match self.record() {
            Ok(fields) => Ok(Record { row, fields }),
            Err(e) => {
                // Resume after the current physical line.
                while self.at < self.text.len() {
                    if let Some(n) = self.line_end(self.at) {
                        self.at += n;
                        self.line += 1;
                        break;
                    }
                    self.at += 1;
                }
                Err((row, e))
            }
        })
    }
}

// ---------------------------------------------------------------------------------
// Field rules.

fn text_field(text: &str, max: usize) -> Result<(), TextProblem> {
    if let Some(i) = text.chars().position(char::is_control) {
        return Err(TextProblem::Control { position: i + 1 });
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(TextProblem::TooLong { chars, max });
    }
    Ok(())
}

fn is_division_code(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_industry_code(text: &str) -> bool {
    let b = text.as_bytes();
    matches!(b.first(), Some(b'A'..=b'T'))
        && matches!(b.len(), 1 | 3 | 4 | 5)
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// Parses a register file: every enterprise, or the report of every issue found.
/// See the [module documentation](self) for the format, the rules and the report.
pub fn parse_register_csv(bytes: &[u8]) -> Result<Vec<Enterprise>, RegisterReport> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (skipped, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let offset = skipped + e.valid_up_to();
            return Err(RegisterReport::for_file(
                &RegisterError::NotUtf8 { offset },
                0,
            ));
        }
    };
    let mut c = Collector::default();
    let mut records = Records::new(text);
    let header = match records.next() {
        None => return Err(RegisterReport::for_file(&RegisterError::NoHeader, 0)),
        Some(Err((row, syntax))) => {
            c.push(row, None, &syntax.into());
            return c.finish(0, Vec::new());
        }
        Some(Ok(record)) => record.fields,
    };
    // place[i] = header position of REGISTER_COLUMNS[i].
    let mut place: [Option<usize>; REGISTER_COLUMNS.len()] = [None; REGISTER_COLUMNS.len()];
    for (pos, name) in header.iter().enumerate() {
        let name = name.trim();
        match REGISTER_COLUMNS.iter().position(|c| *c == name) {
            None => {
                let e = RegisterError::UnknownColumn {
                    column: name.to_owned(),
                };
                c.push(1, Some(name), &e);
            }
            Some(i) if place[i].is_some() => {
                let e = RegisterError::DuplicateColumn {
                    column: name.to_owned(),
                };
                c.push(1, Some(name), &e);
            }
            Some(i) => place[i] = Some(pos),
        }
    }
    for (column, p) in REGISTER_COLUMNS.into_iter().zip(place) {
        if p.is_none() {
            c.push(1, Some(column), &RegisterError::MissingColumn { column });
        }
    }
    let [
        Some(p_code),
        Some(p_name),
        Some(p_address),
        Some(p_division),
        Some(p_industry),
    ] = place
    else {
        return c.finish(0, Vec::new());
    };

    let mut out = Vec::new();
    let mut first_rows: HashMap<CreditCode, usize> = HashMap::new();
    let mut read = 0;
    for record in records {
        if read == MAX_REGISTER_ROWS {
            c.push_first(&RegisterError::TooManyRows {
                max: MAX_REGISTER_ROWS,
            });
            break;
        }
        read += 1;
        let Record { row, fields } = match record {
            Ok(record) => record,
            Err((row, syntax)) => {
                c.push(row, None, &syntax.into());
                continue;
            }
        };
        if fields.len() != header.len() {
            let e = RegisterError::FieldCount {
                expected: header.len(),
                found: fields.len(),
            };
            c.push(row, None, &e);
            continue;
        }
        let get = |p: usize, column: &'static str, c: &mut Collector| {
            let text = fields[p].trim();
            if text.is_empty() {
                c.push(row, Some(column), &RegisterError::Empty { column });
                None
            } else {
                Some(text)
            }
        };
        let credit_code = get(p_code, "credit_code", &mut c).and_then(|t| {
            CreditCode::parse(t)
                .map_err(|reason| {
                    let e = RegisterError::CreditCode {
                        found: t.to_owned(),
                        reason,
                    };
                    c.push(row, Some("credit_code"), &e);
                })
                .ok()
        });
        let name = get(p_name, "name", &mut c).filter(|t| {
            text_field(t, MAX_NAME_CHARS)
                .map_err(|p| c.push(row, Some("name"), &RegisterError::Name(p)))
                .is_ok()
        });
        let address = get(p_address, "address", &mut c).filter(|t| {
            text_field(t, MAX_ADDRESS_CHARS)
                .map_err(|p| c.push(row, Some("address"), &RegisterError::Address(p)))
                .is_ok()
        });
        let division_code = get(p_division, "division_code", &mut c).filter(|t| {
            let ok = is_division_code(t);
            if !ok {
                let e = RegisterError::DivisionCode {
                    found: (*t).to_owned(),
                };
                c.push(row, Some("division_code"), &e);
            }
            ok
        });
        let industry_code = get(p_industry, "industry_code", &mut c).filter(|t| {
            let ok = is_industry_code(t);
            if !ok {
                let e = RegisterError::IndustryCode {
                    found: (*t).to_owned(),
                };
                c.push(row, Some("industry_code"), &e);
            }
            ok
        });
        let Some(credit_code) = credit_code else {
            continue;
        };
        if let Some(&first_row) = first_rows.get(&credit_code) {
            let e = RegisterError::DuplicateCreditCode {
                credit_code,
                first_row,
            };
            c.push(row, Some("credit_code"), &e);
            continue;
        }
        first_rows.insert(credit_code.clone(), row);
        if let (Some(name), Some(address), Some(division_code), Some(industry_code)) =
            (name, address, division_code, industry_code)
        {
            out.push(Enterprise {
                credit_code,
                name: name.to_owned(),
                address: address.to_owned(),
                division_code: division_code.to_owned(),
                industry_code: industry_code.to_owned(),
            });
        }
    }
    if read == 0 {
        c.push(0, None, &RegisterError::NoDataRows);
    }
    c.finish(read, out)
}

// ---------------------------------------------------------------------------------
// Writing.

/// Appends a field, quoted when it holds a comma, a quote or a line break, or has
/// surrounding whitespace.
fn write_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) || text.trim() != text {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// Writes a register file: the header (columns in the order of
/// [`REGISTER_COLUMNS`]) and one LF-ended line per enterprise, fields quoted when
/// needed. [`parse_register_csv`] reads it back to the same enterprises.
pub fn register_to_csv<'a>(rows: impl IntoIterator<Item = &'a Enterprise>) -> String {
    let mut out = REGISTER_COLUMNS.join(",");
    out.push('\n');
    for e in rows {
        let fields = [
            e.credit_code.as_str(),
            &e.name,
            &e.address,
            &e.division_code,
            &e.industry_code,
        ];
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_field(&mut out, f);
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------
// Demo data.

/// The division code of Jiyuan (济源市, a county-level city directly under Henan).
pub const JIYUAN_DIVISION_CODE: &str = "419001";

/// Trade-name first characters (字号); no character is in both lists.
const TRADE_FIRST: [&str; 30] = [
    "豫", "济", "沁", "王", "愚", "天", "北", "玉", "金", "宏", "鑫", "华", "兴", "盛", "恒", "瑞",
    "中", "新", "永", "嘉", "博", "康", "润", "聚", "晟", "同", "万", "东", "佳", "卓",
];

/// Trade-name second characters.
const TRADE_SECOND: [&str; 30] = [
    "丰", "达", "源", "泰", "安", "发", "隆", "昌", "利", "和", "信", "宇", "航", "晨", "光", "辉",
    "锦", "程", "茂", "顺", "德", "祥", "益", "宝", "元", "威", "远", "汇", "鼎", "龙",
];

/// Industries in a name and their GB/T 4754-2017 codes.
const INDUSTRIES: [(&str, &str); 20] = [
    ("钢铁", "C3120"),
    ("铅锌冶炼", "C3212"),
    ("化工", "C261"),
    ("机械制造", "C34"),
    ("食品", "C13"),
    ("矿业", "B09"),
    ("能源", "D4411"),
    ("燃气", "D45"),
    ("建筑工程", "E47"),
    ("商贸", "F51"),
    ("超市", "F5211"),
    ("物流", "G54"),
    ("餐饮", "H62"),
    ("信息技术", "I65"),
    ("物业服务", "K7020"),
    ("农业开发", "A01"),
    ("商务咨询", "L72"),
    ("环保科技", "N77"),
    ("家政服务", "O80"),
    ("文化传媒", "R88"),
];

/// Company forms.
const FORMS: [&str; 3] = ["有限公司", "有限责任公司", "股份有限公司"];

/// Towns and sub-districts (镇、街道) of Jiyuan.
const TOWNS: [&str; 16] = [
    "沁园街道",
    "济水街道",
    "北海街道",
    "天坛街道",
    "玉泉街道",
    "克井镇",
    "五龙口镇",
    "轵城镇",
    "承留镇",
    "梨林镇",
    "坡头镇",
    "思礼镇",
    "王屋镇",
    "下冶镇",
    "大峪镇",
    "邵原镇",
];

/// Roads.
const ROADS: [&str; 13] = [
    "济水大街",
    "沁园路",
    "天坛路",
    "黄河大道",
    "愚公路",
    "宣化街",
    "汤帝路",
    "文昌路",
    "荆梁大街",
    "北海大道",
    "太行路",
    "丹河路",
    "建业街",
];

/// The GB 32100 alphabet, in value order (for the demo organisation codes).
const DEMO_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The `i`-th demo credit code: `91` (enterprise registered by market regulation),
/// Jiyuan's division, `MA` and 7 characters that are a bijection of `i` (so distinct
/// for every `i` below 31^7), then the check character.
fn demo_credit_code(i: usize) -> CreditCode {
    const SPACE: u64 = 31u64.pow(7);
    let mut v = (i as u64 % SPACE * 1_000_003 + 77_777_777) % SPACE;
    let mut tail = [b'0'; 7];
    for slot in tail.iter_mut().rev() {
        *slot = DEMO_ALPHABET[(v % 31) as usize];
        v /= 31;
    }
    let mut first17 = format!("91{JIYUAN_DIVISION_CODE}MA");
    first17.extend(tail.iter().map(|&b| char::from(b)));
    CreditCode::complete(&first17).expect("17 characters of the alphabet, digits at 3-8")
}

/// `n` demo enterprises of Jiyuan, the same for the same `n` (the first `m` of
/// `demo_register(n)` are `demo_register(m)`): distinct valid credit codes (region
/// 419001, `91419001MA…`), distinct names such as 济源市豫丰钢铁有限公司 (a branch
/// suffix beyond 54,000), addresses in Jiyuan's towns and industries to match.
pub fn demo_register(n: usize) -> Vec<Enterprise> {
    const COMBOS: usize = TRADE_FIRST.len() * TRADE_SECOND.len() * INDUSTRIES.len() * FORMS.len();
    (0..n)
        .map(|i| {
            // A permutation of 0..COMBOS (7919 is prime and does not divide COMBOS),
            // so that neighbours differ in every part.
            let mut j = i % COMBOS * 7919 % COMBOS;
            let (industry, code) = INDUSTRIES[j % INDUSTRIES.len()];
            j /= INDUSTRIES.len();
            let first = TRADE_FIRST[j % TRADE_FIRST.len()];
            j /= TRADE_FIRST.len();
            let second = TRADE_SECOND[j % TRADE_SECOND.len()];
            j /= TRADE_SECOND.len();
            let form = FORMS[j % FORMS.len()];
            let mut name = format!("济源市{first}{second}{industry}{form}");
            if i >= COMBOS {
                let _ = write!(name, "第{}分公司", i / COMBOS);
            }
            let address = format!(
                "河南省济源市{}{}{}号",
                TOWNS[i % TOWNS.len()],
                ROADS[i / TOWNS.len() % ROADS.len()],
                i * 37 % 299 + 1
            );
            Enterprise {
                credit_code: demo_credit_code(i),
                name,
                address,
                division_code: JIYUAN_DIVISION_CODE.to_owned(),
                industry_code: code.to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
