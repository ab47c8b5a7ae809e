//! The billing step: one reading in, a decision out (new session, what the socket
//! must do, an alarm for the operator). Pure: no clock, no I/O.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::MeterId;
use super::model::{Protection, SocketModel};
use super::model_plan::ModelPlan;
use super::plausibility::allowed_rise;
use super::protection::{TripCause, check_protections};
use super::quantity::{MicroFen, Wh};
use super::reading::{DeviceEvent, Reading};
use super::session::{EndReason, Session, SessionState};
use super::tariff::TariffPlan;

/// What the socket must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Keep (or put) the relay on.
    KeepOn,
    /// Open the relay: the session has ended for this reason.
    CutOff {
        /// Why.
        reason: EndReason,
    },
    /// Keep the relay off: the session is not paid yet.
    StayOff,
}

/// What the billing step made of a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReadingOutcome {
    /// The session is not active; nothing was billed.
    NotActive,
    /// The sequence number is not after the last accepted one; nothing changed.
    Duplicate {
        /// The last accepted sequence number.
        last_seq: u64,
    },
    /// The first register value of the session: the starting point, nothing billed.
    Baseline,
    /// The register went backwards (meter reset or replaced): nothing billed for the
    /// interval, nothing refunded, and the new value is the new baseline.
    RegisterWentBackwards {
        /// The previous register value.
        from: Wh,
        /// The new, lower value.
        to: Wh,
    },
    /// The register rose more than the socket can have delivered in the time (see
    /// [`allowed_rise`]): nothing billed, the session ends and an alarm holds the
    /// reading for review.
    Implausible {
        /// The register rise reported.
        rise: Wh,
        /// The largest rise that was plausible.
        allowed: Wh,
    },
    /// Energy was billed.
    Charged {
        /// The register rise.
        energy: Wh,
        /// The exact charge for it.
        charge: MicroFen,
        /// True if the charge was cut to what was left of the prepay.
        capped: bool,
    },
}

/// What raised an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alarm", rename_all = "snake_case")]
pub enum AlarmKind {
    /// A protection tripped.
    Trip {
        /// Which protection.
        protection: Protection,
        /// Why.
        cause: TripCause,
    },
    /// The meter's register rose more than the socket can have delivered: the rise
    /// was not billed, and the reading waits for the operator's review.
    ImplausibleRise {
        /// The register before.
        from: Wh,
        /// The register reported.
        to: Wh,
        /// The largest rise that was plausible.
        allowed: Wh,
    },
}

/// Something for the operator to look at: a protection trip or an implausible reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarm {
    /// The socket's meter.
    pub meter: MeterId,
    /// The reading that raised it.
    pub seq: u64,
    /// When (device time).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What raised it.
    pub kind: AlarmKind,
}

impl Alarm {
    /// The protection that tripped, for a trip.
    pub fn protection(&self) -> Option<Protection> {
        match self.kind {
            AlarmKind::Trip { protection, .. } => Some(protection),
            AlarmKind::ImplausibleRise { .. } => None,
        }
    }

    /// A stable machine code: the protection's (`over_voltage`, …) or
    /// `implausible_rise`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            AlarmKind::Trip { protection, .. } => protection.code(),
            AlarmKind::ImplausibleRise { .. } => "implausible_rise",
        }
    }
}

/// The result of one billing step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The session after the reading.
    pub session: Session,
    /// What was billed.
    pub outcome: ReadingOutcome,
    /// What the socket must do.
    pub command: Command,
    /// Alarms to report: a protection trip, an implausible reading (or both).
    pub alarms: Vec<Alarm>,
}

/// What the socket must do for a session in this state.
pub fn command_for(session: &Session) -> Command {
    match session.state() {
        SessionState::Created => Command::StayOff,
        SessionState::Active => Command::KeepOn,
        SessionState::Ended { reason } => Command::CutOff { reason },
    }
}

/// Bills one reading. Rules, in order:
/// - a session that is not active bills nothing;
/// - a sequence number ≤ the last accepted one is a duplicate: nothing changes;
/// - energy is the rise of the cumulative register since the last accepted reading
///   (the first register value is the baseline); a register that went backwards is
///   flagged, bills nothing and becomes the new baseline;
/// - a rise beyond what the socket can deliver in the time (see [`allowed_rise`]:
///   since the previous reading, and in total since the switch-on) is implausible:
///   it bills nothing, the session ends and an alarm is raised;
/// - the energy is priced over the interval (from the switch-on at the earliest),
///   split at time-of-use boundaries;
/// - the charge never takes the total past the prepay: it is cut to what is left and
///   the session ends for balance; it also ends for balance when what is left cannot
///   pay `cover_interval_s` seconds at the present power;
/// - protections are checked; a trip ends the session and raises an alarm;
/// - a device fault or the stop button ends the session.
///
/// When several reasons meet, a protection trip wins, then a fault, then an
/// implausible register, then the balance, then the stop button.
pub fn apply_reading(
    session: &Session,
    reading: &Reading,
    plan: &TariffPlan,
    model: &SocketModel,
) -> Decision {
    let unchanged = |outcome| Decision {
        session: session.clone(),
        outcome,
        command: command_for(session),
        alarms: Vec::new(),
    };
    if session.state != SessionState::Active {
        return unchanged(ReadingOutcome::NotActive);
    }
    if let Some(last_seq) = session.last_seq.filter(|last| reading.seq <= *last) {
        return unchanged(ReadingOutcome::Duplicate { last_seq });
    }

    let mut next = session.clone();
    next.last_seq = Some(reading.seq);
    // Intervals are measured from the latest device time seen, so a clock that jumped
    // back cannot make an interval count twice.
    let seen_until = session
        .last_reading_at
        .map_or(reading.at, |t| t.max(reading.at));
    let mut alarms = Vec::new();
    let outcome = match (session.last_register, session.last_reading_at) {
        (Some(prev), Some(prev_at)) if reading.register >= prev => {
            let energy = Wh(reading.register.0 - prev.0);
            let clock_went_back = reading.at < prev_at;
            next.flags.clock_went_backwards |= clock_went_back;
            // Energy flows only while the socket is on: from its switch-on at the
            // earliest, however early the device dated the previous reading.
            let on = session.activated_at.unwrap_or(prev_at);
            let from = prev_at.max(on);
            let interval = (!clock_went_back).then(|| reading.at - from);
            let allowed = allowed_rise(model, interval, seen_until - on, session.energy);
            if energy > allowed {
                alarms.push(Alarm {
                    meter: session.meter.clone(),
                    seq: reading.seq,
                    at: reading.at,
                    kind: AlarmKind::ImplausibleRise {
                        from: prev,
                        to: reading.register,
                        allowed,
                    },
                });
                ReadingOutcome::Implausible {
                    rise: energy,
                    allowed,
                }
            } else {
                let full = plan.charge(from, reading.at, energy);
                let remaining = MicroFen(next.remaining().0.max(0));
                let capped = full > remaining;
                let charge = if capped { remaining } else { full };
                next.charged = MicroFen(next.charged.0 + charge.0);
                next.energy = Wh(next.energy.0.saturating_add(energy.0));
                next.flags.charge_capped |= capped;
                ReadingOutcome::Charged {
                    energy,
                    charge,
                    capped,
                }
            }
        }
        (Some(prev), _) if reading.register < prev => {
            next.flags.register_went_backwards = true;
            ReadingOutcome::RegisterWentBackwards {
                from: prev,
                to: reading.register,
            }
        }
        _ => ReadingOutcome::Baseline,
    };
    next.last_register = Some(reading.register);
    next.last_reading_at = Some(seen_until);

    let (protection_state, trip) = check_protections(model, &session.protection, reading);
    next.protection = protection_state;

    let fault = reading.events.iter().find_map(|e| match e {
        DeviceEvent::Fault { code } => Some(*code),
        _ => None,
    });
    let stop = reading.events.contains(&DeviceEvent::StopButton);
    let implausible = matches!(outcome, ReadingOutcome::Implausible { .. });
    let reason = if let Some(t) = trip {
        Some(EndReason::ProtectionTrip {
            protection: t.protection,
        })
    } else if let Some(code) = fault {
        Some(EndReason::Fault { code })
    } else if implausible {
        Some(EndReason::MeterImplausible)
    } else if balance_exhausted(&next, reading, plan, model) {
        Some(EndReason::BalanceExhausted)
    } else if stop {
        Some(EndReason::CustomerStop)
    } else {
        None
    };

    if let Some(t) = trip {
        alarms.insert(
            0,
            Alarm {
                meter: session.meter.clone(),
                seq: reading.seq,
                at: reading.at,
                kind: AlarmKind::Trip {
                    protection: t.protection,
                    cause: t.cause,
                },
            },
        );
    }
    let next = match reason {
        Some(reason) => next.ended(reason, reading.at),
        None => next,
    };
    Decision {
        command: command_for(&next),
        session: next,
        outcome,
        alarms,
    }
}

/// Nothing left, or not enough for `cover_interval_s` seconds at the present power and
/// the present price: cost = W × s / 3600 Wh × price / 1000 per kWh.
fn balance_exhausted(
    session: &Session,
    reading: &Reading,
    plan: &TariffPlan,
    model: &SocketModel,
) -> bool {
    let remaining = i128::from(session.remaining().0);
    if remaining <= 0 {
        return true;
    }
    let (_, price) = plan.price_at(reading.at);
    let need = i128::from(reading.power.0)
        * i128::from(model.spec().cover_interval_s)
        * i128::from(price.0);
    // remaining < need / 3_600_000  ⇔  remaining × 3_600_000 < need
    remaining * 3_600_000 < need
}

/// The result of applying buffered readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDecision {
    /// The session after all readings.
    pub session: Session,
    /// Each reading's sequence number and outcome, in the order applied.
    pub outcomes: Vec<(u64, ReadingOutcome)>,
    /// What the socket must do now.
    pub command: Command,
    /// Alarms raised (from one reading at most: a trip or an implausible register
    /// ends the session).
    pub alarms: Vec<Alarm>,
}

/// Applies readings buffered while offline in sequence-number order; duplicates (within
/// the batch or already applied) bill nothing, and readings after the session ended
/// bill nothing.
pub fn apply_batch(
    session: &Session,
    readings: &[Reading],
    plan: &TariffPlan,
    model: &SocketModel,
) -> BatchDecision {
    apply_batch_with(session, readings, plan, |_| model)
}

/// [`apply_batch`] with dated thresholds: each reading is checked against the model
/// in force at its own (device) time.
pub fn apply_batch_dated(
    session: &Session,
    readings: &[Reading],
    plan: &TariffPlan,
    models: &ModelPlan,
) -> BatchDecision {
    apply_batch_with(session, readings, plan, |at| models.at(at))
}

fn apply_batch_with<'m>(
    session: &Session,
    readings: &[Reading],
    plan: &TariffPlan,
    model_at: impl Fn(OffsetDateTime) -> &'m SocketModel,
) -> BatchDecision {
    let mut ordered: Vec<&Reading> = readings.iter().collect();
    ordered.sort_by_key(|r| r.seq);
    let mut current = session.clone();
    let mut outcomes = Vec::with_capacity(ordered.len());
    let mut alarms = Vec::new();
    for reading in ordered {
        let d = apply_reading(&current, reading, plan, model_at(reading.at));
        outcomes.push((reading.seq, d.outcome));
        alarms.extend(d.alarms);
        current = d.session;
    }
    BatchDecision {
        command: command_for(&current),
        session: current,
        outcomes,
        alarms,
    }
}
