//! Outbound `wasi:http`: only to the hosts a component's `allowed_outbound_hosts`
//! names; `http://<component>.spin.internal/...` is served in process by that
//! component (service chaining), never over the network.

use crate::allowed_hosts::chaining_target;
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
        request: http::Request<WasiBody>,
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
            let target = target.to_owned();
            return Box::new(async move {
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
