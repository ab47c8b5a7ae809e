//! Untrusted JSON bodies become typed values, or a [`RequestError`] that says what
//! is wrong and where.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::RequestError;
use super::strict::{EXPECTED_OBJECT, Strict};

/// The media type a JSON body must carry.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Longest key text copied into a pointer, so a hostile body cannot make a huge message.
const MAX_KEY_CHARS: usize = 64;
/// Longest "expected …" text copied from the schema.
const MAX_EXPECTED_CHARS: usize = 120;

/// Parses a JSON request body into `T`.
///
/// Refuses a body longer than `limit` (413), a `Content-Type` other than
/// `application/json` with an optional `charset=utf-8` (415), and JSON that does not
/// fit `T` (400, naming the field as a JSON Pointer, with line and column) — an array
/// where `T` or a struct inside it expects an object included (serde alone would read
/// the array's elements as the fields in order). The messages never contain the
/// offending value.
pub fn parse_json_body<T: DeserializeOwned>(
    content_type: Option<&str>,
    body: &[u8],
    limit: usize,
) -> Result<T, RequestError> {
    if body.len() > limit {
        return Err(RequestError::BodyTooLarge { limit });
    }
    if !is_json_media_type(content_type) {
        return Err(RequestError::UnsupportedMediaType);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    T::deserialize(Strict(&mut de))
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| map_json_error(&e, body))
}

/// Whether a `Content-Type` value is `application/json`, optionally with a UTF-8
/// charset (quoted or not). Other parameters are refused: they would change meaning.
fn is_json_media_type(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(JSON_CONTENT_TYPE) {
        return false;
    }
    parts.all(|param| {
        let param = param.trim();
        if param.is_empty() {
            return true;
        }
        match param.split_once('=') {
            Some((name, v)) if name.trim().eq_ignore_ascii_case("charset") => {
                let v = v.trim().trim_matches('"');
                v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
            }
            _ => false,
        }
    })
}

/// Maps a serde_json error to the request error that names the field.
fn map_json_error(e: &serde_json::Error, body: &[u8]) -> RequestError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            return RequestError::MalformedJson { line, column };
        }
        Category::Data => {}
    }
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    let mut here = if line == 0 {
        String::new()
    } else {
        pointer_at(body, offset_of(body, line, column))
    };
    // A struct met as an array is reported just inside the array's `[`: the field at
    // fault is the array itself, not its first element.
    if msg == format!("invalid type: sequence, expected {EXPECTED_OBJECT}") {
        let parent = here.rfind('/').unwrap_or(0);
        here.truncate(parent);
    }

    if let Some(field) = backticked_after(msg, "missing field `") {
        let pointer = format!("{here}/{}", escape_segment(&field));
        return RequestError::MissingField {
            pointer,
            line,
            column,
        };
    }
    if let Some(field) = backticked_after(msg, "unknown field `") {
        let seg = format!("/{}", escape_segment(&field));
        let pointer = if here.ends_with(&seg) {
            here
        } else {
            format!("{here}{seg}")
        };
        return RequestError::UnknownField {
            pointer,
            line,
            column,
        };
    }
    let expected = [
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "unknown variant ",
    ]
    .iter()
    .any(|p| msg.starts_with(p))
    .then(|| msg.rsplit_once(", expected ").map(|(_, want)| want))
    .flatten()
    .filter(|want| want.chars().count() <= MAX_EXPECTED_CHARS)
    .map(str::to_owned);
    RequestError::InvalidField {
        pointer: here,
        expected,
        line,
        column,
    }
}

/// The text between `prefix` and the next backtick, if `msg` starts with `prefix`.
fn backticked_after(msg: &str, prefix: &str) -> Option<String> {
    let rest = msg.strip_prefix(prefix)?;
    let end = rest.find('`')?;
    Some(
        rest[..end]
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_KEY_CHARS)
            .collect(),
    )
}

/// Byte offset of a serde_json (line, column) position; column counts bytes.
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    let mut current = 1;
    for (i, b) in body.iter().enumerate() {
        if current == line {
            break;
        }
        if *b == b'\n' {
            current += 1;
            start = i + 1;
        }
    }
    (start + column).min(body.len())
}

/// One level of nesting while scanning.
enum Frame {
    /// Inside an object; the last key read, if any.
    Object(Option<String>),
    /// Inside an array; the index of the current element.
    Array(usize),
}

/// The JSON Pointer of the value being read at `offset`, from a forward scan of the
/// (syntactically valid up to there) prefix of the body.
fn pointer_at(body: &[u8], offset: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut awaiting_key = false;
    let mut i = 0;
    while i < offset {
        match body[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                awaiting_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                awaiting_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                awaiting_key = false;
            }
            b':' => awaiting_key = false,
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(_)) => awaiting_key = true,
                None => {}
            },
            b'"' => {
                let (text, end) = read_string(body, i + 1, offset);
                if awaiting_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = Some(text);
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    let mut pointer = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                pointer.push('/');
                pointer.push_str(&escape_segment(key));
            }
            Frame::Object(None) => {}
            Frame::Array(n) => {
                pointer.push('/');
                pointer.push_str(&n.to_string());
            }
        }
    }
    pointer
}

/// Reads a string starting after its opening quote; returns its (shortened,
/// unescaped) text and the index of the closing quote (or `limit`).
fn read_string(body: &[u8], mut i: usize, limit: usize) -> (String, usize) {
    let mut raw = Vec::new();
    while i < limit {
        match body[i] {
            b'"' => break,
            b'\\' if i + 1 < limit => {
                let esc = body[i + 1];
                i += 1;
                match esc {
                    b'n' | b'r' | b't' | b'b' | b'f' => {}
                    b'u' => {
                        let hex = body
                            .get(i + 1..i + 5)
                            .and_then(|h| std::str::from_utf8(h).ok());
                        let c = hex
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32)
                            .unwrap_or(char::REPLACEMENT_CHARACTER);
                        let mut buf = [0u8; 4];
                        raw.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += 4;
                    }
                    other => raw.push(other),
                }
            }
            b => raw.push(b),
        }
        i += 1;
    }
    let text = String::from_utf8_lossy(&raw)
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_KEY_CHARS)
        .collect();
    (text, i.min(limit))
}

/// Escapes a key for a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
fn escape_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        x: u32,
        y: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Order {
        a: Item,
        items: Vec<Item>,
        unit_code: u8,
    }

    const CT: Option<&str> = Some("application/json");

    fn parse(body: &str) -> Result<Order, RequestError> {
        parse_json_body(CT, body.as_bytes(), 4096)
    }

    #[test]
    fn accepts_a_good_body() {
        let o = parse(r#"{"a":{"x":1,"y":"s"},"items":[{"x":2,"y":"t"}],"unitCode":3}"#).unwrap();
        assert_eq!(
            o.items[0],
            Item {
                x: 2,
                y: "t".into()
            }
        );
        assert_eq!(o.unit_code, 3);
    }

    #[test]
    fn an_array_where_an_object_is_expected_is_400() {
        // serde alone fills a struct from an array, field by field.
        let positional = r#"[{"x":1,"y":"s"},[[2,"t"]],3]"#;
        assert!(serde_json::from_str::<Order>(positional).is_ok());
        assert_eq!(
            parse(positional),
            Err(RequestError::InvalidField {
                pointer: String::new(),
                expected: Some("a JSON object".into()),
                line: 1,
                column: 1
            })
        );
        // Nested: the pointer names the member.
        let e = parse(r#"{"a":[1,"s"],"items":[],"unitCode":3}"#).unwrap_err();
        assert!(
            matches!(&e, RequestError::InvalidField { pointer, expected: Some(x), .. }
                if pointer == "/a" && x == "a JSON object"),
            "{e:?}"
        );
        let e = parse(r#"{"a":{"x":1,"y":"s"},"items":[[2,"t"]],"unitCode":3}"#).unwrap_err();
        assert!(
            matches!(&e, RequestError::InvalidField { pointer, .. } if pointer == "/items/0"),
            "{e:?}"
        );
        for empty in ["[]", "[[]]"] {
            assert!(matches!(
                parse(empty),
                Err(RequestError::InvalidField { .. })
            ));
        }
        // Arrays stay arrays where arrays are expected, at any depth.
        let v: serde_json::Value = parse_json_body(CT, br#"[{"a":[1,[2]]}]"#, 100).unwrap();
        assert_eq!(v, serde_json::json!([{"a":[1,[2]]}]));
        let list: Vec<Item> = parse_json_body(CT, br#"[{"x":1,"y":"s"}]"#, 100).unwrap();
        assert_eq!(list.len(), 1);
        // Options, enums and trailing bytes behave as before.
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(rename_all = "snake_case")]
        enum Shape {
            Dot,
            Circle { r: u8 },
            Pair(u8, u8),
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Holder {
            item: Option<Item>,
            shapes: Vec<Shape>,
        }
        let h: Holder = parse_json_body(
            CT,
            br#"{"item":null,"shapes":["dot",{"circle":{"r":2}},{"pair":[1,2]}]}"#,
            200,
        )
        .unwrap();
        assert_eq!(h.shapes[1], Shape::Circle { r: 2 });
        assert!(parse_json_body::<Holder>(CT, br#"{"item":[1,"s"],"shapes":[]}"#, 200).is_err());
        assert!(
            parse_json_body::<Holder>(CT, br#"{"item":null,"shapes":[{"circle":[2]}]}"#, 200)
                .is_err()
        );
        assert!(matches!(
            parse_json_body::<Holder>(CT, br#"{"item":null,"shapes":[]} x"#, 200),
            Err(RequestError::MalformedJson { .. })
        ));
    }

    #[test]
    fn limit_is_413() {
        let body = br#"{"a":1}"#;
        assert_eq!(
            parse_json_body::<serde_json::Value>(CT, body, 6),
            Err(RequestError::BodyTooLarge { limit: 6 })
        );
        assert!(parse_json_body::<serde_json::Value>(CT, body, 7).is_ok());
    }

    #[test]
    fn media_type_is_415_unless_json() {
        let body = b"{}";
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert!(
                parse_json_body::<serde_json::Value>(Some(ok), body, 10).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            None,
            Some("text/plain"),
            Some("application/jsonx"),
            Some("application/json; charset=latin1"),
            Some("application/json; boundary=x"),
            Some("multipart/form-data"),
        ] {
            assert_eq!(
                parse_json_body::<serde_json::Value>(bad, body, 10),
                Err(RequestError::UnsupportedMediaType),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        assert_eq!(
            parse("{\n \"a\": }"),
            Err(RequestError::MalformedJson { line: 2, column: 7 })
        );
        assert_eq!(
            parse(""),
            Err(RequestError::MalformedJson { line: 1, column: 0 })
        );
    }

    #[test]
    fn missing_field_is_named_with_its_path() {
        assert_eq!(
            parse(r#"{"a":{"x":1},"items":[],"unitCode":3}"#),
            Err(RequestError::MissingField {
                pointer: "/a/y".into(),
                line: 1,
                column: 12
            })
        );
        assert_eq!(
            parse(r#"{"a":{"x":1,"y":"s"},"items":[]}"#),
            Err(RequestError::MissingField {
                pointer: "/unitCode".into(),
                line: 1,
                column: 32
            })
        );
        assert_eq!(
            parse(r#"{"a":{"x":1,"y":"s"},"items":[{"x":1,"y":"s"},{"y":"s"}],"unitCode":3}"#)
                .unwrap_err()
                .to_string(),
            "missing field /items/1/x"
        );
    }

    #[test]
    fn unknown_field_is_named() {
        assert_eq!(
            parse(r#"{"a":{"x":1,"y":"s","z":2},"items":[],"unitCode":3}"#),
            Err(RequestError::UnknownField {
                pointer: "/a/z".into(),
                line: 1,
                column: 23
            })
        );
        assert_eq!(
            parse("{\"a\":{\"x\":1,\"y\":\"s\"},\n\"it/ems~\":[]}"),
            Err(RequestError::UnknownField {
                pointer: "/it~1ems~0".into(),
                line: 2,
                column: 9
            })
        );
    }

    #[test]
    fn invalid_values_name_the_field_and_not_the_value() {
        let e = parse(r#"{"a":{"x":"secret-value","y":"s"},"items":[],"unitCode":3}"#).unwrap_err();
        assert_eq!(
            e,
            RequestError::InvalidField {
                pointer: "/a/x".into(),
                expected: Some("u32".into()),
                line: 1,
                column: 24
            }
        );
        assert!(!e.message_en().contains("secret-value"));
        assert!(!e.message_zh().contains("secret-value"));
        let e = parse(
            r#"{"a":{"x":1,"y":"s"},"items":[{"x":1,"y":"s"},{"x":-1,"y":"s"}],"unitCode":3}"#,
        );
        assert!(
            matches!(e, Err(RequestError::InvalidField { ref pointer, .. }) if pointer == "/items/1/x")
        );
        let e = parse(r#"{"a":{"x":1,"y":"s"},"items":{},"unitCode":3}"#);
        assert!(
            matches!(e, Err(RequestError::InvalidField { ref pointer, ref expected, .. })
                if pointer == "/items" && expected.as_deref() == Some("a sequence"))
        );
        let e = parse(r#"{"a":{"x":1,"y":"s"},"items":[],"unitCode":300}"#).unwrap_err();
        assert_eq!(
            e.message_en(),
            "Invalid value for field /unitCode; expected u8 (line 1, column 46)."
        );
    }

    #[test]
    fn escaped_keys_are_unescaped_in_pointers() {
        let e = parse(r#"{"a":{"x":1,"y":"s","\u007a\"":2},"items":[],"unitCode":3}"#).unwrap_err();
        assert!(
            matches!(e, RequestError::UnknownField { ref pointer, .. } if pointer == "/a/z\""),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_json_body::<Order>(CT, &body, 4096);
        }

        #[test]
        fn jsonish_bodies_never_panic(body in r#"[\{\}\[\]":,a-z0-9\\ \n]{0,120}"#) {
            let r = parse_json_body::<Order>(CT, body.as_bytes(), 4096);
            prop_assert!(r.is_err());
        }
    }
}
