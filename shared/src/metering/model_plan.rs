//! Dated socket models: thresholds change (a firmware update, a new rating after an
//! inspection) from a given instant, and a reading is checked against the model in
//! force at its own time — the same rule as [`TariffPlan`](super::tariff::TariffPlan).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::MeteringInputError;
use super::model::SocketModel;
use super::plausibility::within_years;

/// A socket model and the instant from which it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelVersion {
    /// In force from this instant until the next version's (RFC 3339, years 1900–2100).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub effective_from: OffsetDateTime,
    /// The thresholds.
    pub model: SocketModel,
}

/// Dated model versions, oldest first; the first also covers anything earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Vec<ModelVersion>", into = "Vec<ModelVersion>")]
pub struct ModelPlan {
    versions: Vec<ModelVersion>,
}

impl ModelPlan {
    /// Checks that there is at least one version, that the dates strictly increase and
    /// that each is in the years the platform handles (1900–2100).
    pub fn new(versions: Vec<ModelVersion>) -> Result<ModelPlan, MeteringInputError> {
        if versions.is_empty() {
            return Err(MeteringInputError::ModelPlanEmpty);
        }
        if let Some(v) = versions.iter().find(|v| !within_years(v.effective_from)) {
            return Err(MeteringInputError::DateOutOfRange {
                field: "model effective_from",
                at: v.effective_from.to_string(),
            });
        }
        for pair in versions.windows(2) {
            if pair[1].effective_from <= pair[0].effective_from {
                return Err(MeteringInputError::ModelPlanUnordered {
                    at: pair[1].effective_from.to_string(),
                });
            }
        }
        Ok(ModelPlan { versions })
    }

    /// A plan with one model in force at all times.
    pub fn single(model: SocketModel) -> ModelPlan {
        ModelPlan {
            versions: vec![ModelVersion {
                effective_from: OffsetDateTime::UNIX_EPOCH,
                model,
            }],
        }
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[ModelVersion] {
        &self.versions
    }

    /// The model in force at `t`.
    pub fn at(&self, t: OffsetDateTime) -> &SocketModel {
        let i = self
            .versions
            .partition_point(|v| v.effective_from <= t)
            .saturating_sub(1);
        &self.versions[i].model
    }
}

impl TryFrom<Vec<ModelVersion>> for ModelPlan {
    type Error = MeteringInputError;
    fn try_from(value: Vec<ModelVersion>) -> Result<Self, Self::Error> {
        ModelPlan::new(value)
    }
}

impl From<ModelPlan> for Vec<ModelVersion> {
    fn from(value: ModelPlan) -> Self {
        value.versions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::quantity::{DeciVolt, MilliAmp};
    use time::macros::datetime;

    fn model(rated: u32) -> SocketModel {
        SocketModel::with_defaults("S", MilliAmp(rated)).unwrap()
    }

    #[test]
    fn the_version_in_force_is_the_latest_not_after_the_instant() {
        let plan = ModelPlan::new(vec![
            ModelVersion {
                effective_from: datetime!(2025-01-01 00:00 +8),
                model: model(10_000),
            },
            ModelVersion {
                effective_from: datetime!(2025-06-01 00:00 +8),
                model: model(16_000),
            },
        ])
        .unwrap();
        let rated = |t| plan.at(t).spec().rated_current;
        assert_eq!(rated(datetime!(2024-12-01 00:00 +8)), MilliAmp(10_000));
        assert_eq!(rated(datetime!(2025-05-31 23:59 +8)), MilliAmp(10_000));
        assert_eq!(rated(datetime!(2025-06-01 00:00 +8)), MilliAmp(16_000));
        assert_eq!(
            plan.at(datetime!(2030-01-01 0:00 UTC)).spec().over_voltage,
            DeciVolt(2354)
        );
    }

    #[test]
    fn plans_are_checked_and_round_trip() {
        assert_eq!(
            ModelPlan::new(vec![]).unwrap_err().code(),
            "METER_MODEL_PLAN_EMPTY"
        );
        let v = |t| ModelVersion {
            effective_from: t,
            model: model(10_000),
        };
        let unordered = ModelPlan::new(vec![
            v(datetime!(2025-06-01 00:00 UTC)),
            v(datetime!(2025-01-01 00:00 UTC)),
        ]);
        assert_eq!(unordered.unwrap_err().code(), "METER_MODEL_PLAN_UNORDERED");
        let plan = ModelPlan::single(model(10_000));
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(serde_json::from_str::<ModelPlan>(&json).unwrap(), plan);
        assert!(serde_json::from_str::<ModelPlan>("[]").is_err());
        // Effective dates outside 1900–2100 are refused, as JSON too.
        for far in [
            datetime!(9999-12-31 00:00 UTC),
            datetime!(1899-12-31 23:59 UTC),
        ] {
            let err = ModelPlan::new(vec![v(far)]).unwrap_err();
            assert_eq!(err.code(), "METER_DATE_OUT_OF_RANGE");
        }
        let json = serde_json::to_string(&vec![v(datetime!(9999-12-31 00:00 UTC))]).unwrap();
        assert!(serde_json::from_str::<ModelPlan>(&json).is_err());
    }
}
