//! Request and response bodies. Requests become core types at the edge (the core's
//! serde shapes validate: a model with inconsistent thresholds or a tariff plan out
//! of order does not parse); responses carry money in fen and times in RFC 3339.

use crate::store::SocketRecord;
use crate::store::outbox::RefundState;
use crate::store::sessions::SessionRecord;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use time::OffsetDateTime;
use yingshang_core::metering::{
    Command, EndReason, ModelPlan, Period, SessionState, Settlement, TariffPlan,
};
use yingshang_core::money::Fen;
use yingshang_kit::clock::{from_unix_ms, rfc3339};

/// `PUT /sites/{id}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    /// The site's name, e.g. "许昌夜市".
    pub name: String,
}

/// A site as saved: its id and name.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SiteView {
    /// The id.
    pub site_id: String,
    /// The name.
    pub name: String,
}

/// `PUT /sockets/{id}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocketRequest {
    /// The site it stands at.
    pub site_id: String,
    /// Its meter: 12 digits, the DL/T 645 address; also the device id that signs.
    pub meter_id: String,
    /// The device's HMAC secret (≥ 16 characters); required when the socket is new,
    /// optional on update (kept when absent). Never answered.
    #[serde(default)]
    pub device_secret: Option<String>,
    /// Dated socket models (rating and protection thresholds).
    pub models: ModelPlan,
    /// Dated tariff versions (flat or time-of-use; prices in micro-fen per kWh).
    pub tariff: TariffPlan,
}

/// The price in force.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PriceView {
    /// The period (flat for a flat tariff).
    pub period: Period,
    /// Yuan per kWh as decimal text, e.g. "0.60".
    pub yuan_per_kwh: String,
    /// Micro-fen per kWh, exact.
    pub micro_fen_per_kwh: u64,
}

/// A socket as anyone may see it: status and price, never the secret.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SocketView {
    /// The id.
    pub socket_id: String,
    /// Its site.
    pub site_id: String,
    /// Its meter.
    pub meter_id: String,
    /// `available` or `in_use`.
    #[schemars(extend("enum" = ["available", "in_use"]))]
    pub status: &'static str,
    /// The price now.
    pub price: PriceView,
    /// The model in force now (name and rating).
    pub model: String,
    /// Rated current, mA.
    pub rated_current_ma: u32,
    /// Device time of the last reading seen.
    pub last_reading_at: Option<String>,
}

impl SocketView {
    /// The view of `socket` at `now`.
    pub fn of(socket: &SocketRecord, in_use: bool, now: OffsetDateTime) -> SocketView {
        let (period, price) = socket.tariff.price_at(now);
        let model = socket.models.at(now).spec();
        SocketView {
            socket_id: socket.socket_id.clone(),
            site_id: socket.site_id.to_string(),
            meter_id: socket.meter.to_string(),
            status: if in_use { "in_use" } else { "available" },
            price: PriceView {
                period,
                yuan_per_kwh: price.to_string(),
                micro_fen_per_kwh: price.micro_fen(),
            },
            model: model.name.clone(),
            rated_current_ma: model.rated_current.0,
            last_reading_at: socket.last_reading_at.map(rfc3339),
        }
    }
}

/// `POST /sessions`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    /// The socket scanned.
    pub socket_id: String,
    /// What the customer prepays, in fen.
    pub prepaid_fen: i64,
}

/// `POST /payments/confirmations`, from the payment channel.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConfirmationRequest {
    /// The channel's transaction id (idempotency key).
    pub transaction_id: String,
    /// Our session id, which the channel got as the order reference.
    pub session_id: String,
    /// What was paid, in fen.
    pub amount_fen: i64,
}

/// What to pay for a created session.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PaymentDue {
    /// The amount, in fen.
    pub amount_fen: i64,
    /// The order reference to give the payment channel.
    pub reference: String,
}

/// A session's refund as the customer sees it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RefundView {
    /// `pending`, `delivered`, or `failed` (given up after the last try).
    #[schemars(extend("enum" = ["pending", "delivered", "failed"]))]
    pub status: String,
    /// The amount, in fen.
    pub amount_fen: i64,
    /// The channel's refund id, once delivered.
    pub refund_id: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
}

impl From<RefundState> for RefundView {
    fn from(r: RefundState) -> Self {
        RefundView {
            status: r.status,
            amount_fen: r.amount_fen,
            refund_id: r.refund_id,
            attempts: r.attempts,
        }
    }
}

/// A session for its customer: usage, cost and balance.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SessionView {
    /// The id.
    pub session_id: String,
    /// The socket.
    pub socket_id: String,
    /// created | active | ended | cancelled.
    #[schemars(extend("enum" = ["created", "active", "ended", "cancelled"]))]
    pub status: String,
    /// What the socket is told to do.
    #[serde(flatten)]
    pub command: Command,
    /// Prepaid, in fen.
    pub prepaid_fen: i64,
    /// Energy so far, Wh.
    pub energy_wh: u64,
    /// Cost so far, in fen (the exact charge rounded half-up; final once ended).
    pub charged_fen: i64,
    /// What is left, in fen.
    pub balance_fen: i64,
    /// Why it ended.
    pub end_reason: Option<EndReason>,
    /// Refunded (ended sessions).
    pub refunded_fen: Option<i64>,
    /// The refund's delivery.
    pub refund: Option<RefundView>,
    /// What to pay (created sessions).
    pub payment: Option<PaymentDue>,
    /// When it was created.
    pub created_at: String,
    /// When the payment was confirmed.
    pub activated_at: Option<String>,
    /// When it ended.
    pub ended_at: Option<String>,
}

impl SessionView {
    /// The view of a stored session.
    pub fn of(r: &SessionRecord, refund: Option<RefundState>) -> SessionView {
        let s = &r.session;
        let settlement: Option<Settlement> = s.settlement();
        let charged = settlement.as_ref().map_or_else(
            || s.charged().to_fen_half_up().clamp(Fen::ZERO, s.prepaid()),
            |x| x.charged,
        );
        let cancelled = r.status == crate::store::sessions::STATUS_CANCELLED;
        SessionView {
            session_id: r.id.clone(),
            socket_id: r.socket_id.clone(),
            status: r.status.clone(),
            command: if cancelled {
                Command::StayOff
            } else {
                yingshang_core::metering::command_for(s)
            },
            prepaid_fen: s.prepaid().0,
            energy_wh: s.energy().0,
            charged_fen: charged.0,
            balance_fen: (s.prepaid() - charged).0,
            end_reason: match s.state() {
                SessionState::Ended { reason } => Some(reason),
                _ => None,
            },
            refunded_fen: settlement.map(|x| x.refunded.0),
            refund: refund.map(RefundView::from),
            payment: (s.state() == SessionState::Created && !cancelled).then(|| PaymentDue {
                amount_fen: s.prepaid().0,
                reference: r.id.clone(),
            }),
            created_at: rfc3339(from_unix_ms(r.created_at)),
            activated_at: s.activated_at().map(rfc3339),
            ended_at: s.ended_at().map(rfc3339),
        }
    }
}

/// The `Idempotency-Key` header's schema: 1–255 visible ASCII characters (the core's
/// `IdempotencyKey`).
pub struct IdempotencyKeyHeader;

impl JsonSchema for IdempotencyKeyHeader {
    fn schema_name() -> Cow<'static, str> {
        "IdempotencyKey".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"})
    }
}
