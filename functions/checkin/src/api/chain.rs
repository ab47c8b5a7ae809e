//! The other functions, over Spin service chaining (`http://<component>.spin.internal`,
//! each host in `allowed_outbound_hosts`): the tax function's 免申即享 matches for the
//! landing, the complaints function's catalogue (its public Open311 service list) and
//! its case intake. The caller's `Authorization` is forwarded, so each function
//! authorizes the call itself — check-in holds no credential of its own for them.

use super::error::CheckinError;
use serde::{Deserialize, Serialize};
use yingshang_kit::RequestContext;

/// The tax function.
pub const TAX: &str = "http://tax.spin.internal/api/tax";
/// The complaints function.
pub const COMPLAINTS: &str = "http://complaints.spin.internal/api/complaints";

use yingshang_kit::chain::{Filed, send};

/// A policy the enterprise enjoys, as the landing shows it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    match yingshang_kit::chain::file_complaint(
        ctx,
        authorization,
        idempotency_key,
        enterprise,
        category,
        description,
    )
    .await
    {
        Filed::Case(id) => Ok(id),
        Filed::Refused { status, code } => Err(CheckinError::ComplaintRefused { status, code }),
        Filed::Unavailable => Err(CheckinError::ComplaintsUnavailable),
    }
}
