//! Yingshang's local edge runtime: it reads a Spin application (`spin.toml`),
//! builds and compiles its components, and serves their routes on wasmtime with the
//! host interfaces that Spin 4 provides — so the `.wasm` files that run here run
//! unchanged on the real Spin.

pub mod allowed_hosts;
pub mod app;
pub mod app_tool;
pub mod body_limit;
pub mod builder;
pub mod component_files;
pub mod databases;
pub mod deadline;
pub mod deploy;
pub mod dev;
pub mod engine;
pub mod host;
pub mod instances;
pub mod keys;
pub mod manifest;
pub mod metrics;
pub mod migrations;
pub mod object_store;
pub mod problems;
pub mod routes;
pub mod runtime_config;
pub mod schedule;
pub mod secrets;
pub mod server;
pub mod sqlite_files;
pub mod state;
pub mod variables;
pub mod world;
