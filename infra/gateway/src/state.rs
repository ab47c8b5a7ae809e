//! What a component instance's store holds: WASI and HTTP contexts, its limits,
//! and handles to the component's own configuration and the application's shared
//! services. A fresh [`StoreData`] is built for every instance.

use crate::allowed_hosts::AllowedHosts;
use crate::databases::Databases;
use crate::host::outbound::OutboundHooks;
use crate::variables::Resolver;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock, Weak};
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Serves a request to another component in process (service chaining).
pub trait Chain: Send + Sync {
    /// Handles `request` with `component` as if routed to its `/...`.
    fn call(
        &self,
        component: &str,
        request: http::Request<WasiBody>,
    ) -> std::pin::Pin<
        Box<
            dyn Future<Output = Result<http::Response<WasiBody>, wasmtime_wasi_http::Error>>
                + Send
                + '_,
        >,
    >;
}

/// Application-wide services, shared by every store.
pub struct AppShared {
    /// Resolved application variables.
    pub resolver: Resolver,
    /// `spin:sqlite` databases by label.
    pub sqlite: crate::sqlite_files::SqliteFiles,
    /// `spin:key-value` stores by label.
    pub key_value: Databases,
    /// `spin:postgres` connection pools by address.
    pub postgres: crate::host::postgres::Pools,
    /// The in-process dispatcher for service chaining, set once the server exists.
    pub chain: OnceLock<Weak<dyn Chain>>,
}

/// One component's configuration, as its host functions need it.
#[derive(Debug)]
pub struct ComponentCtx {
    /// Component id.
    pub id: String,
    /// Labels of the databases it may open.
    pub sqlite_databases: HashSet<String>,
    /// Labels of the key-value stores it may open.
    pub key_value_stores: HashSet<String>,
    /// Its variables (templates over application variables).
    pub variables: BTreeMap<String, String>,
    /// Where its outbound HTTP may go.
    pub allowed_hosts: AllowedHosts,
    /// Its environment.
    pub environment: Vec<(String, String)>,
    /// The copy of its `files`, which it sees read-only at `/` (None: no files).
    pub files_dir: Option<std::path::PathBuf>,
}

/// The `T` of every `Store<T>`.
pub struct StoreData {
    /// Resources handed to the guest.
    pub table: ResourceTable,
    /// WASI (cli, clocks, random, io).
    pub wasi: WasiCtx,
    /// `wasi:http`.
    pub http: WasiHttpCtx,
    /// Outbound HTTP policy.
    pub hooks: OutboundHooks,
    /// Memory and table limits.
    pub limits: StoreLimits,
    /// This component's configuration.
    pub component: Arc<ComponentCtx>,
    /// Application-wide services.
    pub app: Arc<AppShared>,
    /// Key-value stores this instance holds open.
    pub open_stores: usize,
    /// Whether the gateway gave up on this instance's requests (see
    /// [`crate::deadline`]); every host call with an effect asks it first.
    pub stop: Arc<crate::deadline::Stop>,
}

impl WasiView for StoreData {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for StoreData {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}
