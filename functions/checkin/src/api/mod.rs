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

use yingshang_kit::route;
use yingshang_kit::router::Route;

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

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/register/imports/slots" => |c| register::slot(c.ctx, c.db, c.req)),
    route!(POST "/register/imports" => |c| register::create(c.ctx, c.db, c.req)),
    route!(GET "/register/imports/{id}" => |c| register::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/enterprises/{cc}/code" => |c| codes::show(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/enterprises/{cc}/code" => |c| codes::reissue(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/code.png" => |c| codes::png(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/code.svg" => |c| codes::svg(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/enterprises/{cc}/poster.svg" => |c| codes::poster(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/landing/{token}" => |c| landing::landing(c.ctx, c.db, c.req, c.params.get("token"))),
    route!(PUT "/agencies/{agency}" => |c| agencies::put(c.ctx, c.db, c.req, c.params.get("agency"))),
    route!(GET "/agencies/{agency}" => |c| agencies::show(c.ctx, c.db, c.params.get("agency"))),
    route!(PUT "/agencies/{agency}/officers" => |c| agencies::officers(c.ctx, c.db, c.req, c.params.get("agency"))),
    route!(POST "/scans" => |c| scans::scan(c.ctx, c.db, c.req)),
    route!(POST "/inspections/{id}/leave" => |c| scans::leave(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/inspections" => |c| inspections::list(c.ctx, c.db, c.req)),
    route!(GET "/inspections/{id}" => |c| inspections::show(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/inspections/{id}/rating" => |c| inspections::rate(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/inspections/{id}/complaint" => |c| inspections::complain(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/no-scan-reports" => |c| inspections::no_scan(c.ctx, c.db, c.req)),
    route!(GET "/warnings" => |c| oversight::warnings(c.ctx, c.db, c.req)),
    route!(GET "/stats/monthly" => |c| oversight::monthly(c.ctx, c.db, c.req)),
    route!(POST "/surveys" => |c| surveys::create(c.ctx, c.db, c.req)),
    route!(POST "/surveys/{id}/answers" => |c| surveys::answer(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/surveys/{id}/results" => |c| surveys::results(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/demo-data" => |c| demo::load(c.ctx, c.db, c.req)),
    // The platform's idempotency records expire on every function's schedule.
    route!(POST "/idempotency/expire" => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
