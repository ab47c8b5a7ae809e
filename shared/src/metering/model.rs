//! Socket models: rated current and the eight protection thresholds, all configuration
//! per model, with the domain note's figures as defaults.

use serde::{Deserialize, Serialize};

use super::error::MeteringInputError;
use super::quantity::{DeciCelsius, DeciVolt, MilliAmp, Watt};

/// The eight protections. The seed names over-voltage, over-current, over-temperature
/// and short circuit; the other four are the domain note's assumptions.
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
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// 过压: supply voltage above the upper limit.
    OverVoltage,
    /// 欠压: supply voltage below the lower limit.
    UnderVoltage,
    /// 过流: current above the instantaneous over-current setting.
    OverCurrent,
    /// 过载: current above the rating for at least the configured time.
    Overload,
    /// 短路: current at or above the short-circuit setting.
    ShortCircuit,
    /// 过温: socket temperature at or above the setting.
    OverTemperature,
    /// 漏电: residual current at or above the setting (30 mA by default).
    ResidualCurrent,
    /// 功率突变/空载: a sudden power rise, or power below the idle level for a time.
    SurgeIdle,
}

impl Protection {
    /// All eight, in the order they are checked (most severe first).
    pub const ALL: [Protection; 8] = [
        Protection::ShortCircuit,
        Protection::ResidualCurrent,
        Protection::OverCurrent,
        Protection::OverVoltage,
        Protection::UnderVoltage,
        Protection::OverTemperature,
        Protection::Overload,
        Protection::SurgeIdle,
    ];

    /// A stable machine code, the same as its JSON form: `over_voltage`, …
    pub fn code(self) -> &'static str {
        match self {
            Protection::OverVoltage => "over_voltage",
            Protection::UnderVoltage => "under_voltage",
            Protection::OverCurrent => "over_current",
            Protection::Overload => "overload",
            Protection::ShortCircuit => "short_circuit",
            Protection::OverTemperature => "over_temperature",
            Protection::ResidualCurrent => "residual_current",
            Protection::SurgeIdle => "surge_idle",
        }
    }

    /// The Chinese name shown to operators.
    pub fn name_zh(self) -> &'static str {
        match self {
            Protection::OverVoltage => "过压保护",
            Protection::UnderVoltage => "欠压保护",
            Protection::OverCurrent => "过流保护",
            Protection::Overload => "过载保护",
            Protection::ShortCircuit => "短路保护",
            Protection::OverTemperature => "过温保护",
            Protection::ResidualCurrent => "漏电保护",
            Protection::SurgeIdle => "功率突变/空载保护",
        }
    }
}

/// The thresholds of a socket model as configured (the serialised shape of
/// [`SocketModel`]). Limits on voltage are the permitted band; every other setting
/// trips at or beyond its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SocketModelSpec {
    /// The model's name.
    pub name: String,
    /// Rated current.
    pub rated_current: MilliAmp,
    /// Highest permitted voltage (default 235.4 V = 220 V + 7%).
    pub over_voltage: DeciVolt,
    /// Lowest permitted voltage (default 198.0 V = 220 V − 10%).
    pub under_voltage: DeciVolt,
    /// Instantaneous over-current trip (default 1.5 × rated; an assumption).
    pub over_current: MilliAmp,
    /// Seconds the current may stay above the rating before the overload trip
    /// (default 60 s; an assumption).
    pub overload_after_s: u32,
    /// Short-circuit trip (default 10 × rated, a C-curve breaker's magnetic trip; an
    /// assumption).
    pub short_circuit: MilliAmp,
    /// Over-temperature trip (default 80.0 °C; an assumption).
    pub over_temperature: DeciCelsius,
    /// Residual-current trip (default 30 mA).
    pub residual_current: MilliAmp,
    /// Largest power rise allowed between two readings (default: the rated power at
    /// 220 V; an assumption).
    pub surge_rise: Watt,
    /// Power below this counts as idle (default 5 W; an assumption).
    pub idle_power: Watt,
    /// Seconds of idle before the socket is switched off (default 600 s; an assumption).
    pub idle_after_s: u32,
    /// The balance must cover this many seconds at the present power, else the socket
    /// is cut for balance (default 60 s, about one reporting interval; 0 disables).
    pub cover_interval_s: u32,
}

impl SocketModelSpec {
    /// A model with the given rated current and every other setting at its default.
    pub fn with_defaults(name: &str, rated_current: MilliAmp) -> SocketModelSpec {
        let rated = rated_current.0;
        SocketModelSpec {
            name: name.to_owned(),
            rated_current,
            over_voltage: DeciVolt(2354),
            under_voltage: DeciVolt(1980),
            over_current: MilliAmp(rated.saturating_mul(3) / 2),
            overload_after_s: 60,
            short_circuit: MilliAmp(rated.saturating_mul(10)),
            over_temperature: DeciCelsius(800),
            residual_current: MilliAmp(30),
            surge_rise: Watt(rated.saturating_mul(220) / 1000),
            idle_power: Watt(5),
            idle_after_s: 600,
            cover_interval_s: 60,
        }
    }
}

/// A checked socket model: thresholds that are consistent with each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "SocketModelSpec", into = "SocketModelSpec")]
pub struct SocketModel(SocketModelSpec);

impl SocketModel {
    /// A model with the given rated current and default thresholds.
    pub fn with_defaults(
        name: &str,
        rated_current: MilliAmp,
    ) -> Result<SocketModel, MeteringInputError> {
        SocketModel::try_from(SocketModelSpec::with_defaults(name, rated_current))
    }

    /// The thresholds.
    pub fn spec(&self) -> &SocketModelSpec {
        &self.0
    }
}

impl TryFrom<SocketModelSpec> for SocketModel {
    type Error = MeteringInputError;
    fn try_from(s: SocketModelSpec) -> Result<Self, Self::Error> {
        let bad = |field, why| Err(MeteringInputError::ThresholdInvalid { field, why });
        if s.rated_current.0 == 0 {
            return bad("rated_current", "must be positive");
        }
        if s.under_voltage >= s.over_voltage {
            return bad("under_voltage", "must be below over_voltage");
        }
        if s.over_current <= s.rated_current {
            return bad("over_current", "must be above rated_current");
        }
        if s.short_circuit <= s.over_current {
            return bad("short_circuit", "must be above over_current");
        }
        if s.residual_current.0 == 0 {
            return bad("residual_current", "must be positive");
        }
        if s.overload_after_s == 0 {
            return bad("overload_after_s", "must be positive");
        }
        if s.idle_after_s == 0 {
            return bad("idle_after_s", "must be positive");
        }
        if s.surge_rise.0 == 0 {
            return bad("surge_rise", "must be positive");
        }
        if s.cover_interval_s > 86_400 {
            return bad("cover_interval_s", "must be at most one day");
        }
        Ok(SocketModel(s))
    }
}

impl From<SocketModel> for SocketModelSpec {
    fn from(value: SocketModel) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_note() {
        let m = SocketModel::with_defaults("S10", MilliAmp(10_000)).unwrap();
        let s = m.spec();
        assert_eq!(s.over_voltage, DeciVolt(2354));
        assert_eq!(s.under_voltage, DeciVolt(1980));
        assert_eq!(s.residual_current, MilliAmp(30));
        assert_eq!(s.over_current, MilliAmp(15_000));
        assert_eq!(s.short_circuit, MilliAmp(100_000));
        assert_eq!(s.surge_rise, Watt(2200));
    }

    #[test]
    fn protection_codes_are_their_json_names() {
        for p in Protection::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.code());
        }
    }

    #[test]
    fn inconsistent_thresholds_are_refused() {
        let mut s = SocketModelSpec::with_defaults("S10", MilliAmp(10_000));
        s.under_voltage = DeciVolt(2400);
        let err = SocketModel::try_from(s).unwrap_err();
        assert_eq!(err.code(), "METER_THRESHOLD_INVALID");
        assert!(SocketModel::with_defaults("S0", MilliAmp(0)).is_err());
        let json = r#"{"name":"x","rated_current":10000,"over_voltage":2354,"under_voltage":1980,
            "over_current":9000,"overload_after_s":60,"short_circuit":100000,
            "over_temperature":800,"residual_current":30,"surge_rise":2200,"idle_power":5,
            "idle_after_s":600,"cover_interval_s":60}"#;
        assert!(serde_json::from_str::<SocketModel>(json).is_err());
    }
}
