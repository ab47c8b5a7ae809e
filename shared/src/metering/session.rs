//! A prepaid use of one socket: Created (prepaid) → Active (payment confirmed) →
//! Ended (with a reason). Closing turns the exact charge into fen once, and refunds
//! the rest: charged + refunded = prepaid, always.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::ids::MeterId;
use super::model::Protection;
use super::protection::ProtectionState;
use super::quantity::{MicroFen, Wh};
use super::reading::RegisterMark;
use crate::money::Fen;

/// The most a customer may prepay for one use: 10,000.00 yuan (an assumption; it also
/// keeps micro-fen sums far from overflow).
pub const MAX_PREPAID: Fen = Fen(1_000_000);

/// Why a session ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndReason {
    /// The customer stopped (in WeChat or with the socket's button).
    CustomerStop,
    /// The balance could not cover the next interval.
    BalanceExhausted,
    /// A protection tripped.
    ProtectionTrip {
        /// Which one.
        protection: Protection,
    },
    /// No reading arrived for longer than the staleness threshold.
    Stale,
    /// The device reported a fault.
    Fault {
        /// The vendor's fault code.
        code: u16,
    },
    /// The meter reported a register rise the socket cannot have delivered in the
    /// time: that rise was not billed, the power is cut and an alarm holds the
    /// reading for the operator's review.
    MeterImplausible,
}

impl EndReason {
    /// A stable machine code, e.g. for statements and device commands.
    pub fn code(&self) -> &'static str {
        match self {
            EndReason::CustomerStop => "customer_stop",
            EndReason::BalanceExhausted => "balance_exhausted",
            EndReason::ProtectionTrip { .. } => "protection_trip",
            EndReason::Stale => "stale",
            EndReason::Fault { .. } => "fault",
            EndReason::MeterImplausible => "meter_implausible",
        }
    }
}

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionState {
    /// Prepay ordered, payment not yet confirmed; the socket stays off.
    Created,
    /// Paid; the socket is on and readings are billed.
    Active,
    /// Over; nothing more is billed.
    Ended {
        /// Why.
        reason: EndReason,
    },
}

/// Things worth an operator's look that did not stop billing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SessionFlags {
    /// The cumulative register went backwards (meter reset or replaced) at least once;
    /// those intervals were not charged and the register was re-baselined.
    pub register_went_backwards: bool,
    /// A reading's timestamp was before the previous one's (device clock trouble).
    pub clock_went_backwards: bool,
    /// A charge was cut short because the balance ran out.
    pub charge_capped: bool,
}

/// The meter's register and time when the socket was switched on, if known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The cumulative register.
    pub register: Wh,
    /// When it was read.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One prepaid use of one socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub(super) meter: MeterId,
    pub(super) prepaid: Fen,
    pub(super) state: SessionState,
    #[serde(with = "time::serde::rfc3339")]
    pub(super) created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) activated_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) ended_at: Option<OffsetDateTime>,
    pub(super) charged: MicroFen,
    pub(super) energy: Wh,
    pub(super) last_seq: Option<u64>,
    pub(super) last_register: Option<Wh>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) last_reading_at: Option<OffsetDateTime>,
    pub(super) protection: ProtectionState,
    pub(super) flags: SessionFlags,
}

/// A session's lifecycle command that does not fit its state, or a bad prepay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The prepaid amount is not positive or above [`MAX_PREPAID`].
    #[error("prepaid amount {fen} fen must be between 0.01 and 10000.00 yuan")]
    PrepaidOutOfRange {
        /// What was given, in fen.
        fen: i64,
    },
    /// Only a created session can be activated.
    #[error("the session is not awaiting payment")]
    NotAwaitingPayment,
    /// A session whose payment was never confirmed cannot be settled.
    #[error("the session was never paid")]
    NeverPaid,
}

impl SessionError {
    /// Every code [`SessionError::code`] answers (for the API's documents).
    pub const CODES: &'static [&'static str] = &[
        "METER_PREPAID_OUT_OF_RANGE",
        "METER_SESSION_NOT_AWAITING_PAYMENT",
        "METER_SESSION_NEVER_PAID",
    ];

    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::PrepaidOutOfRange { .. } => "METER_PREPAID_OUT_OF_RANGE",
            SessionError::NotAwaitingPayment => "METER_SESSION_NOT_AWAITING_PAYMENT",
            SessionError::NeverPaid => "METER_SESSION_NEVER_PAID",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            SessionError::PrepaidOutOfRange { fen } => {
                format!("预付金额 {} 元应在0.01至10000.00元之间", Fen(*fen))
            }
            SessionError::NotAwaitingPayment => "该用电订单不在待支付状态".to_owned(),
            SessionError::NeverPaid => "该用电订单未支付，无法结算".to_owned(),
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// The money side of an ended session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// The meter.
    pub meter: MeterId,
    /// What the customer prepaid.
    pub prepaid: Fen,
    /// The final charge: the exact charge rounded half-up once, never above prepaid.
    pub charged: Fen,
    /// What goes back to the customer's original account: prepaid − charged.
    pub refunded: Fen,
    /// The exact charge before rounding.
    pub exact_charge: MicroFen,
    /// Energy metered during the session.
    pub energy: Wh,
    /// Why the session ended.
    pub reason: EndReason,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339")]
    pub ended_at: OffsetDateTime,
}

impl Session {
    /// A new session awaiting payment of `prepaid`.
    pub fn new(
        meter: MeterId,
        prepaid: Fen,
        created_at: OffsetDateTime,
    ) -> Result<Session, SessionError> {
        if prepaid <= Fen::ZERO || prepaid > MAX_PREPAID {
            return Err(SessionError::PrepaidOutOfRange { fen: prepaid.0 });
        }
        Ok(Session {
            meter,
            prepaid,
            state: SessionState::Created,
            created_at,
            activated_at: None,
            ended_at: None,
            charged: MicroFen::ZERO,
            energy: Wh::ZERO,
            last_seq: None,
            last_register: None,
            last_reading_at: None,
            protection: ProtectionState::default(),
            flags: SessionFlags::default(),
        })
    }

    /// The payment is confirmed: the socket may switch on. With a `baseline` the
    /// energy from switch-on is billed; without one, the first reading is the baseline.
    pub fn activate(
        &self,
        paid_at: OffsetDateTime,
        baseline: Option<Baseline>,
    ) -> Result<Session, SessionError> {
        if self.state != SessionState::Created {
            return Err(SessionError::NotAwaitingPayment);
        }
        let mut next = self.clone();
        next.state = SessionState::Active;
        next.activated_at = Some(paid_at);
        if let Some(b) = baseline {
            next.last_register = Some(b.register);
            next.last_reading_at = Some(b.at);
        }
        Ok(next)
    }

    /// [`Session::activate`] from where the socket's meter stands: the session starts
    /// from the register of the socket's newest reading (at `paid_at`, since the
    /// socket was off until then), and a reading whose sequence number is not newer
    /// than that one was taken before the switch-on, so it bills nothing.
    pub fn activate_after(
        &self,
        paid_at: OffsetDateTime,
        socket: Option<RegisterMark>,
    ) -> Result<Session, SessionError> {
        let baseline = socket.map(|m| Baseline {
            register: m.register,
            at: paid_at,
        });
        let mut next = self.activate(paid_at, baseline)?;
        next.last_seq = socket.map(|m| m.seq);
        Ok(next)
    }

    /// Ends the session (if it is still active) and settles it. An already ended
    /// session keeps its own reason and end time, and settles the same way again.
    pub fn close(
        &self,
        reason: EndReason,
        now: OffsetDateTime,
    ) -> Result<(Session, Settlement), SessionError> {
        let ended = match self.state {
            SessionState::Created => return Err(SessionError::NeverPaid),
            SessionState::Active => self.ended(reason, now),
            SessionState::Ended { .. } => self.clone(),
        };
        let settlement = ended.settlement().ok_or(SessionError::NeverPaid)?;
        Ok((ended, settlement))
    }

    /// This session, ended with `reason` at `at`.
    pub(super) fn ended(&self, reason: EndReason, at: OffsetDateTime) -> Session {
        let mut next = self.clone();
        next.state = SessionState::Ended { reason };
        next.ended_at = Some(at);
        next
    }

    /// The settlement of an ended session (`None` while not ended).
    pub fn settlement(&self) -> Option<Settlement> {
        let SessionState::Ended { reason } = self.state else {
            return None;
        };
        // Rounded once; the clamp keeps "never above prepaid" even for a record that
        // was edited by hand.
        let charged = self.charged.to_fen_half_up().clamp(Fen::ZERO, self.prepaid);
        Some(Settlement {
            meter: self.meter.clone(),
            prepaid: self.prepaid,
            charged,
            refunded: self.prepaid - charged,
            exact_charge: self.charged,
            energy: self.energy,
            reason,
            ended_at: self.ended_at.unwrap_or(self.created_at),
        })
    }

    /// The meter.
    pub fn meter(&self) -> &MeterId {
        &self.meter
    }
    /// The prepaid amount.
    pub fn prepaid(&self) -> Fen {
        self.prepaid
    }
    /// The state.
    pub fn state(&self) -> SessionState {
        self.state
    }
    /// The exact charge so far.
    pub fn charged(&self) -> MicroFen {
        self.charged
    }
    /// What is left of the prepay, exactly.
    pub fn remaining(&self) -> MicroFen {
        MicroFen(MicroFen::from_fen(self.prepaid).0 - self.charged.0)
    }
    /// Energy metered so far.
    pub fn energy(&self) -> Wh {
        self.energy
    }
    /// The last accepted sequence number.
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }
    /// The register value of the last accepted reading (or the baseline).
    pub fn last_register(&self) -> Option<Wh> {
        self.last_register
    }
    /// When the last accepted reading (or the baseline) was taken.
    pub fn last_reading_at(&self) -> Option<OffsetDateTime> {
        self.last_reading_at
    }
    /// When the payment was confirmed.
    pub fn activated_at(&self) -> Option<OffsetDateTime> {
        self.activated_at
    }
    /// When the session ended.
    pub fn ended_at(&self) -> Option<OffsetDateTime> {
        self.ended_at
    }
    /// Flags for operators.
    pub fn flags(&self) -> SessionFlags {
        self.flags
    }
}

/// The staleness rule: an active session with no reading for `after_s` seconds is
/// closed, billed up to its last reading, and the rest refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleRule {
    /// Seconds without a reading after which a session is stale.
    pub after_s: u32,
}

impl StaleRule {
    /// Whether `last_seen` is at least the threshold before `now`.
    pub fn is_stale(&self, now: OffsetDateTime, last_seen: OffsetDateTime) -> bool {
        now - last_seen >= Duration::seconds(i64::from(self.after_s))
    }

    /// Closes `session` as stale if it is active and stale. Charges stay what the
    /// accepted readings made them, so the customer pays up to the last reading and
    /// gets the rest back.
    ///
    /// `last_seen` is when the server last received an accepted reading for the
    /// session (`None`: none yet, so its activation counts). Staleness is judged by
    /// the server's clock only: a device that dates its readings years ahead cannot
    /// keep a session, and its prepay, from being closed.
    pub fn close_if_stale(
        &self,
        session: &Session,
        last_seen: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Option<(Session, Settlement)> {
        if session.state != SessionState::Active {
            return None;
        }
        let last_seen = last_seen.or(session.activated_at)?;
        if !self.is_stale(now, last_seen) {
            return None;
        }
        session.close(EndReason::Stale, now).ok()
    }
}
