//! Signed device requests (the core's `security::device`) over Spin: read the
//! signing headers, load the device's secret through the caller's lookup (each
//! function keeps its devices in its own tables), verify, and remember the nonce in
//! `device_nonces` — inside the caller's transaction, so a reading's effects and its
//! nonce are written together or not at all. A replayed nonce answers 401
//! `DEVICE_REPLAYED`; a device posting for another resource 403.
//!
//! Secrets are HMAC keys and must be kept in clear to verify; they are never logged
//! and never answered. An unknown device is refused exactly like a bad signature, so
//! a caller cannot probe which devices exist.

use crate::context::{RequestContext, header};
use crate::db::{Db, DbError};
use crate::responses::Failure;
use spin_sdk::http::HeaderMap;
use yingshang_core::security::device::{
    self, DEFAULT_WINDOW_SECS, DeviceAuthError, DeviceId, DeviceRequestParts, HEADER_DEVICE_ID,
    HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, VerifiedDevice,
};

/// Verifies a device request. `secret_of` loads the device's secret (`None`: no such
/// device). The nonce is not yet remembered: call [`remember_nonce`] in the
/// transaction that applies the request.
pub async fn verify(
    ctx: &RequestContext,
    headers: &HeaderMap,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    secret_of: impl AsyncFnOnce(&DeviceId) -> Result<Option<String>, DbError>,
) -> Result<VerifiedDevice, Failure> {
    let parts = DeviceRequestParts {
        method,
        path_and_query,
        device_id: header(headers, HEADER_DEVICE_ID),
        timestamp: header(headers, HEADER_TIMESTAMP),
        nonce: header(headers, HEADER_NONCE),
        signature: header(headers, HEADER_SIGNATURE),
        body,
    };
    let id = device::device_id_of(&parts).inspect_err(|e| ctx.log_denial("device", e.code()))?;
    let secret = secret_of(&id)
        .await
        .map_err(|e| ctx.internal("loading a device secret", e))?;
    let Some(secret) = secret else {
        ctx.log_denial(&format!("device {id} (unknown)"), "DEVICE_BAD_SIGNATURE");
        return Err(DeviceAuthError::BadSignature.into());
    };
    device::verify_device_request(&parts, secret.as_bytes(), ctx.now, DEFAULT_WINDOW_SECS).map_err(
        |e| {
            ctx.log_denial(&format!("device {id}"), e.code());
            Failure::from(e)
        },
    )
}

/// A verified device may post only for its own resource (its meter id): 403 otherwise.
pub fn require_own(
    ctx: &RequestContext,
    verified: &VerifiedDevice,
    resource_id: &str,
) -> Result<(), Failure> {
    device::device_matches_resource(&verified.device_id, resource_id).map_err(|e| {
        ctx.log_denial(&format!("device {}", verified.device_id), e.code());
        Failure::from(e)
    })
}

/// Inserts the request's nonce into `device_nonces`; `false` when it was there
/// already (a replay: answer [`replayed`]). Run it inside the transaction that
/// applies the request.
pub async fn remember_nonce(db: &Db, verified: &VerifiedDevice) -> Result<bool, DbError> {
    crate::store::insert_device_nonce(
        db,
        verified.device_id.as_str(),
        &verified.nonce,
        verified.retain_until().saturating_mul(1000),
    )
    .await
}

/// The refusal for a replayed request (401 `DEVICE_REPLAYED`), logged.
pub fn replayed(ctx: &RequestContext, verified: &VerifiedDevice) -> Failure {
    ctx.log_denial(
        &format!("device {}", verified.device_id),
        DeviceAuthError::Replayed.code(),
    );
    DeviceAuthError::Replayed.into()
}

/// Forgets nonces whose replay window has passed (a replay of them fails the time
/// window anyway); answers how many were removed.
pub async fn prune_nonces(db: &Db, now: time::OffsetDateTime) -> Result<u64, DbError> {
    crate::store::delete_device_nonces_before(db, crate::clock::unix_ms(now)).await
}
