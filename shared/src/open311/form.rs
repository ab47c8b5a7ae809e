//! `application/x-www-form-urlencoded`, the encoding of a GeoReport v2 POST body and,
//! in practice, of every client's query string.
//!
//! The crate's [`query::param`](crate::query::param) does not percent-decode (its
//! parameters never need it); Open311's do (`attribute%5BWHISPAWN%5D`, Chinese text,
//! `smit333%40sfgov.edu`), so this module decodes, strictly: `+` is a space, `%XX` a
//! byte, a `%` without two hex digits is an error (a client that encodes correctly
//! never sends one), and the decoded bytes of every name and value must be UTF-8.
//! Empty segments (`a=1&&b=2`, a trailing `&`) are skipped; a name without `=` has
//! the value `""`.

use super::error::InputError;

/// Decodes a form or query string into its (name, value) pairs, in order.
///
/// Refuses an input over `max_bytes` before reading it, and more than `max_pairs`
/// pairs.
pub fn decode(
    input: &[u8],
    max_bytes: usize,
    max_pairs: usize,
) -> Result<Vec<(String, String)>, InputError> {
    if input.len() > max_bytes {
        return Err(InputError::TooLarge { limit: max_bytes });
    }
    let mut pairs = Vec::new();
    for segment in input.split(|b| *b == b'&').filter(|s| !s.is_empty()) {
        if pairs.len() == max_pairs {
            return Err(InputError::TooManyParameters { limit: max_pairs });
        }
        let (name, value) = match segment.iter().position(|b| *b == b'=') {
            Some(at) => (&segment[..at], &segment[at + 1..]),
            None => (segment, &[][..]),
        };
        pairs.push((unescape(name)?, unescape(value)?));
    }
    Ok(pairs)
}

/// Percent-decodes one name or value (`+` as space) into UTF-8 text.
fn unescape(part: &[u8]) -> Result<String, InputError> {
    let mut bytes = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = |at: usize| part.get(at).and_then(|c| char::from(*c).to_digit(16));
                let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(InputError::BadPercentEncoding);
                };
                // Two hex digits: at most 0xFF.
                bytes.push((high * 16 + low) as u8);
                i += 2;
            }
            other => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| InputError::NotUtf8)
}

/// Decoded parameters, read the way the spec reads them: an empty value is the same
/// as an absent one ("Optional Arguments").
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Wraps decoded pairs.
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Params {
        Params(pairs)
    }

    /// The pairs, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Every non-empty value of `name`, in order.
    pub(crate) fn all<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The value of a single-valued parameter: `None` when absent or empty. Sent
    /// twice with the same value it is read once; with different values it is
    /// [`InputError::RepeatedParameter`], since we cannot know which one was meant.
    pub(crate) fn single(&self, name: &str) -> Result<Option<&str>, InputError> {
        let mut values = self.all(name);
        let first = values.next();
        if let Some(first) = first
            && values.any(|other| other != first)
        {
            return Err(InputError::RepeatedParameter {
                name: name.to_owned(),
            });
        }
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(input: &str) -> Vec<(String, String)> {
        decode(input.as_bytes(), 1 << 16, 100).unwrap()
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn decodes_the_specs_example_body() {
        let body = "api_key=xyz&service_code=001&address_string=1234+5th+street\
                    &email=smit333%40sfgov.edu&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg\
                    &attribute[WHISPAWN]=123456";
        assert_eq!(
            pairs(body),
            vec![
                pair("api_key", "xyz"),
                pair("service_code", "001"),
                pair("address_string", "1234 5th street"),
                pair("email", "smit333@sfgov.edu"),
                pair(
                    "media_url",
                    "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"
                ),
                pair("attribute[WHISPAWN]", "123456"),
            ]
        );
    }

    #[test]
    fn plus_is_space_and_an_encoded_plus_is_a_plus() {
        assert_eq!(pairs("a=1+2%2B3"), vec![pair("a", "1 2+3")]);
        assert_eq!(pairs("a%5Bb%5D=x"), vec![pair("a[b]", "x")]);
    }

    #[test]
    fn percent_encoded_utf8_becomes_chinese_text() {
        // 「营商环境」 encoded as a browser does; raw UTF-8 passes too.
        assert_eq!(
            pairs("description=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"),
            vec![pair("description", "营商环境")]
        );
        assert_eq!(pairs("d=营商"), vec![pair("d", "营商")]);
        assert_eq!(pairs("d=%e8%90%a5"), vec![pair("d", "营")]);
    }

    #[test]
    fn empty_segments_and_bare_names() {
        assert_eq!(
            pairs("&a=1&&flag&b=&=x&"),
            vec![
                pair("a", "1"),
                pair("flag", ""),
                pair("b", ""),
                pair("", "x")
            ]
        );
        assert_eq!(pairs(""), vec![]);
        assert_eq!(pairs("a==b"), vec![pair("a", "=b")]);
    }

    #[test]
    fn broken_encodings_are_refused() {
        for bad in ["a=%", "a=%4", "a=%G1", "a%=1", "a=100%"] {
            assert_eq!(
                decode(bad.as_bytes(), 100, 10),
                Err(InputError::BadPercentEncoding),
                "{bad}"
            );
        }
        // A lone continuation byte, a truncated sequence, an overlong '/'.
        for bad in ["a=%80", "a=%E8%90", "a=%C0%AF"] {
            assert_eq!(
                decode(bad.as_bytes(), 100, 10),
                Err(InputError::NotUtf8),
                "{bad}"
            );
        }
        assert_eq!(decode(b"n\xff=1", 100, 10), Err(InputError::NotUtf8));
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(
            decode(b"a=12345", 6, 10),
            Err(InputError::TooLarge { limit: 6 })
        );
        assert!(decode(b"a=1234", 6, 10).is_ok());
        assert_eq!(
            decode(b"a=1&b=2&c=3", 100, 2),
            Err(InputError::TooManyParameters { limit: 2 })
        );
        assert!(decode(b"a=1&b=2&&", 100, 2).is_ok());
    }

    #[test]
    fn single_values_empty_values_and_repeats() {
        let p = Params::new(pairs("a=1&b=&c=x&c=x&d=1&d=2&e=&e=y"));
        assert_eq!(p.single("a"), Ok(Some("1")));
        assert_eq!(p.single("b"), Ok(None));
        assert_eq!(p.single("z"), Ok(None));
        assert_eq!(p.single("c"), Ok(Some("x")));
        assert_eq!(p.single("e"), Ok(Some("y")));
        assert_eq!(
            p.single("d"),
            Err(InputError::RepeatedParameter { name: "d".into() })
        );
        assert_eq!(p.all("d").collect::<Vec<_>>(), vec!["1", "2"]);
    }
}
