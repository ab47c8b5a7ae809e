//! Object storage through the core's S3 client and the kit's sender
//! (`yingshang_kit::storage`), over outbound HTTP:
//!
//! - `PUT /objects/<key>` stores the body; `GET /objects/<key>` reads it (`?range=a-b`);
//!   `DELETE /objects/<key>`; `GET /head/<key>` answers size and SHA-256;
//!   `GET /list?prefix=&token=&max=` answers one page;
//!   `GET /presign-get/<key>?expires=<s>` answers a presigned GET.
//! - `POST /slots` (`x-owner: <kind>/<id>`, body `{content_type, size, sha256}`,
//!   `?expires=<s>`) issues an upload slot for purpose `photo` (at most 1024 bytes)
//!   and remembers it; `POST /slots/confirm` (`{key}`) confirms it and records the
//!   object; `GET /records/<key>` answers the record, if any.
//!
//! Errors are problem+json with the core's stable codes.

use http_body_util::BodyExt as _;
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use std::collections::VecDeque;
use time::{Duration, OffsetDateTime};
use yingshang_core::problem::{ApiError, Lang, PROBLEM_CONTENT_TYPE, Problem};
use yingshang_core::storage::key::{Owner, OwnerKind, Purpose};
use yingshang_core::storage::upload::{SlotRequest, UploadPolicy, UploadSlot, issue_slot};
use yingshang_core::storage::{ByteRange, ObjectKey, StorageError};
use yingshang_kit::storage::Storage;

/// Largest upload for the test purpose.
const MAX_UPLOAD: u64 = 1024;

type Answer = Response<http_body_util::Full<VecDeque<u8>>>;

fn answer(status: u16, content_type: &str, body: Vec<u8>) -> Answer {
    let body = || http_body_util::Full::new(VecDeque::from(body.clone()));
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body())
        .unwrap_or_else(|_| Response::new(body()))
}

fn json(status: u16, v: &serde_json::Value) -> Answer {
    answer(status, "application/json", v.to_string().into_bytes())
}

fn problem(e: &dyn ApiError, lang: Lang) -> Answer {
    let p = Problem::from_error(e, lang, None);
    answer(p.status, PROBLEM_CONTENT_TYPE, p.to_json().into_bytes())
}

fn query<'a>(q: &'a str, name: &str) -> Option<&'a str> {
    q.split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// Decodes `%XX` escapes of a URL path or query value.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn owner_of(req: &Request) -> Result<Owner, StorageError> {
    let header = req
        .headers()
        .get("x-owner")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (kind, id) = header.split_once('/').ok_or(StorageError::NotOwner)?;
    Owner::new(OwnerKind::parse(kind)?, id)
}

fn policy(expires: Option<i64>) -> Result<UploadPolicy, StorageError> {
    Ok(UploadPolicy {
        purpose: Purpose::parse("photo")?,
        max_size: MAX_UPLOAD,
        content_types: vec![
            ("image/jpeg".to_owned(), "jpg".to_owned()),
            ("text/plain".to_owned(), "txt".to_owned()),
        ],
        expires_in: Duration::seconds(expires.unwrap_or(600)),
    })
}

fn random16() -> [u8; 16] {
    let bytes = spin_sdk::wasip3::random::random::get_random_bytes(16);
    let mut out = [0u8; 16];
    out.copy_from_slice(&bytes[..16]);
    out
}

async fn records() -> Result<spin_sdk::key_value::Store, StorageError> {
    spin_sdk::key_value::Store::open_default()
        .await
        .map_err(|_| StorageError::Upstream {
            status: 500,
            code: "KeyValue".into(),
        })
}

fn kv<T>(r: Result<T, spin_sdk::key_value::Error>) -> Result<T, StorageError> {
    r.map_err(|_| StorageError::Upstream {
        status: 500,
        code: "KeyValue".into(),
    })
}

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let lang = Lang::from_accept_language(
        req.headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok()),
    );
    match route(req).await {
        Ok(a) => a,
        Err(e) => problem(&e, lang),
    }
}

async fn route(req: Request) -> Result<Answer, StorageError> {
    let now = OffsetDateTime::now_utc();
    let path = req
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("/")
        .to_owned();
    let q = req.uri().query().unwrap_or("").to_owned();
    let method = req.method().as_str().to_owned();
    let owner = owner_of(&req);
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let storage = Storage::from_variables().await?;
    let key_in = |prefix: &str| ObjectKey::parse(&decode(path.strip_prefix(prefix).unwrap_or("")));
    match (method.as_str(), path.as_str()) {
        ("PUT", p) if p.starts_with("/objects/") => {
            storage
                .put(&key_in("/objects/")?, body, &content_type, now)
                .await?;
            Ok(answer(204, "text/plain", Vec::new()))
        }
        ("GET", p) if p.starts_with("/objects/") => {
            let range = match query(&q, "range") {
                Some(r) => {
                    let (a, b) = r.split_once('-').unwrap_or((r, ""));
                    let bad = StorageError::InvalidArgument {
                        why: "range is a-b",
                    };
                    let a = a.parse().map_err(|_| bad.clone())?;
                    let b = if b.is_empty() {
                        None
                    } else {
                        Some(b.parse().map_err(|_| bad)?)
                    };
                    Some(ByteRange::new(a, b)?)
                }
                None => None,
            };
            let bytes = storage.get(&key_in("/objects/")?, range, now).await?;
            Ok(answer(200, "application/octet-stream", bytes))
        }
        ("DELETE", p) if p.starts_with("/objects/") => {
            storage.delete(&key_in("/objects/")?, now).await?;
            Ok(answer(204, "text/plain", Vec::new()))
        }
        ("GET", p) if p.starts_with("/head/") => {
            let key = key_in("/head/")?;
            let head = storage
                .head(&key, now)
                .await?
                .ok_or(StorageError::ObjectMissing {
                    key: key.as_str().to_owned(),
                })?;
            Ok(json(
                200,
                &serde_json::json!({
                    "size": head.size,
                    "content_type": head.content_type,
                    "sha256": head.sha256.map(|d| d.to_hex()),
                }),
            ))
        }
        ("GET", "/list") => {
            let prefix = decode(query(&q, "prefix").unwrap_or(""));
            let token = query(&q, "token").map(decode);
            let max = query(&q, "max")
                .and_then(|m| m.parse().ok())
                .unwrap_or(1000);
            let page = storage.list(&prefix, token.as_deref(), max, now).await?;
            Ok(json(200, &serde_json::to_value(&page).unwrap_or_default()))
        }
        ("GET", p) if p.starts_with("/presign-get/") => {
            let expires = query(&q, "expires")
                .and_then(|e| e.parse().ok())
                .unwrap_or(300);
            let p = storage.config().presign_get(
                &key_in("/presign-get/")?,
                Duration::seconds(expires),
                now,
            )?;
            Ok(json(200, &serde_json::to_value(&p).unwrap_or_default()))
        }
        ("POST", "/slots") => {
            let owner = owner?;
            let request: SlotRequest =
                serde_json::from_slice(&body).map_err(|_| StorageError::InvalidArgument {
                    why: "body is {content_type, size, sha256}",
                })?;
            let expires = query(&q, "expires").and_then(|e| e.parse().ok());
            let slot = issue_slot(&policy(expires)?, &owner, &request, random16(), now)?;
            let upload = slot.presign(storage.config(), now)?;
            let store = records().await?;
            let text = serde_json::to_vec(&slot).unwrap_or_default();
            kv(store.set(format!("slot:{}", slot.key), text).await)?;
            Ok(json(
                201,
                &serde_json::json!({"key": slot.key, "upload": upload}),
            ))
        }
        ("POST", "/slots/confirm") => {
            let owner = owner?;
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let key = ObjectKey::parse(v["key"].as_str().unwrap_or(""))?;
            let store = records().await?;
            let slot: UploadSlot = kv(store.get(format!("slot:{key}")).await)?
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or(StorageError::ObjectMissing {
                    key: key.as_str().to_owned(),
                })?;
            let object = storage.confirm_upload(&slot, &owner, now).await?;
            let record = serde_json::to_vec(&object).unwrap_or_default();
            kv(store.set(format!("object:{key}"), record).await)?;
            kv(store.delete(format!("slot:{key}")).await)?;
            Ok(json(
                201,
                &serde_json::to_value(&object).unwrap_or_default(),
            ))
        }
        ("GET", p) if p.starts_with("/records/") => {
            let key = key_in("/records/")?;
            let store = records().await?;
            match kv(store.get(format!("object:{key}")).await)? {
                Some(b) => Ok(answer(200, "application/json", b)),
                None => Err(StorageError::ObjectMissing {
                    key: key.as_str().to_owned(),
                }),
            }
        }
        _ => Err(StorageError::InvalidArgument {
            why: "no such route",
        }),
    }
}
