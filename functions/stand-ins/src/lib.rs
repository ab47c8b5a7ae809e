//! Local stand-ins for the outside systems the functions deliver to: the payment
//! channel's refund endpoint (meter-billing's refunds) and the housing registry's
//! intake (tax's paid-tax records). They answer as the real systems do — a signed
//! body, one answer per idempotency key — so the outboxes are exercised end to end
//! on one machine. The component's route is private (`route = { private = true }`):
//! only service chaining (`http://stand-ins.spin.internal/...`) reaches it, so a
//! deployment whose URL variables name the real systems exposes none of it. The one
//! exception is the payment channel's cashier (`/stand-ins/cashier/...`, public so a
//! phone can pay on a local run): closed (404) unless the run has development secrets.

mod api;
mod store;

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    yingshang_kit::router::serve(api::BASE_PATH, api::ROUTES, req).await
}
