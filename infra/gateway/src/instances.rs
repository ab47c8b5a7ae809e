//! Component instances, the way Spin 4 runs WASI 0.3 components: an instance
//! serves up to `max_reuse` requests, `max_concurrent` at a time, and is dropped
//! after `idle_timeout` without work. Each limit may be a range, drawn at random
//! per instance, so that state leaking between requests shows up in tests.
//!
//! Built on `wasmtime_wasi_http::handler::ProxyHandler`, as `wasmtime serve` is.
//!
//! A request that runs past its deadline, or whose body does not arrive in time,
//! is given up with its instance: see [`crate::deadline`]. Such an instance takes no
//! further request and is dropped as soon as its effects under way have ended.

use crate::body_limit::BodyWatch;
use crate::deadline::{Stop, Verdict};
use crate::host::outbound::OutboundHooks;
use crate::metrics::Metrics;
use crate::state::{AppShared, ComponentCtx, StoreData};
use rand::Rng;
use std::ops::RangeInclusive;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use wasmtime::component::{GuestTaskId, ResourceTable};
use wasmtime::{Store, StoreContextMut, StoreLimitsBuilder};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::handler::{
    HandlerState, Instance, ProxyPre, ShouldAccept, WorkerExpiration, WorkerState, WorkerStatus,
};

/// Instance reuse limits (inclusive ranges; a single value is `n..=n`).
#[derive(Debug, Clone)]
pub struct ReuseConfig {
    /// Requests an instance serves before it is dropped.
    pub max_reuse: RangeInclusive<usize>,
    /// Requests an instance serves at once.
    pub max_concurrent: RangeInclusive<usize>,
    /// Idle time after which an instance is dropped.
    pub idle_timeout: RangeInclusive<Duration>,
}

impl Default for ReuseConfig {
    /// Spin 4's defaults for WASI 0.3 components, except one request at a time per
    /// instance where Spin serves 16. An instance's requests all run on one task,
    /// and here `spin:sqlite` statements run on the calling thread (see
    /// [`crate::sqlite_files`]), so requests sharing an instance share one core and
    /// wait for each other; and wasmtime-wasi-http hands an instance more requests
    /// while its requests wait on the host, i.e. exactly while one of them waits
    /// for the database's write gate. Measured on the meter webhook (2 cores, open
    /// loop at 2,000 readings/s): p99 260 ms with 16 (or 4) per instance, 20 ms with
    /// one (BENCHMARKS.md). `--max-instance-concurrent-reuse-count 16` restores
    /// Spin's value; guests must be correct under either.
    fn default() -> Self {
        ReuseConfig {
            max_reuse: 128..=128,
            max_concurrent: 1..=1,
            idle_timeout: Duration::from_secs(1)..=Duration::from_secs(1),
        }
    }
}

fn draw<T: rand::distr::uniform::SampleUniform + PartialOrd + Clone>(r: &RangeInclusive<T>) -> T {
    if r.start() >= r.end() {
        r.start().clone()
    } else {
        rand::rng().random_range(r.clone())
    }
}

/// Everything needed to make instances of one component.
pub struct ComponentHandler {
    /// The pre-instantiated component.
    pub pre: ProxyPre<StoreData>,
    /// The engine it was compiled with.
    pub engine: wasmtime::Engine,
    /// Its configuration.
    pub ctx: Arc<ComponentCtx>,
    /// Application services.
    pub app: Arc<AppShared>,
    /// Reuse limits.
    pub reuse: ReuseConfig,
    /// Time a request may take before it gets a 504.
    pub request_timeout: Duration,
    /// Memory cap per instance, in bytes.
    pub memory_cap: usize,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

/// What the dispatcher hands an instance with a request.
#[derive(Debug)]
pub struct RequestStart {
    /// The request id.
    pub id: String,
    /// When the gateway gives up on the request: the request time limit after it
    /// was dispatched, or its caller's deadline for a chained call if earlier.
    pub deadline: Instant,
    /// Its body's arrival watch (requests from the network).
    pub body: Option<Arc<BodyWatch>>,
    /// Whether the gateway gave up on it, for the dispatcher to answer (the
    /// body watch's, when there is one).
    pub verdict: Arc<Verdict>,
}

/// Time beyond the request timeout after which a still-busy instance is dropped.
pub const REAP_GRACE: Duration = Duration::from_millis(500);

/// Drops an idle instance after its idle timeout; a given-up one as soon as its
/// effects under way have ended; and, as a second line of defence, a busy one whose
/// newest request has run past the request timeout (a guest that never yields keeps
/// the request's own expiration from running).
pub struct Expiration {
    idle_timeout: Duration,
    request_timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
    stop: Arc<Stop>,
}

impl WorkerExpiration for Expiration {
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        status: WorkerStatus,
        start: Instant,
    ) -> Poll<()> {
        if self.stop.poll_finished(cx).is_ready() {
            return Poll::Ready(());
        }
        let timeout = match status {
            WorkerStatus::Idle => self.idle_timeout,
            // The request's own expiration (from `on_request_start`) gives the
            // instance up at the deadline (see above); this fires only if it could
            // not run.
            WorkerStatus::Requests | WorkerStatus::PostReturn => {
                self.request_timeout.saturating_add(REAP_GRACE)
            }
        };
        let Some(deadline) = start.checked_add(timeout) else {
            return Poll::Pending;
        };
        let deadline = tokio::time::Instant::from_std(deadline);
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        let expired = self.sleep.as_mut().poll(cx);
        if expired.is_ready() && status != WorkerStatus::Idle {
            self.stop.abandon();
        }
        expired
    }
}

/// Per-instance limits and bookkeeping.
pub struct Worker {
    max_reuse: usize,
    max_concurrent: usize,
    component: String,
    metrics: Arc<Metrics>,
    stop: Arc<Stop>,
}

impl WorkerState for Worker {
    type StoreData = StoreData;
    type RequestData = RequestStart;

    fn should_accept_request(&self, concurrent: usize, total: usize) -> ShouldAccept {
        if total >= self.max_reuse || self.stop.is_abandoned() {
            ShouldAccept::Never
        } else if concurrent >= self.max_concurrent {
            ShouldAccept::No
        } else {
            ShouldAccept::Yes
        }
    }

    /// The request's expiration: it resolves — and the caller gets its 504 or 408 —
    /// when the request is given up (its deadline passed, its body is late, or
    /// another request of the instance was given up) and the instance's effects
    /// under way have ended. Dropped unresolved when the request answers in time.
    fn on_request_start(
        &self,
        store: StoreContextMut<StoreData>,
        request: RequestStart,
        _task: GuestTaskId,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + Sync + 'static>> {
        tracing::trace!(request_id = %request.id, component = %self.component, "instance accepted request");
        let stop = store.data().stop.clone();
        let tracked = stop.track(request.deadline, &request.verdict);
        Box::pin(async move {
            let _tracked = tracked;
            let body_late = async {
                match &request.body {
                    Some(body) => body.late().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = tokio::time::sleep_until(request.deadline.into()) => {}
                () = body_late => {}
                () = stop.given_up() => {}
            }
            request.verdict.give_up();
            stop.drained().await;
        })
    }

    fn drop(&self, store: Store<StoreData>, result: wasmtime::Result<()>) {
        self.metrics.instance_dropped(&self.component);
        match result {
            // Given up: a timeout or a late body, not a trap.
            _ if self.stop.is_abandoned() => {
                tracing::warn!(component = %self.component, "instance dropped: the gateway gave up on its request");
            }
            Ok(()) => {}
            Err(e)
                if e.downcast_ref::<wasmtime_wasi_http::handler::ExpirationError>()
                    .is_some() =>
            {
                tracing::warn!(component = %self.component, "instance dropped: a request ran past its time limit");
            }
            Err(error) => {
                self.metrics.trap(&self.component);
                tracing::warn!(component = %self.component, error = %format!("{error:#}"), "instance ended by a trap");
            }
        }
        drop(store);
    }
}

impl ComponentHandler {
    fn new_store(&self, stop: &Arc<Stop>) -> anyhow::Result<Store<StoreData>> {
        let mut wasi = WasiCtxBuilder::new();
        wasi.inherit_stdout().inherit_stderr();
        for (k, v) in &self.ctx.environment {
            wasi.env(k, v);
        }
        if let Some(dir) = &self.ctx.files_dir {
            // Read-only, as Spin mounts them (without `--allow-transient-write`).
            wasi.preopened_dir(dir, "/", FsPerms::ReadOnly)
                .map_err(|e| anyhow::anyhow!("mounting the files of {}: {e:#}", self.ctx.id))?;
        }
        let data = StoreData {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks {
                component: self.ctx.clone(),
                app: self.app.clone(),
                stop: stop.clone(),
            },
            limits: StoreLimitsBuilder::new()
                .memory_size(self.memory_cap)
                .instances(64)
                .tables(64)
                .memories(16)
                .build(),
            component: self.ctx.clone(),
            app: self.app.clone(),
            open_stores: 0,
            stop: stop.clone(),
        };
        let mut store = Store::new(&self.engine, data);
        store.limiter(|d| &mut d.limits);
        // Yield to the event loop at every epoch tick, so that a busy guest cannot
        // starve timeouts and other requests.
        store.epoch_deadline_async_yield_and_update(1);
        store.set_epoch_deadline(1);
        Ok(store)
    }
}

impl HandlerState for ComponentHandler {
    type StoreData = StoreData;
    type WorkerExpiration = Expiration;
    type WorkerState = Worker;

    async fn instantiate(&self) -> wasmtime::Result<Instance<StoreData, Expiration, Worker>> {
        let stop = Stop::new();
        let mut store = self
            .new_store(&stop)
            .map_err(wasmtime::Error::from_anyhow)?;
        let proxy = self.pre.instantiate_async(&mut store).await?;
        self.metrics.instance_created(&self.ctx.id);
        // WASI 0.2 handlers cannot run concurrently, and Spin gives them one
        // request per instance.
        let p2 = matches!(self.pre, ProxyPre::P2(_));
        Ok(Instance {
            store,
            proxy,
            view: wasmtime_wasi_http::WasiHttpView::http,
            expiration: Expiration {
                idle_timeout: draw(&self.reuse.idle_timeout),
                request_timeout: self.request_timeout,
                sleep: Box::pin(tokio::time::sleep(Duration::from_secs(86_400 * 365))),
                stop: stop.clone(),
            },
            state: Worker {
                max_reuse: if p2 {
                    1
                } else {
                    draw(&self.reuse.max_reuse).max(1)
                },
                max_concurrent: if p2 {
                    1
                } else {
                    draw(&self.reuse.max_concurrent).max(1)
                },
                component: self.ctx.id.clone(),
                metrics: self.metrics.clone(),
                stop,
            },
        })
    }
}
