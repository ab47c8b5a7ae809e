//! Signed device requests (smart meters, shared sockets).
//!
//! A device signs `method \n path-with-query \n timestamp \n nonce \n
//! hex(sha256(body))` with HMAC-SHA256 under its own secret and sends the result
//! (lower-case hex, padded base64 or unpadded base64url) in [`HEADER_SIGNATURE`],
//! beside [`HEADER_DEVICE_ID`], [`HEADER_TIMESTAMP`] (unix seconds) and
//! [`HEADER_NONCE`].
//!
//! [`verify_device_request`] checks the shapes, the time window (±5 min by default)
//! and the signature (constant time). Replays inside the window are the shell's
//! half of the contract: it inserts [`VerifiedDevice::replay_key`] into a table with
//! a unique key, keeps it until [`VerifiedDevice::retain_until`], and answers
//! [`DeviceAuthError::Replayed`] when the insert hits the unique key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::principal::{IdError, check_id};
use crate::problem::{ApiError, Lang};

/// Header naming the device.
pub const HEADER_DEVICE_ID: &str = "x-device-id";
/// Header with the signing time, unix seconds.
pub const HEADER_TIMESTAMP: &str = "x-timestamp";
/// Header with the one-time nonce.
pub const HEADER_NONCE: &str = "x-nonce";
/// Header with the signature.
pub const HEADER_SIGNATURE: &str = "x-signature";
/// Default accepted distance between the signing time and `now`, in seconds.
pub const DEFAULT_WINDOW_SECS: u32 = 300;
/// Shortest per-device secret accepted, in bytes.
pub const MIN_DEVICE_SECRET_LEN: usize = 16;

/// A device's identifier (e.g. a meter's address): 1–64 of `[A-Za-z0-9._:@-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    /// Parses a device identifier.
    pub fn parse(text: &str) -> Result<DeviceId, IdError> {
        check_id("device id", text, 64).map(|()| DeviceId(text.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DeviceId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, IdError> {
        DeviceId::parse(&value)
    }
}

impl From<DeviceId> for String {
    fn from(id: DeviceId) -> String {
        id.0
    }
}

/// What a device request carries, as received (header values `None` if absent).
#[derive(Debug, Clone, Copy)]
pub struct DeviceRequestParts<'a> {
    /// The HTTP method, as sent (e.g. `POST`).
    pub method: &'a str,
    /// The path with its query string, as sent (not decoded).
    pub path_and_query: &'a str,
    /// [`HEADER_DEVICE_ID`].
    pub device_id: Option<&'a str>,
    /// [`HEADER_TIMESTAMP`].
    pub timestamp: Option<&'a str>,
    /// [`HEADER_NONCE`].
    pub nonce: Option<&'a str>,
    /// [`HEADER_SIGNATURE`].
    pub signature: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

/// A device request whose signature verified, inside the time window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDevice {
    /// The device.
    pub device_id: DeviceId,
    /// The nonce, for replay rejection.
    pub nonce: String,
    /// The signing time, unix seconds.
    pub timestamp: i64,
    /// The window the request was checked against, seconds.
    pub window_secs: u32,
}

impl VerifiedDevice {
    /// The unique key the shell inserts to reject a replay: `<device id>:<nonce>`.
    pub fn replay_key(&self) -> String {
        format!("{}:{}", self.device_id, self.nonce)
    }

    /// Until when (unix seconds) the nonce must be remembered: after it, a replay
    /// fails the time window anyway.
    pub fn retain_until(&self) -> i64 {
        self.timestamp
            .saturating_add(i64::from(self.window_secs))
            .saturating_add(1)
    }
}

/// Why a device request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceAuthError {
    /// A signing header is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The device id is not a valid identifier.
    #[error("malformed device id")]
    MalformedDeviceId,
    /// The timestamp is not unix seconds (digits, no sign, no leading zero).
    #[error("malformed timestamp")]
    MalformedTimestamp,
    /// The nonce is not 16–64 characters of `[A-Za-z0-9_-]`.
    #[error("malformed nonce")]
    MalformedNonce,
    /// The signature is not 32 bytes in lower-case hex or base64.
    #[error("malformed signature")]
    MalformedSignature,
    /// The signing time is outside the window around `now`.
    #[error("timestamp outside the window")]
    StaleTimestamp,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// The nonce was seen before (reported by the shell after its unique insert).
    #[error("replayed request")]
    Replayed,
    /// The device posts for a resource that is not its own.
    #[error("device does not own this resource")]
    WrongDevice,
    /// The stored device secret is unusable (too short): a configuration fault.
    #[error("device secret unusable")]
    SecretUnusable,
}

impl DeviceAuthError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            DeviceAuthError::MissingHeader(_) => "DEVICE_HEADER_MISSING",
            DeviceAuthError::MalformedDeviceId => "DEVICE_ID_MALFORMED",
            DeviceAuthError::MalformedTimestamp => "DEVICE_TIMESTAMP_MALFORMED",
            DeviceAuthError::MalformedNonce => "DEVICE_NONCE_MALFORMED",
            DeviceAuthError::MalformedSignature => "DEVICE_SIGNATURE_MALFORMED",
            DeviceAuthError::StaleTimestamp => "DEVICE_TIMESTAMP_STALE",
            DeviceAuthError::BadSignature => "DEVICE_BAD_SIGNATURE",
            DeviceAuthError::Replayed => "DEVICE_REPLAYED",
            DeviceAuthError::WrongDevice => "DEVICE_WRONG_RESOURCE",
            DeviceAuthError::SecretUnusable => "DEVICE_SECRET_UNUSABLE",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            DeviceAuthError::MissingHeader(h) => format!("缺少签名请求头 {h}。"),
            DeviceAuthError::MalformedDeviceId => "设备编号格式不正确。".into(),
            DeviceAuthError::MalformedTimestamp => "时间戳应为 Unix 秒数(纯数字)。".into(),
            DeviceAuthError::MalformedNonce => "随机串应为 16 至 64 位字母、数字、_ 或 -。".into(),
            DeviceAuthError::MalformedSignature => {
                "签名应为 32 字节 HMAC-SHA256,使用小写十六进制或 base64 编码。".into()
            }
            DeviceAuthError::StaleTimestamp => {
                "请求时间与服务器时间相差过大,请校准设备时钟。".into()
            }
            DeviceAuthError::BadSignature => "设备签名校验失败。".into(),
            DeviceAuthError::Replayed => "该请求已被接收过(随机串重复),请重新签名后发送。".into(),
            DeviceAuthError::WrongDevice => "设备只能为自身提交数据。".into(),
            DeviceAuthError::SecretUnusable => "设备密钥配置有误,请联系运维人员。".into(),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            DeviceAuthError::MissingHeader(h) => format!("The signing header {h} is missing."),
            DeviceAuthError::MalformedDeviceId => "The device id is malformed.".into(),
            DeviceAuthError::MalformedTimestamp => {
                "The timestamp must be unix seconds (digits only).".into()
            }
            DeviceAuthError::MalformedNonce => {
                "The nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -.".into()
            }
            DeviceAuthError::MalformedSignature => {
                "The signature must be a 32-byte HMAC-SHA256 in lower-case hex or base64.".into()
            }
            DeviceAuthError::StaleTimestamp => {
                "The request time is too far from the server's; synchronise the device clock."
                    .into()
            }
            DeviceAuthError::BadSignature => "The device signature does not verify.".into(),
            DeviceAuthError::Replayed => {
                "This request was already received (nonce reused); sign it anew.".into()
            }
            DeviceAuthError::WrongDevice => "A device may only post data for itself.".into(),
            DeviceAuthError::SecretUnusable => {
                "The device secret is misconfigured; contact the operator.".into()
            }
        }
    }
}

impl ApiError for DeviceAuthError {
    fn status(&self) -> u16 {
        match self {
            DeviceAuthError::WrongDevice => 403,
            DeviceAuthError::SecretUnusable => 500,
            _ => 401,
        }
    }

    fn code(&self) -> &'static str {
        DeviceAuthError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        match self.status() {
            403 => lang.pick("无权访问", "Forbidden"),
            500 => lang.pick("服务器内部错误", "Internal server error"),
            _ => lang.pick("设备认证失败", "Device authentication failed"),
        }
        .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

/// The string a device signs.
pub fn canonical_string(
    method: &str,
    path_and_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let body_hash = hex::encode(Sha256::digest(body));
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body_hash}")
}

fn mac(secret: &[u8]) -> Result<Hmac<Sha256>, DeviceAuthError> {
    if secret.len() < MIN_DEVICE_SECRET_LEN {
        return Err(DeviceAuthError::SecretUnusable);
    }
    <Hmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| DeviceAuthError::SecretUnusable)
}

/// Signs a request as a device would: the lower-case hex signature for
/// [`HEADER_SIGNATURE`]. For tests, simulators and benchmarks.
pub fn sign_device_request(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
    secret: &[u8],
) -> Result<String, DeviceAuthError> {
    let mut m = mac(secret)?;
    m.update(
        canonical_string(method, path_and_query, &timestamp.to_string(), nonce, body).as_bytes(),
    );
    Ok(hex::encode(m.finalize().into_bytes()))
}

/// Parses unix seconds: 1–12 ASCII digits, no sign, no leading zero (one spelling
/// per instant, so the signed text is unambiguous).
fn parse_timestamp(text: &str) -> Result<i64, DeviceAuthError> {
    let ok = !text.is_empty()
        && text.len() <= 12
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !ok {
        return Err(DeviceAuthError::MalformedTimestamp);
    }
    text.parse()
        .map_err(|_| DeviceAuthError::MalformedTimestamp)
}

/// Checks a nonce: 16–64 characters of `[A-Za-z0-9_-]`.
fn check_nonce(nonce: &str) -> Result<(), DeviceAuthError> {
    let ok = (16..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(DeviceAuthError::MalformedNonce)
    }
}

/// Decodes a signature: 64 lower-case hex digits, 44 chars of padded standard
/// base64, or 43 chars of unpadded base64url; strictly (one spelling per value).
fn decode_signature(text: &str) -> Result<[u8; 32], DeviceAuthError> {
    let bytes = match text.len() {
        64 if text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            hex::decode(text).ok()
        }
        44 => STANDARD.decode(text).ok(),
        43 => URL_SAFE_NO_PAD.decode(text).ok(),
        _ => None,
    };
    bytes
        .and_then(|b| b.try_into().ok())
        .ok_or(DeviceAuthError::MalformedSignature)
}

/// Reads the device id header, so the shell can load that device's secret.
pub fn device_id_of(parts: &DeviceRequestParts<'_>) -> Result<DeviceId, DeviceAuthError> {
    let text = parts
        .device_id
        .ok_or(DeviceAuthError::MissingHeader(HEADER_DEVICE_ID))?;
    DeviceId::parse(text).map_err(|_| DeviceAuthError::MalformedDeviceId)
}

/// Verifies a signed device request against the device's secret at `now`,
/// accepting signing times within `window_secs` either side.
pub fn verify_device_request(
    parts: &DeviceRequestParts<'_>,
    secret: &[u8],
    now: OffsetDateTime,
    window_secs: u32,
) -> Result<VerifiedDevice, DeviceAuthError> {
    let device_id = device_id_of(parts)?;
    let ts_text = parts
        .timestamp
        .ok_or(DeviceAuthError::MissingHeader(HEADER_TIMESTAMP))?;
    let nonce = parts
        .nonce
        .ok_or(DeviceAuthError::MissingHeader(HEADER_NONCE))?;
    let sig_text = parts
        .signature
        .ok_or(DeviceAuthError::MissingHeader(HEADER_SIGNATURE))?;
    let timestamp = parse_timestamp(ts_text)?;
    check_nonce(nonce)?;
    let signature = decode_signature(sig_text)?;
    let mut m = mac(secret)?;
    m.update(
        canonical_string(
            parts.method,
            parts.path_and_query,
            ts_text,
            nonce,
            parts.body,
        )
        .as_bytes(),
    );
    // `verify_slice` compares in constant time.
    m.verify_slice(&signature)
        .map_err(|_| DeviceAuthError::BadSignature)?;
    // Window after the signature, so an outsider learns nothing about our clock.
    if (now.unix_timestamp() - timestamp).abs() > i64::from(window_secs) {
        return Err(DeviceAuthError::StaleTimestamp);
    }
    Ok(VerifiedDevice {
        device_id,
        nonce: nonce.to_owned(),
        timestamp,
        window_secs,
    })
}

/// A device may post only for itself: its id must be the resource's meter id.
pub fn device_matches_resource(
    device_id: &DeviceId,
    resource_meter_id: &str,
) -> Result<(), DeviceAuthError> {
    if device_id.as_str() == resource_meter_id {
        Ok(())
    } else {
        Err(DeviceAuthError::WrongDevice)
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
