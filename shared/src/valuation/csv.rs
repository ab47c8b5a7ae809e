//! A tiny CSV reader (RFC 4180 subset): comma-separated fields, optional double quotes
//! with `""` as an escaped quote, quoted fields may hold commas and line breaks. Lines
//! end with LF, CRLF or CR. A leading UTF-8 BOM (as spreadsheet exports write) and blank
//! lines are skipped. Fields are not trimmed.
//!
//! A syntax error spoils only its own record: the reader resumes at the next line, so
//! that every row of a file is checked and reported. An unterminated quote runs to the
//! end of the file, as it must.

/// One record and the 1-based line on which it starts (the spreadsheet row number when
/// no field holds a line break; the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub row: usize,
    pub fields: Vec<String>,
}

/// A CSV syntax error in the record starting on `row`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// A quoted field is never closed.
    UnterminatedQuote,
    /// A `"` inside an unquoted field.
    QuoteInUnquotedField,
    /// Characters after a closing quote, before the next comma or line end.
    TextAfterQuote,
}

/// Reads every record; `Err((row, syntax))` for a record with a syntax error.
pub(super) fn read(text: &str) -> Vec<Result<Record, (usize, Syntax)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        // Blank line.
        if let Some(n) = line_end(b, i) {
            i += n;
            line += 1;
            continue;
        }
        let row = line;
        match read_record(text, &mut i, &mut line) {
            Ok(fields) => out.push(Ok(Record { row, fields })),
            Err(e) => {
                out.push(Err((row, e)));
                // Resume after the current physical line.
                while i < b.len() {
                    if let Some(n) = line_end(b, i) {
                        i += n;
                        line += 1;
                        break;
                    }
                    i += 1;
                }
            }
        }
    }
    out
}

/// Length of a line ending at `i` (LF, CRLF, CR), if there is one.
fn line_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i) {
        Some(b'\n') => Some(1),
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => Some(2),
        Some(b'\r') => Some(1),
        _ => None,
    }
}

/// Reads one record starting at `*i`; leaves `*i` after its line end.
fn read_record(text: &str, i: &mut usize, line: &mut usize) -> Result<Vec<String>, Syntax> {
    let b = text.as_bytes();
    let mut fields = Vec::new();
    loop {
        let mut field = String::new();
        if b.get(*i) == Some(&b'"') {
            *i += 1;
            let mut start = *i;
            loop {
                match b.get(*i) {
                    None => return Err(Syntax::UnterminatedQuote),
                    Some(b'"') if b.get(*i + 1) == Some(&b'"') => {
                        field.push_str(&text[start..=*i]);
                        *i += 2;
                        start = *i;
                    }
                    Some(b'"') => {
                        field.push_str(&text[start..*i]);
                        *i += 1;
                        break;
                    }
                    Some(_) => {
                        if let Some(n) = line_end(b, *i) {
                            *line += 1;
                            *i += n - 1;
                        }
                        *i += 1;
                    }
                }
            }
            match b.get(*i) {
                None | Some(b',' | b'\n' | b'\r') => {}
                Some(_) => return Err(Syntax::TextAfterQuote),
            }
        } else {
            let start = *i;
            while let Some(&c) = b.get(*i) {
                match c {
                    b',' | b'\n' | b'\r' => break,
                    b'"' => return Err(Syntax::QuoteInUnquotedField),
                    _ => *i += 1,
                }
            }
            field.push_str(&text[start..*i]);
        }
        fields.push(field);
        match b.get(*i) {
            Some(b',') => *i += 1,
            None => return Ok(fields),
            Some(_) => {
                *i += line_end(b, *i).unwrap_or(1);
                *line += 1;
                return Ok(fields);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Vec<(usize, Vec<&'static str>)> {
        read(text)
            .into_iter()
            .map(|r| {
                let r = r.unwrap();
                let fields = r
                    .fields
                    .into_iter()
                    .map(|f| &*Box::leak(f.into_boxed_str()))
                    .collect();
                (r.row, fields)
            })
            .collect()
    }

    #[test]
    fn reads_plain_and_quoted_fields() {
        assert_eq!(
            ok("a,b,c\n1,,\"x,y\"\n"),
            vec![(1, vec!["a", "b", "c"]), (2, vec!["1", "", "x,y"])]
        );
        assert_eq!(
            ok("\"say \"\"hi\"\"\",2"),
            vec![(1, vec!["say \"hi\"", "2"])]
        );
        assert_eq!(ok("\"\""), vec![(1, vec![""])]);
        assert_eq!(ok("a,"), vec![(1, vec!["a", ""])]);
    }

    #[test]
    fn handles_bom_crlf_blank_lines_and_multiline_fields() {
        assert_eq!(
            ok("\u{feff}h1,h2\r\n\r\n1,\"line\r\nbreak\"\r\n2,z"),
            vec![
                (1, vec!["h1", "h2"]),
                (3, vec!["1", "line\r\nbreak"]),
                (5, vec!["2", "z"])
            ]
        );
        assert_eq!(ok("a\rb\r"), vec![(1, vec!["a"]), (2, vec!["b"])]);
        assert_eq!(ok("洛阳,涧西\n"), vec![(1, vec!["洛阳", "涧西"])]);
    }

    #[test]
    fn reports_syntax_errors_and_resumes_on_the_next_line() {
        let r = read("h\na\"b,c\n\"x\"y\nok\n\"open,\nnever closed");
        assert_eq!(r[0].as_ref().unwrap().fields, vec!["h"]);
        assert_eq!(r[1], Err((2, Syntax::QuoteInUnquotedField)));
        assert_eq!(r[2], Err((3, Syntax::TextAfterQuote)));
        assert_eq!(r[3].as_ref().unwrap().row, 4);
        assert_eq!(r[4], Err((5, Syntax::UnterminatedQuote)));
        assert_eq!(r.len(), 5);
    }
}
