//! The tax API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/tax`) | Who |
//! |---|---|---|
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule; the kit's) |
//! | POST | `/assessments` | the buyer (a citizen named as a party whose token carries the buyer's verified ID number), or a tax officer (`Idempotency-Key` honoured) |
//! | GET | `/assessments/{id}` | a party, the citizen who asked for it, or a tax officer |
//! | GET | `/assessments/{id}/declaration` | a party, the citizen who asked for it, or a tax officer |
//! | PUT | `/registry/holdings/{id_number}` | agency key `tax:registry` |
//! | POST | `/registry/holdings` | agency key `tax:registry` (batch) |
//! | POST | `/refunds/sell-then-buy` | citizen, enterprise or officer (a computation; nothing stored) |
//! | POST | `/payments/confirmations` | the payment channel (signed body) |
//! | POST | `/risk/records` | agency key `tax:risk` (refunds paid, certificates issued) |
//! | POST | `/risk/screen` | agency key `tax:risk` (schedule) |
//! | GET | `/risk-flags` | tax officers |
//! | POST | `/registry/handoff/dispatch` | agency key `tax:handoff` (schedule) |
//! | PUT | `/policies/catalogue` | agency key `tax:policy` (the catalogue as data) |
//! | GET | `/policies/catalogue` | any signed-in user |
//! | POST | `/policies/match` | agency key `tax:policy` (schedule) |
//! | POST | `/policies/savings` | agency key `tax:policy` |
//! | POST | `/policies/demo-data` | agency key `tax:policy` (at start-up) |
//! | PUT | `/enterprises/{credit_code}` | agency key `tax:policy` |
//! | POST | `/enterprises` | agency key `tax:policy` (batch) |
//! | GET | `/enterprises/{credit_code}/policies` | that enterprise's users, tax officers |
//! | GET | `/enterprises/{credit_code}/dividend-bill?from=&until=` | that enterprise's users, tax officers |
//!
//! "Tax officers" are officers of the agencies the Spin variable
//! `tax_officer_agencies` names; who may read what is in [`access`]. Registry holdings
//! are answered to tax officers only: the parties see the units the buyer holds, and
//! a count of the others (the core's `Basis::shown_to`).
//!
//! `GET /openapi.json` (public) describes every route: [`API`].

mod access;
mod assessments;
mod declaration;
mod dto;
mod enterprise_reads;
mod error;
mod handoff;
mod payments;
mod policies;
mod refunds;
mod registry;
mod risk;
mod valuation;

use yingshang_core::openapi::Info;
use yingshang_core::query::param as query_param;
use yingshang_core::security::authz::Role;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/tax";
/// Registry systems importing holdings.
pub const SCOPE_REGISTRY: &str = "tax:registry";
/// The registry hand-off dispatcher.
pub const SCOPE_HANDOFF: &str = "tax:handoff";
/// Risk records and the screening.
pub const SCOPE_RISK: &str = "tax:risk";
/// The tax bureau's policy systems: catalogue, enterprise attributes, savings, matching.
pub const SCOPE_POLICY: &str = "tax:policy";
/// The users who may call the assessment routes: citizens (parties), enterprise users
/// (the creator of an older assessment) and officers (tax officers act on any).
pub const PARTY_ROLES: &[Role] = &[Role::Citizen, Role::Enterprise, Role::Officer];

/// The function as described: its OpenAPI document is served at
/// `GET /api/tax/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang tax API · 不动产交易涉税",
        version: env!("CARGO_PKG_VERSION"),
        description: "Property-transfer tax assessments on the assessed price, registry holdings, \
                      payments and the registry hand-off, the reduction/exemption declaration, the \
                      sell-then-buy refund, risk screening, and the 免申即享 policies with the dividend bill. \
                      不动产交易计税（以评估价为基础）、不动产登记信息导入、缴款与登记推送、减免税申报表、\
                      换购住房退税、事后风险筛查、免申即享政策与红利账单。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/assessments", assessments::CREATE_DOC => |c| assessments::create(c.ctx, c.db, c.req)),
    route!(GET "/assessments/{id}", assessments::SHOW_DOC => |c| assessments::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/assessments/{id}/declaration", declaration::GET_DOC => |c| declaration::get(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(PUT "/registry/holdings/{id_number}", registry::PUT_DOC => |c| registry::put(c.ctx, c.db, c.req, c.params.get("id_number"))),
    route!(POST "/registry/holdings", registry::BATCH_DOC => |c| registry::batch(c.ctx, c.db, c.req)),
    route!(POST "/registry/handoff/dispatch", handoff::DISPATCH_DOC => |c| handoff::dispatch(c.ctx, c.db, c.req)),
    route!(POST "/payments/confirmations", payments::CONFIRM_DOC => |c| payments::confirm(c.ctx, c.db, c.req)),
    route!(POST "/refunds/sell-then-buy", refunds::SELL_THEN_BUY_DOC => |c| refunds::sell_then_buy(c.ctx, c.db, c.req)),
    route!(POST "/risk/records", risk::REPORT_DOC => |c| risk::report(c.ctx, c.db, c.req)),
    route!(POST "/risk/screen", risk::SCREEN_DOC => |c| risk::run_screen(c.ctx, c.db, c.req)),
    route!(GET "/risk-flags", risk::LIST_DOC => |c| risk::list(c.ctx, c.db, c.req)),
    route!(GET "/policies/catalogue", policies::CATALOGUE_DOC => |c| policies::catalogue(c.ctx, c.db, c.req)),
    route!(PUT "/policies/catalogue", policies::PUBLISH_DOC => |c| policies::publish(c.ctx, c.db, c.req)),
    route!(POST "/policies/match", policies::MATCH_DOC => |c| policies::run_match(c.ctx, c.db, c.req)),
    route!(POST "/policies/savings", policies::SAVINGS_DOC => |c| policies::record_savings(c.ctx, c.db, c.req)),
    route!(POST "/policies/demo-data", policies::DEMO_DOC => |c| policies::demo(c.ctx, c.db, c.req)),
    route!(PUT "/enterprises/{credit_code}", policies::PUT_ENTERPRISE_DOC => |c| policies::put_enterprise(c.ctx, c.db, c.req, c.params.get("credit_code"))),
    route!(POST "/enterprises", policies::PUT_ENTERPRISES_DOC => |c| policies::put_enterprises(c.ctx, c.db, c.req)),
    route!(GET "/enterprises/{credit_code}/policies", enterprise_reads::ENJOYED_DOC => |c| enterprise_reads::enjoyed(c.ctx, c.db, c.req, c.params.get("credit_code"))),
    route!(GET "/enterprises/{credit_code}/dividend-bill", enterprise_reads::BILL_DOC => |c| enterprise_reads::bill(c.ctx, c.db, c.req, c.params.get("credit_code"))),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
