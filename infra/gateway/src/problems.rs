//! The answers the gateway writes itself — no route, a component that failed or ran
//! out of time, a request body that did not arrive, a gateway shutting down — as RFC 9457 problem+json, the shape every
//! function answers with: the core's [`Problem`], in the language the core's
//! [`Lang::from_accept_language`] negotiates, so a caller sees one body shape and one
//! language whichever side of the gateway the error came from.
//!
//! [`GatewayError`] is the boundary's one error enum; [`answer`] is the one place it
//! becomes a status and a body. Nothing here logs: the cause of a 500 is logged where
//! it happens, and the answer names only the request id.

use crate::server::full;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use wasmtime_wasi_http::WasiBody;
use yingshang_core::problem::{ApiError, Lang, PROBLEM_CONTENT_TYPE, Problem};

/// An error the gateway answers for, without a component's say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayError {
    /// No route (nor well-known endpoint) matches the path: 404, the status Spin
    /// answers, here with a body.
    RouteNotFound,
    /// The `Host` header does not make a valid request URL: 400.
    InvalidHost,
    /// A route names a component that has no handler: 500.
    NoComponent,
    /// The gateway is shutting down and takes no more requests: 503.
    ShuttingDown,
    /// The component trapped, panicked, ran out of memory or failed otherwise: 500.
    ComponentFailed,
    /// The component did not answer within the request time limit: 504.
    Timeout,
    /// The request body did not arrive in time (see [`crate::body_limit`]): 408.
    BodyTimeout,
}

impl GatewayError {
    /// The HTTP status.
    pub fn status_code(self) -> StatusCode {
        match self {
            GatewayError::RouteNotFound => StatusCode::NOT_FOUND,
            GatewayError::InvalidHost => StatusCode::BAD_REQUEST,
            GatewayError::NoComponent | GatewayError::ComponentFailed => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            GatewayError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            GatewayError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            GatewayError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// (title, detail) in Chinese and in English.
    fn texts(self) -> [(&'static str, &'static str); 2] {
        match self {
            GatewayError::RouteNotFound => [
                ("未找到", "没有服务处理该路径，请检查请求地址。"),
                (
                    "Not found",
                    "No service is routed at this path; check the request URL.",
                ),
            ],
            GatewayError::InvalidHost => [
                ("请求地址无效", "Host 请求头不是有效的主机地址。"),
                (
                    "Invalid request address",
                    "The Host header is not a valid host and port.",
                ),
            ],
            GatewayError::Timeout => [
                ("处理超时", "服务未能在时限内完成处理，请稍后重试。"),
                (
                    "Request timed out",
                    "The service did not finish within its time limit; please retry later.",
                ),
            ],
            GatewayError::BodyTimeout => [
                ("请求体超时", "请求内容未能在时限内送达，请检查网络后重试。"),
                (
                    "Request body timed out",
                    "The request body did not arrive within the time limit; check the connection and retry.",
                ),
            ],
            GatewayError::ShuttingDown => [
                ("服务繁忙", "服务暂时无法处理请求，请稍后重试。"),
                (
                    "Service busy",
                    "The service cannot take the request now; please retry later.",
                ),
            ],
            GatewayError::NoComponent | GatewayError::ComponentFailed => [
                (
                    "服务内部错误",
                    "服务处理请求时发生内部错误，请凭请求编号联系运维。",
                ),
                (
                    "Internal error",
                    "The service failed while handling the request; quote the request id to the operators.",
                ),
            ],
        }
    }
}

impl ApiError for GatewayError {
    fn status(&self) -> u16 {
        self.status_code().as_u16()
    }

    fn code(&self) -> &'static str {
        match self {
            GatewayError::RouteNotFound => "GATEWAY_ROUTE_NOT_FOUND",
            GatewayError::InvalidHost => "GATEWAY_INVALID_HOST",
            GatewayError::NoComponent => "GATEWAY_NO_COMPONENT",
            GatewayError::ShuttingDown => "GATEWAY_SHUTTING_DOWN",
            GatewayError::ComponentFailed => "GATEWAY_COMPONENT_FAILED",
            GatewayError::Timeout => "GATEWAY_TIMEOUT",
            GatewayError::BodyTimeout => "GATEWAY_BODY_TIMEOUT",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let [zh, en] = self.texts();
        lang.pick(zh, en).0.to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        let [zh, en] = self.texts();
        lang.pick(zh, en).1.to_owned()
    }
}

/// The caller's language, negotiated from `Accept-Language` by the core's one rule
/// (the rule every function applies too).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The answer for `error`: its status, the core's problem+json body in `lang`, and
/// `Content-Language`, naming the request id when there is one.
pub fn answer(error: GatewayError, lang: Lang, request_id: Option<&str>) -> Response<WasiBody> {
    let problem = Problem::from_error(&error, lang, request_id);
    let mut response = full(error.status_code(), PROBLEM_CONTENT_TYPE, problem.to_json());
    response.headers_mut().insert(
        http::header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    const ALL: [GatewayError; 7] = [
        GatewayError::RouteNotFound,
        GatewayError::InvalidHost,
        GatewayError::NoComponent,
        GatewayError::ShuttingDown,
        GatewayError::ComponentFailed,
        GatewayError::Timeout,
        GatewayError::BodyTimeout,
    ];

    #[test]
    fn statuses_and_codes_are_stable() {
        let got: Vec<(u16, &str)> = ALL.iter().map(|e| (e.status(), e.code())).collect();
        assert_eq!(
            got,
            [
                (404, "GATEWAY_ROUTE_NOT_FOUND"),
                (400, "GATEWAY_INVALID_HOST"),
                (500, "GATEWAY_NO_COMPONENT"),
                (503, "GATEWAY_SHUTTING_DOWN"),
                (500, "GATEWAY_COMPONENT_FAILED"),
                (504, "GATEWAY_TIMEOUT"),
                (408, "GATEWAY_BODY_TIMEOUT"),
            ]
        );
    }

    #[test]
    fn both_languages_are_written() {
        for e in ALL {
            for lang in [Lang::ZhCn, Lang::En] {
                assert!(!e.title(lang).is_empty() && !e.detail(lang).is_empty());
            }
            assert_ne!(e.title(Lang::ZhCn), e.title(Lang::En), "{e:?}");
            assert_ne!(e.detail(Lang::ZhCn), e.detail(Lang::En), "{e:?}");
            assert!(e.detail(Lang::En).is_ascii(), "{e:?}");
        }
    }

    #[test]
    fn the_language_is_the_cores_negotiation() {
        let lang = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                http::header::ACCEPT_LANGUAGE,
                HeaderValue::from_str(v).unwrap(),
            );
            lang_of(&h)
        };
        assert_eq!(lang_of(&HeaderMap::new()), Lang::ZhCn);
        // English is not first here, yet it is the only language both sides offer.
        assert_eq!(lang("fr, en;q=0.8"), Lang::En);
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::ZhCn);
        assert_eq!(lang("en;q=0.5, zh-TW;q=0.6"), Lang::ZhCn);
        for v in ["fr, en;q=0.8", "en", "de", "zh, en", "en;q=0", "en, zh"] {
            assert_eq!(lang(v), Lang::from_accept_language(Some(v)), "{v}");
        }
    }

    #[tokio::test]
    async fn the_answer_is_the_cores_problem() {
        let r = answer(GatewayError::Timeout, Lang::En, Some("abc-1"));
        assert_eq!(r.status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(r.headers()["content-type"], PROBLEM_CONTENT_TYPE);
        assert_eq!(r.headers()["content-language"], "en");
        let body = r.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "type": "https://yingshang.dev/problems/gateway-timeout",
                "title": "Request timed out",
                "status": 504,
                "detail": "The service did not finish within its time limit; please retry later.",
                "code": "GATEWAY_TIMEOUT",
                "instance": "abc-1",
            })
        );
        let p: Problem = serde_json::from_value(v).unwrap();
        assert_eq!(
            p,
            Problem::from_error(&GatewayError::Timeout, Lang::En, Some("abc-1"))
        );

        let r = answer(GatewayError::RouteNotFound, Lang::ZhCn, None);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["content-language"], "zh-CN");
        let body = r.into_body().collect().await.unwrap().to_bytes();
        let p: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(p.code, "GATEWAY_ROUTE_NOT_FOUND");
        assert_eq!(p.title, "未找到");
        assert_eq!(p.instance, None);
    }
}
