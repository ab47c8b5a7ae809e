//! The configuration boundary: meter and site ids, prices, period tables, tariff plans
//! and socket models that an operator or an adapter hands to the core.

/// Configuration or identifier input that could not become a metering domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeteringInputError {
    /// A meter id is not exactly 12 decimal digits.
    #[error("meter id must be 12 decimal digits: {input:?}")]
    MeterIdInvalid {
        /// What was given.
        input: String,
    },
    /// A site id is empty, too long or has characters other than letters, digits, `-`, `_`.
    #[error("site id must be 1-64 letters, digits, '-' or '_': {input:?}")]
    SiteIdInvalid {
        /// What was given.
        input: String,
    },
    /// A price is not a non-negative yuan amount with at most 8 decimals.
    #[error("price must be a non-negative yuan amount with at most 8 decimals: {input:?}")]
    PriceInvalid {
        /// What was given.
        input: String,
    },
    /// A time-of-use span is empty, reversed or past midnight.
    #[error("period span {start_min}-{end_min} (minutes of the day) is empty or out of 0-1440")]
    ScheduleSpanInvalid {
        /// Start, minutes after local midnight.
        start_min: u16,
        /// End, minutes after local midnight.
        end_min: u16,
    },
    /// Two time-of-use spans of one day overlap.
    #[error("period spans overlap at minute {at_min} of the day")]
    ScheduleOverlap {
        /// Where the second span starts.
        at_min: u16,
    },
    /// A time-of-use tariff does not have exactly one day schedule per month.
    #[error("a time-of-use tariff needs 12 monthly schedules, got {count}")]
    ScheduleMonthsInvalid {
        /// How many were given.
        count: usize,
    },
    /// A tariff plan has no version.
    #[error("a tariff plan needs at least one version")]
    TariffPlanEmpty,
    /// Tariff versions are not in strictly increasing effective-from order.
    #[error("tariff versions must have strictly increasing effective-from times (at {at})")]
    TariffPlanUnordered {
        /// The effective-from time that is out of order (RFC 3339).
        at: String,
    },
    /// A model plan has no version.
    #[error("a socket model plan needs at least one version")]
    ModelPlanEmpty,
    /// Model versions are not in strictly increasing effective-from order.
    #[error("socket model versions must have strictly increasing effective-from times (at {at})")]
    ModelPlanUnordered {
        /// The effective-from time that is out of order.
        at: String,
    },
    /// A socket-model threshold is zero, inconsistent or out of range.
    #[error("socket model threshold {field} is invalid: {why}")]
    ThresholdInvalid {
        /// The configuration field.
        field: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl MeteringInputError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MeterIdInvalid { .. } => "METER_ID_INVALID",
            Self::SiteIdInvalid { .. } => "METER_SITE_ID_INVALID",
            Self::PriceInvalid { .. } => "METER_PRICE_INVALID",
            Self::ScheduleSpanInvalid { .. } => "METER_SCHEDULE_SPAN_INVALID",
            Self::ScheduleOverlap { .. } => "METER_SCHEDULE_OVERLAP",
            Self::ScheduleMonthsInvalid { .. } => "METER_SCHEDULE_MONTHS_INVALID",
            Self::TariffPlanEmpty => "METER_TARIFF_PLAN_EMPTY",
            Self::TariffPlanUnordered { .. } => "METER_TARIFF_PLAN_UNORDERED",
            Self::ModelPlanEmpty => "METER_MODEL_PLAN_EMPTY",
            Self::ModelPlanUnordered { .. } => "METER_MODEL_PLAN_UNORDERED",
            Self::ThresholdInvalid { .. } => "METER_THRESHOLD_INVALID",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::MeterIdInvalid { input } => format!("电表地址应为12位数字：{input}"),
            Self::SiteIdInvalid { input } => {
                format!("站点编号应为1至64位字母、数字、“-”或“_”：{input}")
            }
            Self::PriceInvalid { input } => {
                format!("电价应为非负的元金额，最多8位小数：{input}")
            }
            Self::ScheduleSpanInvalid { start_min, end_min } => {
                format!("时段 {start_min}–{end_min}（当日分钟）为空或超出0–1440")
            }
            Self::ScheduleOverlap { at_min } => format!("时段在当日第 {at_min} 分钟处重叠"),
            Self::ScheduleMonthsInvalid { count } => {
                format!("分时电价需要12个月的时段表，实际为 {count} 个")
            }
            Self::TariffPlanEmpty => "电价方案至少需要一个版本".to_owned(),
            Self::TariffPlanUnordered { at } => {
                format!("电价版本的生效时间必须严格递增（{at}）")
            }
            Self::ModelPlanEmpty => "插座型号方案至少需要一个版本".to_owned(),
            Self::ModelPlanUnordered { at } => {
                format!("插座型号版本的生效时间必须严格递增（{at}）")
            }
            Self::ThresholdInvalid { field, why } => {
                format!("插座型号保护参数 {field} 无效：{why}")
            }
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_present() {
        let e = MeteringInputError::MeterIdInvalid { input: "12".into() };
        assert_eq!(e.code(), "METER_ID_INVALID");
        assert!(e.message_zh().contains("12位"));
        assert!(e.message_en().contains("12 decimal digits"));
        assert_eq!(
            MeteringInputError::TariffPlanEmpty.code(),
            "METER_TARIFF_PLAN_EMPTY"
        );
    }
}
