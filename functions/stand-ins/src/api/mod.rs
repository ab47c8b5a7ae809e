//! The stand-ins' routes (private: reached only as `http://stand-ins.spin.internal`;
//! only the local cashier also has a public route, `/stand-ins/cashier/...`).
//!
//! | Method | Path | Stands in for |
//! |---|---|---|
//! | POST | `/channel/refunds` | the payment channel's refund endpoint (signed body, `Idempotency-Key`) |
//! | POST | `/registry/records` | the housing registry's intake (signed body, `Idempotency-Key`) |
//! | POST | `/sms/messages` | the SMS gateway the intermediary marketplace notifies through (signed body, `Idempotency-Key`) |
//! | POST | `/approvals/results` | the construction-project approval system's intake of intermediary results (the same) |
//! | POST | `/stand-ins/cashier/power-payments` | the payment channel's cashier: a person pays, the channel confirms to meter-billing (public route; development runs only) |

mod cashier;
mod channel;
mod error;
mod notices;
mod registry;

use yingshang_kit::route;
use yingshang_kit::router::Route;

/// A private component sees the chained request's whole path.
pub const BASE_PATH: &str = "/";

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/channel/refunds" => |c| channel::refund(c.ctx, c.db, c.req)),
    route!(POST "/registry/records" => |c| registry::record(c.ctx, c.db, c.req)),
    route!(POST "/sms/messages" => |c| notices::receive(c.ctx, c.db, c.req, notices::Inbox::Sms)),
    route!(POST "/approvals/results" => |c| notices::receive(c.ctx, c.db, c.req, notices::Inbox::Approvals)),
    route!(POST "/stand-ins/cashier/power-payments" => |c| cashier::pay_power(c.ctx, c.db, c.req)),
];
