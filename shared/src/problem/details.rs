//! The problem document (RFC 9457) and the trait errors implement to become one.

use serde::{Deserialize, Serialize};

use super::Lang;

/// The media type of a problem answer.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Where problem type URIs live; a code's page is `<base><code-in-lower-kebab>`.
pub const PROBLEM_TYPE_BASE: &str = "https://yingshang.dev/problems/";

/// An error that can be answered to a caller: status, stable code, and texts.
///
/// Implementors write texts for the caller only: no secret, no SQL, no stack, no
/// internal identifier. The code is stable (clients and dashboards key on it).
pub trait ApiError {
    /// The HTTP status (400–599).
    fn status(&self) -> u16;
    /// The stable machine code, upper snake case, e.g. `REQ_BODY_TOO_LARGE`.
    fn code(&self) -> &'static str;
    /// A short summary of the kind of problem, the same for every occurrence.
    fn title(&self, lang: Lang) -> String;
    /// What went wrong in this occurrence, and how to fix it if the caller can.
    fn detail(&self, lang: Lang) -> String;
    /// Field-level errors, for a request that names which input is wrong.
    fn errors(&self, _lang: Lang) -> Vec<FieldError> {
        Vec::new()
    }
}

/// One field-level error inside a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON Pointer (RFC 6901) to the field, e.g. `/items/1/price`; empty for the
    /// whole document.
    pub pointer: String,
    /// Stable machine code of the field error.
    pub code: String,
    /// Human message in the answer's language.
    pub message: String,
}

/// An RFC 9457 problem details document, extended with `code` and `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The problem type URI (`https://yingshang.dev/problems/<code-lower-kebab>`).
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short, occurrence-independent summary.
    pub title: String,
    /// The HTTP status, repeated in the body.
    pub status: u16,
    /// Occurrence-specific explanation.
    pub detail: String,
    /// Stable machine code.
    pub code: String,
    /// The request id, so a caller can quote it to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Field-level errors, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// Builds the problem for an error, in a language, for a request id.
    pub fn from_error(error: &dyn ApiError, lang: Lang, request_id: Option<&str>) -> Problem {
        let code = error.code();
        Problem {
            type_uri: type_uri(code),
            title: error.title(lang),
            status: error.status(),
            detail: error.detail(lang),
            code: code.to_owned(),
            instance: request_id.map(str::to_owned),
            errors: error.errors(lang),
        }
    }

    /// The JSON body. Serialising plain strings and numbers cannot fail; should it
    /// ever, a fixed minimal problem is returned rather than a panic.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            String::from(
                r#"{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"","code":"INTERNAL"}"#,
            )
        })
    }
}

/// The type URI of a code: `REQ_BODY_TOO_LARGE` →
/// `https://yingshang.dev/problems/req-body-too-large`.
pub fn type_uri(code: &str) -> String {
    let mut uri = String::with_capacity(PROBLEM_TYPE_BASE.len() + code.len());
    uri.push_str(PROBLEM_TYPE_BASE);
    for c in code.chars() {
        match c {
            '_' | ' ' => uri.push('-'),
            c if c.is_ascii_alphanumeric() || c == '-' => uri.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Teapot;
    impl ApiError for Teapot {
        fn status(&self) -> u16 {
            418
        }
        fn code(&self) -> &'static str {
            "TEA_POT_FULL"
        }
        fn title(&self, lang: Lang) -> String {
            lang.pick("茶壶已满", "Teapot full").to_owned()
        }
        fn detail(&self, lang: Lang) -> String {
            lang.pick("请稍后再试。", "Try again later.").to_owned()
        }
    }

    #[test]
    fn type_uri_is_lower_kebab() {
        assert_eq!(
            type_uri("REQ_BODY_TOO_LARGE"),
            "https://yingshang.dev/problems/req-body-too-large"
        );
        assert_eq!(type_uri("A/../B"), "https://yingshang.dev/problems/ab");
    }

    #[test]
    fn problem_json_shape() {
        let p = Problem::from_error(&Teapot, Lang::En, Some("01HZX3"));
        let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "type": "https://yingshang.dev/problems/tea-pot-full",
                "title": "Teapot full",
                "status": 418,
                "detail": "Try again later.",
                "code": "TEA_POT_FULL",
                "instance": "01HZX3"
            })
        );
        let zh = Problem::from_error(&Teapot, Lang::ZhCn, None);
        assert_eq!(zh.title, "茶壶已满");
        let v: serde_json::Value = serde_json::from_str(&zh.to_json()).unwrap();
        assert!(v.get("instance").is_none());
        assert!(v.get("errors").is_none());
        let back: Problem = serde_json::from_str(&zh.to_json()).unwrap();
        assert_eq!(back, zh);
    }
}
