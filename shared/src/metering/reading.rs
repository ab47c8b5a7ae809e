//! What a socket reports: one reading per interval, possibly buffered while offline.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::model::Protection;
use super::quantity::{DeciCelsius, DeciVolt, MilliAmp, Watt, Wh};

/// The state of the socket's relay as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayState {
    /// Closed: power flows.
    On,
    /// Open: no power.
    Off,
}

/// Something the device itself reports with a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The device's sequence number; strictly increases for new readings.
    pub seq: u64,
    /// The device's timestamp.
    #[serde(with = "time::serde::rfc3339")]
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
