//! The imperative shell that every Yingshang function shares, over Spin APIs: how a
//! request is read, who is calling, how an answer is written, and the platform
//! tables (API keys, idempotency, audit). Business rules stay in `yingshang-core`;
//! SQL stays in [`store`]-named modules.
//!
//! - [`context`]: the request id, language and current time of one request.
//! - [`responses`]: JSON and problem+json answers, and [`Failure`] / [`Internal`].
//! - [`body`]: the request body with a size limit, parsed as JSON.
//! - [`clock`]: the current time from the WASI wall clock.
//! - [`ids`]: ULIDs from the clock and WASI randomness.
//! - [`db`]: a thin layer over `spin:sqlite` (rows, transactions, errors).
//! - [`router`]: the route table as data ([`route!`]), 404/405, the handler's [`router::Call`].
//! - [`guard`]: who may call a route — the only way handlers authorize.
//! - [`outbox`]: the one outbox dispatcher and signed outbound JSON POST.
//! - [`payments`]: the channel's confirmed payments, one row per transaction id.
//! - [`tx`]: the one transaction helper, with typed refusals and retries.
//! - [`auth`]: bearer tokens for users, API keys (and the bootstrap key) for agencies.
//! - [`idempotency`]: `Idempotency-Key` on retried writes.
//! - [`audit`]: audit rows.
//! - [`device`]: signed device requests, their secrets and nonces.
//! - [`channel`]: the payment channel's body signatures.
//! - [`chain`]: requests to other functions by service chaining; filing a complaints case.

pub mod audit;
pub mod auth;
pub mod body;
pub mod calendar;
pub mod chain;
pub mod channel;
pub mod clock;
pub mod context;
pub mod db;
pub mod device;
pub mod guard;
pub mod idempotency;
pub mod ids;
pub mod outbox;
pub mod payments;
pub mod responses;
pub mod router;
pub mod storage;
mod store;
pub mod tx;

pub use context::RequestContext;
pub use db::{Db, DbError, Row};
pub use responses::{Answer, Failure, Internal};
