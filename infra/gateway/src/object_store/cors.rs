//! Cross-origin requests to the embedded store, answered as S3 answers them for a
//! bucket with a CORS configuration. The pages upload photos straight to the store
//! with a presigned PUT, from the gateway's origin — another port, so another
//! origin: the browser first sends a preflight `OPTIONS` (the PUT carries signed
//! headers such as `x-amz-checksum-sha256`), and reads the answer's `ETag` only if
//! the store exposes it.
//!
//! s3s serves no `OPTIONS` and sends no CORS headers, so the store's service is
//! wrapped: a preflight is judged against [`RULE`] (S3's `CORSRule`: allowed origins,
//! methods and headers, exposed headers, max age) and answered 200 with the
//! `Access-Control-Allow-*` headers, or 403 `CORSResponse` as S3 does when no rule
//! matches; an actual request from an allowed origin gets `Access-Control-Allow-Origin`
//! and `Access-Control-Expose-Headers` on whatever s3s answers (the signature is still
//! checked: CORS only lets the browser read the answer).
//!
//! The embedded store runs only locally, on loopback, behind a gateway on loopback:
//! the rule allows loopback origins (`http://127.0.0.1:<port>`, `http://localhost:<port>`,
//! `http://[::1]:<port>`). A real store gets its bucket's CORS configuration from
//! whoever deploys it (docs/object-storage.md).

use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};

/// The embedded store's one CORS rule.
pub struct CorsRule {
    /// Methods a cross-origin request may use.
    pub allowed_methods: &'static [&'static str],
    /// Request headers a cross-origin request may carry (`*` at the end: a prefix).
    pub allowed_headers: &'static [&'static str],
    /// Answer headers the page may read.
    pub expose_headers: &'static str,
    /// How long the browser may keep a preflight's answer (seconds).
    pub max_age_s: u32,
}

/// Uploads (presigned PUT) and reads (presigned GET/HEAD) from the pages.
pub const RULE: CorsRule = CorsRule {
    allowed_methods: &["GET", "PUT", "HEAD"],
    allowed_headers: &[
        "content-type",
        "content-md5",
        "cache-control",
        "range",
        "x-amz-*",
    ],
    expose_headers: "ETag, x-amz-checksum-sha256, x-amz-request-id",
    max_age_s: 3000,
};

/// Whether `origin` is a loopback origin (`http` or `https`, any port).
pub fn allowed_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = if let Some(v6) = rest.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, port)) if port.is_empty() || valid_port(port) => return h == "::1",
            _ => return false,
        }
    } else {
        match rest.split_once(':') {
            Some((h, port)) if valid_port(port) => h,
            Some(_) => return false,
            None => rest,
        }
    };
    host == "localhost" || host == "127.0.0.1"
}

fn valid_port(colon_port: &str) -> bool {
    colon_port
        .strip_prefix(':')
        .unwrap_or(colon_port)
        .parse::<u16>()
        .is_ok_and(|p| p > 0)
        && colon_port
            .trim_start_matches(':')
            .bytes()
            .all(|b| b.is_ascii_digit())
}

impl CorsRule {
    fn allows_method(&self, method: &str) -> bool {
        self.allowed_methods.contains(&method)
    }

    fn allows_header(&self, header: &str) -> bool {
        let header = header.trim().to_ascii_lowercase();
        self.allowed_headers
            .iter()
            .any(|a| match a.strip_suffix('*') {
                Some(prefix) => header.starts_with(prefix),
                None => header == *a,
            })
    }
}

/// The answer to a preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`): its status and headers.
pub fn preflight(headers: &HeaderMap) -> (StatusCode, Vec<(&'static str, String)>) {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = text("origin").unwrap_or("");
    let method = text("access-control-request-method").unwrap_or("");
    let requested = text("access-control-request-headers").unwrap_or("");
    let vary = (
        "vary",
        "Origin, Access-Control-Request-Headers, Access-Control-Request-Method".to_owned(),
    );
    let headers_ok = requested
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .all(|h| RULE.allows_header(h));
    if !allowed_origin(origin) || !RULE.allows_method(method) || !headers_ok {
        return (StatusCode::FORBIDDEN, vec![vary]);
    }
    let mut out = vec![
        ("access-control-allow-origin", origin.to_owned()),
        (
            "access-control-allow-methods",
            RULE.allowed_methods.join(", "),
        ),
        ("access-control-max-age", RULE.max_age_s.to_string()),
        (
            "access-control-expose-headers",
            RULE.expose_headers.to_owned(),
        ),
        vary,
    ];
    if !requested.trim().is_empty() {
        out.push(("access-control-allow-headers", requested.to_owned()));
    }
    (StatusCode::OK, out)
}

/// Whether a request is a CORS preflight.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key("origin")
        && headers.contains_key("access-control-request-method")
}

/// S3's refusal of a preflight no rule allows.
pub const REFUSED_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessForbidden</Code>\
<Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, \
request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the \
resource's CORS spec.</Message></Error>";

/// The preflight's answer as an HTTP response.
pub fn preflight_response<B: From<String>>(headers: &HeaderMap) -> Response<B> {
    let (status, pairs) = preflight(headers);
    let body = if status == StatusCode::OK {
        String::new()
    } else {
        REFUSED_XML.to_owned()
    };
    let mut response = Response::new(B::from(body));
    *response.status_mut() = status;
    if status != StatusCode::OK {
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("application/xml"));
    }
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, v);
        }
    }
    response
}

/// Adds the CORS headers of an actual request from an allowed origin to its answer.
pub fn decorate(origin: Option<&HeaderValue>, answer: &mut HeaderMap) {
    let Some(origin) = origin.filter(|o| o.to_str().is_ok_and(allowed_origin)) else {
        return;
    };
    answer.insert("access-control-allow-origin", origin.clone());
    answer.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(RULE.expose_headers),
    );
    answer.append("vary", HeaderValue::from_static("Origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn header<'a>(pairs: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn only_loopback_origins() {
        for good in [
            "http://127.0.0.1:3000",
            "http://localhost:5173",
            "http://localhost",
            "https://127.0.0.1:8443",
            "http://[::1]:3000",
        ] {
            assert!(allowed_origin(good), "{good}");
        }
        for bad in [
            "",
            "null",
            "http://evil.example",
            "http://127.0.0.1.evil.example:3000",
            "http://localhost.evil:80",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:30a0",
            "ftp://127.0.0.1:21",
            "http://[::2]:80",
            "http://[::1]x",
        ] {
            assert!(!allowed_origin(bad), "{bad}");
        }
    }

    #[test]
    fn a_pages_upload_preflight_is_allowed() {
        let (status, h) = preflight(&map(&[
            ("origin", "http://127.0.0.1:3000"),
            ("access-control-request-method", "PUT"),
            (
                "access-control-request-headers",
                "content-type,x-amz-checksum-sha256",
            ),
        ]));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            header(&h, "access-control-allow-origin"),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(
            header(&h, "access-control-allow-headers"),
            Some("content-type,x-amz-checksum-sha256")
        );
        assert!(
            header(&h, "access-control-allow-methods")
                .unwrap()
                .contains("PUT")
        );
        assert!(
            header(&h, "access-control-expose-headers")
                .unwrap()
                .contains("ETag")
        );
    }

    #[test]
    fn foreign_origins_methods_and_headers_are_refused() {
        for asked in [
            [
                ("origin", "https://evil.example"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "content-type"),
            ],
            [
                ("origin", "http://127.0.0.1:3000"),
                ("access-control-request-method", "DELETE"),
                ("access-control-request-headers", "content-type"),
            ],
            [
                ("origin", "http://127.0.0.1:3000"),
                ("access-control-request-method", "PUT"),
                (
                    "access-control-request-headers",
                    "content-type,authorization",
                ),
            ],
        ] {
            let (status, h) = preflight(&map(&asked));
            assert_eq!(status, StatusCode::FORBIDDEN, "{asked:?}");
            assert_eq!(header(&h, "access-control-allow-origin"), None);
        }
        let r: Response<String> = preflight_response(&map(&[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
        ]));
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.body().contains("CORSResponse"));
    }

    #[test]
    fn answers_to_allowed_origins_are_readable() {
        let mut answer = HeaderMap::new();
        decorate(
            Some(&HeaderValue::from_static("http://localhost:3000")),
            &mut answer,
        );
        assert_eq!(
            answer["access-control-allow-origin"],
            "http://localhost:3000"
        );
        let mut answer = HeaderMap::new();
        decorate(
            Some(&HeaderValue::from_static("https://evil.example")),
            &mut answer,
        );
        decorate(None, &mut answer);
        assert!(answer.is_empty());
    }
}
