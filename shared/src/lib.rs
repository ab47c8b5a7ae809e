//! Yingshang's core: domain types and rules for every function, pure and tested
//! natively. No spin-sdk, no wasmtime, no I/O, no clock: callers pass `now`.
//!
//! Each domain is its own module and does not import the others; what they share
//! (money, time, problem answers, national codes, the payment decision) lives at
//! the top level.

pub mod calendar;
pub mod checkin;
pub mod codes;
pub mod complaints;
pub mod intermediary;
pub mod metering;
pub mod money;
pub mod open311;
pub mod openapi;
pub mod outbox;
pub mod payment;
pub mod problem;
pub mod query;
pub mod routing;
pub mod security;
pub mod storage;
pub mod tax;
pub mod valuation;
pub mod web_files;
