//! The check-in API: the route table, authorization per route, and the handlers.
//!
//! | Method | Path (under `/api/checkin`) | Who |
//! |---|---|---|
//! | POST | `/register/imports/slots` | agency key `checkin:register`: an upload slot for a register CSV |
//! | POST | `/register/imports` | the same: `{"key"}` after the PUT; checked per row, all or nothing, once per file |
//! | GET | `/register/imports/{id}` | the same: status, rows, report |
//! | GET | `/enterprises/{cc}/code` | the enterprise's users, or a `checkin:register` key: the code's URL and serial |
//! | POST | `/enterprises/{cc}/code` | the same: reissue (the old code is revoked) |
//! | GET | `/enterprises/{cc}/code.png?scale=`, `/code.svg`, `/poster.svg` | the same: the QR image and the A4 poster |
//! | GET | `/landing/{token}` | anyone (a scan); the enterprise's own users also see its policies |
//! | PUT | `/agencies/{agency}` | the agency's key `checkin:agency`: items, annual cap, campaigns |
//! | GET | `/agencies/{agency}` | anyone: what the agency publishes |
//! | PUT | `/agencies/{agency}/officers` | the agency's key `checkin:agency`: officers with certificates (1–1,000, all or nothing) |
//! | POST | `/scans` | an officer (token, `org` = agency): scan to enter |
//! | POST | `/inspections/{id}/leave` | an officer of the inspection |
//! | GET | `/inspections` , `/inspections/{id}` | the enterprise (own), officers and staff (their agency's), the justice bureau (all) |
//! | POST | `/inspections/{id}/rating`, `/inspections/{id}/complaint` | the enterprise inspected |
//! | POST | `/no-scan-reports` | an enterprise: officers entered without scanning (a complaints case for the discipline office) |
//! | GET | `/warnings?days=` | the justice bureau |
//! | GET | `/stats/monthly?month=YYYY-MM[&format=csv]` | anyone (no enterprise data) |
//! | POST | `/surveys`; GET `/surveys/{id}/results` | an agency key `checkin:agency` |
//! | POST | `/surveys/{id}/answers` | an enterprise in the survey's audience |
//! | POST | `/demo-data` | agency key `checkin:demo` (on start) |
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule) |
//!
//! `GET /openapi.json` (public) describes every route: [`API`].

mod agencies;
mod chain;
mod codes;
mod demo;
mod dto;
mod error;
mod inspections;
mod landing;
mod oversight;
mod register;
mod scans;
mod surveys;
mod who;

use yingshang_core::openapi::Info;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};

/// Where the routes live.
pub const BASE_PATH: &str = "/api/checkin";
/// Agency systems keeping the enterprise register and its codes.
pub const SCOPE_REGISTER: &str = "checkin:register";
/// Agency systems publishing their rules, officers and surveys.
pub const SCOPE_AGENCY: &str = "checkin:agency";
/// Demo data for `yingshang up`.
pub const SCOPE_DEMO: &str = "checkin:demo";

/// The secret the enterprise codes are signed with.
pub const VAR_CODE_SECRET: &str = "checkin_code_secret";
/// The agencies acting as the justice bureau (comma-separated).
pub const VAR_JUSTICE: &str = "checkin_justice_agencies";

/// The function as described: its OpenAPI document is served at
/// `GET /api/checkin/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang check-in API · 码上服务 · 入企扫码",
        version: env!("CARGO_PKG_VERSION"),
        description: "One signed code per enterprise (QR and poster); the landing a scan opens; \
                      scan-to-enter inspections by two officers of one agency and their check-out; \
                      the enterprise's ratings, complaints and no-scan reports; the justice bureau's \
                      warnings and monthly statistics; surveys. \
                      码上服务：一企一码、扫码入企（两名执法人员）、离企登记、企业评价与投诉、未扫码举报、预警与月度统计、问卷。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/register/imports/slots", register::SLOT_DOC => |c| register::slot(c.ctx, c.db, c.req)),
    route!(POST "/register/imports", register::CREATE_DOC => |c| register::create(c.ctx, c.db, c.req)),
    route!(GET "/register/imports/{id}", register::SHOW_DOC => |c| register::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/enterprises/{cc}/code", codes::SHOW_DOC => |c| codes::show(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/enterprises/{cc}/code", codes::REISSUE_DOC => |c| codes::reissue(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/code.png", codes::PNG_DOC => |c| codes::png(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/code.svg", codes::SVG_DOC => |c| codes::svg(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/poster.svg", codes::POSTER_DOC => |c| codes::poster(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/landing/{token}", landing::DOC => |c| landing::landing(c.ctx, c.db, c.req, c.params.get("token"))),
    route!(PUT "/agencies/{agency}", agencies::PUT_DOC => |c| agencies::put(c.ctx, c.db, c.req, c.params.get("agency"))),
    route!(GET "/agencies/{agency}", agencies::SHOW_DOC => |c| agencies::show(c.ctx, c.db, c.params.get("agency"))),
    route!(PUT "/agencies/{agency}/officers", agencies::OFFICERS_DOC => |c| agencies::officers(c.ctx, c.db, c.req, c.params.get("agency"))),
    route!(POST "/scans", scans::SCAN_DOC => |c| scans::scan(c.ctx, c.db, c.req)),
    route!(POST "/inspections/{id}/leave", scans::LEAVE_DOC => |c| scans::leave(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/inspections", inspections::LIST_DOC => |c| inspections::list(c.ctx, c.db, c.req)),
    route!(GET "/inspections/{id}", inspections::SHOW_DOC => |c| inspections::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/inspections/{id}/rating", inspections::RATE_DOC => |c| inspections::rate(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/inspections/{id}/complaint", inspections::COMPLAIN_DOC => |c| inspections::complain(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/no-scan-reports", inspections::NO_SCAN_DOC => |c| inspections::no_scan(c.ctx, c.db, c.req)),
    route!(GET "/warnings", oversight::WARNINGS_DOC => |c| oversight::warnings(c.ctx, c.db, c.req)),
    route!(GET "/stats/monthly", oversight::MONTHLY_DOC => |c| oversight::monthly(c.ctx, c.db, c.req)),
    route!(POST "/surveys", surveys::CREATE_DOC => |c| surveys::create(c.ctx, c.db, c.req)),
    route!(POST "/surveys/{id}/answers", surveys::ANSWER_DOC => |c| surveys::answer(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/surveys/{id}/results", surveys::RESULTS_DOC => |c| surveys::results(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/demo-data", demo::LOAD_DOC => |c| demo::load(c.ctx, c.db, c.req)),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
