//! The other functions, over Spin service chaining (`http://<component>.spin.internal`,
//! each host in `allowed_outbound_hosts`): the tax function's 免申即享 matches for the
//! landing, the complaints function's catalogue (its public Open311 service list) and
//! its case intake. The caller's `Authorization` is forwarded, so each function
//! authorizes the call itself — check-in holds no credential of its own for them.

use super::error::CheckinError;
use http_body_util::BodyExt as _;
use serde::{Deserialize, Serialize};
use yingshang_kit::RequestContext;

/// The tax function.
pub const TAX: &str = "http://tax.spin.internal/api/tax";
/// The complaints function.
pub const COMPLAINTS: &str = "http://complaints.spin.internal/api/complaints";
/// Longest answer read from another function.
const MAX_ANSWER: usize = 1024 * 1024;

/// Sends a request; the status and body, or why it could not be sent.
async fn send(
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
    let request = builder
        .body(http_body_util::Full::new(bytes_of(body)))
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

fn bytes_of(body: Vec<u8>) -> std::collections::VecDeque<u8> {
    body.into()
}

/// A policy the enterprise enjoys, as the landing shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Policy {
    /// Policy id.
    pub policy_id: String,
    /// Name.
    pub name_zh: String,
    /// employment | livelihood | innovation.
    pub group: String,
    /// Legal basis.
    pub basis_zh: String,
    /// Why it applies, in words.
    #[serde(default)]
    pub reasons_zh: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TaxPolicies {
    catalogue_version: Option<String>,
    policies: Vec<Policy>,
}

/// What the tax function said of the enterprise's policies.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Policies {
    /// Its matches.
    Matched {
        /// The catalogue they were matched under.
        catalogue_version: Option<String>,
        /// The policies.
        items: Vec<Policy>,
    },
    /// The tax function does not know the enterprise yet.
    NotMatched,
    /// Only the enterprise's own users see its policies.
    SignInToSee,
    /// The tax function could not answer now.
    Unavailable,
}

/// The enterprise's policies, with the caller's own authorization.
pub async fn policies(ctx: &RequestContext, authorization: &str, credit_code: &str) -> Policies {
    let url = format!("{TAX}/enterprises/{credit_code}/policies");
    match send(
        ctx,
        "GET",
        &url,
        &[("authorization", authorization)],
        Vec::new(),
    )
    .await
    {
        Ok((200, body)) => match serde_json::from_slice::<TaxPolicies>(&body) {
            Ok(p) => Policies::Matched {
                catalogue_version: p.catalogue_version,
                items: p.policies.into_iter().take(100).collect(),
            },
            Err(e) => {
                eprintln!("request_id={} tax policies unreadable: {e}", ctx.request_id);
                Policies::Unavailable
            }
        },
        Ok((404, _)) => Policies::NotMatched,
        Ok((status, _)) => {
            eprintln!(
                "request_id={} tax policies answered {status}",
                ctx.request_id
            );
            Policies::Unavailable
        }
        Err(e) => {
            eprintln!("request_id={} tax unavailable: {e}", ctx.request_id);
            Policies::Unavailable
        }
    }
}

/// A complaint category (an Open311 service).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    /// Its code.
    pub service_code: String,
    /// Its name.
    pub service_name: String,
    /// Its group.
    #[serde(default)]
    pub group: String,
}

/// The complaints catalogue's categories (public), or none when it cannot be read.
pub async fn categories(ctx: &RequestContext) -> Option<Vec<Category>> {
    let url = format!("{COMPLAINTS}/open311/v2/services.json");
    match send(ctx, "GET", &url, &[], Vec::new()).await {
        Ok((200, body)) => serde_json::from_slice(&body)
            .inspect_err(|e| eprintln!("request_id={} services unreadable: {e}", ctx.request_id))
            .ok(),
        Ok((status, _)) => {
            eprintln!("request_id={} services answered {status}", ctx.request_id);
            None
        }
        Err(e) => {
            eprintln!("request_id={} complaints unavailable: {e}", ctx.request_id);
            None
        }
    }
}

#[derive(Debug, Deserialize)]
struct Filed {
    case: FiledCase,
}

#[derive(Debug, Deserialize)]
struct FiledCase {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Refusal {
    #[serde(default)]
    code: String,
}

/// Files a complaints case as the enterprise (its authorization forwarded), once per
/// `idempotency_key`: the case's id.
pub async fn file_case(
    ctx: &RequestContext,
    authorization: &str,
    idempotency_key: &str,
    enterprise: &str,
    category: &str,
    description: &str,
) -> Result<String, CheckinError> {
    let body = serde_json::json!({
        "channel": "qr",
        "enterprise": enterprise,
        "category": category,
        "description": description,
    });
    let url = format!("{COMPLAINTS}/cases");
    let headers = [
        ("authorization", authorization),
        ("idempotency-key", idempotency_key),
        ("content-type", "application/json"),
    ];
    let sent = send(ctx, "POST", &url, &headers, body.to_string().into_bytes()).await;
    match sent {
        Ok((200 | 201, body)) => serde_json::from_slice::<Filed>(&body)
            .map(|f| f.case.id)
            .map_err(|e| {
                eprintln!("request_id={} case answer unreadable: {e}", ctx.request_id);
                CheckinError::ComplaintsUnavailable
            }),
        Ok((status @ 400..=499, body)) => {
            let code = serde_json::from_slice::<Refusal>(&body)
                .map(|r| r.code)
                .unwrap_or_default();
            let clean = code.len() <= 64
                && !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            Err(CheckinError::ComplaintRefused {
                status,
                code: if clean {
                    code
                } else {
                    "COMPLAINTS_REFUSED".to_owned()
                },
            })
        }
        Ok((status, _)) => {
            eprintln!("request_id={} complaints answered {status}", ctx.request_id);
            Err(CheckinError::ComplaintsUnavailable)
        }
        Err(e) => {
            eprintln!("request_id={} complaints unavailable: {e}", ctx.request_id);
            Err(CheckinError::ComplaintsUnavailable)
        }
    }
}
