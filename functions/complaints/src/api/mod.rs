//! The complaints API: the route table, authorization per route, and the handlers.
//!
//! | Method | Path (under `/api/complaints`) | Who |
//! |---|---|---|
//! | POST | `/cases` | enterprise token (qr, online; its own credit code), officer / agency staff token or agency key `complaints:handle` (phone, letter, visit); `Idempotency-Key` required |
//! | GET | `/cases?status=&limit=&cursor=` | enterprise (own), department staff (lead or co-handler), supervising office (all) |
//! | GET | `/cases/{id}` | the case's parties and handlers, the office; with deadlines and the caller's available actions |
//! | POST | `/cases/{id}/actions` | `{"action": "...", ...}`; who may act is the core's rule table |
//! | POST | `/cases/{id}/attachments/slots` | a party of an open case: an upload slot (type, size, SHA-256) and its presigned PUT |
//! | POST | `/cases/{id}/attachments` | the same caller: `{"slot": …}` after the PUT; checked from the bytes, at most 9 |
//! | GET | `/cases/{id}/attachments/{n}` | the case's parties and handlers: a presigned GET for 5 minutes |
//! | POST | `/cases/{id}/typical` | the supervising office: `{"summary", "solution"}` of a closed, tagged case, anonymised by the core |
//! | GET | `/typical` | anyone: published typical cases (no enterprise data) |
//! | GET | `/typical/suggestions` | the supervising office: problem keys with at least the catalogue's `typical_case_threshold` (3) closed cases and no published typical case, each with its categories, case count and case ids |
//! | GET | `/analysis/monthly?month=YYYY-MM[&format=csv]` | the supervising office: JSON, or CSV with a UTF-8 BOM (also `Accept: text/csv`) |
//! | POST | `/sweep` | agency key `complaints:sweep` (schedule): accepts by rule, answers the warnings |
//! | GET | `/warnings` | the supervising office (token of `yingshang-office` staff, or the bootstrap key) |
//! | GET | `/open311/v2/discovery.{json,xml}`, `/services.{json,xml}`, `/services/{code}.{json,xml}`, `/requests.{json,xml}`, `/requests/{id}.{json,xml}` | anyone (no enterprise data) |
//! | POST | `/open311/v2/requests.{json,xml}` | form with `api_key` (agency key `complaints:handle` or the bootstrap key) |
//! | POST | `/demo-data` | agency key `complaints:demo` (on start; seeds only an empty ledger) |
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule; the kit's) |
//!
//! A staff token's department is its `org` (the agency); an agency key's department is
//! its agency, and the bootstrap key acts as the supervising office.
//! `GET /openapi.json` (public) describes every route: [`API`].

mod actions;
mod analysis;
mod attachments;
mod cases;
mod demo;
mod dto;
mod error;
mod open311;
mod open311_doc;
mod open311_map;
mod party;
mod sweep;
mod typical;

use yingshang_core::openapi::Info;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/complaints";
/// Staff systems: filing for phone, letter and visit, and handling cases.
pub const SCOPE_HANDLE: &str = "complaints:handle";
/// Demo data for `yingshang up`.
pub const SCOPE_DEMO: &str = "complaints:demo";
/// The deadline sweep.
pub const SCOPE_SWEEP: &str = "complaints:sweep";

/// The function as described: its OpenAPI document is served at
/// `GET /api/complaints/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang complaints API · 接诉即办",
        version: env!("CARGO_PKG_VERSION"),
        description: "Enterprise requests and complaints: intake by enterprises and staff, the closed \
                      loop with working-day deadlines, attachments through object storage, typical \
                      cases, the monthly analysis, and Open311 GeoReport v2. \
                      涉企诉求接诉即办：企业与工作人员受理登记、闭环办理与工作日时限、附件直传对象存储、\
                      典型案例、月度分析，以及 Open311 GeoReport v2 接口。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/cases", cases::CREATE_DOC => |c| cases::create(c.ctx, c.db, c.req)),
    route!(GET "/cases", cases::LIST_DOC => |c| cases::list(c.ctx, c.db, c.req)),
    route!(GET "/cases/{id}", cases::SHOW_DOC => |c| cases::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/cases/{id}/actions", actions::ACT_DOC => |c| actions::act(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/cases/{id}/attachments/slots", attachments::SLOT_DOC => |c| attachments::slot(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/cases/{id}/attachments", attachments::ATTACH_DOC => |c| attachments::attach(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/cases/{id}/attachments/{n}", attachments::LINK_DOC => |c| attachments::link(c.ctx, c.db, c.req, c.params.get("id"), c.params.get("n"))),
    route!(POST "/cases/{id}/typical", typical::PUBLISH_DOC => |c| typical::publish(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/typical", typical::LIST_DOC => |c| typical::list(c.ctx, c.db)),
    route!(GET "/typical/suggestions", typical::SUGGESTIONS_DOC => |c| typical::suggestions(c.ctx, c.db, c.req)),
    route!(GET "/analysis/monthly", analysis::MONTHLY_DOC => |c| analysis::monthly(c.ctx, c.db, c.req)),
    route!(POST "/sweep", sweep::SWEEP_DOC => |c| sweep::sweep(c.ctx, c.db, c.req)),
    route!(GET "/warnings", sweep::WARNINGS_DOC => |c| sweep::warnings(c.ctx, c.db, c.req)),
    route!(GET "/open311/v2/{doc}", open311_doc::ROOT_DOC => |c| open311::get_root(c.ctx, c.db, c.req, c.params.get("doc"))),
    route!(POST "/open311/v2/{doc}", open311_doc::POST_DOC => |c| open311::post(c.ctx, c.db, c.req, c.params.get("doc"))),
    route!(GET "/open311/v2/services/{doc}", open311_doc::SERVICE_DOC => |c| open311::service(c.ctx, c.params.get("doc"))),
    route!(GET "/open311/v2/requests/{doc}", open311_doc::REQUEST_DOC => |c| open311::request(c.ctx, c.db, c.params.get("doc"))),
    route!(POST "/demo-data", demo::LOAD_DOC => |c| demo::load(c.ctx, c.db, c.req)),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];

/// `scheme://host[:port]` the caller reached us at (the kit's reading of Spin's
/// `spin-full-url`).
fn origin(req: &spin_sdk::http::Request) -> String {
    yingshang_kit::context::origin(req)
}
