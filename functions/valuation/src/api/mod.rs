//! The valuation API: the route table, authorization per route, and the handlers.
//! Handlers parse, authorize, call the core, persist through [`crate::store`], answer.
//!
//! | Method | Path (under `/api/valuation`) | Who |
//! |---|---|---|
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule; the kit's) |
//! | GET | `/units/{unit_code}?date=YYYY-MM-DD` | any user; agency key `valuation:read` |
//! | POST | `/assessments` | role `officer` or `agency_staff` |
//! | POST | `/demo-data` | agency key `valuation:import` |
//! | POST | `/reassessments` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/reassessments/{id}` | agency key `valuation:import` |
//! | POST | `/reassessments/{id}/next?limit=N` | agency key `valuation:import` |
//! | POST | `/imports/slots` | agency key `valuation:import` |
//! | POST | `/imports` | agency key `valuation:import` (Idempotency-Key honoured) |
//! | GET | `/imports/{id}` | agency key `valuation:import` |
//! | POST | `/imports/{id}/next?limit=N` | agency key `valuation:import` |
//!
//! `/demo-data?scale=full&chunk=N` loads chunk N of the full Luoyang-scale register.

mod demo;
mod dto;
mod error;
mod import_dto;
mod imports;
mod runs;
mod units;

use yingshang_core::query::param as query_param;
use yingshang_kit::route;
use yingshang_kit::router::Route;

/// Where the routes live.
pub const BASE_PATH: &str = "/api/valuation";
/// The scope agency systems need to read assessments.
pub const SCOPE_READ: &str = "valuation:read";
/// The scope agency systems need to load data and run re-assessments.
pub const SCOPE_IMPORT: &str = "valuation:import";

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(GET "/units/{unit_code}" => |c| units::lookup(c.ctx, c.db, c.req, c.params.get("unit_code"))),
    route!(POST "/assessments" => |c| units::what_if(c.ctx, c.db, c.req)),
    route!(POST "/demo-data" => |c| demo::load(c.ctx, c.db, c.req)),
    route!(POST "/reassessments" => |c| runs::create(c.ctx, c.db, c.req)),
    route!(GET "/reassessments/{id}" => |c| runs::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/reassessments/{id}/next" => |c| runs::next(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/imports/slots" => |c| imports::slot(c.ctx, c.db, c.req)),
    route!(POST "/imports" => |c| imports::create(c.ctx, c.db, c.req)),
    route!(GET "/imports/{id}" => |c| imports::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/imports/{id}/next" => |c| imports::next(c.ctx, c.db, c.req, c.params.get("id"))),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire" => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
