//! The register file's CSV records (RFC 4180): fields, quotes, line ends, and the
//! line each record starts on; a syntax error spoils its record only.

use super::register_error::RegisterError;

/// A CSV syntax error; it spoils its record only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
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
pub(super) struct Record {
    pub(super) row: usize,
    pub(super) fields: Vec<String>,
}

/// Reads records one by one. After a syntax error it resumes at the next line, so
/// that every row is checked; an unterminated quote runs to the end of the text.
pub(super) struct Records<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl<'a> Records<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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
