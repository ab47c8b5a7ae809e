//! The functions' end-to-end tests again, with every gateway on PostgreSQL: the same
//! test files as the `e2e` binary, compiled a second time. The harness sees this
//! binary's name and gives each gateway a fresh database on a throwaway PostgreSQL
//! cluster (`yingshang_e2e::postgres`), the `database_url` and `database_host`
//! variables and the PostgreSQL migrations; the functions, their `.wasm` and the
//! assertions are the same. Gateway-only areas (routing, limits, the SQLite host,
//! object storage) run once, in `e2e`.

#[path = "../e2e"]
mod e2e {
    pub mod api_keys;
    pub mod checkin;
    pub mod complaints;
    pub mod intermediary;
    pub mod metering;
    pub mod real_manifest;
    pub mod s3_client;
    pub mod tax;
    pub mod valuation;
}

use e2e::s3_client;

mod migrate;
