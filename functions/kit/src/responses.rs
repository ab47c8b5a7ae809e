//! Answers: JSON documents and RFC 9457 problem+json built from the core's
//! [`Problem`] and [`ApiError`]. Nothing here logs: an internal failure is logged
//! where it happens ([`RequestContext::internal`]), the answer only says "internal".

use crate::context::RequestContext;
use serde::Serialize;
use spin_sdk::http::Response;
use yingshang_core::problem::{
    ApiError, JSON_CONTENT_TYPE, Lang, PROBLEM_CONTENT_TYPE, Problem, RequestError,
};

/// What every handler answers: an HTTP response with its whole body in memory.
pub type Answer = Response<Body>;

/// An answer's body: text (JSON, CSV, XML) or bytes (a PNG), sent as one frame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body(Vec<u8>);

impl Body {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body(text.into_bytes())
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body(bytes)
    }
}

impl http_body::Body for Body {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let data = std::mem::take(&mut self.0);
        std::task::Poll::Ready((!data.is_empty()).then(|| Ok(http_body::Frame::data(data.into()))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.0.len() as u64)
    }
}

/// A JSON answer with `status`.
pub fn json<T: Serialize + ?Sized>(ctx: &RequestContext, status: u16, value: &T) -> Answer {
    match serde_json::to_string(value) {
        Ok(body) => raw(ctx, status, JSON_CONTENT_TYPE, body, &[]),
        Err(e) => problem(ctx, &ctx.internal("serialising the answer", e), &[]),
    }
}

/// A problem+json answer for an error, in the caller's language, naming the request.
pub fn problem(ctx: &RequestContext, error: &dyn ApiError, headers: &[(&str, String)]) -> Answer {
    let p = Problem::from_error(error, ctx.lang, Some(&ctx.request_id));
    raw(ctx, p.status, PROBLEM_CONTENT_TYPE, p.to_json(), headers)
}

/// An answer with a body of a given media type (used to replay stored answers too).
pub fn raw(
    ctx: &RequestContext,
    status: u16,
    content_type: &str,
    body: impl Into<Body>,
    headers: &[(&str, String)],
) -> Answer {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("content-language", ctx.lang.tag())
        .header("x-request-id", ctx.request_id.as_str());
    for (name, value) in headers {
        builder = builder.header(*name, value.as_str());
    }
    builder.body(body.into()).unwrap_or_else(|_| {
        // Only an invalid header could fail; answer a bare 500 rather than panic.
        let mut r = Response::new(Body::default());
        *r.status_mut() = spin_sdk::http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

/// A failure on our side. Its answer is a 500 that names only the request id; the
/// cause was logged by [`RequestContext::internal`] when it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Internal;

impl ApiError for Internal {
    fn status(&self) -> u16 {
        500
    }
    fn code(&self) -> &'static str {
        RequestError::Internal.code()
    }
    fn title(&self, lang: Lang) -> String {
        lang.pick(
            RequestError::Internal.title_zh(),
            RequestError::Internal.title_en(),
        )
        .to_owned()
    }
    fn detail(&self, lang: Lang) -> String {
        lang.pick(
            RequestError::Internal.message_zh(),
            RequestError::Internal.message_en(),
        )
    }
}

/// Any error a handler answers, with the headers its answer needs (`Allow`,
/// `Retry-After`). Every [`ApiError`] converts into it, so handlers use `?`.
pub struct Failure {
    error: Box<dyn ApiError>,
    headers: Vec<(&'static str, String)>,
}

impl<E: ApiError + 'static> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure {
            error: Box::new(error),
            headers: Vec::new(),
        }
    }
}

impl Failure {
    /// A 405 with the `Allow` header listing `allowed`.
    pub fn method_not_allowed(allowed: &[&str]) -> Failure {
        let allowed: Vec<String> = allowed.iter().map(|m| (*m).to_owned()).collect();
        let header = allowed.join(", ");
        Failure {
            error: Box::new(RequestError::MethodNotAllowed { allowed }),
            headers: vec![("allow", header)],
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.error.status()
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// The problem+json answer.
    pub fn respond(&self, ctx: &RequestContext) -> Answer {
        let headers: Vec<(&str, String)> =
            self.headers.iter().map(|(n, v)| (*n, v.clone())).collect();
        problem(ctx, self.error.as_ref(), &headers)
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Failure({} {})", self.status(), self.code())
    }
}
