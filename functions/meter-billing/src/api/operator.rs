//! Operator set-up: sites and sockets (meter id, device secret, dated models and
//! tariffs), and the public socket status with its current price.

use super::SCOPE_OPERATE;
use super::dto::{SiteRequest, SocketRequest, SocketView};
use super::error::PowerError;
use crate::store::{self, SocketSetup, sessions};
use spin_sdk::http::Request;
use yingshang_core::metering::{MeterId, SiteId};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::device::MIN_DEVICE_SECRET_LEN;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// `PUT /sites/{site_id}`: creates or renames a site.
pub async fn put_site(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    site_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
    let site = SiteId::parse(site_id).map_err(PowerError::Input)?;
    let (parts, body) = req.into_parts();
    let request: SiteRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let existed = store::site(db, site.as_str())
        .await
        .map_err(|e| ctx.internal("loading a site", e))?
        .is_some();
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
    db.transaction(async |db: &Db| -> Result<(), DbError> {
        store::upsert_site(db, &site, &request.name, &actor, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await
    })
    .await
    .map_err(|e| ctx.internal("saving a site", e))?;
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

/// `PUT /sockets/{socket_id}`: creates or updates a socket.
pub async fn put_socket(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    socket_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
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
    let internal = |e| ctx.internal("checking a socket", e);
    if store::site(db, site.as_str())
        .await
        .map_err(internal)?
        .is_none()
    {
        return Err(PowerError::SiteNotFound.into());
    }
    let existing = store::socket(db, socket_id).await.map_err(internal)?;
    if existing.is_none() && request.device_secret.is_none() {
        return Err(PowerError::SecretRequired.into());
    }
    if store::meter_taken_by_other(db, &meter, socket_id)
        .await
        .map_err(internal)?
    {
        return Err(PowerError::MeterTaken.into());
    }
    let setup = SocketSetup {
        socket_id,
        site_id: &site,
        meter: &meter,
        device_secret: request.device_secret.as_deref(),
        models: &request.models,
        tariff: &request.tariff,
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
    let create = existing.is_none();
    db.transaction(async |db: &Db| -> Result<(), DbError> {
        store::save_socket(db, &setup, create, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await
    })
    .await
    .map_err(|e| ctx.internal("saving a socket", e))?;
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
