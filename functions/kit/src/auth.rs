//! Who is calling. Users present `Authorization: Bearer <JWT>` signed with the secret
//! variable [`VAR_JWT_SECRET`] (HS256); agency systems present an API key
//! (`x-api-key` or `Authorization: Bearer ysk_…`), looked up in `api_keys` by its id
//! and checked by the core — or the bootstrap key held in [`VAR_BOOTSTRAP_KEY`], an
//! agency key with every scope. Refusals answer 401/403 problem+json and are logged
//! with the request id and the key id or reason, never a secret.

use crate::context::{RequestContext, header};
use crate::db::Db;
use crate::responses::Failure;
use spin_sdk::http::HeaderMap;
use yingshang_core::security::Principal;
use yingshang_core::security::apikey::{
    self, ApiKeyError, HEADER_API_KEY, Scope, bootstrap_principal, is_bootstrap_key,
};
use yingshang_core::security::token::{self, VerifierConfig, VerifyingKey};

/// The Spin variable holding the HS256 secret users' tokens are signed with.
pub const VAR_JWT_SECRET: &str = "auth_jwt_secret";
/// The Spin variable holding the bootstrap agency key.
pub const VAR_BOOTSTRAP_KEY: &str = "bootstrap_api_key";

/// Authenticates the caller. An agency key must hold `agency_scope` (the scope the
/// route needs from agency systems; `None` on routes for users only, where a valid
/// key is authenticated but holds no scope that counts); a user's token is only
/// verified here. Handlers do not call this: they ask a [`crate::guard`], which
/// applies the route's rule afterwards.
pub(crate) async fn authenticate(
    ctx: &RequestContext,
    headers: &HeaderMap,
    db: &Db,
    agency_scope: Option<&Scope>,
) -> Result<Principal, Failure> {
    let authorization = header(headers, "authorization");
    let x_api_key = header(headers, HEADER_API_KEY);
    if let Some(p) = bootstrap(ctx, authorization, x_api_key, agency_scope).await {
        return Ok(p);
    }
    match apikey::presented_key(authorization, x_api_key) {
        Ok(key) => {
            let record = crate::store::api_key(db, key.key_id())
                .await
                .map_err(|e| ctx.internal("looking up an API key", e))?;
            let checked = match agency_scope {
                Some(scope) => apikey::authorize(record.as_ref(), &key, scope, ctx.now),
                None => apikey::verify(record.as_ref(), &key, ctx.now).map(Principal::Agency),
            };
            match checked {
                Ok(principal) => {
                    crate::store::touch_api_key(db, key.key_id(), ctx.now)
                        .await
                        .map_err(|e| ctx.internal("recording API key use", e))?;
                    Ok(principal)
                }
                Err(e) => {
                    ctx.log_denial(&format!("API key {}", key.key_id()), e.code());
                    Err(e.into())
                }
            }
        }
        Err(ApiKeyError::Missing) => user(ctx, authorization).await,
        Err(e) => {
            ctx.log_denial("API key", e.code());
            Err(e.into())
        }
    }
}

/// The bootstrap principal when a presented credential is the bootstrap key.
async fn bootstrap(
    ctx: &RequestContext,
    authorization: Option<&str>,
    x_api_key: Option<&str>,
    scope: Option<&Scope>,
) -> Option<Principal> {
    let bearer = authorization.and_then(|a| token::bearer(Some(a)).ok());
    let presented: Vec<&str> = [x_api_key.map(str::trim), bearer]
        .into_iter()
        .flatten()
        .collect();
    if presented.is_empty() {
        return None;
    }
    let configured = match spin_sdk::variables::get(VAR_BOOTSTRAP_KEY).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "request_id={} bootstrap key unavailable: {e:?}",
                ctx.request_id
            );
            return None;
        }
    };
    presented
        .into_iter()
        .any(|p| is_bootstrap_key(p, &configured))
        .then(|| bootstrap_principal(&configured, scope))
}

/// Verifies a user's bearer token.
async fn user(ctx: &RequestContext, authorization: Option<&str>) -> Result<Principal, Failure> {
    let token = token::bearer(authorization).inspect_err(|e| ctx.log_denial("token", e.code()))?;
    let secret = spin_sdk::variables::get(VAR_JWT_SECRET)
        .await
        .map_err(|e| ctx.internal("reading the token secret", format!("{e:?}")))?;
    let key = VerifyingKey::hs256(secret.as_bytes())
        .map_err(|e| ctx.internal("using the token secret", e.code()))?;
    token::verify(token, &VerifierConfig::new(key), ctx.now).map_err(|e| {
        ctx.log_denial("token", e.code());
        Failure::from(e)
    })
}
