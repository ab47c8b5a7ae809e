//! Security rules shared by the gateway and every function, the same on our
//! gateway and on real Spin: pure functions; `now` and secrets are passed in.
//!
//! - [`token`]: users' bearer tokens (JWT, HS256 or EdDSA) → [`authz::Principal`].
//! - [`channel`]: HMAC-signed bodies to and from a payment channel.
//! - [`device`]: HMAC-signed device requests with a time window and a nonce.
//! - [`apikey`]: agency API keys (`ysk_<id>_<secret>`), stored as a hash, scoped.
//! - [`authz`]: who may touch what (own enterprise, own agency, own device).
//! - [`idempotency`]: replay / conflict / fresh for keyed writes.
//! - [`audit`]: audit entries with digests of canonical JSON.
//! - [`credit_code`]: the unified social credit code (GB 32100) with its check.
//!
//! Every refusal is a typed error with a stable code, zh-CN and English texts, and
//! an [`ApiError`](crate::problem::ApiError) impl, so the shell answers it as
//! problem+json. No text carries a secret.

pub mod apikey;
pub mod audit;
pub mod authz;
pub mod channel;
pub mod credit_code;
pub mod demo_users;
pub mod device;
pub mod idempotency;
mod principal;
pub mod token;

pub use authz::{Denied, Principal};
pub use credit_code::CreditCode;
pub use principal::{AgencyId, IdError, Subject, user_actor_role};
