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
    /// A dated version takes effect outside the years the platform handles
    /// ([`MIN_YEAR`](crate::calendar::MIN_YEAR)–[`MAX_YEAR`](crate::calendar::MAX_YEAR)).
    #[error("{field} {at} is outside the years 1900-2100")]
    DateOutOfRange {
        /// The configuration field.
        field: &'static str,
        /// The instant given (RFC 3339).
        at: String,
    },
}

impl MeteringInputError {
    /// Every code [`MeteringInputError::code`] answers (for the API's documents).
    pub const CODES: &'static [&'static str] = &[
        "METER_ID_INVALID",
        "METER_SITE_ID_INVALID",
        "METER_PRICE_INVALID",
        "METER_SCHEDULE_SPAN_INVALID",
        "METER_SCHEDULE_OVERLAP",
        "METER_SCHEDULE_MONTHS_INVALID",
        "METER_TARIFF_PLAN_EMPTY",
        "METER_TARIFF_PLAN_UNORDERED",
        "METER_MODEL_PLAN_EMPTY",
        "METER_MODEL_PLAN_UNORDERED",
        "METER_THRESHOLD_INVALID",
        "METER_DATE_OUT_OF_RANGE",
    ];

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
            Self::DateOutOfRange { .. } => "METER_DATE_OUT_OF_RANGE",
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
            Self::DateOutOfRange { field, at } => {
                format!("{field} 的日期 {at} 超出1900至2100年的范围")
            }
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Why a reading is refused as a whole, before anything is billed (the device must
/// fix its clock; nothing of the request is applied).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadingError {
    /// The reading is dated further ahead of the server's clock than
    /// [`DEVICE_CLOCK_TOLERANCE`](super::plausibility::DEVICE_CLOCK_TOLERANCE).
    #[error("reading {seq} is dated {ahead_s} s ahead of the server's clock (at most 300 s)")]
    InFuture {
        /// The reading's sequence number.
        seq: u64,
        /// How far ahead, in seconds.
        ahead_s: i64,
    },
    /// The reading is dated outside the years the platform handles (1900–2100).
    #[error("reading {seq} is dated in the year {year}, outside 1900-2100")]
    DateOutOfRange {
        /// The reading's sequence number.
        seq: u64,
        /// The year it carries (in its own offset).
        year: i32,
    },
}

impl ReadingError {
    /// Every code [`ReadingError::code`] answers (for the API's documents).
    pub const CODES: &'static [&'static str] =
        &["METER_READING_IN_FUTURE", "METER_READING_DATE_OUT_OF_RANGE"];

    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InFuture { .. } => "METER_READING_IN_FUTURE",
            Self::DateOutOfRange { .. } => "METER_READING_DATE_OUT_OF_RANGE",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::InFuture { seq, ahead_s } => format!(
                "读数 {seq} 的时间比服务器时间超前 {ahead_s} 秒（最多允许300秒），请校准设备时钟"
            ),
            Self::DateOutOfRange { seq, year } => {
                format!("读数 {seq} 的年份 {year} 超出1900至2100年的范围")
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
        let e = MeteringInputError::DateOutOfRange {
            field: "effective_from",
            at: "9999-12-31T00:00:00Z".into(),
        };
        assert_eq!(e.code(), "METER_DATE_OUT_OF_RANGE");
        assert!(e.message_zh().contains("1900至2100"));
        assert!(e.message_en().contains("1900-2100"));
    }

    /// Every variant of the power API's core errors, by hand: the exhaustive matches
    /// below stop compiling when a variant is added, until it is listed here.
    #[test]
    fn the_metering_error_code_lists_are_complete() {
        use crate::metering::{FrameError, SessionError};
        fn distinct(list: &[&str]) {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len());
        }
        let inputs = [
            MeteringInputError::MeterIdInvalid { input: "1".into() },
            MeteringInputError::SiteIdInvalid { input: "".into() },
            MeteringInputError::PriceInvalid { input: "x".into() },
            MeteringInputError::ScheduleSpanInvalid {
                start_min: 5,
                end_min: 1,
            },
            MeteringInputError::ScheduleOverlap { at_min: 1 },
            MeteringInputError::ScheduleMonthsInvalid { count: 1 },
            MeteringInputError::TariffPlanEmpty,
            MeteringInputError::TariffPlanUnordered { at: "t".into() },
            MeteringInputError::ModelPlanEmpty,
            MeteringInputError::ModelPlanUnordered { at: "t".into() },
            MeteringInputError::ThresholdInvalid {
                field: "f",
                why: "w",
            },
            MeteringInputError::DateOutOfRange {
                field: "f",
                at: "t".into(),
            },
        ];
        for e in &inputs {
            match e {
                MeteringInputError::MeterIdInvalid { .. }
                | MeteringInputError::SiteIdInvalid { .. }
                | MeteringInputError::PriceInvalid { .. }
                | MeteringInputError::ScheduleSpanInvalid { .. }
                | MeteringInputError::ScheduleOverlap { .. }
                | MeteringInputError::ScheduleMonthsInvalid { .. }
                | MeteringInputError::TariffPlanEmpty
                | MeteringInputError::TariffPlanUnordered { .. }
                | MeteringInputError::ModelPlanEmpty
                | MeteringInputError::ModelPlanUnordered { .. }
                | MeteringInputError::ThresholdInvalid { .. }
                | MeteringInputError::DateOutOfRange { .. } => {}
            }
            assert!(
                MeteringInputError::CODES.contains(&e.code()),
                "{}",
                e.code()
            );
        }
        assert_eq!(inputs.len(), MeteringInputError::CODES.len());
        let readings = [
            ReadingError::InFuture { seq: 1, ahead_s: 1 },
            ReadingError::DateOutOfRange { seq: 1, year: 1 },
        ];
        for e in &readings {
            match e {
                ReadingError::InFuture { .. } | ReadingError::DateOutOfRange { .. } => {}
            }
            assert!(ReadingError::CODES.contains(&e.code()), "{}", e.code());
        }
        assert_eq!(readings.len(), ReadingError::CODES.len());
        let sessions = [
            SessionError::PrepaidOutOfRange { fen: 0 },
            SessionError::NotAwaitingPayment,
            SessionError::NeverPaid,
        ];
        for e in &sessions {
            match e {
                SessionError::PrepaidOutOfRange { .. }
                | SessionError::NotAwaitingPayment
                | SessionError::NeverPaid => {}
            }
            assert!(SessionError::CODES.contains(&e.code()), "{}", e.code());
        }
        assert_eq!(sessions.len(), SessionError::CODES.len());
        let frames = [
            FrameError::BadHex,
            FrameError::TooShort { len: 1 },
            FrameError::BadStart,
            FrameError::BadEnd,
            FrameError::LengthMismatch {
                declared: 1,
                present: 2,
            },
            FrameError::BadChecksum {
                computed: 1,
                found: 2,
            },
            FrameError::BadAddress,
            FrameError::WrongAddress {
                expected: "a".into(),
                found: "b".into(),
            },
            FrameError::ErrorReply { status: 1 },
            FrameError::UnexpectedControl { control: 1 },
            FrameError::UnknownDataId { di: 1 },
            FrameError::BadDataLength { len: 1 },
            FrameError::BadBcd,
            FrameError::ValueOutOfRange,
        ];
        for e in &frames {
            match e {
                FrameError::BadHex
                | FrameError::TooShort { .. }
                | FrameError::BadStart
                | FrameError::BadEnd
                | FrameError::LengthMismatch { .. }
                | FrameError::BadChecksum { .. }
                | FrameError::BadAddress
                | FrameError::WrongAddress { .. }
                | FrameError::ErrorReply { .. }
                | FrameError::UnexpectedControl { .. }
                | FrameError::UnknownDataId { .. }
                | FrameError::BadDataLength { .. }
                | FrameError::BadBcd
                | FrameError::ValueOutOfRange => {}
            }
            assert!(FrameError::CODES.contains(&e.code()), "{}", e.code());
        }
        assert_eq!(frames.len(), FrameError::CODES.len());
        for list in [
            MeteringInputError::CODES,
            ReadingError::CODES,
            SessionError::CODES,
            FrameError::CODES,
        ] {
            distinct(list);
        }
    }

    #[test]
    fn reading_errors_have_codes_and_both_languages() {
        let e = ReadingError::InFuture {
            seq: 7,
            ahead_s: 3600,
        };
        assert_eq!(e.code(), "METER_READING_IN_FUTURE");
        assert!(e.message_zh().contains("超前 3600 秒"));
        assert!(e.message_en().contains("3600 s ahead"));
        let e = ReadingError::DateOutOfRange { seq: 1, year: 0 };
        assert_eq!(e.code(), "METER_READING_DATE_OUT_OF_RANGE");
        assert!(e.message_zh().contains("年份 0"));
        assert!(e.message_en().contains("year 0"));
    }
}
