//! Object storage over spin-sdk's outbound HTTP: the shell around the core's pure
//! S3 client (`yingshang_core::storage`). The core builds and signs each request
//! and reads each answer; this module only reads the variables and sends.
//!
//! The store's endpoint must be in the component's `allowed_outbound_hosts`
//! (`["{{ object_store_endpoint }}"]`), and the component must map the
//! `object_store_*` variables (see `docs/object-storage.md`).

use http_body_util::BodyExt as _;
use time::OffsetDateTime;
use yingshang_core::storage::upload::{StoredObject, UploadSlot, Verdict, decide};
use yingshang_core::storage::{
    ByteRange, ListPage, ObjectHead, ObjectKey, S3Request, StorageError, StoreConfig,
    VAR_ACCESS_KEY_ID, VAR_BUCKET, VAR_ENDPOINT, VAR_PATH_STYLE, VAR_REGION, VAR_SECRET_ACCESS_KEY,
    key::Owner, response,
};

/// The store's answer to one request.
#[derive(Debug)]
pub struct S3Answer {
    /// HTTP status.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body.
    pub body: Vec<u8>,
}

/// Sends one signed request. A transport failure (refused, DNS, timeout, denied by
/// `allowed_outbound_hosts`) is [`StorageError::Unreachable`]; its cause is logged.
pub async fn send(request: S3Request) -> Result<S3Answer, StorageError> {
    let mut builder = spin_sdk::http::Request::builder()
        .method(request.method)
        .uri(request.url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    // S3 wants a length on every request that may carry a body (DELETE included).
    if !matches!(request.method, "GET" | "HEAD") {
        builder = builder.header("content-length", request.body.len().to_string());
    }
    let body = http_body_util::Full::new(std::collections::VecDeque::from(request.body));
    let outgoing = builder
        .body(body)
        .map_err(|_| StorageError::NotConfigured {
            variable: VAR_ENDPOINT,
            why: "does not make a valid URL",
        })?;
    let response = match spin_sdk::http::send(outgoing).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("object storage: {} request failed: {e:?}", request.method);
            return Err(StorageError::Unreachable);
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = match response.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(e) => {
            eprintln!("object storage: reading the answer failed: {e}");
            return Err(StorageError::Unreachable);
        }
    };
    if status >= 300 && status != 404 {
        eprintln!(
            "object storage: {} answered {status} {}",
            request.method,
            response::error_code(&body).unwrap_or_default()
        );
    }
    Ok(S3Answer {
        status,
        headers,
        body,
    })
}

/// A bucket, addressed and signed as the `object_store_*` variables say.
#[derive(Debug, Clone)]
pub struct Storage {
    config: StoreConfig,
}

impl Storage {
    /// Reads the `object_store_*` variables.
    pub async fn from_variables() -> Result<Storage, StorageError> {
        let mut values = Vec::new();
        for name in [
            VAR_ENDPOINT,
            VAR_REGION,
            VAR_BUCKET,
            VAR_ACCESS_KEY_ID,
            VAR_SECRET_ACCESS_KEY,
            VAR_PATH_STYLE,
        ] {
            if let Ok(v) = spin_sdk::variables::get(name).await {
                values.push((name, v));
            }
        }
        let config = StoreConfig::from_variables(|name| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        })?;
        Ok(Storage { config })
    }

    /// A store with a given configuration.
    pub fn new(config: StoreConfig) -> Storage {
        Storage { config }
    }

    /// The configuration (for presigning).
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Stores `body` under `key`.
    pub async fn put(
        &self,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        now: OffsetDateTime,
    ) -> Result<(), StorageError> {
        let a = send(self.config.put_object(key, body, content_type, now)?).await?;
        response::check(a.status, &a.body, Some(key))
    }

    /// Reads an object, or a range of it.
    pub async fn get(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
        now: OffsetDateTime,
    ) -> Result<Vec<u8>, StorageError> {
        let a = send(self.config.get_object(key, range, now)?).await?;
        response::check(a.status, &a.body, Some(key))?;
        Ok(a.body)
    }

    /// An object's size, type and checksum; `None` if there is no such object.
    pub async fn head(
        &self,
        key: &ObjectKey,
        now: OffsetDateTime,
    ) -> Result<Option<ObjectHead>, StorageError> {
        let a = send(self.config.head_object(key, now)?).await?;
        match response::check(a.status, &a.body, Some(key)) {
            Ok(()) => {
                ObjectHead::from_headers(a.headers.iter().map(|(k, v)| (k.as_str(), v.as_slice())))
                    .map(Some)
            }
            Err(StorageError::ObjectMissing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes an object (no error if it is already gone).
    pub async fn delete(&self, key: &ObjectKey, now: OffsetDateTime) -> Result<(), StorageError> {
        let a = send(self.config.delete_object(key, now)?).await?;
        match response::check(a.status, &a.body, Some(key)) {
            Ok(()) | Err(StorageError::ObjectMissing { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// One page of the objects under `prefix`.
    pub async fn list(
        &self,
        prefix: &str,
        continuation: Option<&str>,
        max_keys: u16,
        now: OffsetDateTime,
    ) -> Result<ListPage, StorageError> {
        let a = send(
            self.config
                .list_objects(prefix, continuation, max_keys, now)?,
        )
        .await?;
        response::check(a.status, &a.body, None)?;
        response::parse_list(&a.body)
    }

    /// Confirms an upload: HEADs the slot's key and accepts the object only if
    /// `caller` owns it and its size and SHA-256 are the declared ones. A wrong
    /// object is deleted, so nothing half-accepted stays behind; the caller records
    /// the returned object only on `Ok`.
    pub async fn confirm_upload(
        &self,
        slot: &UploadSlot,
        caller: &Owner,
        now: OffsetDateTime,
    ) -> Result<StoredObject, StorageError> {
        let head = if caller.owns(&slot.key) {
            self.head(&slot.key, now).await?
        } else {
            None
        };
        match decide(slot, caller, head.as_ref(), now) {
            Verdict::Accept(object) => Ok(object),
            Verdict::Reject {
                error,
                remove_object,
            } => {
                if remove_object {
                    self.delete(&slot.key, now).await?;
                }
                Err(error)
            }
        }
    }
}
