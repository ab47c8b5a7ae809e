//! The eight protections checked against each accepted reading. Overload and idle need
//! memory (since when?), kept in a small state the session carries.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::model::{Protection, SocketModel};
use super::quantity::{DeciCelsius, DeciVolt, MilliAmp, Watt};
use super::reading::{DeviceEvent, Reading};

/// What the protections remember between readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProtectionState {
    /// Since when the current has been above the rating (overload).
    #[serde(with = "time::serde::rfc3339::option")]
    pub over_rating_since: Option<OffsetDateTime>,
    /// Since when the power has been below the idle level.
    #[serde(with = "time::serde::rfc3339::option")]
    pub idle_since: Option<OffsetDateTime>,
    /// The power at the previous accepted reading (for the surge check).
    pub last_power: Option<Watt>,
}

/// A measured quantity, for alarms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Quantity {
    /// A voltage.
    Voltage(DeciVolt),
    /// A load current.
    Current(MilliAmp),
    /// A residual current.
    Residual(MilliAmp),
    /// A power.
    Power(Watt),
    /// A rise of power between two readings.
    PowerRise(Watt),
    /// A temperature.
    Temperature(DeciCelsius),
}

/// Why a protection tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TripCause {
    /// The device reported that its own protection tripped.
    DeviceReported,
    /// A measured value was beyond its limit.
    Beyond {
        /// What was measured.
        measured: Quantity,
        /// The configured limit.
        limit: Quantity,
    },
    /// A condition held for at least the configured time.
    Sustained {
        /// What was measured at the tripping reading.
        measured: Quantity,
        /// The configured limit.
        limit: Quantity,
        /// For how many seconds the condition has held.
        for_s: i64,
    },
}

/// A tripped protection and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trip {
    /// Which protection.
    pub protection: Protection,
    /// Why.
    pub cause: TripCause,
}

/// Checks one accepted reading: a trip the device reports wins; then the protections in
/// [`Protection::ALL`] order (most severe first). Returns the updated memory and the
/// first trip, if any.
pub fn check_protections(
    model: &SocketModel,
    state: &ProtectionState,
    reading: &Reading,
) -> (ProtectionState, Option<Trip>) {
    let s = model.spec();
    let at = reading.at;
    let since = |prev: Option<OffsetDateTime>| Some(prev.map_or(at, |p| p.min(at)));
    let next = ProtectionState {
        over_rating_since: if reading.current > s.rated_current {
            since(state.over_rating_since)
        } else {
            None
        },
        idle_since: if reading.power < s.idle_power {
            since(state.idle_since)
        } else {
            None
        },
        last_power: Some(reading.power),
    };
    let held = |from: Option<OffsetDateTime>| from.map_or(0, |f| (at - f).whole_seconds());

    let device = reading.events.iter().find_map(|e| match e {
        DeviceEvent::Tripped { protection } => Some(*protection),
        _ => None,
    });
    if let Some(protection) = device {
        let trip = Trip {
            protection,
            cause: TripCause::DeviceReported,
        };
        return (next, Some(trip));
    }

    let beyond = |protection, measured, limit| {
        Some(Trip {
            protection,
            cause: TripCause::Beyond { measured, limit },
        })
    };
    let trip = if reading.current >= s.short_circuit {
        beyond(
            Protection::ShortCircuit,
            Quantity::Current(reading.current),
            Quantity::Current(s.short_circuit),
        )
    } else if reading.residual >= s.residual_current {
        beyond(
            Protection::ResidualCurrent,
            Quantity::Residual(reading.residual),
            Quantity::Residual(s.residual_current),
        )
    } else if reading.current >= s.over_current {
        beyond(
            Protection::OverCurrent,
            Quantity::Current(reading.current),
            Quantity::Current(s.over_current),
        )
    } else if reading.voltage > s.over_voltage {
        beyond(
            Protection::OverVoltage,
            Quantity::Voltage(reading.voltage),
            Quantity::Voltage(s.over_voltage),
        )
    } else if reading.voltage < s.under_voltage {
        beyond(
            Protection::UnderVoltage,
            Quantity::Voltage(reading.voltage),
            Quantity::Voltage(s.under_voltage),
        )
    } else if reading.temperature >= s.over_temperature {
        beyond(
            Protection::OverTemperature,
            Quantity::Temperature(reading.temperature),
            Quantity::Temperature(s.over_temperature),
        )
    } else if held(next.over_rating_since) >= i64::from(s.overload_after_s) {
        Some(Trip {
            protection: Protection::Overload,
            cause: TripCause::Sustained {
                measured: Quantity::Current(reading.current),
                limit: Quantity::Current(s.rated_current),
                for_s: held(next.over_rating_since),
            },
        })
    } else if let Some(rise) = state
        .last_power
        .map(|p| reading.power.0.saturating_sub(p.0))
        .filter(|rise| *rise > s.surge_rise.0)
    {
        beyond(
            Protection::SurgeIdle,
            Quantity::PowerRise(Watt(rise)),
            Quantity::PowerRise(s.surge_rise),
        )
    } else if held(next.idle_since) >= i64::from(s.idle_after_s) {
        Some(Trip {
            protection: Protection::SurgeIdle,
            cause: TripCause::Sustained {
                measured: Quantity::Power(reading.power),
                limit: Quantity::Power(s.idle_power),
                for_s: held(next.idle_since),
            },
        })
    } else {
        None
    };
    (next, trip)
}
