//! The errors every HTTP handler shares, before any domain rule runs.

use super::{ApiError, FieldError, Lang};

/// Why a caller is not authenticated (the reason shown with a 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthFailure {
    /// No credential was presented.
    Missing,
    /// The credential is not in a form we can read.
    Malformed,
    /// The credential has expired.
    Expired,
    /// The credential is not valid yet (clock skew beyond tolerance).
    NotYetValid,
    /// The signature does not verify.
    BadSignature,
    /// The signed request was already seen (nonce reused).
    Replayed,
    /// No such credential is known.
    UnknownCredential,
    /// The credential was revoked.
    Revoked,
}

impl AuthFailure {
    /// The stable machine code of this reason.
    pub fn code(self) -> &'static str {
        match self {
            AuthFailure::Missing => "AUTH_MISSING",
            AuthFailure::Malformed => "AUTH_MALFORMED",
            AuthFailure::Expired => "AUTH_EXPIRED",
            AuthFailure::NotYetValid => "AUTH_NOT_YET_VALID",
            AuthFailure::BadSignature => "AUTH_BAD_SIGNATURE",
            AuthFailure::Replayed => "AUTH_REPLAYED",
            AuthFailure::UnknownCredential => "AUTH_UNKNOWN_CREDENTIAL",
            AuthFailure::Revoked => "AUTH_REVOKED",
        }
    }

    /// The reason in Chinese.
    pub fn message_zh(self) -> String {
        match self {
            AuthFailure::Missing => "未提供身份凭证。",
            AuthFailure::Malformed => "身份凭证格式不正确。",
            AuthFailure::Expired => "身份凭证已过期,请重新登录或重新签发。",
            AuthFailure::NotYetValid => "身份凭证尚未生效,请检查设备时钟。",
            AuthFailure::BadSignature => "签名校验失败。",
            AuthFailure::Replayed => "该签名请求已被使用过,请重新签名后再发送。",
            AuthFailure::UnknownCredential => "身份凭证无效。",
            AuthFailure::Revoked => "身份凭证已被吊销。",
        }
        .to_owned()
    }

    /// The reason in English.
    pub fn message_en(self) -> String {
        match self {
            AuthFailure::Missing => "No credential was presented.",
            AuthFailure::Malformed => "The credential is malformed.",
            AuthFailure::Expired => "The credential has expired; sign in or issue a new one.",
            AuthFailure::NotYetValid => "The credential is not valid yet; check the clock.",
            AuthFailure::BadSignature => "The signature does not verify.",
            AuthFailure::Replayed => "This signed request was already used; sign it anew.",
            AuthFailure::UnknownCredential => "The credential is not valid.",
            AuthFailure::Revoked => "The credential has been revoked.",
        }
        .to_owned()
    }
}

/// Errors of the HTTP boundary shared by every function.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is larger than the route accepts (413).
    #[error("body larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not `application/json` (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body is not well-formed JSON (400).
    #[error("malformed JSON at line {line} column {column}")]
    MalformedJson {
        /// 1-based line of the error.
        line: usize,
        /// Column (bytes into the line) of the error.
        column: usize,
    },
    /// A field has a value of the wrong type or out of range (400).
    #[error("invalid value at {pointer} (line {line} column {column})")]
    InvalidField {
        /// JSON Pointer to the field, empty when it cannot be located.
        pointer: String,
        /// What the field expects, from the schema (never the value sent).
        expected: Option<String>,
        /// 1-based line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
    },
    /// A field is not part of the request schema (400).
    #[error("unknown field {pointer}")]
    UnknownField {
        /// JSON Pointer to the unknown field.
        pointer: String,
        /// 1-based line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
    },
    /// A required field is absent (400).
    #[error("missing field {pointer}")]
    MissingField {
        /// JSON Pointer to where the field should be.
        pointer: String,
        /// 1-based line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
    },
    /// The route exists but not for this method (405).
    #[error("method not allowed")]
    MethodNotAllowed {
        /// Methods the route accepts (for the `Allow` header and the detail).
        allowed: Vec<String>,
    },
    /// Nothing here (404).
    #[error("not found")]
    NotFound,
    /// The caller is not authenticated (401).
    #[error("unauthenticated: {0:?}")]
    Unauthenticated(AuthFailure),
    /// The caller is authenticated but may not do this (403).
    #[error("forbidden")]
    Forbidden,
    /// The idempotency key was used before with a different request (409).
    #[error("idempotency key reused with a different request")]
    IdempotencyConflict,
    /// Too many requests; retry later (429).
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// A dependency is down; retry later (503).
    #[error("service unavailable")]
    ServiceUnavailable,
    /// Something failed on our side; the request id identifies it in our logs (500).
    #[error("internal error")]
    Internal,
}

impl RequestError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::BodyTooLarge { .. } => "REQ_BODY_TOO_LARGE",
            RequestError::UnsupportedMediaType => "REQ_UNSUPPORTED_MEDIA_TYPE",
            RequestError::MalformedJson { .. } => "REQ_JSON_MALFORMED",
            RequestError::InvalidField { .. } => "REQ_FIELD_INVALID",
            RequestError::UnknownField { .. } => "REQ_FIELD_UNKNOWN",
            RequestError::MissingField { .. } => "REQ_FIELD_MISSING",
            RequestError::MethodNotAllowed { .. } => "REQ_METHOD_NOT_ALLOWED",
            RequestError::NotFound => "REQ_NOT_FOUND",
            RequestError::Unauthenticated(reason) => reason.code(),
            RequestError::Forbidden => "REQ_FORBIDDEN",
            RequestError::IdempotencyConflict => "REQ_IDEMPOTENCY_CONFLICT",
            RequestError::RateLimited { .. } => "REQ_RATE_LIMITED",
            RequestError::ServiceUnavailable => "REQ_SERVICE_UNAVAILABLE",
            RequestError::Internal => "REQ_INTERNAL",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            RequestError::BodyTooLarge { .. } => 413,
            RequestError::UnsupportedMediaType => 415,
            RequestError::MalformedJson { .. }
            | RequestError::InvalidField { .. }
            | RequestError::UnknownField { .. }
            | RequestError::MissingField { .. } => 400,
            RequestError::MethodNotAllowed { .. } => 405,
            RequestError::NotFound => 404,
            RequestError::Unauthenticated(_) => 401,
            RequestError::Forbidden => 403,
            RequestError::IdempotencyConflict => 409,
            RequestError::RateLimited { .. } => 429,
            RequestError::ServiceUnavailable => 503,
            RequestError::Internal => 500,
        }
    }

    /// The short title in Chinese.
    pub fn title_zh(&self) -> &'static str {
        match self {
            RequestError::BodyTooLarge { .. } => "请求体过大",
            RequestError::UnsupportedMediaType => "不支持的媒体类型",
            RequestError::MalformedJson { .. } => "JSON 格式错误",
            RequestError::InvalidField { .. } => "字段值无效",
            RequestError::UnknownField { .. } => "未知字段",
            RequestError::MissingField { .. } => "缺少必填字段",
            RequestError::MethodNotAllowed { .. } => "不允许的请求方法",
            RequestError::NotFound => "未找到",
            RequestError::Unauthenticated(_) => "未通过身份认证",
            RequestError::Forbidden => "无权访问",
            RequestError::IdempotencyConflict => "幂等键冲突",
            RequestError::RateLimited { .. } => "请求过于频繁",
            RequestError::ServiceUnavailable => "服务暂不可用",
            RequestError::Internal => "服务器内部错误",
        }
    }

    /// The short title in English.
    pub fn title_en(&self) -> &'static str {
        match self {
            RequestError::BodyTooLarge { .. } => "Payload too large",
            RequestError::UnsupportedMediaType => "Unsupported media type",
            RequestError::MalformedJson { .. } => "Malformed JSON",
            RequestError::InvalidField { .. } => "Invalid field value",
            RequestError::UnknownField { .. } => "Unknown field",
            RequestError::MissingField { .. } => "Missing required field",
            RequestError::MethodNotAllowed { .. } => "Method not allowed",
            RequestError::NotFound => "Not found",
            RequestError::Unauthenticated(_) => "Unauthenticated",
            RequestError::Forbidden => "Forbidden",
            RequestError::IdempotencyConflict => "Idempotency key conflict",
            RequestError::RateLimited { .. } => "Too many requests",
            RequestError::ServiceUnavailable => "Service unavailable",
            RequestError::Internal => "Internal server error",
        }
    }

    /// The detail in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            RequestError::BodyTooLarge { limit } => format!("请求体不能超过 {limit} 字节。"),
            RequestError::UnsupportedMediaType => {
                "请求体必须是 JSON,请设置 Content-Type: application/json。".to_owned()
            }
            RequestError::MalformedJson { line, column } => {
                format!("JSON 格式错误,位于第 {line} 行第 {column} 列。")
            }
            RequestError::InvalidField {
                pointer,
                expected,
                line,
                column,
            } => {
                let want = expected
                    .as_ref()
                    .map(|e| format!(",应为 {e}"))
                    .unwrap_or_default();
                format!(
                    "字段 {} 的值无效{want}(第 {line} 行第 {column} 列)。",
                    show(pointer)
                )
            }
            RequestError::UnknownField {
                pointer,
                line,
                column,
            } => {
                format!(
                    "不认识的字段 {}(第 {line} 行第 {column} 列)。",
                    show(pointer)
                )
            }
            RequestError::MissingField {
                pointer,
                line,
                column,
            } => {
                format!(
                    "缺少必填字段 {}(第 {line} 行第 {column} 列)。",
                    show(pointer)
                )
            }
            RequestError::MethodNotAllowed { allowed } => {
                format!("该地址只接受以下方法:{}。", allowed.join(", "))
            }
            RequestError::NotFound => "请求的资源不存在。".to_owned(),
            RequestError::Unauthenticated(reason) => reason.message_zh(),
            RequestError::Forbidden => "当前身份无权执行此操作。".to_owned(),
            RequestError::IdempotencyConflict => {
                "该幂等键已用于另一个不同的请求,请换一个新的幂等键。".to_owned()
            }
            RequestError::RateLimited { retry_after_secs } => {
                format!("请求过于频繁,请在 {retry_after_secs} 秒后重试。")
            }
            RequestError::ServiceUnavailable => "服务暂时不可用,请稍后重试。".to_owned(),
            RequestError::Internal => "服务器处理出错,请凭请求编号联系我们。".to_owned(),
        }
    }

    /// The detail in English.
    pub fn message_en(&self) -> String {
        match self {
            RequestError::BodyTooLarge { limit } => {
                format!("The request body must not exceed {limit} bytes.")
            }
            RequestError::UnsupportedMediaType => {
                "The body must be JSON with Content-Type: application/json.".to_owned()
            }
            RequestError::MalformedJson { line, column } => {
                format!("Malformed JSON at line {line}, column {column}.")
            }
            RequestError::InvalidField {
                pointer,
                expected,
                line,
                column,
            } => {
                let want = expected
                    .as_ref()
                    .map(|e| format!("; expected {e}"))
                    .unwrap_or_default();
                format!(
                    "Invalid value for field {}{want} (line {line}, column {column}).",
                    show(pointer)
                )
            }
            RequestError::UnknownField {
                pointer,
                line,
                column,
            } => {
                format!(
                    "Unknown field {} (line {line}, column {column}).",
                    show(pointer)
                )
            }
            RequestError::MissingField {
                pointer,
                line,
                column,
            } => {
                format!(
                    "Missing required field {} (line {line}, column {column}).",
                    show(pointer)
                )
            }
            RequestError::MethodNotAllowed { allowed } => {
                format!("This resource accepts only: {}.", allowed.join(", "))
            }
            RequestError::NotFound => "The requested resource does not exist.".to_owned(),
            RequestError::Unauthenticated(reason) => reason.message_en(),
            RequestError::Forbidden => "You are not allowed to do this.".to_owned(),
            RequestError::IdempotencyConflict => {
                "This idempotency key was used for a different request; use a new key.".to_owned()
            }
            RequestError::RateLimited { retry_after_secs } => {
                format!("Too many requests; retry in {retry_after_secs} seconds.")
            }
            RequestError::ServiceUnavailable => {
                "The service is temporarily unavailable; retry later.".to_owned()
            }
            RequestError::Internal => {
                "Something went wrong on our side; quote the request id to support.".to_owned()
            }
        }
    }
}

/// How a pointer is shown in a message: the root document is `/`.
fn show(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

impl ApiError for RequestError {
    fn status(&self) -> u16 {
        RequestError::status(self)
    }

    fn code(&self) -> &'static str {
        RequestError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick(self.title_zh(), self.title_en()).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        match self {
            RequestError::InvalidField { pointer, .. }
            | RequestError::UnknownField { pointer, .. }
            | RequestError::MissingField { pointer, .. } => vec![FieldError {
                pointer: pointer.clone(),
                code: RequestError::code(self).to_owned(),
                message: lang.pick(self.message_zh(), self.message_en()),
            }],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    fn all() -> Vec<RequestError> {
        vec![
            RequestError::BodyTooLarge { limit: 1024 },
            RequestError::UnsupportedMediaType,
            RequestError::MalformedJson { line: 1, column: 2 },
            RequestError::InvalidField {
                pointer: "/a".into(),
                expected: None,
                line: 1,
                column: 2,
            },
            RequestError::UnknownField {
                pointer: "/a".into(),
                line: 1,
                column: 2,
            },
            RequestError::MissingField {
                pointer: "/a".into(),
                line: 1,
                column: 2,
            },
            RequestError::MethodNotAllowed {
                allowed: vec!["GET".into()],
            },
            RequestError::NotFound,
            RequestError::Unauthenticated(AuthFailure::Expired),
            RequestError::Forbidden,
            RequestError::IdempotencyConflict,
            RequestError::RateLimited {
                retry_after_secs: 30,
            },
            RequestError::ServiceUnavailable,
            RequestError::Internal,
        ]
    }

    #[test]
    fn statuses_and_codes() {
        let got: Vec<(u16, &str)> = all().iter().map(|e| (e.status(), e.code())).collect();
        assert_eq!(
            got,
            vec![
                (413, "REQ_BODY_TOO_LARGE"),
                (415, "REQ_UNSUPPORTED_MEDIA_TYPE"),
                (400, "REQ_JSON_MALFORMED"),
                (400, "REQ_FIELD_INVALID"),
                (400, "REQ_FIELD_UNKNOWN"),
                (400, "REQ_FIELD_MISSING"),
                (405, "REQ_METHOD_NOT_ALLOWED"),
                (404, "REQ_NOT_FOUND"),
                (401, "AUTH_EXPIRED"),
                (403, "REQ_FORBIDDEN"),
                (409, "REQ_IDEMPOTENCY_CONFLICT"),
                (429, "REQ_RATE_LIMITED"),
                (503, "REQ_SERVICE_UNAVAILABLE"),
                (500, "REQ_INTERNAL"),
            ]
        );
    }

    #[test]
    fn both_languages_differ_and_are_nonempty() {
        for e in all() {
            assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
            assert_ne!(e.message_zh(), e.message_en(), "{e:?}");
            assert_ne!(e.title_zh(), e.title_en(), "{e:?}");
        }
    }

    #[test]
    fn field_error_problem_names_the_field() {
        let e = RequestError::MissingField {
            pointer: "/unitCode".into(),
            line: 1,
            column: 17,
        };
        let p = Problem::from_error(&e, Lang::En, Some("req-1"));
        let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["code"], "REQ_FIELD_MISSING");
        assert_eq!(
            v["type"],
            "https://yingshang.dev/problems/req-field-missing"
        );
        assert_eq!(v["title"], "Missing required field");
        assert_eq!(
            v["detail"],
            "Missing required field /unitCode (line 1, column 17)."
        );
        assert_eq!(v["errors"][0]["pointer"], "/unitCode");
        assert_eq!(v["errors"][0]["code"], "REQ_FIELD_MISSING");
        let zh = Problem::from_error(&e, Lang::ZhCn, None);
        assert_eq!(zh.title, "缺少必填字段");
        assert_eq!(zh.detail, "缺少必填字段 /unitCode(第 1 行第 17 列)。");
    }

    #[test]
    fn unauthenticated_carries_the_reason() {
        let e = RequestError::Unauthenticated(AuthFailure::BadSignature);
        assert_eq!(e.code(), "AUTH_BAD_SIGNATURE");
        assert_eq!(e.detail(Lang::En), "The signature does not verify.");
        assert_eq!(e.detail(Lang::ZhCn), "签名校验失败。");
    }
}
