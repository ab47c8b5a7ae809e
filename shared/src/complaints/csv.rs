//! CSV writing (RFC 4180): fields separated by commas, records ended by CRLF, a
//! field quoted when it holds a comma, a double quote, CR or LF, with quotes doubled.
//! Text is UTF-8 without a byte-order mark; a shell serving the file for Excel may
//! prepend U+FEFF.

use std::borrow::Cow;

/// One field, quoted if it must be.
pub fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// Appends one record (with its CRLF) to `out`.
pub fn push_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(f.as_ref()));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("税务局"), "税务局");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        let mut out = String::new();
        push_record(&mut out, &["a", "b,c", "\"q\""]);
        push_record(&mut out, &["1"]);
        assert_eq!(out, "a,\"b,c\",\"\"\"q\"\"\"\r\n1\r\n");
    }
}
