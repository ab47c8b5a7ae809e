//! Shared power sockets (共享电源 · 扫码用电): metering and billing.
//!
//! A customer scans a socket's QR code, prepays, and the socket switches on; readings
//! come in from the socket (or from a gateway that reads a legacy DL/T 645 meter);
//! each reading is billed exactly, in micro-fen, against a dated flat or Henan
//! time-of-use tariff; eight protections can cut the power; at the end the charge is
//! rounded to the fen once and the rest is refunded. For every session
//! `charged + refunded = prepaid`, charges never exceed the prepay, a repeated or
//! out-of-order reading never bills twice, and a register that goes backwards never
//! refunds energy.
//!
//! Rooms: [`quantity`] (integer units), [`ids`], [`tariff`] and [`henan`] (prices and
//! the period table as data), [`model`] and [`protection`] (socket thresholds and
//! trips), [`reading`] (and where a socket's register stands), [`plausibility`] (what
//! a socket can deliver, what a device's clock may claim), [`session`] (life cycle,
//! settlement, staleness), [`billing`] (the billing step), [`statement`] (a site's
//! day), [`dlt645`] (frames), [`model_plan`] (dated thresholds).

pub mod billing;
pub mod dlt645;
pub mod error;
pub mod henan;
pub mod ids;
pub mod model;
pub mod model_plan;
pub mod plausibility;
pub mod protection;
pub mod quantity;
pub mod reading;
pub mod session;
pub mod statement;
pub mod tariff;

#[cfg(test)]
mod billing_tests;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod property_tests;

pub use billing::{
    Alarm, AlarmKind, BatchDecision, Command, Decision, ReadingOutcome, apply_batch,
    apply_batch_dated, apply_reading, command_for,
};
pub use dlt645::{
    DataId, Frame, FrameError, RelayOrder, decode_energy_reply, decode_frame, encode_energy_reply,
    encode_error_reply, encode_read_request, encode_relay_control,
};
pub use error::{MeteringInputError, ReadingError};
pub use henan::HENAN_2024_MONTHS;
pub use ids::{MeterId, SiteId};
pub use model::{Protection, SocketModel, SocketModelSpec};
pub use model_plan::{ModelPlan, ModelVersion};
pub use plausibility::{DEVICE_CLOCK_TOLERANCE, allowed_rise, check_times, max_energy};
pub use protection::{ProtectionState, Quantity, Trip, TripCause, check_protections};
pub use quantity::{DeciCelsius, DeciVolt, MicroFen, MilliAmp, PricePerKwh, Watt, Wh};
pub use reading::{DeviceEvent, Reading, RegisterMark, RelayState};
pub use session::{
    Baseline, EndReason, MAX_PREPAID, Session, SessionError, SessionFlags, SessionState,
    Settlement, StaleRule,
};
pub use statement::{ClosedSession, DailyStatement, daily_statement, daily_statements};
pub use tariff::{
    CHINA, DaySchedule, Period, PeriodPrices, PeriodSpan, Segment, Tariff, TariffPlan,
    TariffVersion, TouTariff, TouTariffSpec,
};
