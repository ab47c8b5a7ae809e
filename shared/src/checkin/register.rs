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

use std::collections::HashMap;

use serde::Serialize;

use crate::security::credit_code::CreditCode;

use super::register_csv::{Record, Records};
#[cfg(test)]
use super::register_demo::demo_credit_code;
pub use super::register_demo::{JIYUAN_DIVISION_CODE, demo_register};
use super::register_error::Collector;
pub use super::register_error::{RegisterError, RegisterIssue, RegisterReport, TextProblem};

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

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
