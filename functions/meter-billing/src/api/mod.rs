//! The power API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/power`) | Who |
//! |---|---|---|
//! | PUT | `/sites/{site_id}` | agency key `power:operate` |
//! | GET | `/sites/{site_id}/statements?from=&to=` | agency key `power:reports` |
//! | PUT | `/sockets/{socket_id}` | agency key `power:operate` |
//! | GET | `/sockets/{socket_id}` | anyone (status and price; never the secret) |
//! | POST | `/sessions` | citizen or enterprise token, `Idempotency-Key` required |
//! | GET | `/sessions/{id}` | its customer |
//! | POST | `/sessions/{id}/stop` | its customer |
//! | POST | `/payments/confirmations` | the payment channel (signed body) |
//! | POST | `/meters/{meter_id}/readings` | the meter (signed request) |
//! | POST | `/sessions/close-stale` | agency key `power:sweep` (schedule) |
//! | POST | `/refunds/dispatch` | agency key `power:refunds` (schedule) |
//! | POST | `/statements/daily?date=` | agency key `power:reports` (schedule) |
//!
mod dto;
mod error;
mod jobs;
mod operator;
mod readings;
mod refunds;
mod sessions;

use error::PowerError;
use yingshang_core::query::param as query_param;
use yingshang_kit::context::path_and_query;
use yingshang_kit::route;
use yingshang_kit::router::Route;
use yingshang_kit::tx::TxError;

/// Where the routes live.
pub const BASE_PATH: &str = "/api/power";
/// Operators: sites and sockets.
pub const SCOPE_OPERATE: &str = "power:operate";
/// The stale-session sweep.
pub const SCOPE_SWEEP: &str = "power:sweep";
/// The refund dispatcher.
pub const SCOPE_REFUNDS: &str = "power:refunds";
/// Daily statements.
pub const SCOPE_REPORTS: &str = "power:reports";

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(PUT "/sites/{site_id}" => |c| operator::put_site(c.ctx, c.db, c.req, c.params.get("site_id"))),
    route!(GET "/sites/{site_id}/statements" => |c| jobs::site_statements(c.ctx, c.db, c.req, c.params.get("site_id"))),
    route!(GET "/sockets/{socket_id}" => |c| operator::socket_status(c.ctx, c.db, c.params.get("socket_id"))),
    route!(PUT "/sockets/{socket_id}" => |c| operator::put_socket(c.ctx, c.db, c.req, c.params.get("socket_id"))),
    route!(POST "/sessions" => |c| sessions::create(c.ctx, c.db, c.req)),
    route!(GET "/sessions/{id}" => |c| sessions::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sessions/{id}/stop" => |c| sessions::stop(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sessions/close-stale" => |c| jobs::close_stale(c.ctx, c.db, c.req)),
    route!(POST "/payments/confirmations" => |c| sessions::confirm_payment(c.ctx, c.db, c.req)),
    route!(POST "/meters/{meter_id}/readings" => |c| readings::post(c.ctx, c.db, c.req, c.params.get("meter_id"))),
    route!(POST "/refunds/dispatch" => |c| refunds::dispatch(c.ctx, c.db, c.req)),
    route!(POST "/statements/daily" => |c| jobs::daily_statements(c.ctx, c.db, c.req)),
];

/// A session was saved by someone else at the same moment: run again, and after the
/// last try answer 409.
fn contended() -> TxError {
    TxError::Retry(PowerError::Contended.into())
}
