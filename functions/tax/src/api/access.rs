//! Who may see and do what in the tax function, beyond the kit's role guards:
//!
//! - Officers act for the tax authority only when their agency is one of the Spin
//!   variable `tax_officer_agencies` (the core's [`TaxAuthority`]); officers of other
//!   agencies are refused with `TAX_OFFICER_NOT_TAX_AUTHORITY`.
//! - Contract accounts (`buyer.account`, `seller.account`) are citizens' accounts: a
//!   party is a citizen whose subject is one of them. The user who asked for an
//!   assessment is matched on the whole actor (`<role>:<subject>`), so an enterprise
//!   user `alice` is never citizen `alice`.
//! - A citizen's verified resident ID number comes from the token's `id_number`
//!   claim (real-name verification by the identity provider); it binds a citizen to
//!   the buyer named in a contract.

use super::error::TaxError;
use crate::store::settings;
use spin_sdk::http::HeaderMap;
use yingshang_core::security::Principal;
use yingshang_core::security::authz::Role;
use yingshang_core::security::token::{self, VerifierConfig, VerifyingKey};
use yingshang_core::tax::{IdNumber, Reader, TaxAuthority};
use yingshang_kit::context::header;
use yingshang_kit::{Failure, RequestContext};

/// The configured tax authority.
async fn authority(ctx: &RequestContext) -> Result<TaxAuthority, Failure> {
    let text = settings::tax_officer_agencies()
        .await
        .map_err(|e| ctx.internal("reading the tax officer agencies", e))?;
    TaxAuthority::parse(&text).map_err(|e| {
        ctx.internal("reading the tax officer agencies", e.code())
            .into()
    })
}

/// The caller, an officer, acts for the tax authority (403
/// `TAX_OFFICER_NOT_TAX_AUTHORITY` otherwise). Callers that are not officers pass:
/// the route's role guard has decided on them.
pub async fn require_tax_officer(ctx: &RequestContext, caller: &Principal) -> Result<(), Failure> {
    let Principal::User(user) = caller else {
        return Ok(());
    };
    if user.membership.role() != Role::Officer {
        return Ok(());
    }
    let agency = user.membership.agency().map(|a| a.as_str()).unwrap_or("");
    if authority(ctx).await?.includes(agency) {
        Ok(())
    } else {
        ctx.log_denial(&caller.audit_actor(), "TAX_OFFICER_NOT_TAX_AUTHORITY");
        Err(TaxError::NotTaxOfficer.into())
    }
}

/// How `caller` may read (or ask for) an assessment whose parties have `accounts` and
/// which `created_by` asked for (its audit actor; `None` for a new contract): as a tax
/// officer, or as a party. Anyone else: 403 (`TAX_NOT_A_PARTY`, or
/// `TAX_OFFICER_NOT_TAX_AUTHORITY` for an officer of another agency).
pub async fn reader(
    ctx: &RequestContext,
    caller: &Principal,
    accounts: &[Option<&str>],
    created_by: Option<&str>,
) -> Result<Reader, Failure> {
    let Principal::User(user) = caller else {
        return Err(TaxError::NotAParty.into());
    };
    let role = user.membership.role();
    if role == Role::Officer {
        require_tax_officer(ctx, caller).await?;
        return Ok(Reader::TaxOfficer);
    }
    let named = role == Role::Citizen
        && accounts
            .iter()
            .flatten()
            .any(|a| *a == user.subject.as_str());
    let creator = created_by.is_some_and(|c| c == caller.audit_actor());
    if named || creator {
        Ok(Reader::Party)
    } else {
        ctx.log_denial(&caller.audit_actor(), "TAX_NOT_A_PARTY");
        Err(TaxError::NotAParty.into())
    }
}

/// The resident ID number the identity provider verified for the signed-in citizen
/// (the token's `id_number` claim), or `None`: not a citizen, no claim, or a claim
/// that is not a valid ID number.
///
/// The kit's guard has verified the token already but answers only the principal;
/// the claim is read here by verifying the same token again with the same key.
pub async fn verified_id_number(
    ctx: &RequestContext,
    headers: &HeaderMap,
    caller: &Principal,
) -> Result<Option<IdNumber>, Failure> {
    let Principal::User(user) = caller else {
        return Ok(None);
    };
    if user.membership.role() != Role::Citizen {
        return Ok(None);
    }
    let Ok(bearer) = token::bearer(header(headers, "authorization")) else {
        return Ok(None);
    };
    let secret = settings::token_secret()
        .await
        .map_err(|e| ctx.internal("reading the token secret", e))?;
    let key = VerifyingKey::hs256(secret.as_bytes())
        .map_err(|e| ctx.internal("using the token secret", e.code()))?;
    let identity =
        token::verify_identity(bearer, &VerifierConfig::new(key), ctx.now).map_err(|e| {
            ctx.log_denial("token", e.code());
            Failure::from(e)
        })?;
    if identity.user.subject != user.subject || identity.user.membership != user.membership {
        return Ok(None);
    }
    Ok(identity
        .id_number
        .and_then(|n| IdNumber::parse(n.as_str()).ok()))
}
