//! Service chaining (`http://<component>.spin.internal`, each host in the calling
//! component's `allowed_outbound_hosts`): one request to another function of the
//! application with the caller's language and request id, its answer read with a
//! bound; and filing a complaints case as the enterprise (its token forwarded), which
//! several functions do for the enterprise's complaints about what they manage.

use crate::context::RequestContext;
use http_body_util::BodyExt as _;
use serde::Deserialize;

/// Longest answer read from another function.
pub const MAX_ANSWER: usize = 1024 * 1024;
/// The complaints function's case intake.
pub const COMPLAINTS_CASES: &str = "http://complaints.spin.internal/api/complaints/cases";

/// Sends a request to another function; its status and body, or why it could not be
/// sent (for the log: the caller answers its own problem).
pub async fn send(
    ctx: &RequestContext,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), String> {
    let mut builder = spin_sdk::http::Request::builder()
        .method(method)
        .uri(url)
        .header("accept", "application/json")
        .header("accept-language", ctx.lang.tag())
        .header("x-request-id", ctx.request_id.as_str());
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body: std::collections::VecDeque<u8> = body.into();
    let request = builder
        .body(http_body_util::Full::new(body))
        .map_err(|e| format!("building the request: {e}"))?;
    let response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("sending: {e:?}"))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer: {e}"))?
        .to_bytes();
    if body.len() > MAX_ANSWER {
        return Err(format!("an answer of {} bytes", body.len()));
    }
    Ok((status, body.to_vec()))
}

/// How filing a complaints case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    /// The case's id.
    Case(String),
    /// The complaints function refused: its status and (cleaned) problem code.
    Refused {
        /// Its status (4xx).
        status: u16,
        /// Its code, or `COMPLAINTS_REFUSED`.
        code: String,
    },
    /// It could not be reached or answered 5xx (logged).
    Unavailable,
}

#[derive(Debug, Deserialize)]
struct Answer {
    case: CaseId,
}

#[derive(Debug, Deserialize)]
struct CaseId {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Refusal {
    #[serde(default)]
    code: String,
}

/// Files a case of `category` for `enterprise` on the `qr` channel as the caller
/// (`authorization` forwarded), once per `idempotency_key`.
pub async fn file_complaint(
    ctx: &RequestContext,
    authorization: &str,
    idempotency_key: &str,
    enterprise: &str,
    category: &str,
    description: &str,
) -> Filed {
    let body = serde_json::json!({
        "channel": "qr",
        "enterprise": enterprise,
        "category": category,
        "description": description,
    });
    let headers = [
        ("authorization", authorization),
        ("idempotency-key", idempotency_key),
        ("content-type", "application/json"),
    ];
    match send(
        ctx,
        "POST",
        COMPLAINTS_CASES,
        &headers,
        body.to_string().into_bytes(),
    )
    .await
    {
        Ok((200 | 201, body)) => match serde_json::from_slice::<Answer>(&body) {
            Ok(a) => Filed::Case(a.case.id),
            Err(e) => {
                eprintln!("request_id={} case answer unreadable: {e}", ctx.request_id);
                Filed::Unavailable
            }
        },
        Ok((status @ 400..=499, body)) => {
            let code = serde_json::from_slice::<Refusal>(&body)
                .map(|r| r.code)
                .unwrap_or_default();
            let clean = !code.is_empty()
                && code.len() <= 64
                && code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            Filed::Refused {
                status,
                code: if clean {
                    code
                } else {
                    "COMPLAINTS_REFUSED".to_owned()
                },
            }
        }
        Ok((status, _)) => {
            eprintln!("request_id={} complaints answered {status}", ctx.request_id);
            Filed::Unavailable
        }
        Err(e) => {
            eprintln!("request_id={} complaints unavailable: {e}", ctx.request_id);
            Filed::Unavailable
        }
    }
}
