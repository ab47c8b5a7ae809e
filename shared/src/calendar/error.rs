//! The errors of the calendar boundary: a date a caller sent that is not one we accept
//! ([`DateError`]), and a date the working-day calendar cannot answer for
//! ([`CalendarError`]). Both are caller errors (4xx), never traps.

use super::iso::{MAX_YEAR, MIN_YEAR};

/// How much of a malformed input an error keeps: enough to recognise it, bounded so
/// that an untrusted string is never echoed back at length.
const ECHO_CHARS: usize = 32;

/// A date text that is not a `YYYY-MM-DD` date within the accepted years.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the shape `YYYY-MM-DD`: a sign, a space, a missing zero, another
    /// separator or length.
    #[error(
        "date must be YYYY-MM-DD (4-digit year, 2-digit month and day, no sign or spaces): {input:?}"
    )]
    Malformed {
        /// What was given (at most its first 32 characters).
        input: String,
    },
    /// The shape is right but no such day exists, e.g. `2026-02-30` or month 13.
    #[error("{year:04}-{month:02}-{day:02} is not a calendar date")]
    NoSuchDay {
        /// The year given.
        year: i32,
        /// The month given (1-12 for a real month).
        month: u8,
        /// The day of the month given.
        day: u8,
    },
    /// The year is outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    #[error("year {year} is outside the accepted range {MIN_YEAR}-{MAX_YEAR}")]
    OutOfRange {
        /// The year given.
        year: i32,
    },
}

impl DateError {
    /// A malformed-date error keeping a bounded prefix of the input.
    pub(crate) fn malformed(input: &str) -> DateError {
        DateError::Malformed {
            input: input.chars().take(ECHO_CHARS).collect(),
        }
    }

    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "DATE_MALFORMED",
            Self::NoSuchDay { .. } => "DATE_NONEXISTENT",
            Self::OutOfRange { .. } => "DATE_OUT_OF_RANGE",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::Malformed { input } => {
                format!("日期格式应为 YYYY-MM-DD（4位年份、2位月和日，无符号和空格）：{input}")
            }
            Self::NoSuchDay { year, month, day } => {
                format!("{year:04}-{month:02}-{day:02} 不是有效日期")
            }
            Self::OutOfRange { year } => {
                format!("年份 {year} 超出可接受范围 {MIN_YEAR}–{MAX_YEAR}")
            }
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// A question the working-day calendar cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A date given, or one reached while counting, lies in a year whose holidays the
    /// calendar does not know; it refuses rather than guess a deadline.
    #[error("the working-day calendar does not know the year {0}")]
    UnknownYear(i32),
    /// Calendar data handed to [`WorkingCalendar::new`](super::WorkingCalendar::new)
    /// contradicts itself or its year.
    #[error("working-day calendar data for {year} is invalid: {why}")]
    InvalidData {
        /// The year entry at fault.
        year: i32,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl CalendarError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownYear(_) => "CALENDAR_YEAR_UNKNOWN",
            Self::InvalidData { .. } => "CALENDAR_DATA_INVALID",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::UnknownYear(year) => format!("工作日历尚未收录 {year} 年的节假日安排"),
            Self::InvalidData { year, why } => format!("{year} 年的工作日历数据无效：{why}"),
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
        let e = DateError::malformed("2026-2-3");
        assert_eq!(e.code(), "DATE_MALFORMED");
        assert!(e.message_en().contains("YYYY-MM-DD"));
        assert!(e.message_zh().contains("2026-2-3"));
        assert_eq!(
            DateError::OutOfRange { year: 9999 }.code(),
            "DATE_OUT_OF_RANGE"
        );
        let e = DateError::NoSuchDay {
            year: 2026,
            month: 2,
            day: 30,
        };
        assert_eq!(e.code(), "DATE_NONEXISTENT");
        assert_eq!(e.message_en(), "2026-02-30 is not a calendar date");
        let e = CalendarError::UnknownYear(2027);
        assert_eq!(e.code(), "CALENDAR_YEAR_UNKNOWN");
        assert!(e.message_zh().contains("2027"));
        assert!(e.message_en().contains("2027"));
        let e = CalendarError::InvalidData {
            year: 2025,
            why: "x",
        };
        assert_eq!(e.code(), "CALENDAR_DATA_INVALID");
    }

    #[test]
    fn a_long_malformed_input_is_not_echoed_at_length() {
        let long = "9".repeat(10_000);
        let DateError::Malformed { input } = DateError::malformed(&long) else {
            panic!("expected Malformed");
        };
        assert_eq!(input.chars().count(), ECHO_CHARS);
    }
}
