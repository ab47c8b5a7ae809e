//! What a socket reports: one reading per interval, possibly buffered while offline.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::model::Protection;
use super::quantity::{DeciCelsius, DeciVolt, MilliAmp, Watt, Wh};

/// The state of the socket's relay as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelayState {
    /// Closed: power flows.
    On,
    /// Open: no power.
    Off,
}

/// Something the device itself reports with a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceEvent {
    /// The device's own protection tripped (it has already opened its relay).
    Tripped {
        /// Which protection.
        protection: Protection,
    },
    /// The device reports a fault (metering chip, relay welded, ...).
    Fault {
        /// The vendor's fault code.
        code: u16,
    },
    /// The customer pressed the stop button on the socket.
    StopButton,
}

/// One reading from a socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reading {
    /// The device's sequence number; strictly increases for new readings.
    pub seq: u64,
    /// The device's timestamp (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
    /// The cumulative forward active energy register.
    pub register: Wh,
    /// Supply voltage.
    pub voltage: DeciVolt,
    /// Load current.
    pub current: MilliAmp,
    /// Active power.
    pub power: Watt,
    /// Socket temperature.
    pub temperature: DeciCelsius,
    /// Residual (leakage) current.
    pub residual: MilliAmp,
    /// Relay state when the reading was taken.
    pub relay: RelayState,
    /// Events since the previous reading.
    #[serde(default)]
    pub events: Vec<DeviceEvent>,
}

/// Where a socket's meter stands: its newest reading by sequence number, with the
/// register and device time it carried. A socket's register moves only forward in
/// sequence: a late, repeated or older reading never moves it, so the next session
/// never starts from a stale baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterMark {
    /// The newest sequence number seen.
    pub seq: u64,
    /// The register that reading carried.
    pub register: Wh,
    /// Its device time.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl RegisterMark {
    /// The mark of one reading.
    pub fn of(reading: &Reading) -> RegisterMark {
        RegisterMark {
            seq: reading.seq,
            register: reading.register,
            at: reading.at,
        }
    }

    /// The socket's mark after `readings` arrive, if it moves: the reading with the
    /// highest sequence number, when that is newer than `last`. `None` when nothing
    /// is newer (the socket keeps its register). Of readings sharing a sequence
    /// number the first counts, as the first is the one stored and billed.
    pub fn after(last: Option<RegisterMark>, readings: &[Reading]) -> Option<RegisterMark> {
        let newest = readings
            .iter()
            .fold(None::<&Reading>, |best, r| match best {
                Some(b) if b.seq >= r.seq => Some(b),
                _ => Some(r),
            })?;
        match last {
            Some(l) if newest.seq <= l.seq => None,
            _ => Some(RegisterMark::of(newest)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::billing_tests::reading;
    use time::macros::datetime;

    const T: OffsetDateTime = datetime!(2025-06-10 09:00 +8);

    #[test]
    fn only_a_newer_sequence_number_moves_the_register() {
        let last = RegisterMark {
            seq: 5,
            register: Wh(5000),
            at: T,
        };
        // Late (seq 3) or repeated (seq 5) readings change nothing, whatever they say.
        assert_eq!(
            RegisterMark::after(Some(last), &[reading(3, T, 1000)]),
            None
        );
        assert_eq!(
            RegisterMark::after(Some(last), &[reading(5, T, 9999)]),
            None
        );
        // A batch moves it to its newest reading, however it is ordered.
        let batch = [reading(7, T, 7000), reading(4, T, 100), reading(6, T, 6000)];
        assert_eq!(
            RegisterMark::after(Some(last), &batch),
            Some(RegisterMark::of(&batch[0]))
        );
        // A socket never read takes the newest reading; nothing in, nothing moves.
        assert_eq!(
            RegisterMark::after(None, &batch).map(|m| m.register),
            Some(Wh(7000))
        );
        assert_eq!(RegisterMark::after(None, &[]), None);
        // Two readings with one sequence number: the first is the one that counts.
        let twins = [reading(8, T, 8000), reading(8, T, 1)];
        assert_eq!(
            RegisterMark::after(Some(last), &twins).map(|m| m.register),
            Some(Wh(8000))
        );
    }
}
