//! The valuation API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/valuation`) | Who |
//! |---|---|---|
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule; the kit's) |
//! | GET | `/units/{unit_code}?date=YYYY-MM-DD` | any user; agency key `valuation:read` |
//! | GET | `/divisions`, `/divisions/{code}/communities`, `/communities/{id}/buildings`, `/communities/{id}/buildings/{id}/dwellings` | any user; agency key `valuation:read` |
//! | POST | `/assessments` | role `officer` or `agency_staff` |
//! | POST | `/demo-data` | agency key `valuation:import` |
//! | POST | `/reassessments` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/reassessments/{id}` | agency key `valuation:import` |
//! | POST | `/reassessments/{id}/next?limit=N` | agency key `valuation:import` |
//! | POST | `/imports/slots` | agency key `valuation:import` |
//! | POST | `/imports` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/imports/{id}` | agency key `valuation:import` |
//! | POST | `/imports/{id}/next?limit=N` | agency key `valuation:import` |
//! | GET | `/dashboard/coverage` | role `agency_staff`: dwellings registered and assessed per district |
//! | GET | `/dashboard/jobs?status=` | role `agency_staff`: newest runs and imports with progress (own agency's; the supervising office: all) |
//!
//! `/demo-data?scale=full&chunk=N` loads chunk N of the full Luoyang-scale register.
//! `GET /openapi.json` (public) describes every route: [`API`].

mod dashboard;
mod demo;
mod dto;
mod error;
mod import_dto;
mod imports;
mod places;
mod runs;
mod units;

use yingshang_core::openapi::Info;
use yingshang_core::query::param as query_param;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/valuation";
/// The scope agency systems need to read assessments.
pub const SCOPE_READ: &str = "valuation:read";
/// The scope agency systems need to load data and run re-assessments.
pub const SCOPE_IMPORT: &str = "valuation:import";

/// The function as described: its OpenAPI document is served at
/// `GET /api/valuation/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang valuation API · 一房一价",
        version: env!("CARGO_PKG_VERSION"),
        description: "The assessed price of every dwelling, factor by factor; what-if assessments; \
                      imports of registers, base prices and coefficient tables; city re-assessment runs. \
                      一房一价秒评估：逐户评估价、试算、登记簿与基准价导入、全市重新评估。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(GET "/units/{unit_code}", units::LOOKUP_DOC => |c| units::lookup(c.ctx, c.db, c.req, c.params.get("unit_code"))),
    route!(GET "/divisions", places::DIVISIONS_DOC => |c| places::list_divisions(c.ctx, c.db, c.req)),
    route!(GET "/divisions/{division_code}/communities", places::COMMUNITIES_DOC => |c| places::list_communities(c.ctx, c.db, c.req, c.params.get("division_code"))),
    route!(GET "/communities/{community_id}/buildings", places::BUILDINGS_DOC => |c| places::list_buildings(c.ctx, c.db, c.req, c.params.get("community_id"))),
    route!(GET "/communities/{community_id}/buildings/{building_id}/dwellings", places::DWELLINGS_DOC => |c| places::list_dwellings(c.ctx, c.db, c.req, c.params.get("community_id"), c.params.get("building_id"))),
    route!(POST "/assessments", units::WHAT_IF_DOC => |c| units::what_if(c.ctx, c.db, c.req)),
    route!(POST "/demo-data", demo::LOAD_DOC => |c| demo::load(c.ctx, c.db, c.req)),
    route!(POST "/reassessments", runs::CREATE_DOC => |c| runs::create(c.ctx, c.db, c.req)),
    route!(GET "/reassessments/{id}", runs::SHOW_DOC => |c| runs::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/reassessments/{id}/next", runs::NEXT_DOC => |c| runs::next(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/imports/slots", imports::SLOT_DOC => |c| imports::slot(c.ctx, c.db, c.req)),
    route!(POST "/imports", imports::CREATE_DOC => |c| imports::create(c.ctx, c.db, c.req)),
    route!(GET "/imports/{id}", imports::SHOW_DOC => |c| imports::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/imports/{id}/next", imports::NEXT_DOC => |c| imports::next(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/dashboard/coverage", dashboard::COVERAGE_DOC => |c| dashboard::coverage(c.ctx, c.db, c.req)),
    route!(GET "/dashboard/jobs", dashboard::JOBS_DOC => |c| dashboard::jobs(c.ctx, c.db, c.req)),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
