//! Operator set-up: sites and sockets (meter id, device secret, dated models and
//! tariffs), each owned by the operator agency that created it, and the public socket
//! status with its current price.

use super::dto::{SiteRequest, SocketRequest, SocketView};
use super::error::PowerError;
use super::{SCOPE_OPERATE, agency_of, own_record};
use crate::store::{self, SocketSetup, sessions};
use spin_sdk::http::Request;
use yingshang_core::metering::{MeterId, SiteId};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::device::MIN_DEVICE_SECRET_LEN;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// `PUT /sites/{site_id}`: creates a site for the caller's agency, or renames one of
/// its own (another agency's site: 403).
pub async fn put_site(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    site_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
    let agency = agency_of(&caller).ok_or(PowerError::NotOperator)?;
    let site = SiteId::parse(site_id).map_err(PowerError::Input)?;
    let (parts, body) = req.into_parts();
    let request: SiteRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let actor = caller.audit_actor();
    let after = serde_json::json!({ "site_id": site.as_str(), "name": request.name });
    let entry = AuditEntry::new(
        actor.clone(),
        "power.site.put",
        format!("power/site/{site}"),
        ctx.now,
        None,
        Some(&after),
    );
    // Checked in the transaction that writes, so two agencies creating one site at
    // once cannot both get it.
    let existed = tx::in_transaction(ctx, db, "saving a site", async |db: &Db| {
        let found = store::site(db, site.as_str()).await?;
        if let Some(found) = &found {
            own_record(ctx, &caller, found.owner_agency.as_deref())?;
        }
        store::upsert_site(db, &site, &request.name, &actor, agency, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<bool, TxError>(found.is_some())
    })
    .await?;
    Ok(json(ctx, if existed { 200 } else { 201 }, &after))
}

fn check_socket_id(id: &str) -> Result<(), PowerError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(()).ok_or(PowerError::SocketIdInvalid)
}

/// `PUT /sockets/{socket_id}`: creates or updates a socket on one of the caller's
/// agency's sites; an existing socket only by the agency that created it (else 403).
pub async fn put_socket(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    socket_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
    let agency = agency_of(&caller).ok_or(PowerError::NotOperator)?;
    check_socket_id(socket_id)?;
    let (parts, body) = req.into_parts();
    let request: SocketRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let site = SiteId::parse(&request.site_id).map_err(PowerError::Input)?;
    let meter = MeterId::parse(&request.meter_id).map_err(PowerError::Input)?;
    if let Some(secret) = &request.device_secret
        && secret.len() < MIN_DEVICE_SECRET_LEN
    {
        return Err(PowerError::SecretTooShort.into());
    }
    let setup = SocketSetup {
        socket_id,
        site_id: &site,
        meter: &meter,
        device_secret: request.device_secret.as_deref(),
        models: &request.models,
        tariff: &request.tariff,
        agency,
    };
    // The audit row records the configuration, never the secret.
    let after = serde_json::json!({
        "socket_id": socket_id, "site_id": site.as_str(), "meter_id": meter.as_str(),
        "models": request.models, "tariff": request.tariff,
        "secret_changed": request.device_secret.is_some(),
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "power.socket.put",
        format!("power/socket/{socket_id}"),
        ctx.now,
        None,
        Some(&after),
    );
    // Every check runs in the transaction that writes: an owner checked before it
    // could have changed by the time of the write.
    let create = tx::in_transaction(ctx, db, "saving a socket", async |db: &Db| {
        let target = store::site(db, site.as_str())
            .await?
            .ok_or(PowerError::SiteNotFound)?;
        own_record(ctx, &caller, target.owner_agency.as_deref())?;
        let existing = store::socket(db, socket_id).await?;
        match &existing {
            Some(socket) => own_record(ctx, &caller, socket.owner_agency.as_deref())?,
            None if request.device_secret.is_none() => {
                return Err(PowerError::SecretRequired.into());
            }
            None => {}
        }
        if store::meter_taken_by_other(db, &meter, socket_id).await? {
            return Err(PowerError::MeterTaken.into());
        }
        let create = existing.is_none();
        store::save_socket(db, &setup, create, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<bool, TxError>(create)
    })
    .await?;
    let saved = store::socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("reloading a socket", e))?
        .ok_or_else(|| ctx.internal("reloading a socket", "gone"))?;
    let in_use = sessions::active_of_socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket's session", e))?
        .is_some();
    let view = SocketView::of(&saved, in_use, ctx.now);
    Ok(json(ctx, if create { 201 } else { 200 }, &view))
}

/// `GET /sockets/{socket_id}`: status and the price now, for anyone who scans it.
pub async fn socket_status(
    ctx: &RequestContext,
    db: &Db,
    socket_id: &str,
) -> Result<Answer, Failure> {
    let socket = store::socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket", e))?
        .ok_or(PowerError::SocketNotFound)?;
    let in_use = sessions::active_of_socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket's session", e))?
        .is_some();
    Ok(json(ctx, 200, &SocketView::of(&socket, in_use, ctx.now)))
}
