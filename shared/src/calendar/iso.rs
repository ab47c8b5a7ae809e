//! `YYYY-MM-DD` dates at the edge: the [`IsoDate`] newtype a DTO carries, parsed
//! strictly and limited to sane years, and [`iso`] to format any date the same way.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use super::error::DateError;

/// The earliest year an [`IsoDate`] accepts.
///
/// Registry holdings and building records reach back into the twentieth century (a
/// flat bought in 1995 counts towards a family's homes), but nothing the platform
/// handles is dated before 1900. Bounding the years at the edge means an absurd date such as
/// `-0001-01-01` or `9999-12-31` is refused there as a 4xx, and date arithmetic
/// further in (adding days or years for a deadline) can never leave the range `time`
/// represents (±9999) and trap.
pub const MIN_YEAR: i32 = 1900;

/// The latest year an [`IsoDate`] accepts; see [`MIN_YEAR`] for why there is a bound.
/// 2100 leaves decades for long deadlines and terms while staying far from year 9999.
pub const MAX_YEAR: i32 = 2100;

/// A calendar date from untrusted input, as `YYYY-MM-DD`, with a year in
/// [`MIN_YEAR`]..=[`MAX_YEAR`]. Once one exists it is a real date in that range.
///
/// Serialises as the `YYYY-MM-DD` string and deserialises through [`IsoDate::parse`],
/// so a DTO field of this type rejects a bad date with a message saying what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(Date);

impl IsoDate {
    /// Parses exactly `YYYY-MM-DD`: a 4-digit year without sign, 2-digit month and
    /// day, `-` separators, nothing before or after, a day that exists, and a year in
    /// [`MIN_YEAR`]..=[`MAX_YEAR`].
    ///
    /// Stricter than `time`'s `[year]` parsing on purpose: that one accepts a sign
    /// and years far outside the range, and a date is an API contract, not a guess.
    pub fn parse(text: &str) -> Result<IsoDate, DateError> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(DateError::malformed(text));
        }
        // Every byte checked is an ASCII digit, so these cannot overflow (≤ 9999, ≤ 99).
        let digit = |i: usize| b[i] - b'0';
        let year = i32::from(digit(0)) * 1000
            + i32::from(digit(1)) * 100
            + i32::from(digit(2)) * 10
            + i32::from(digit(3));
        let month = digit(5) * 10 + digit(6);
        let day = digit(8) * 10 + digit(9);
        check_year(year)?;
        let no_such_day = DateError::NoSuchDay { year, month, day };
        let month = Month::try_from(month).map_err(|_| no_such_day.clone())?;
        Date::from_calendar_date(year, month, day)
            .map(IsoDate)
            .map_err(|_| no_such_day)
    }

    /// The date.
    pub const fn date(self) -> Date {
        self.0
    }
}

/// Refuses a year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
fn check_year(year: i32) -> Result<(), DateError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(DateError::OutOfRange { year })
    }
}

/// Formats any date as `YYYY-MM-DD` (the year zero-padded to four digits), the one
/// spelling of a date in answers and stored rows.
///
/// Total, unlike a format description's `Result`: a year before 1 is written with a
/// leading `-` (`-0001-01-01`, ISO 8601's expanded form), and a year past 9999 (only
/// with `time`'s `large-dates`) with all its digits.
pub fn iso(date: Date) -> String {
    let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
    let sign = if year < 0 { "-" } else { "" };
    format!("{sign}{:04}-{month:02}-{day:02}", year.unsigned_abs())
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&iso(self.0))
    }
}

impl FromStr for IsoDate {
    type Err = DateError;

    fn from_str(text: &str) -> Result<IsoDate, DateError> {
        IsoDate::parse(text)
    }
}

impl From<IsoDate> for Date {
    fn from(value: IsoDate) -> Date {
        value.0
    }
}

impl TryFrom<Date> for IsoDate {
    type Error = DateError;

    /// Accepts a date whose year is in [`MIN_YEAR`]..=[`MAX_YEAR`].
    fn try_from(date: Date) -> Result<IsoDate, DateError> {
        check_year(date.year())?;
        Ok(IsoDate(date))
    }
}

crate::openapi::json_schema_of!(IsoDate, "IsoDate", {
    "type": "string",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "description": "A day as YYYY-MM-DD (a real day, year 1900-2100). 日期。"
});

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IsoDate, D::Error> {
        // A visitor rather than `String`: no allocation, and a borrowed or escaped
        // string both arrive as `&str`.
        struct IsoDateVisitor;

        impl Visitor<'_> for IsoDateVisitor {
            type Value = IsoDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<IsoDate, E> {
                IsoDate::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(IsoDateVisitor)
    }
}
