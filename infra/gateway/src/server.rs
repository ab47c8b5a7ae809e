//! The HTTP front: hyper on a loopback (or configured) socket, Spin's routing and
//! request headers, the well-known endpoints, one log line and metrics per request,
//! a concurrency limit in front of the handlers. What the gateway answers itself — an
//! unrouted path's 404, a fault's 500 (or 504 for time, 408 for a body that did not
//! arrive) — is the problem+json of [`crate::problems`], carrying the request id.
//!
//! Each request gets its deadline here: the request time limit once it is
//! dispatched, or its caller's deadline for a chained call, whichever is earlier.
//! At the deadline the gateway gives the request up ([`crate::deadline`]) before it
//! answers 504.

use crate::body_limit::{BodyLimit, BodyWatch};
use crate::deadline::{InheritedDeadline, Verdict};
use crate::instances::{ComponentHandler, RequestStart};
use crate::metrics::Metrics;
use crate::problems::{GatewayError, answer, lang_of};
use crate::routes::{RouteMatch, Router, WELL_KNOWN_PREFIX};
use crate::state::Chain;
use bytes::{Bytes, BytesMut};
use futures::StreamExt as _;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Body as _, Frame};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;
use tokio::sync::Semaphore;
use wasmtime_wasi_http::WasiBody;
use wasmtime_wasi_http::handler::{ExpirationError, ProxyHandler};

/// The header carrying the gateway's request id, in requests and responses.
pub const REQUEST_ID: &str = "x-request-id";

/// Routes requests to component handlers.
pub struct Dispatcher {
    /// Public routes.
    pub router: Router,
    /// A handler per component id.
    pub handlers: HashMap<String, ProxyHandler<ComponentHandler>>,
    /// Limits requests in flight across all components.
    pub concurrency: Arc<Semaphore>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// `/.well-known/spin/info` body.
    pub info: serde_json::Value,
    /// The per-request time limit.
    pub request_timeout: std::time::Duration,
    /// How long a request body may take to arrive.
    pub body_limit: BodyLimit,
    /// The address the gateway listens on (for `spin-full-url` without a Host).
    pub local_addr: std::sync::OnceLock<SocketAddr>,
}

/// Makes a short unique request id.
pub fn new_request_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// A response the gateway itself writes.
pub fn full(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<WasiBody> {
    let mut r = Response::new(
        Full::new(body.into())
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *r.status_mut() = status;
    if !content_type.is_empty() {
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("valid content type"),
        );
    }
    r
}

impl Dispatcher {
    /// Handles one request from the network.
    pub async fn handle(
        &self,
        mut req: Request<WasiBody>,
        client: SocketAddr,
    ) -> Response<WasiBody> {
        let started = Instant::now();
        let request_id = req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            .map(str::to_owned)
            .unwrap_or_else(new_request_id);
        // The log line's fields are copied out of the request only when the line is
        // written: with the usual filter it is not, and this runs for every request.
        let logged = tracing::enabled!(tracing::Level::INFO)
            .then(|| (req.method().clone(), req.uri().path().to_owned()));
        let path = req.uri().path();
        let (mut response, routed, well_known) =
            if let Some(well_known) = path.strip_prefix(WELL_KNOWN_PREFIX) {
                let r = match well_known {
                    "health" => full(StatusCode::OK, "text/plain", "OK"),
                    "info" => full(StatusCode::OK, "application/json", self.info.to_string()),
                    _ => not_found(&req, &request_id),
                };
                (r, None, true)
            } else {
                match self.router.route(path) {
                    None => (not_found(&req, &request_id), None, false),
                    Some(m) => {
                        strip_hop_headers(&mut req);
                        let body = BodyWatch::new(self.body_limit);
                        let req = req.map(|b| body.wrap(b));
                        let r = self.run(req, &m, client, &request_id, Some(body)).await;
                        (r, Some(m), false)
                    }
                }
            };
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, v);
        }
        let status = response.status().as_u16();
        let latency = started.elapsed();
        let component = routed.as_ref().map_or("-", |m| m.component.as_str());
        self.metrics.request(component, status, latency);
        if let Some((method, path)) = logged {
            let route = match &routed {
                Some(m) => m.raw_route.as_str(),
                None if well_known => path.as_str(),
                None => "-",
            };
            tracing::info!(
                request_id = %request_id,
                method = %method,
                path = %path,
                route = %route,
                component = %component,
                status,
                latency_ms = latency.as_secs_f64() * 1000.0,
                "request"
            );
        }
        response
    }

    /// Runs a matched request in its component; `body` watches a network
    /// request's body.
    async fn run(
        &self,
        mut req: Request<WasiBody>,
        m: &RouteMatch,
        client: SocketAddr,
        request_id: &str,
        body: Option<Arc<BodyWatch>>,
    ) -> Response<WasiBody> {
        // Negotiated now: the request is handed to the component below.
        let lang = lang_of(req.headers());
        let fail = |error| answer(error, lang, Some(request_id));
        let Some(handler) = self.handlers.get(&m.component) else {
            return fail(GatewayError::NoComponent);
        };
        let inherited = req.extensions().get::<InheritedDeadline>().map(|d| d.0);
        let permit = match inherited {
            // A chained call waits for a slot no longer than its caller may.
            Some(deadline) => {
                match tokio::time::timeout_at(deadline.into(), self.concurrency.acquire()).await {
                    Ok(permit) => permit,
                    Err(_elapsed) => return fail(GatewayError::Timeout),
                }
            }
            None => self.concurrency.acquire().await,
        };
        let Ok(_permit) = permit else {
            return fail(GatewayError::ShuttingDown);
        };
        let host = req
            .headers()
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok());
        let local;
        let host = match host {
            Some(h) => h,
            None => {
                local = self
                    .local_addr
                    .get()
                    .map_or_else(|| "localhost".to_owned(), |a| a.to_string());
                local.as_str()
            }
        };
        let path_and_query = req.uri().path_and_query().map_or("/", |p| p.as_str());
        let full_url = format!("http://{host}{path_and_query}");
        match full_url.parse::<http::Uri>() {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return fail(GatewayError::InvalidHost),
        }
        let head = req.method() == http::Method::HEAD;
        // The URL string becomes the header value without another copy.
        let full_url = HeaderValue::from_maybe_shared(Bytes::from(full_url));
        let client = HeaderValue::from_maybe_shared(Bytes::from(client.to_string()));
        let headers = req.headers_mut();
        if let (Ok(url), Ok(client)) = (full_url, client) {
            m.add_spin_headers(headers, url, client);
        }
        if let Ok(v) = HeaderValue::from_str(request_id) {
            headers.insert(REQUEST_ID, v);
        }
        let own = Instant::now() + self.request_timeout;
        let deadline = inherited.map_or(own, |d| d.min(own));
        let verdict = body
            .as_ref()
            .map_or_else(Verdict::new, |b| b.verdict().clone());
        let start = RequestStart {
            id: request_id.to_owned(),
            deadline,
            body: body.clone(),
            verdict: verdict.clone(),
        };
        let late_body = || body.as_ref().is_some_and(|b| b.is_late());
        let outcome = handler.handle(start, req).await;
        if verdict.is_given_up() || outcome.is_err() {
            // An error answer waits for the work under way (a statement on the
            // blocking pool, a chained call) to end, so none of it ends after the
            // answer (see `crate::deadline`); an answer the guest gave after it was
            // given up is dropped.
            verdict.settled().await;
        }
        match outcome {
            // Given up for its body: whatever the guest made of the failed body.
            Ok(_) | Err(_) if late_body() => {
                tracing::warn!(request_id, component = %m.component, "request body did not arrive in time");
                let mut r = fail(GatewayError::BodyTimeout);
                // The rest of the body is not read: the connection cannot carry
                // another request.
                r.headers_mut()
                    .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
                r
            }
            Ok(_) if verdict.is_given_up() => {
                tracing::warn!(request_id, component = %m.component, "request answered after its time limit");
                fail(GatewayError::Timeout)
            }
            Ok(response) if head => response,
            Ok(response) => settle(response).await,
            // A guest that never yields is stopped with its whole instance, which
            // surfaces as a worker failure after the time limit: still a timeout.
            Err(e)
                if e.downcast_ref::<ExpirationError>().is_some()
                    || verdict.is_given_up()
                    || Instant::now() >= deadline =>
            {
                tracing::warn!(request_id, component = %m.component, "request timed out");
                fail(GatewayError::Timeout)
            }
            Err(e) => {
                self.metrics.trap(&m.component);
                tracing::error!(request_id, component = %m.component, error = %format!("{e:#}"), "component failed");
                fail(GatewayError::ComponentFailed)
            }
        }
    }
}

/// The 404 for a path no route serves: Spin's status, with a problem body.
fn not_found(req: &Request<WasiBody>, request_id: &str) -> Response<WasiBody> {
    answer(
        GatewayError::RouteNotFound,
        lang_of(req.headers()),
        Some(request_id),
    )
}

/// Bodies up to this size may be gathered by [`settle`].
const SETTLE_MAX_BYTES: usize = 64 << 10;
/// Scheduler turns [`settle`] gives a body to finish.
const SETTLE_TURNS: usize = 4;

/// A component answers with its head first and writes the body after, so hyper
/// would send the head, the body's chunk and the chunked terminator as they come:
/// often two or three writes, each a TCP segment and a wake-up of the client.
/// Most answers are small and complete a few scheduler turns later, so they are
/// gathered here and sent whole, with a content length, in one write. A body that
/// is larger than [`SETTLE_MAX_BYTES`], carries trailers, fails, or is still open
/// after [`SETTLE_TURNS`] turns is streamed as before, after what was already read:
/// a streaming answer is never held back for longer than those turns.
async fn settle(response: Response<WasiBody>) -> Response<WasiBody> {
    let (parts, mut body) = response.into_parts();
    let mut read: Vec<Result<Frame<Bytes>, wasmtime_wasi_http::Error>> = Vec::new();
    let mut size = 0;
    let mut turn = 0;
    let complete = loop {
        match std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut body).poll_frame(cx))).await {
            Poll::Ready(None) => break true,
            Poll::Ready(Some(Ok(frame))) => {
                let data = frame.is_data();
                size += frame.data_ref().map_or(0, Bytes::len);
                read.push(Ok(frame));
                if !data || size > SETTLE_MAX_BYTES {
                    break false;
                }
            }
            Poll::Ready(Some(Err(e))) => {
                read.push(Err(e));
                break false;
            }
            Poll::Pending if turn < SETTLE_TURNS => {
                turn += 1;
                tokio::task::yield_now().await;
            }
            Poll::Pending => break false,
        }
    };
    if complete {
        // Every frame read is data here; one frame (the usual case) is not copied.
        let mut data = read.into_iter().filter_map(|f| f.ok()?.into_data().ok());
        let bytes = match (data.next(), data.next()) {
            (None, _) => Bytes::new(),
            (Some(one), None) => one,
            (Some(first), Some(second)) => {
                let mut whole = BytesMut::with_capacity(size);
                whole.extend_from_slice(&first);
                whole.extend_from_slice(&second);
                data.for_each(|d| whole.extend_from_slice(&d));
                whole.freeze()
            }
        };
        let body = Full::new(bytes)
            .map_err(|never| match never {})
            .boxed_unsync();
        return Response::from_parts(parts, body);
    }
    let rest = futures::stream::iter(read).chain(http_body_util::BodyStream::new(body));
    Response::from_parts(parts, StreamBody::new(rest).boxed_unsync())
}

/// Transport headers mean nothing to a component and break forwarding.
fn strip_hop_headers(req: &mut Request<WasiBody>) {
    let h = req.headers_mut();
    h.remove(http::header::CONNECTION);
    if h.get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            crate::allowed_hosts::chaining_target(v.split(':').next().unwrap_or(v)).is_some()
        })
    {
        h.remove(http::header::HOST);
    }
}

impl Chain for Dispatcher {
    fn call(
        &self,
        component: &str,
        mut request: Request<WasiBody>,
    ) -> std::pin::Pin<
        Box<dyn Future<Output = Result<Response<WasiBody>, wasmtime_wasi_http::Error>> + Send + '_>,
    > {
        let component = component.to_owned();
        Box::pin(async move {
            if !self.handlers.contains_key(&component) {
                return Err(wasmtime_wasi_http::Error::DestinationNotFound);
            }
            let path = request.uri().path().to_owned();
            let m = RouteMatch::chained(&component, &path);
            strip_hop_headers(&mut request);
            let client = self
                .local_addr
                .get()
                .copied()
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_else(new_request_id);
            let started = Instant::now();
            let response = self.run(request, &m, client, &request_id, None).await;
            self.metrics
                .request(&component, response.status().as_u16(), started.elapsed());
            tracing::info!(request_id = %request_id, path = %path, component = %component, status = response.status().as_u16(), "chained request");
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingshang_core::problem::Problem;

    /// A dispatcher whose one route, `/ghost`, names a component without a handler.
    fn dispatcher() -> Dispatcher {
        let (router, _) = Router::build("/", [("/ghost", "ghost")]).unwrap();
        Dispatcher {
            router,
            handlers: HashMap::new(),
            concurrency: Arc::new(Semaphore::new(4)),
            metrics: Arc::new(Metrics::default()),
            info: serde_json::json!({}),
            request_timeout: std::time::Duration::from_secs(1),
            body_limit: BodyLimit::default(),
            local_addr: std::sync::OnceLock::new(),
        }
    }

    async fn send(d: &Dispatcher, path: &str, accept_language: Option<&str>) -> (u16, Problem) {
        let mut req = Request::builder().uri(path).header(REQUEST_ID, "req-7");
        if let Some(v) = accept_language {
            req = req.header(http::header::ACCEPT_LANGUAGE, v);
        }
        let body = Full::new(Bytes::new())
            .map_err(|never| match never {})
            .boxed_unsync();
        let r = d
            .handle(
                req.body(body).unwrap(),
                SocketAddr::from(([127, 0, 0, 1], 9)),
            )
            .await;
        let status = r.status().as_u16();
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(r.headers()[REQUEST_ID], "req-7");
        let body = r.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn gateway_faults_speak_the_language_functions_speak() {
        let d = dispatcher();
        // `fr, en;q=0.8`: the core (so every function) answers English.
        let (status, p) = send(&d, "/ghost", Some("fr, en;q=0.8")).await;
        assert_eq!((status, p.code.as_str()), (500, "GATEWAY_NO_COMPONENT"));
        assert_eq!(p.title, "Internal error");
        assert_eq!(p.instance.as_deref(), Some("req-7"));
        let (_, p) = send(&d, "/ghost", None).await;
        assert_eq!(p.title, "服务内部错误");
    }

    #[tokio::test]
    async fn unrouted_paths_are_404_problems() {
        let d = dispatcher();
        for path in ["/no/such/route", "/.well-known/spin/nope"] {
            let (status, p) = send(&d, path, None).await;
            assert_eq!((status, p.code.as_str()), (404, "GATEWAY_ROUTE_NOT_FOUND"));
            assert_eq!(p.title, "未找到");
            assert_eq!(p.instance.as_deref(), Some("req-7"));
            let (_, p) = send(&d, path, Some("en")).await;
            assert_eq!(p.title, "Not found");
        }
    }
}
