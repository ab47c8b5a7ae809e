//! Signed S3 requests and presigned URLs, built as values (AWS Signature V4 via
//! `aws-sigv4`). The shell sends them; nothing here does I/O or reads the clock.

use super::encode::uri_encode;
use super::upload::Sha256Digest;
use super::{ObjectKey, StorageError, StoreConfig};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

/// The longest validity of a presigned URL S3 accepts (7 days).
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::days(7);

/// A signed request, ready to send as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Request {
    /// The method.
    pub method: &'static str,
    /// The full URL, already encoded.
    pub url: String,
    /// Headers to send (signature included; `host` comes from the URL).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A presigned request, for a client that holds no credentials (a phone).
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Presigned {
    /// The method the URL is valid for.
    pub method: String,
    /// The URL with the signature in its query.
    pub url: String,
    /// Headers the client must send exactly (they are signed).
    pub headers: Vec<(String, String)>,
    /// When the URL stops working.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub expires_at: OffsetDateTime,
}

/// An inclusive byte range (`bytes=first-last`, or `bytes=first-` to the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    first: u64,
    last: Option<u64>,
}

impl ByteRange {
    /// A range from `first` to `last` (inclusive) or to the end.
    pub fn new(first: u64, last: Option<u64>) -> Result<ByteRange, StorageError> {
        if last.is_some_and(|l| l < first) {
            return Err(StorageError::InvalidArgument {
                why: "a range ends before it starts",
            });
        }
        Ok(ByteRange { first, last })
    }

    /// The `Range` header value.
    pub fn header_value(&self) -> String {
        match self.last {
            Some(l) => format!("bytes={}-{l}", self.first),
            None => format!("bytes={}-", self.first),
        }
    }
}

fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

impl StoreConfig {
    /// The URL of the bucket (`key: None`) or an object, with an encoded query.
    fn url(&self, key: Option<&ObjectKey>, query: &[(&str, &str)]) -> String {
        let scheme = self.endpoint.scheme.as_str();
        let path = key
            .map(|k| uri_encode(k.as_str(), true))
            .unwrap_or_default();
        let mut url = if self.path_style {
            let base = format!(
                "{scheme}://{}/{}",
                self.endpoint.authority(None),
                self.bucket
            );
            if path.is_empty() {
                base
            } else {
                format!("{base}/{path}")
            }
        } else {
            format!(
                "{scheme}://{}/{path}",
                self.endpoint.authority(Some(&self.bucket))
            )
        };
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&uri_encode(k, false));
            url.push('=');
            url.push_str(&uri_encode(v, false));
        }
        url
    }

    fn settings(location: SignatureLocation) -> SigningSettings {
        let mut s = SigningSettings::default();
        s.percent_encoding_mode = PercentEncodingMode::Single;
        s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        s.signature_location = location;
        s.payload_checksum_kind = match location {
            SignatureLocation::QueryParams => PayloadChecksumKind::NoHeader,
            _ => PayloadChecksumKind::XAmzSha256,
        };
        s
    }

    /// Signs `method url` with `headers`; returns the headers and query pairs to add.
    #[allow(clippy::type_complexity)]
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: SignableBody<'_>,
        settings: SigningSettings,
        now: OffsetDateTime,
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>), StorageError> {
        let identity = Credentials::new(
            &self.credentials.access_key_id,
            &self.credentials.secret_access_key,
            None,
            None,
            "yingshang",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(now.into())
            .settings(settings)
            .build()
            .map_err(|_| StorageError::NotConfigured {
                variable: super::VAR_REGION,
                why: "cannot be used for signing",
            })?
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
        )
        .map_err(|_| StorageError::NotConfigured {
            variable: super::VAR_ENDPOINT,
            why: "does not make a valid URL",
        })?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|_| StorageError::InvalidArgument {
                why: "the request cannot be signed",
            })?
            .into_parts();
        let (new_headers, params) = instructions.into_parts();
        Ok((
            new_headers
                .into_iter()
                .map(|h| (h.name().to_owned(), h.value().to_owned()))
                .collect(),
            params
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into_owned()))
                .collect(),
        ))
    }

    fn signed(
        &self,
        method: &'static str,
        url: String,
        mut headers: Vec<(String, String)>,
        body: Vec<u8>,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        let payload = SignableBody::Precomputed(sha256_hex(&body));
        let settings = Self::settings(SignatureLocation::Headers);
        let (added, _) = self.sign(method, &url, &headers, payload, settings, now)?;
        headers.extend(added);
        Ok(S3Request {
            method,
            url,
            headers,
            body,
        })
    }

    /// `PutObject`: stores `body` under `key`, with its SHA-256 for the store to check.
    pub fn put_object(
        &self,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        let sha = Sha256Digest::of(&body);
        let headers = vec![
            ("content-type".to_owned(), content_type.to_owned()),
            ("x-amz-checksum-sha256".to_owned(), sha.to_base64()),
        ];
        self.signed("PUT", self.url(Some(key), &[]), headers, body, now)
    }

    /// `GetObject`, optionally a byte range of it.
    pub fn get_object(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        let headers = range
            .map(|r| vec![("range".to_owned(), r.header_value())])
            .unwrap_or_default();
        self.signed("GET", self.url(Some(key), &[]), headers, Vec::new(), now)
    }

    /// `HeadObject`, asking for the stored checksum.
    pub fn head_object(
        &self,
        key: &ObjectKey,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        let headers = vec![("x-amz-checksum-mode".to_owned(), "ENABLED".to_owned())];
        self.signed("HEAD", self.url(Some(key), &[]), headers, Vec::new(), now)
    }

    /// `DeleteObject` (succeeds whether or not the object exists).
    pub fn delete_object(
        &self,
        key: &ObjectKey,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        self.signed(
            "DELETE",
            self.url(Some(key), &[]),
            Vec::new(),
            Vec::new(),
            now,
        )
    }

    /// `ListObjectsV2` under `prefix`, continuing from a previous page's token.
    pub fn list_objects(
        &self,
        prefix: &str,
        continuation: Option<&str>,
        max_keys: u16,
        now: OffsetDateTime,
    ) -> Result<S3Request, StorageError> {
        if !(1..=1000).contains(&max_keys) {
            return Err(StorageError::InvalidArgument {
                why: "a listing page holds 1 to 1000 keys",
            });
        }
        if prefix.chars().any(char::is_control) {
            return Err(StorageError::KeyInvalid {
                why: "a prefix must not contain control characters",
            });
        }
        let max = max_keys.to_string();
        let mut query = vec![
            ("list-type", "2"),
            ("max-keys", max.as_str()),
            ("prefix", prefix),
        ];
        if let Some(token) = continuation {
            query.push(("continuation-token", token));
        }
        self.signed("GET", self.url(None, &query), Vec::new(), Vec::new(), now)
    }

    fn presign(
        &self,
        method: &'static str,
        key: &ObjectKey,
        headers: Vec<(String, String)>,
        expires_in: Duration,
        now: OffsetDateTime,
    ) -> Result<Presigned, StorageError> {
        if expires_in < Duration::SECOND || expires_in > MAX_PRESIGN_EXPIRY {
            return Err(StorageError::InvalidArgument {
                why: "a presigned URL is valid for 1 second to 7 days",
            });
        }
        let url = self.url(Some(key), &[]);
        let mut settings = Self::settings(SignatureLocation::QueryParams);
        settings.expires_in = Some(expires_in.unsigned_abs());
        let (_, params) = self.sign(
            method,
            &url,
            &headers,
            SignableBody::UnsignedPayload,
            settings,
            now,
        )?;
        let mut url = url;
        for (i, (k, v)) in params.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&uri_encode(k, false));
            url.push('=');
            url.push_str(&uri_encode(v, false));
        }
        Ok(Presigned {
            method: method.to_owned(),
            url,
            headers,
            expires_at: now + expires_in,
        })
    }

    /// A presigned `GET` of `key`, valid for `expires_in`.
    pub fn presign_get(
        &self,
        key: &ObjectKey,
        expires_in: Duration,
        now: OffsetDateTime,
    ) -> Result<Presigned, StorageError> {
        self.presign("GET", key, Vec::new(), expires_in, now)
    }

    /// A presigned `PUT` of exactly `content_length` bytes of `content_type` whose
    /// SHA-256 is `sha256`: the three are signed headers, so a client that sends
    /// anything else is refused by the store.
    pub fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        sha256: &Sha256Digest,
        expires_in: Duration,
        now: OffsetDateTime,
    ) -> Result<Presigned, StorageError> {
        let headers = vec![
            ("content-length".to_owned(), content_length.to_string()),
            ("content-type".to_owned(), content_type.to_owned()),
            ("x-amz-checksum-sha256".to_owned(), sha256.to_base64()),
        ];
        self.presign("PUT", key, headers, expires_in, now)
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
