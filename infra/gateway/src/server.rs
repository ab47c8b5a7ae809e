//! The HTTP front: hyper on a loopback (or configured) socket, Spin's routing and
//! request headers, the well-known endpoints, one log line and metrics per request,
//! a concurrency limit in front of the handlers, and faults turned into a 500 (or
//! 504 for time) that carries a request id.

use crate::instances::ComponentHandler;
use crate::metrics::Metrics;
use crate::routes::{RouteMatch, Router, WELL_KNOWN_PREFIX};
use crate::state::Chain;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
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

/// A problem+json answer for faults outside any component's control.
fn problem(status: StatusCode, code: &str, english: bool, request_id: &str) -> Response<WasiBody> {
    let (title_zh, title_en, detail_zh, detail_en) = match status {
        StatusCode::GATEWAY_TIMEOUT => (
            "处理超时",
            "Request timed out",
            "服务未能在时限内完成处理，请稍后重试。",
            "The service did not finish within its time limit; please retry later.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "服务繁忙",
            "Service busy",
            "服务暂时无法处理请求，请稍后重试。",
            "The service cannot take the request now; please retry later.",
        ),
        _ => (
            "服务内部错误",
            "Internal error",
            "服务处理请求时发生内部错误，请凭请求编号联系运维。",
            "The service failed while handling the request; quote the request id to the operators.",
        ),
    };
    let body = serde_json::json!({
        "type": format!("https://yingshang.dev/problems/{}", code.to_ascii_lowercase().replace('_', "-")),
        "title": if english { title_en } else { title_zh },
        "status": status.as_u16(),
        "detail": if english { detail_en } else { detail_zh },
        "code": code,
        "instance": request_id,
    });
    full(status, "application/problem+json", body.to_string())
}

fn wants_english(req: &Request<WasiBody>) -> bool {
    req.headers()
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en"))
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
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let (mut response, component, route) =
            if let Some(well_known) = path.strip_prefix(WELL_KNOWN_PREFIX) {
                let r = match well_known {
                    "health" => full(StatusCode::OK, "text/plain", "OK"),
                    "info" => full(StatusCode::OK, "application/json", self.info.to_string()),
                    _ => full(StatusCode::NOT_FOUND, "", Bytes::new()),
                };
                (r, "-".to_owned(), path.clone())
            } else {
                match self.router.route(&path) {
                    None => (
                        full(StatusCode::NOT_FOUND, "", Bytes::new()),
                        "-".to_owned(),
                        "-".to_owned(),
                    ),
                    Some(m) => {
                        strip_hop_headers(&mut req);
                        let component = m.component.clone();
                        let route = m.raw_route.clone();
                        let r = self.run(req, &m, client, &request_id).await;
                        (r, component, route)
                    }
                }
            };
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, v);
        }
        let status = response.status().as_u16();
        let latency = started.elapsed();
        self.metrics.request(&component, status, latency);
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
        response
    }

    /// Runs a matched request in its component.
    async fn run(
        &self,
        mut req: Request<WasiBody>,
        m: &RouteMatch,
        client: SocketAddr,
        request_id: &str,
    ) -> Response<WasiBody> {
        let english = wants_english(&req);
        let Some(handler) = self.handlers.get(&m.component) else {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "GATEWAY_NO_COMPONENT",
                english,
                request_id,
            );
        };
        let Ok(_permit) = self.concurrency.acquire().await else {
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "GATEWAY_SHUTTING_DOWN",
                english,
                request_id,
            );
        };
        let host = req
            .headers()
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .or_else(|| self.local_addr.get().map(|a| a.to_string()))
            .unwrap_or_else(|| "localhost".to_owned());
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let full_url = format!("http://{host}{path_and_query}");
        match full_url.parse::<http::Uri>() {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return full(StatusCode::BAD_REQUEST, "", Bytes::new()),
        }
        let headers = req.headers_mut();
        for (name, value) in m.spin_headers(&full_url, &client.to_string()) {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(n, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(request_id) {
            headers.insert(REQUEST_ID, v);
        }
        let started = Instant::now();
        match handler.handle(request_id.to_owned(), req).await {
            Ok(response) => response,
            // A guest that never yields is stopped with its whole instance, which
            // surfaces as a worker failure after the time limit: still a timeout.
            Err(e)
                if e.downcast_ref::<ExpirationError>().is_some()
                    || started.elapsed() >= self.request_timeout =>
            {
                tracing::warn!(request_id, component = %m.component, "request timed out");
                problem(
                    StatusCode::GATEWAY_TIMEOUT,
                    "GATEWAY_TIMEOUT",
                    english,
                    request_id,
                )
            }
            Err(e) => {
                self.metrics.trap(&m.component);
                tracing::error!(request_id, component = %m.component, error = %format!("{e:#}"), "component failed");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "GATEWAY_COMPONENT_FAILED",
                    english,
                    request_id,
                )
            }
        }
    }
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
            let response = self.run(request, &m, client, &request_id).await;
            self.metrics
                .request(&component, response.status().as_u16(), started.elapsed());
            tracing::info!(request_id = %request_id, path = %path, component = %component, status = response.status().as_u16(), "chained request");
            Ok(response)
        })
    }
}
