//! The power API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/power`) | Who |
//! |---|---|---|
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule; the kit's) |
//! | PUT | `/sites/{site_id}` | agency key `power:operate`; an existing site: its agency |
//! | GET | `/sites/{site_id}/statements?from=&to=` | agency key `power:reports` of the site's agency |
//! | PUT | `/sockets/{socket_id}` | agency key `power:operate` of the site's (and an existing socket's) agency |
//! | GET | `/sockets/{socket_id}` | anyone (status and price; never the secret) |
//! | POST | `/sessions` | citizen or enterprise token, `Idempotency-Key` required |
//! | GET | `/sessions/{id}` | its customer |
//! | POST | `/sessions/{id}/stop` | its customer |
//! | POST | `/payments/confirmations` | the payment channel (signed body) |
//! | POST | `/meters/{meter_id}/readings` | the meter (signed request) |
//! | POST | `/sessions/close-stale` | agency key `power:sweep` (schedule) |
//! | POST | `/refunds/dispatch` | agency key `power:refunds` (schedule) |
//! | POST | `/statements/daily?date=` | agency key `power:reports` (schedule; computes every site, answers the caller's own) |
//! | GET | `/dashboard/sites?from=&to=` | role `agency_staff`: uses, energy and revenue per site (own agency's sites; the supervising office: all) |
//!
//! Sites and sockets belong to the operator agency that created them (the agency of
//! the API key; the bootstrap key is the agency `bootstrap`): only that agency may
//! change them or read their statements.
//!
//! `GET /openapi.json` (public) describes every route: [`API`].
mod dashboard;
mod dto;
mod error;
mod jobs;
mod operator;
mod readings;
mod refunds;
mod sessions;

use error::PowerError;
use yingshang_core::openapi::Info;
use yingshang_core::problem::ApiError;
use yingshang_core::query::param as query_param;
use yingshang_core::security::Principal;
use yingshang_kit::RequestContext;
use yingshang_kit::context::path_and_query;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};
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

/// The demo site the examples name (the e2e tests set it up).
pub(crate) const EXAMPLE_SITE: &str = "xuchang-night-market";
/// The demo socket the examples name, with its meter.
pub(crate) const EXAMPLE_SOCKET: &str = "night-market-a-01";
/// The demo socket's meter (also the device id that signs its readings).
pub(crate) const EXAMPLE_METER: &str = "123456789012";

/// The function as described: its OpenAPI document is served at
/// `GET /api/power/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang shared power API · 共享电源",
        version: env!("CARGO_PKG_VERSION"),
        description: "Shared power sockets: operators set up sites and sockets; a customer prepays, \
                      the payment channel's signed confirmation switches the socket on; the meter posts \
                      signed readings, billed exactly and checked against eight protections; the unused \
                      prepay is refunded. 共享电源·扫码用电：运营方配置站点与插座，用户预付，支付渠道签名确认后通电，\
                      电表签名上报读数并精确计费、八项保护，结束后退还余额。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(PUT "/sites/{site_id}", operator::PUT_SITE_DOC => |c| operator::put_site(c.ctx, c.db, c.req, c.params.get("site_id"))),
    route!(GET "/sites/{site_id}/statements", jobs::SITE_STATEMENTS_DOC => |c| jobs::site_statements(c.ctx, c.db, c.req, c.params.get("site_id"))),
    route!(GET "/sockets/{socket_id}", operator::SOCKET_STATUS_DOC => |c| operator::socket_status(c.ctx, c.db, c.params.get("socket_id"))),
    route!(PUT "/sockets/{socket_id}", operator::PUT_SOCKET_DOC => |c| operator::put_socket(c.ctx, c.db, c.req, c.params.get("socket_id"))),
    route!(POST "/sessions", sessions::CREATE_DOC => |c| sessions::create(c.ctx, c.db, c.req)),
    route!(GET "/sessions/{id}", sessions::SHOW_DOC => |c| sessions::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sessions/{id}/stop", sessions::STOP_DOC => |c| sessions::stop(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sessions/close-stale", jobs::CLOSE_STALE_DOC => |c| jobs::close_stale(c.ctx, c.db, c.req)),
    route!(POST "/payments/confirmations", sessions::CONFIRM_DOC => |c| sessions::confirm_payment(c.ctx, c.db, c.req)),
    route!(POST "/meters/{meter_id}/readings", readings::POST_DOC => |c| readings::post(c.ctx, c.db, c.req, c.params.get("meter_id"))),
    route!(POST "/refunds/dispatch", refunds::DISPATCH_DOC => |c| refunds::dispatch(c.ctx, c.db, c.req)),
    route!(POST "/statements/daily", jobs::DAILY_DOC => |c| jobs::daily_statements(c.ctx, c.db, c.req)),
    route!(GET "/dashboard/sites", dashboard::SITES_DOC => |c| dashboard::sites(c.ctx, c.db, c.req)),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];

/// The agency an agency-key caller acts for (`None` for any other caller, which the
/// agency guards never admit).
fn agency_of(caller: &Principal) -> Option<&str> {
    match caller {
        Principal::Agency(a) => Some(a.agency.as_str()),
        _ => None,
    }
}

/// The caller's agency owns a site or socket whose owning agency is `owner` (`None`:
/// unknown, so no agency may act on it); else 403 `METER_NOT_OPERATOR`, logged.
fn own_record(
    ctx: &RequestContext,
    caller: &Principal,
    owner: Option<&str>,
) -> Result<(), PowerError> {
    match (agency_of(caller), owner) {
        (Some(agency), Some(owner)) if agency == owner => Ok(()),
        _ => {
            ctx.log_denial(&caller.audit_actor(), PowerError::NotOperator.code());
            Err(PowerError::NotOperator)
        }
    }
}

/// A session was saved by someone else at the same moment: run again, and after the
/// last try answer 409.
fn contended() -> TxError {
    TxError::Retry(PowerError::Contended.into())
}
