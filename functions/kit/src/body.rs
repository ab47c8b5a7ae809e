//! The request body: read with a size limit, then parsed as JSON by the core.

use crate::context::{RequestContext, header};
use crate::responses::Failure;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use spin_sdk::http::HeaderMap;
use spin_sdk::wasip3::http_compat::IncomingRequestBody;
use yingshang_core::problem::{RequestError, parse_json_body};

/// The default limit for JSON request bodies: 256 KiB.
pub const DEFAULT_JSON_LIMIT: usize = 256 * 1024;

/// Reads the whole body, refusing (413) one longer than `limit`: at once when
/// `Content-Length` says so, otherwise as soon as the bytes read pass it.
pub async fn read_body(
    ctx: &RequestContext,
    headers: &HeaderMap,
    mut body: IncomingRequestBody,
    limit: usize,
) -> Result<Vec<u8>, Failure> {
    let declared = header(headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(RequestError::BodyTooLarge { limit }.into());
    }
    let mut out = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ctx.internal("reading the request body", e))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(RequestError::BodyTooLarge { limit }.into());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// Parses a body already read as JSON into `T`: 415 for another media type, 400
/// naming the field for JSON that does not fit.
pub fn parse_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
    limit: usize,
) -> Result<T, Failure> {
    parse_json_body(header(headers, "content-type"), bytes, limit).map_err(Failure::from)
}

/// Reads and parses a JSON body in one step.
pub async fn read_json<T: DeserializeOwned>(
    ctx: &RequestContext,
    headers: &HeaderMap,
    body: IncomingRequestBody,
    limit: usize,
) -> Result<T, Failure> {
    let bytes = read_body(ctx, headers, body, limit).await?;
    parse_json(headers, &bytes, limit)
}
