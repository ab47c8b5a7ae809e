//! The one wasmtime `Engine`, the linker with every interface the gateway
//! provides, and loading a component: compiled once (with wasmtime's on-disk cache,
//! keyed by the wasm's hash and the wasmtime version), checked against the linker
//! and pre-instantiated before it takes traffic.

use crate::state::StoreData;
use anyhow::Context as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::component::{Component, Linker};
use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
};
use wasmtime_wasi_http::handler::ProxyPre;

/// How often the epoch ticks: the granularity of request timeouts and of the
/// points where a busy guest yields to the event loop.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Most bytes of linear memory one instance may use.
    pub memory_cap: usize,
    /// Most instances alive at once (pooling allocator slots).
    pub max_instances: u32,
    /// Directory for the compiled-code cache; `None` disables it.
    pub cache_dir: Option<std::path::PathBuf>,
}

/// The environment variable that turns on the perf map of guest functions.
pub const PERFMAP_ENV: &str = "YINGSHANG_PERFMAP";

/// Builds the engine: component model with async, epoch interruption, and the
/// pooling allocator sized for `max_instances`.
pub fn build_engine(settings: &EngineSettings) -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_async(true);
    config.concurrency_support(true);
    config.epoch_interruption(true);
    let mut pool = PoolingAllocationConfig::default();
    let instances = settings.max_instances.max(1);
    pool.total_component_instances(instances);
    pool.total_core_instances(instances * 4);
    pool.total_memories(instances * 2);
    pool.total_tables(instances * 4);
    pool.max_memory_size(settings.memory_cap);
    pool.max_memories_per_component(4);
    pool.max_tables_per_component(8);
    pool.total_stacks(instances);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    // `YINGSHANG_PERFMAP=1`: name the guest's compiled functions for `perf` (it reads
    // /tmp/perf-<pid>.map), so that a profile shows which guest code the time is in.
    if std::env::var_os(PERFMAP_ENV).is_some_and(|v| v == "1") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    if let Some(dir) = &settings.cache_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("while creating {}", dir.display()))?;
        // wasmtime's cache refuses a relative directory, and the default state
        // directory (`.yingshang`) is one.
        let dir = std::fs::canonicalize(dir)
            .with_context(|| format!("while resolving {}", dir.display()))?;
        let mut cc = CacheConfig::new();
        cc.with_directory(dir);
        config.cache(Some(Cache::new(cc).map_err(anyhow::Error::from)?));
    }
    Engine::new(&config).map_err(anyhow::Error::from)
}

/// The linker with WASI 0.2 and 0.3, `wasi:http` 0.2 and 0.3, and Spin's interfaces.
pub fn build_linker(engine: &Engine) -> anyhow::Result<Linker<StoreData>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
        .map_err(anyhow::Error::from)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
    wasmtime_wasi_http::p3::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
    crate::host::add_to_linker(&mut linker)?;
    Ok(linker)
}

/// Compiles `path` (or takes it from the cache), checks that the linker satisfies
/// every import, and pre-instantiates it as a `wasi:http` handler.
pub fn load_component(
    engine: &Engine,
    linker: &Linker<StoreData>,
    id: &str,
    path: &Path,
) -> anyhow::Result<ProxyPre<StoreData>> {
    let component = Component::from_file(engine, path)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("component `{id}`: cannot compile {}", path.display()))?;
    let pre = linker.instantiate_pre(&component).map_err(|e| {
        let missing = unsupported_imports(engine, &component);
        if missing.is_empty() {
            anyhow::anyhow!(
                "component `{id}` ({}) cannot be linked: {e}",
                path.display()
            )
        } else {
            anyhow::anyhow!(
                "component `{id}` ({}) imports {}, which the gateway does not provide",
                path.display(),
                missing.join(", ")
            )
        }
    })?;
    match wasmtime_wasi_http::p3::bindings::ServicePre::new(pre.clone()) {
        Ok(p3) => Ok(ProxyPre::P3(p3)),
        Err(_) => wasmtime_wasi_http::p2::bindings::ProxyPre::new(pre)
            .map(ProxyPre::P2)
            .map_err(|_| {
                anyhow::anyhow!(
                    "component `{id}` ({}) exports neither wasi:http/handler@0.3.0 nor wasi:http/incoming-handler@0.2",
                    path.display()
                )
            }),
    }
}

/// The imports of `component` that the gateway does not provide, by name. Only
/// used to phrase the start-up error; `instantiate_pre` is the real check.
fn unsupported_imports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .filter(|(name, _)| !is_provided(name))
        .map(|(name, _)| format!("`{name}`"))
        .collect()
}

/// The interface packages `build_linker` adds (name without version suffix check
/// for WASI, exact versions for Spin's).
fn is_provided(import: &str) -> bool {
    const SPIN: [&str; 3] = [
        "spin:sqlite/sqlite@3.1.0",
        "spin:variables/variables@3.0.0",
        "spin:key-value/key-value@3.0.0",
    ];
    SPIN.contains(&import)
        || [
            "wasi:cli/",
            "wasi:io/",
            "wasi:clocks/",
            "wasi:random/",
            "wasi:filesystem/",
            "wasi:sockets/",
            "wasi:http/",
        ]
        .iter()
        .any(|p| import.starts_with(p))
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK`] until dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts ticking.
    pub fn start(engine: Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("epoch-ticker".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _joined = t.join();
        }
    }
}
