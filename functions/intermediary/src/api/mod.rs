//! The intermediary marketplace API: the route table, authorization per route, and
//! the handlers.
//!
//! | Method | Path (under `/api/intermediary`) | Who |
//! |---|---|---|
//! | GET | `/items` | anyone: the "66 + N" catalogue with the qualifications each item needs |
//! | POST | `/items` | marketplace staff: add an item |
//! | POST | `/providers` | an enterprise user: register its agency with qualifications (pending until staff decide) |
//! | GET | `/providers`, `/providers/{cc}` | anyone: live rating, stars, card, sanctions (no phone) |
//! | POST | `/providers/{cc}/qualifications/{q}/decision` | staff: approve, or reject with a reason |
//! | POST | `/providers/{cc}/sanctions` | staff: the triple sanction for proven misconduct |
//! | POST | `/providers/{cc}/red-card` | staff: a serious violation (expelled) |
//! | POST | `/providers/{cc}/handling` | staff: the next of the three handling steps |
//! | POST | `/providers/{cc}/complaint` | an enterprise user: a complaints case about the agency |
//! | GET | `/credit-events?after=` | anyone: the credit feed other platforms read |
//! | POST | `/projects` | an owner (enterprise user, or agency staff): publish a notice |
//! | GET | `/projects`, `/projects/{id}` | anyone: notices, commitments, results (bids only after the close) |
//! | POST | `/projects/{id}/bids` | a qualified provider: one bid per round |
//! | GET | `/projects/{id}/bids` | a provider: its own bid; after the close the owner and staff: all |
//! | POST | `/projects/{id}/close` | the owner, staff or the schedule, after the deadline: the selection |
//! | POST | `/projects/{id}/choice`, `/projects/{id}/scores` | the owner: direct choice, proposal scores |
//! | POST | `/projects/{id}/reannounce` | the owner of a failed round: a new round |
//! | POST | `/projects/{id}/contract`, `/projects/{id}/evaluation` | the owner |
//! | POST | `/projects/{id}/delivery`, `/projects/{id}/evidence` | the winning provider |
//! | GET | `/ocds/releases?after=`, `/ocds/projects/{id}` | anyone: OCDS 1.1 release packages |
//! | POST | `/sweep` | agency key `intermediary:sweep` (schedule): closes rounds, reminders, overdue work |
//! | POST | `/notifications/dispatch` | agency key `intermediary:sweep` (schedule): sends the outbox |
//! | POST | `/demo-data` | agency key `intermediary:demo` (on start) |
//! | POST | `/idempotency/expire` | agency key `platform:maintain` (schedule) |

mod award;
mod bids;
mod config;
mod delivery;
mod demo;
mod error;
mod items;
mod notify;
mod ocds;
mod projects;
mod providers;
mod sweep;
mod who;

use yingshang_kit::route;
use yingshang_kit::router::Route;

/// Where the routes live.
pub const BASE_PATH: &str = "/api/intermediary";
/// Marketplace staff systems.
pub const SCOPE_ADMIN: &str = "intermediary:admin";
/// The schedule.
pub const SCOPE_SWEEP: &str = "intermediary:sweep";
/// Demo data.
pub const SCOPE_DEMO: &str = "intermediary:demo";

/// The name of an item staff added (the built-in ones are looked up directly).
async fn items_name(
    db: &yingshang_kit::Db,
    code: &str,
) -> Result<String, yingshang_kit::tx::TxError> {
    for body in crate::store::providers::added_items(db).await? {
        if let Ok(item) =
            serde_json::from_str::<yingshang_core::intermediary::catalogue::Item>(&body)
            && item.code == code
        {
            return Ok(item.name_zh);
        }
    }
    Ok(code.to_owned())
}

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(GET "/items" => |c| items::list(c.ctx, c.db)),
    route!(POST "/items" => |c| items::add(c.ctx, c.db, c.req)),
    route!(POST "/providers" => |c| providers::register(c.ctx, c.db, c.req)),
    route!(GET "/providers" => |c| providers::list(c.ctx, c.db)),
    route!(GET "/providers/{cc}" => |c| providers::show(c.ctx, c.db, c.params.get("cc"))),
    route!(POST "/providers/{cc}/qualifications/{q}/decision" => |c| providers::decide(c.ctx, c.db, c.req, c.params.get("cc"), c.params.get("q"))),
    route!(POST "/providers/{cc}/sanctions" => |c| providers::sanction(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/red-card" => |c| providers::red_card(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/handling" => |c| providers::handling(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/complaint" => |c| providers::complain(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/credit-events" => |c| providers::credit_events(c.ctx, c.db, c.req)),
    route!(POST "/projects" => |c| projects::create(c.ctx, c.db, c.req)),
    route!(GET "/projects" => |c| projects::list(c.ctx, c.db, c.req)),
    route!(GET "/projects/{id}" => |c| projects::show(c.ctx, c.db, c.params.get("id"))),
    route!(POST "/projects/{id}/bids" => |c| bids::bid(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/projects/{id}/bids" => |c| bids::list(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/close" => |c| award::close(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/choice" => |c| award::choose(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/scores" => |c| award::score(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/reannounce" => |c| projects::reannounce(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/contract" => |c| delivery::contract(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/delivery" => |c| delivery::deliver(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/evaluation" => |c| delivery::evaluate(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/evidence" => |c| delivery::evidence(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/ocds/releases" => |c| ocds::releases(c.ctx, c.db, c.req)),
    route!(GET "/ocds/projects/{id}" => |c| ocds::project(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sweep" => |c| sweep::sweep(c.ctx, c.db, c.req)),
    route!(POST "/notifications/dispatch" => |c| notify::dispatch(c.ctx, c.db, c.req)),
    route!(POST "/demo-data" => |c| demo::load(c.ctx, c.db, c.req)),
    route!(POST "/idempotency/expire" => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
