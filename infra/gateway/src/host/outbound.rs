//! Outbound `wasi:http`: only to the hosts a component's `allowed_outbound_hosts`
//! names; `http://<component>.spin.internal/...` is served in process by that
//! component (service chaining), never over the network.
//!
//! Neither starts once the gateway has given up on the caller's request
//! ([`crate::deadline`]). A chained call carries its caller's deadline, and counts
//! as an effect under way until it answers: the caller's 504 waits for it, and the
//! work it started is given up at the same moment.

use crate::allowed_hosts::chaining_target;
use crate::deadline::{InheritedDeadline, Stop};
use crate::state::{AppShared, ComponentCtx};
use http::Response;
use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// The `wasi:http` hooks of one component's store.
pub struct OutboundHooks {
    /// The calling component.
    pub component: Arc<ComponentCtx>,
    /// Application-wide services (the chaining dispatcher among them).
    pub app: Arc<AppShared>,
    /// Whether the gateway gave up on the instance's requests.
    pub stop: Arc<Stop>,
}

/// What a guest's request gets when the gateway gave up on the request it serves.
fn given_up() -> Error {
    Error::InternalError(Some(crate::deadline::GivenUp.to_string()))
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        drop(fut);
        let uri = request.uri().clone();
        let scheme = uri.scheme_str().unwrap_or("http").to_owned();
        let Some(host) = uri.host().map(str::to_owned) else {
            return Box::new(async { Err(Error::HttpRequestUriInvalid) });
        };
        if let Some(target) = chaining_target(&host) {
            if !self.component.allowed_hosts.allows_chaining_to(target) {
                tracing::warn!(component = %self.component.id, target, "service chaining denied by allowed_outbound_hosts");
                return Box::new(async { Err(Error::HttpRequestDenied) });
            }
            let Some(chain) = self.app.chain.get().and_then(|w| w.upgrade()) else {
                return Box::new(async { Err(Error::DestinationUnavailable) });
            };
            let Ok(effect) = self.stop.effect() else {
                return Box::new(async { Err(given_up()) });
            };
            if let Some(deadline) = self.stop.deadline() {
                request.extensions_mut().insert(InheritedDeadline(deadline));
            }
            let target = target.to_owned();
            return Box::new(async move {
                let _effect = effect;
                let response = chain.call(&target, request).await?;
                Ok((
                    response,
                    Box::new(async { Ok(()) }) as Box<dyn Future<Output = _> + Send>,
                ))
            });
        }
        if !self
            .component
            .allowed_hosts
            .allows(&scheme, &host, uri.port_u16())
        {
            tracing::warn!(component = %self.component.id, %scheme, %host, "outbound request denied by allowed_outbound_hosts");
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        // Checked, not counted: what a remote host does with a request cannot be
        // taken back, and waiting for it would hold the caller's 504 for as long as
        // the remote likes.
        if self.stop.check().is_err() {
            return Box::new(async { Err(given_up()) });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}
