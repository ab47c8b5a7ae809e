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
//!
//! `GET /openapi.json` (public) describes every route: [`API`].

mod award;
mod bids;
mod complaint;
mod config;
mod credit_feed;
mod delivery;
mod demo;
mod error;
mod items;
mod notify;
mod ocds;
mod projects;
mod providers;
mod sanctions;
mod sweep;
mod who;

use yingshang_core::openapi::Info;
use yingshang_kit::route;
use yingshang_kit::router::{Api, Route};

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

/// The function as described: its OpenAPI document is served at
/// `GET /api/intermediary/openapi.json`.
pub const API: Api = Api {
    base: BASE_PATH,
    info: Info {
        title: "Yingshang intermediary marketplace API · 网上中介超市",
        version: env!("CARGO_PKG_VERSION"),
        description: "The \"66 + N\" item catalogue; intermediary agencies and their qualifications; \
                      projects with open bids and a draw anyone can verify; contracts with dual \
                      deadlines; evaluation, cards and the triple sanction with a public credit feed; \
                      every project as OCDS 1.1 open data. \
                      网上中介超市：服务事项清单、中介机构入驻与资质审核、公开竞价与可验证的随机抽取、\
                      双期限合同、评价与警示、三联惩戒与信用信息、OCDS 开放数据。",
    },
    routes: ROUTES,
};

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(GET "/items", items::LIST_DOC => |c| items::list(c.ctx, c.db)),
    route!(POST "/items", items::ADD_DOC => |c| items::add(c.ctx, c.db, c.req)),
    route!(POST "/providers", providers::REGISTER_DOC => |c| providers::register(c.ctx, c.db, c.req)),
    route!(GET "/providers", providers::LIST_DOC => |c| providers::list(c.ctx, c.db)),
    route!(GET "/providers/{cc}", providers::SHOW_DOC => |c| providers::show(c.ctx, c.db, c.params.get("cc"))),
    route!(POST "/providers/{cc}/qualifications/{q}/decision", providers::DECIDE_DOC => |c| providers::decide(c.ctx, c.db, c.req, c.params.get("cc"), c.params.get("q"))),
    route!(POST "/providers/{cc}/sanctions", sanctions::SANCTION_DOC => |c| sanctions::sanction(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/red-card", sanctions::RED_CARD_DOC => |c| sanctions::red_card(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/handling", sanctions::HANDLING_DOC => |c| sanctions::handling(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(POST "/providers/{cc}/complaint", complaint::COMPLAIN_DOC => |c| complaint::complain(c.ctx, c.db, c.req, c.params.get("cc"))),
    route!(GET "/credit-events", credit_feed::CREDIT_EVENTS_DOC => |c| credit_feed::credit_events(c.ctx, c.db, c.req)),
    route!(POST "/projects", projects::CREATE_DOC => |c| projects::create(c.ctx, c.db, c.req)),
    route!(GET "/projects", projects::LIST_DOC => |c| projects::list(c.ctx, c.db, c.req)),
    route!(GET "/projects/{id}", projects::SHOW_DOC => |c| projects::show(c.ctx, c.db, c.params.get("id"))),
    route!(POST "/projects/{id}/bids", bids::BID_DOC => |c| bids::bid(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/projects/{id}/bids", bids::LIST_DOC => |c| bids::list(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/close", award::CLOSE_DOC => |c| award::close(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/choice", award::CHOOSE_DOC => |c| award::choose(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/scores", award::SCORE_DOC => |c| award::score(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/reannounce", projects::REANNOUNCE_DOC => |c| projects::reannounce(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/contract", delivery::CONTRACT_DOC => |c| delivery::contract(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/delivery", delivery::DELIVER_DOC => |c| delivery::deliver(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/evaluation", delivery::EVALUATE_DOC => |c| delivery::evaluate(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/projects/{id}/evidence", delivery::EVIDENCE_DOC => |c| delivery::evidence(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(GET "/ocds/releases", ocds::RELEASES_DOC => |c| ocds::releases(c.ctx, c.db, c.req)),
    route!(GET "/ocds/projects/{id}", ocds::PROJECT_DOC => |c| ocds::project(c.ctx, c.db, c.req, c.params.get("id"))),
    route!(POST "/sweep", sweep::SWEEP_DOC => |c| sweep::sweep(c.ctx, c.db, c.req)),
    route!(POST "/notifications/dispatch", notify::DISPATCH_DOC => |c| notify::dispatch(c.ctx, c.db, c.req)),
    route!(POST "/demo-data", demo::LOAD_DOC => |c| demo::load(c.ctx, c.db, c.req)),
    route!(POST "/idempotency/expire", yingshang_kit::idempotency::EXPIRE_DOC => |c| yingshang_kit::idempotency::expire(c.ctx, c.db, c.req.headers())),
];
