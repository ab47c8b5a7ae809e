//! End-to-end tests through a real socket on 127.0.0.1: one binary, a module per
//! area. Each test starts its own gateway with a fresh state directory.

mod api_keys;
mod app_settings;
mod chaining;
mod checkin;
mod complaints;
mod faults;
mod gateway_problems;
mod given_up;
mod hello;
mod instances;
mod intermediary;
mod key_value;
mod manifest_errors;
mod metering;
mod outbound;
mod real_manifest;
mod routing;
mod s3_client;
mod schedules;
mod shutdown;
mod slow_clients;
mod sqlite;
mod storage;
mod storage_keys;
mod tax;
mod valuation;
mod variables;
mod web;
