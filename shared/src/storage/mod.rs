//! Object storage over the S3 protocol, as pure values: a [`StoreConfig`] read from
//! Spin variables builds SigV4-signed requests ([`S3Request`]) and presigned URLs
//! ([`Presigned`]); [`response`] reads what the store answered (heads, listings, S3
//! error XML) into typed values and a [`StorageError`] with a stable code.
//!
//! Uploads from phones go through a slot: [`upload::issue_slot`] chooses the key
//! (`<owner-kind>/<owner-id>/<purpose>/<random>.<ext>`, never from user input), the
//! client PUTs to the presigned URL, and [`upload::decide`] confirms size and SHA-256
//! from a HEAD before anything is recorded.
//!
//! Nothing here sends a request or reads the clock: the shell (a function) sends
//! the requests with spin-sdk's outbound HTTP and passes `now`.

mod config;
mod encode;
mod error;
pub mod key;
mod request;
pub mod response;
pub mod upload;
mod xml;

pub use config::{
    DEFAULT_REGION, Endpoint, Scheme, StoreConfig, StoreCredentials, VAR_ACCESS_KEY_ID, VAR_BUCKET,
    VAR_ENDPOINT, VAR_PATH_STYLE, VAR_REGION, VAR_SECRET_ACCESS_KEY,
};
pub use error::StorageError;
pub use key::ObjectKey;
pub use request::{ByteRange, MAX_PRESIGN_EXPIRY, Presigned, S3Request};
pub use response::{ListPage, ListedObject, ObjectHead};
pub use upload::Sha256Digest;
