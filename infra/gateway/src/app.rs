//! Start-up and shutdown: from options to a serving gateway. Everything that can
//! be wrong with an application — manifest, variables, databases, components and
//! their imports — fails here, before the first request.

use crate::allowed_hosts::AllowedHosts;
use crate::body_limit::BodyLimit;
use crate::databases::Databases;
use crate::engine::{EngineSettings, EpochTicker, build_engine, build_linker, load_component};
use crate::instances::{ComponentHandler, ReuseConfig};
use crate::manifest::Manifest;
use crate::metrics::Metrics;
use crate::routes::Router;
use crate::runtime_config::RuntimeConfig;
use crate::server::Dispatcher;
use crate::sqlite_files::SqliteFiles;
use crate::state::{AppShared, Chain, ComponentCtx};
use crate::variables::Resolver;
use anyhow::Context as _;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use wasmtime_wasi_http::handler::ProxyHandler;

/// How to run an application (the options of `yingshang up`).
#[derive(Debug, Clone)]
pub struct UpOptions {
    /// The manifest.
    pub manifest: PathBuf,
    /// HTTP listen address.
    pub listen: SocketAddr,
    /// Metrics listen address (`None`: no admin listener).
    pub admin_listen: Option<SocketAddr>,
    /// State directory (databases, compiled-code cache).
    pub state_dir: PathBuf,
    /// Runtime config file.
    pub runtime_config_file: Option<PathBuf>,
    /// `--variable NAME=VALUE`.
    pub variables: BTreeMap<String, String>,
    /// Run build commands for missing or stale components.
    pub build: bool,
    /// Instance reuse limits.
    pub reuse: ReuseConfig,
    /// Per-request time limit.
    pub request_timeout: Duration,
    /// Time a request body has to arrive once the component asks for it (plus a
    /// second per KiB received; see [`crate::body_limit`]).
    pub body_timeout: Duration,
    /// Per-instance memory cap in bytes.
    pub memory_cap: usize,
    /// Requests in flight at most, across components.
    pub max_concurrent_requests: usize,
    /// Run the manifest's schedules.
    pub schedules: bool,
    /// Use the on-disk compiled-code cache.
    pub cache: bool,
    /// Where the embedded object store listens (`None`: 127.0.0.1, any port).
    pub object_store_listen: Option<SocketAddr>,
}

impl UpOptions {
    /// Defaults for a manifest: loopback port 3000, state in `.yingshang` beside it.
    pub fn new(manifest: PathBuf) -> UpOptions {
        let state_dir = manifest
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."))
            .join(".yingshang");
        UpOptions {
            manifest,
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            admin_listen: None,
            state_dir,
            runtime_config_file: None,
            variables: BTreeMap::new(),
            build: true,
            reuse: ReuseConfig::default(),
            request_timeout: Duration::from_secs(30),
            body_timeout: BodyLimit::default().timeout,
            memory_cap: 128 << 20,
            max_concurrent_requests: 1000,
            schedules: true,
            cache: true,
            object_store_listen: None,
        }
    }
}

/// A gateway that is serving.
pub struct Running {
    /// Where HTTP is served.
    pub addr: SocketAddr,
    /// Where metrics are served.
    pub admin_addr: Option<SocketAddr>,
    /// Counters (also what the admin listener serves).
    pub metrics: Arc<Metrics>,
    /// Where the embedded object store listens, if it was started.
    pub object_store_addr: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, then returns.
    pub async fn shutdown(self) {
        let _sent = self.shutdown.send(true);
        if let Err(e) = self.done.await {
            tracing::error!(error = %e, "gateway task failed during shutdown");
        }
    }

    /// Waits until the gateway stops (after [`Running::trigger`] or a failure).
    pub async fn wait(self) {
        if let Err(e) = self.done.await {
            tracing::error!(error = %e, "gateway task failed");
        }
    }

    /// A handle that asks the gateway to shut down.
    pub fn trigger(&self) -> watch::Sender<bool> {
        self.shutdown.clone()
    }
}

/// Loads, checks, compiles and starts serving an application.
pub async fn up(options: UpOptions) -> anyhow::Result<Running> {
    let manifest = Manifest::load(&options.manifest)?;
    if options.build {
        let m = manifest.clone();
        tokio::task::spawn_blocking(move || crate::builder::build_stale(&m)).await??;
    }
    manifest.check_sources()?;
    let tool = crate::app_tool::AppTool::of(&manifest)?;
    std::fs::create_dir_all(&options.state_dir).with_context(|| {
        format!(
            "while creating the state directory {}",
            options.state_dir.display()
        )
    })?;
    let generated = crate::secrets::load_or_generate(&options.state_dir, &tool.generated_secrets)?;
    let mut resolver = Resolver::resolve(
        &manifest,
        &options.variables,
        |k| std::env::var(k).ok(),
        &generated,
    )?;
    enable_dev_sign_in(&manifest, &options.variables, &generated, &mut resolver);
    let object_store = crate::object_store::EmbeddedStore::start_if_needed(
        &manifest,
        &mut resolver,
        &options.state_dir,
        options.object_store_listen,
    )
    .await?;
    let object_store_addr = object_store.as_ref().map(|s| s.addr);
    let runtime = RuntimeConfig::load(options.runtime_config_file.as_deref(), &options.state_dir)?;
    let migrations = tool.migrations_dir(&manifest);
    let mut sqlite_labels: Vec<String> = manifest
        .components
        .values()
        .flat_map(|c| c.sqlite_databases.clone())
        .collect();
    if migrations.is_some() {
        sqlite_labels.push("default".to_owned());
    }
    let kv_labels: Vec<String> = manifest
        .components
        .values()
        .flat_map(|c| c.key_value_stores.clone())
        .collect();
    if let (Some(dir), Some(path)) = (&migrations, runtime.sqlite_databases.get("default")) {
        let pool = crate::databases::open_pool(path, 1).await?;
        crate::migrations::apply(&pool, dir).await?;
        pool.close().await;
    }
    // A PostgreSQL server named by `database_url` gets its schema too.
    if let (Some(dir), Some(url)) = (
        tool.postgres_migrations_dir(&manifest),
        resolver
            .get("database_url")
            .filter(|u| !u.trim().is_empty()),
    ) {
        crate::migrations::apply_postgres(url.trim(), &dir)
            .await
            .context("while migrating the PostgreSQL database that `database_url` names")?;
    }
    let sqlite = SqliteFiles::open(&runtime.sqlite_databases, sqlite_labels, 32)?;
    let key_value = Databases::open(&runtime.key_value_stores, kv_labels, 8).await?;
    for label in manifest
        .components
        .values()
        .flat_map(|c| c.key_value_stores.iter())
    {
        if let Some(pool) = key_value.get(label) {
            sqlx::query(crate::host::key_value::SCHEMA)
                .execute(pool)
                .await
                .with_context(|| format!("while preparing key-value store `{label}`"))?;
        }
    }
    let schedules = crate::schedule::schedules(&manifest)?;

    let app = Arc::new(AppShared {
        resolver,
        sqlite,
        key_value,
        postgres: Default::default(),
        chain: OnceLock::new(),
    });
    let engine = build_engine(&EngineSettings {
        memory_cap: options.memory_cap,
        max_instances: 1000,
        cache_dir: options.cache.then(|| options.state_dir.join("compiled")),
    })?;
    let linker = build_linker(&engine)?;
    let metrics = Arc::new(Metrics::default());

    let mut handlers = HashMap::new();
    for (id, c) in &manifest.components {
        let hosts: Vec<String> = c
            .allowed_outbound_hosts
            .iter()
            .map(|h| app.resolver.expand(h))
            .collect::<Result<_, _>>()
            .map_err(|p| {
                anyhow::anyhow!(
                    "{}: component.{id}.allowed_outbound_hosts: {p}",
                    manifest.path.display()
                )
            })?;
        let allowed_hosts = AllowedHosts::parse(&hosts).map_err(|p| {
            anyhow::anyhow!(
                "{}: component.{id}.allowed_outbound_hosts: {p}",
                manifest.path.display()
            )
        })?;
        let files_dir = if c.files.is_empty() {
            None
        } else {
            let dir = options.state_dir.join("files").join(id);
            let (root, files, exclude, d) = (
                manifest.root.clone(),
                c.files.clone(),
                c.exclude_files.clone(),
                dir.clone(),
            );
            let copied = tokio::task::spawn_blocking(move || {
                crate::component_files::stage(&root, &files, &exclude, &d)
            })
            .await?
            .with_context(|| format!("{}: component.{id}", manifest.path.display()))?;
            tracing::info!(component = %id, files = copied, "files mounted read-only at /");
            Some(dir)
        };
        let ctx = Arc::new(ComponentCtx {
            id: id.clone(),
            sqlite_databases: c.sqlite_databases.iter().cloned().collect(),
            key_value_stores: c.key_value_stores.iter().cloned().collect(),
            variables: c.variables.clone(),
            allowed_hosts,
            environment: c
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            files_dir,
        });
        let path = manifest.source_path(c);
        let pre = {
            let (engine, linker, id, path) =
                (engine.clone(), linker.clone(), id.clone(), path.clone());
            tokio::task::spawn_blocking(move || load_component(&engine, &linker, &id, &path))
                .await??
        };
        tracing::info!(component = %id, source = %path.display(), "component ready");
        handlers.insert(
            id.clone(),
            ProxyHandler::new(ComponentHandler {
                pre,
                engine: engine.clone(),
                ctx,
                app: app.clone(),
                reuse: options.reuse.clone(),
                request_timeout: options.request_timeout,
                memory_cap: options.memory_cap,
                metrics: metrics.clone(),
            }),
        );
    }

    let routes: Vec<(&str, &str)> = manifest
        .http_triggers
        .iter()
        .filter_map(|t| t.route.as_deref().map(|r| (r, t.component.as_str())))
        .collect();
    let (router, duplicates) = Router::build(manifest.base(), routes)
        .map_err(|p| anyhow::anyhow!("{}: trigger.http: {p}", manifest.path.display()))?;
    for d in duplicates {
        tracing::warn!(route = %d.route, replaced = %d.replaced, effective = %d.effective, "duplicate route: the last declaration wins");
    }

    let listener = TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("while binding {}", options.listen))?;
    let addr = listener.local_addr()?;
    let dispatcher = Arc::new(Dispatcher {
        router,
        handlers,
        concurrency: Arc::new(Semaphore::new(options.max_concurrent_requests)),
        metrics: metrics.clone(),
        request_timeout: options.request_timeout,
        body_limit: BodyLimit {
            timeout: options.body_timeout,
            ..BodyLimit::default()
        },
        info: serde_json::json!({
            "name": manifest.application.name,
            "version": manifest.application.version,
            "runtime": format!("yingshang-gateway {}", env!("CARGO_PKG_VERSION")),
        }),
        local_addr: OnceLock::new(),
    });
    let _set = dispatcher.local_addr.set(addr);
    let chain: Arc<dyn Chain> = dispatcher.clone();
    let _set = app.chain.set(Arc::downgrade(&chain));

    let admin = match options.admin_listen {
        Some(a) => Some(
            TcpListener::bind(a)
                .await
                .with_context(|| format!("while binding the admin listener {a}"))?,
        ),
        None => None,
    };
    let admin_addr = admin.as_ref().map(|l| l.local_addr()).transpose()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let ticker = EpochTicker::start(engine.clone());
    if let Some(admin) = admin {
        tokio::spawn(serve_admin(admin, metrics.clone(), shutdown_rx.clone()));
    }
    if options.schedules {
        for (component, s, every) in schedules {
            let credential = s
                .credential
                .as_ref()
                .and_then(|v| app.resolver.get(v).map(str::to_owned));
            tokio::spawn(run_schedule(
                dispatcher.clone(),
                component,
                s,
                every,
                credential,
                shutdown_rx.clone(),
            ));
        }
    }
    tracing::info!(%addr, "serving");
    let done = tokio::spawn(async move {
        serve(listener, dispatcher, shutdown_rx).await;
        drop(chain);
        app.sqlite.close().await;
        app.postgres.close();
        app.key_value.close().await;
        if let Some(store) = object_store {
            store.stop().await;
        }
        drop(ticker);
    });
    Ok(Running {
        addr,
        admin_addr,
        metrics,
        object_store_addr,
        shutdown,
        done,
    })
}

/// Accepts connections until shutdown, then waits for open connections to finish
/// their requests.
async fn serve(
    listener: TcpListener,
    dispatcher: Arc<Dispatcher>,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, client) = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _nodelay = stream.set_nodelay(true);
        let d = dispatcher.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let d = d.clone();
                async move {
                    let req =
                        req.map(|b| b.map_err(wasmtime_wasi_http::Error::from).boxed_unsync());
                    Ok::<_, std::convert::Infallible>(d.handle(req, client).await)
                }
            });
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for requests in flight");
    graceful.shutdown().await;
    tracing::info!("all connections closed");
}

async fn serve_admin(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let (stream, _) = tokio::select! {
            _ = shutdown.changed() => return,
            a = listener.accept() => match a { Ok(a) => a, Err(_) => continue },
        };
        let m = metrics.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let m = m.clone();
                    async move {
                        let r = if req.uri().path() == "/metrics" {
                            crate::server::full(
                                http::StatusCode::OK,
                                "text/plain; version=0.0.4",
                                m.render(),
                            )
                        } else {
                            crate::problems::answer(
                                crate::problems::GatewayError::RouteNotFound,
                                crate::problems::lang_of(req.headers()),
                                None,
                            )
                        };
                        Ok::<_, std::convert::Infallible>(r)
                    }
                });
            let _ended = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn run_schedule(
    dispatcher: Arc<Dispatcher>,
    component: String,
    schedule: crate::schedule::Schedule,
    every: Option<Duration>,
    credential: Option<String>,
    mut shutdown: watch::Receiver<bool>,
) {
    if schedule.on_start {
        call_scheduled(&dispatcher, &component, &schedule, credential.as_deref()).await;
    }
    let Some(every) = every else { return };
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => {}
        }
        call_scheduled(&dispatcher, &component, &schedule, credential.as_deref()).await;
    }
}

/// Makes one scheduled call through the same dispatcher as network requests.
async fn call_scheduled(
    dispatcher: &Dispatcher,
    component: &str,
    schedule: &crate::schedule::Schedule,
    credential: Option<&str>,
) {
    let req = match crate::schedule::request(schedule, credential) {
        Ok(r) => r.map(|b| {
            http_body_util::Full::new(b)
                .map_err(|never| match never {})
                .boxed_unsync()
        }),
        Err(e) => {
            tracing::error!(component, schedule = %schedule.name, error = %e, "cannot build the scheduled request");
            return;
        }
    };
    let resp = dispatcher
        .handle(req, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await;
    tracing::info!(component, schedule = %schedule.name, status = resp.status().as_u16(), "scheduled call");
}

/// The variable that lets the web component issue tokens for the demo users.
pub const DEV_SIGN_IN: &str = "dev_sign_in";

/// Development sign-in is on only while tokens are signed with the secret this
/// gateway generated for its state folder (a local run), and only if nobody set the
/// variable: with an operator's `auth_jwt_secret` it stays as configured (off by
/// the manifest's default), so no deployment can hand out tokens by accident.
fn enable_dev_sign_in(
    manifest: &Manifest,
    cli: &std::collections::BTreeMap<String, String>,
    generated: &std::collections::BTreeMap<String, String>,
    resolver: &mut Resolver,
) {
    let declared = manifest.variables.contains_key(DEV_SIGN_IN);
    let set_by_someone = cli.contains_key(DEV_SIGN_IN)
        || std::env::var_os(format!(
            "SPIN_VARIABLE_{}",
            DEV_SIGN_IN.to_ascii_uppercase()
        ))
        .is_some();
    let dev_secret = matches!(
        (resolver.get("auth_jwt_secret"), generated.get("auth_jwt_secret")),
        (Some(used), Some(made)) if used == made
    );
    if declared && !set_by_someone && dev_secret {
        resolver.provide(DEV_SIGN_IN, "true".to_owned(), false);
        tracing::info!(
            "development sign-in enabled: tokens are signed with this state folder's generated secret"
        );
    }
}
