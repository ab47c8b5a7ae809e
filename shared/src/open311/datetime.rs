//! Date-times as GeoReport v2 writes them: the W3C note's subset of ISO 8601
//! (<https://www.w3.org/TR/NOTE-datetime>) with the time zone designator that the
//! spec makes mandatory — `2010-04-14T06:37:38-08:00`, `2010-01-01T00:00:00Z`.
//!
//! Read: `YYYY-MM-DDThh:mm[:ss[.s…]]TZD`, TZD being `Z` or `±hh:mm`. The W3C note's
//! shorter forms (`YYYY`, `YYYY-MM-DD`) carry no zone, which the spec requires, so they
//! are refused. Years are limited to the platform's
//! [`MIN_YEAR`]..=[`MAX_YEAR`], so that `9999-12-31T23:59:59-01:00` is a 400 and the
//! ±90-day arithmetic of a request window can never leave `time`'s range.
//!
//! Written: `YYYY-MM-DDThh:mm:ss` and the instant's own offset (`+08:00`), `Z` for
//! UTC; fractions of a second are dropped.

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use crate::calendar::{MAX_YEAR, MIN_YEAR};

/// Why a date-time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatetimeProblem {
    /// Not in the `YYYY-MM-DDThh:mm[:ss[.s]]TZD` shape (a zone is required).
    Malformed,
    /// A month, day, hour, minute, second or offset that does not exist.
    NoSuchTime,
    /// The year lies outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    OutOfRange {
        /// The year written.
        year: i32,
    },
}

/// Parses a W3C date-time with a mandatory zone (see the module documentation).
///
/// One leniency: a space where the zone's sign belongs is read as `+`. A client that
/// puts `+08:00` in a query string without percent-encoding it sends a space (`+`
/// means space in form encoding); `-05:00` survives, `+08:00` would not.
pub fn parse_datetime(text: &str) -> Result<OffsetDateTime, DatetimeProblem> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':')) {
        return Err(DatetimeProblem::Malformed);
    }
    let fields = (
        digits(0, 4),
        digits(5, 2),
        digits(8, 2),
        digits(11, 2),
        digits(14, 2),
    );
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) = fields else {
        return Err(DatetimeProblem::Malformed);
    };
    let mut at = 16;
    let (mut second, mut nano) = (0, 0);
    if sep(at, b':') {
        second = digits(at + 1, 2).ok_or(DatetimeProblem::Malformed)?;
        at += 3;
        if sep(at, b'.') {
            let count = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if count == 0 || count > 9 {
                return Err(DatetimeProblem::Malformed);
            }
            let value = digits(at + 1, count).ok_or(DatetimeProblem::Malformed)?;
            nano = value * 10u32.pow(9 - count as u32);
            at += 1 + count;
        }
    }
    let offset = match &b[at..] {
        b"Z" => Some((0, 0, 1)),
        [sign @ (b'+' | b'-' | b' '), _, _, b':', _, _] => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            match (digits(at + 1, 2), digits(at + 4, 2)) {
                (Some(h), Some(m)) => Some((h, m, sign)),
                _ => None,
            }
        }
        _ => None,
    };
    let Some((offset_hours, offset_minutes, sign)) = offset else {
        return Err(DatetimeProblem::Malformed);
    };
    // Four ASCII digits: the cast cannot overflow.
    let year = year as i32;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DatetimeProblem::OutOfRange { year });
    }
    build(
        year,
        (month, day),
        (hour, minute, second, nano),
        (offset_hours, offset_minutes, sign),
    )
    .ok_or(DatetimeProblem::NoSuchTime)
}

/// Assembles checked parts; `None` when one of them does not exist.
fn build(
    year: i32,
    (month, day): (u32, u32),
    (hour, minute, second, nano): (u32, u32, u32, u32),
    (offset_hours, offset_minutes, sign): (u32, u32, i8),
) -> Option<OffsetDateTime> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
        nano,
    )
    .ok()?;
    if offset_hours > 23 || offset_minutes > 59 {
        return None;
    }
    // Both parts fit in an i8 (≤ 23, ≤ 59) and carry the same sign.
    let offset =
        UtcOffset::from_hms(sign * offset_hours as i8, sign * offset_minutes as i8, 0).ok()?;
    Some(date.with_time(time).assume_offset(offset))
}

/// Writes an instant as `YYYY-MM-DDThh:mm:ss±hh:mm` in its own offset (`Z` for UTC).
///
/// Total: an offset with seconds, which the W3C form cannot write, is converted to
/// UTC; a year outside 0–9999 is written with a sign and all its digits.
pub fn format_datetime(at: OffsetDateTime) -> String {
    let at = if at.offset().seconds_past_minute() != 0 {
        // At the very ends of `time`'s range UTC may not exist: then the offset's
        // seconds are dropped from the written zone rather than trap.
        at.checked_to_offset(UtcOffset::UTC).unwrap_or(at)
    } else {
        at
    };
    let year = at.year();
    let sign = if year < 0 { "-" } else { "" };
    let mut text = format!(
        "{sign}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    let offset = at.offset();
    if offset.is_utc() {
        text.push('Z');
    } else {
        let sign = if offset.is_negative() { '-' } else { '+' };
        let (h, m, _) = offset.as_hms();
        text.push_str(&format!(
            "{sign}{:02}:{:02}",
            h.unsigned_abs(),
            m.unsigned_abs()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_specs_examples_parse_to_the_same_instant() {
        let eastern = parse_datetime("1994-11-05T08:15:30-05:00").unwrap();
        let utc = parse_datetime("1994-11-05T13:15:30Z").unwrap();
        assert_eq!(eastern, utc);
        assert_eq!(eastern, datetime!(1994-11-05 08:15:30 -5));
        assert_eq!(
            parse_datetime("2010-04-14T06:37:38-08:00").unwrap(),
            datetime!(2010-04-14 06:37:38 -8)
        );
    }

    #[test]
    fn minutes_seconds_and_fractions_are_optional_the_zone_is_not() {
        assert_eq!(
            parse_datetime("2026-12-03T10:15+08:00").unwrap(),
            datetime!(2026-12-03 10:15 +8)
        );
        assert_eq!(
            parse_datetime("2026-12-03T10:15:00.5+08:00").unwrap(),
            datetime!(2026-12-03 10:15:00.5 +8)
        );
        assert_eq!(
            parse_datetime("2026-12-03T10:15:00.123456789Z").unwrap(),
            datetime!(2026-12-03 10:15:00.123456789 UTC)
        );
        // An unencoded `+` arrives as a space.
        assert_eq!(
            parse_datetime("2026-12-03T10:15:00 08:00").unwrap(),
            datetime!(2026-12-03 10:15 +8)
        );
        for bad in [
            "2026-12-03",
            "2026-12-03T10:15:00",
            "2026-12-03 10:15:00Z",
            "2026-12-03t10:15:00z",
            "2026-12-03T10:15:00.Z",
            "2026-12-03T10:15:00.1234567890Z",
            "2026-12-03T10:15:00+0800",
            "2026-12-03T10:15:00+08",
            "2026-12-03T10:15:00Z ",
            "2026-12-03T1:15:00Z",
            "+2026-12-03T10:15:00Z",
            "２０２６-12-03T10:15:00Z",
            "",
        ] {
            assert_eq!(
                parse_datetime(bad),
                Err(DatetimeProblem::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn impossible_times_and_absurd_years_are_refused() {
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-12-03T10:60:00Z",
            "2026-12-03T10:15:60Z",
            "2026-12-03T10:15:00+24:00",
            "2026-12-03T10:15:00+08:60",
        ] {
            assert_eq!(
                parse_datetime(bad),
                Err(DatetimeProblem::NoSuchTime),
                "{bad}"
            );
        }
        assert_eq!(
            parse_datetime("9999-12-31T23:59:59-01:00"),
            Err(DatetimeProblem::OutOfRange { year: 9999 })
        );
        assert_eq!(
            parse_datetime("0000-01-01T00:00:00Z"),
            Err(DatetimeProblem::OutOfRange { year: 0 })
        );
        assert!(parse_datetime("2100-12-31T23:59:59-12:00").is_ok());
    }

    #[test]
    fn written_in_the_instants_own_offset() {
        assert_eq!(
            format_datetime(datetime!(2026-12-03 10:15:00.999 +8)),
            "2026-12-03T10:15:00+08:00"
        );
        assert_eq!(
            format_datetime(datetime!(2010-04-14 06:37:38 -8)),
            "2010-04-14T06:37:38-08:00"
        );
        assert_eq!(
            format_datetime(datetime!(2010-01-01 00:00 UTC)),
            "2010-01-01T00:00:00Z"
        );
        assert_eq!(
            format_datetime(datetime!(2026-01-01 05:30 +5:30)),
            "2026-01-01T05:30:00+05:30"
        );
        assert_eq!(
            format_datetime(datetime!(2026-01-01 00:00 -0:30)),
            "2026-01-01T00:00:00-00:30"
        );
        // An offset with seconds has no W3C spelling: the same instant in UTC.
        assert_eq!(
            format_datetime(datetime!(2026-01-01 00:00:10 +0:00:10)),
            "2026-01-01T00:00:00Z"
        );
        let written = format_datetime(datetime!(2026-12-03 10:15 +8));
        assert_eq!(
            parse_datetime(&written).unwrap(),
            datetime!(2026-12-03 10:15 +8)
        );
    }
}
