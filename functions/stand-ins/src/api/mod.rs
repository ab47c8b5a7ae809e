//! The stand-ins' routes (private: reached only as `http://stand-ins.spin.internal`).
//!
//! | Method | Path | Stands in for |
//! |---|---|---|
//! | POST | `/channel/refunds` | the payment channel's refund endpoint (signed body, `Idempotency-Key`) |
//! | POST | `/registry/records` | the housing registry's intake (signed body, `Idempotency-Key`) |

mod channel;
mod error;
mod registry;

use yingshang_kit::route;
use yingshang_kit::router::Route;

/// A private component sees the chained request's whole path.
pub const BASE_PATH: &str = "/";

/// The route table.
pub const ROUTES: &[Route] = &[
    route!(POST "/channel/refunds" => |c| channel::refund(c.ctx, c.db, c.req)),
    route!(POST "/registry/records" => |c| registry::record(c.ctx, c.db, c.req)),
];
