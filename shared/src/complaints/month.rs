//! A calendar month (`YYYY-MM`) in China Standard Time, the period of the monthly
//! analysis.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::input_error::InputError;

/// The earliest year a month may have: no case predates the platform by decades.
pub const MIN_MONTH_YEAR: i32 = 2000;
/// The latest year a month may have.
pub const MAX_MONTH_YEAR: i32 = 2100;

/// A month of a year in [`MIN_MONTH_YEAR`]..=[`MAX_MONTH_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: time::Month,
}

crate::openapi::json_schema_of!(Month, "Month", {
    "type": "string",
    "pattern": "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$",
    "description": "A month as YYYY-MM, year 2000-2100. 月份。"
});

impl Month {
    /// Parses exactly `YYYY-MM` (field `month`): four digits, a hyphen, two digits,
    /// a month 01–12 and a year within bounds.
    pub fn parse(text: &str) -> Result<Month, InputError> {
        let malformed = || InputError::MonthMalformed {
            field: "month".to_owned(),
        };
        let b = text.as_bytes();
        let shape = b.len() == 7
            && b[4] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit());
        if !shape {
            return Err(malformed());
        }
        let digit = |i: usize| i32::from(b[i] - b'0');
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
        let month = u8::try_from(digit(5) * 10 + digit(6)).map_err(|_| malformed())?;
        let month = time::Month::try_from(month).map_err(|_| malformed())?;
        Month::new(year, month)
    }

    /// The month `month` of `year`, if the year is within bounds.
    pub fn new(year: i32, month: time::Month) -> Result<Month, InputError> {
        if !(MIN_MONTH_YEAR..=MAX_MONTH_YEAR).contains(&year) {
            return Err(InputError::MonthOutOfRange {
                field: "month".to_owned(),
                year,
                min: MIN_MONTH_YEAR,
                max: MAX_MONTH_YEAR,
            });
        }
        Ok(Month { year, month })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year.
    pub fn month(self) -> time::Month {
        self.month
    }

    /// Whether `date` (a China Standard Time date) lies in this month.
    pub fn contains(self, date: Date) -> bool {
        date.year() == self.year && date.month() == self.month
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

impl TryFrom<String> for Month {
    type Error = InputError;
    fn try_from(text: String) -> Result<Month, InputError> {
        Month::parse(&text)
    }
}

impl From<Month> for String {
    fn from(month: Month) -> String {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_and_prints_yyyy_mm() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!((m.year(), m.month()), (2026, time::Month::November));
        assert_eq!(m.to_string(), "2026-11");
        assert!(m.contains(date!(2026 - 11 - 30)));
        assert!(!m.contains(date!(2026 - 12 - 01)));
        assert!(!m.contains(date!(2025 - 11 - 15)));
        assert_eq!(Month::parse("2000-01").unwrap().to_string(), "2000-01");
        assert_eq!(Month::parse("2100-12").unwrap().to_string(), "2100-12");
    }

    #[test]
    fn refuses_other_shapes_and_years_out_of_bounds() {
        for bad in [
            "",
            "2026-1",
            "2026-13",
            "2026-00",
            "2026/11",
            "26-11",
            "2026-11-01",
            " 2026-11",
            "２０２６-11",
            "+206-11",
        ] {
            let e = Month::parse(bad).unwrap_err();
            assert_eq!(e.code(), "COMPLAINTS_MONTH_MALFORMED", "{bad:?}");
            assert_eq!(e.field(), "month");
        }
        for (bad, year) in [("1999-12", 1999), ("2101-01", 2101), ("0000-01", 0)] {
            assert_eq!(
                Month::parse(bad),
                Err(InputError::MonthOutOfRange {
                    field: "month".into(),
                    year,
                    min: 2000,
                    max: 2100
                })
            );
        }
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let m: Month = serde_json::from_str("\"2026-02\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2026-02\"");
        assert!(serde_json::from_str::<Month>("\"2026-2\"").is_err());
    }
}
