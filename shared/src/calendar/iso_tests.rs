//! `YYYY-MM-DD` parsing, formatting and serde of [`IsoDate`]: good dates, absurd
//! years, impossible days, sloppy shapes, and what a JSON caller sees.

use super::*;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

#[test]
fn a_good_date_parses_and_prints_the_same() {
    let d = IsoDate::parse("2026-02-13").unwrap();
    assert_eq!(d.date(), date!(2026 - 02 - 13));
    assert_eq!(Date::from(d), date!(2026 - 02 - 13));
    assert_eq!(d.to_string(), "2026-02-13");
    assert_eq!("2026-02-13".parse::<IsoDate>(), Ok(d));
    // Leap day in a leap year.
    assert_eq!(
        IsoDate::parse("2024-02-29").unwrap().date(),
        date!(2024 - 02 - 29)
    );
}

#[test]
fn the_year_range_is_inclusive() {
    assert_eq!(
        IsoDate::parse("1900-01-01").unwrap().date(),
        date!(1900 - 01 - 01)
    );
    assert_eq!(
        IsoDate::parse("2100-12-31").unwrap().date(),
        date!(2100 - 12 - 31)
    );
    assert_eq!(
        IsoDate::parse("1899-12-31"),
        Err(DateError::OutOfRange { year: 1899 })
    );
    assert_eq!(
        IsoDate::parse("2101-01-01"),
        Err(DateError::OutOfRange { year: 2101 })
    );
}

#[test]
fn extreme_dates_are_refused_not_trapped() {
    let e = IsoDate::parse("9999-12-31").unwrap_err();
    assert_eq!(e, DateError::OutOfRange { year: 9999 });
    assert_eq!(e.code(), "DATE_OUT_OF_RANGE");
    // A sign is not part of the accepted shape.
    let e = IsoDate::parse("-0001-01-01").unwrap_err();
    assert_eq!(e.code(), "DATE_MALFORMED");
    assert_eq!(
        IsoDate::parse("+2026-01-01").unwrap_err().code(),
        "DATE_MALFORMED"
    );
    assert_eq!(
        IsoDate::parse("0000-01-01").unwrap_err().code(),
        "DATE_OUT_OF_RANGE"
    );
}

#[test]
fn a_day_that_does_not_exist_is_refused() {
    let e = IsoDate::parse("2026-02-30").unwrap_err();
    assert_eq!(
        e,
        DateError::NoSuchDay {
            year: 2026,
            month: 2,
            day: 30
        }
    );
    assert_eq!(e.code(), "DATE_NONEXISTENT");
    for text in [
        "2025-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-04-31",
    ] {
        assert_eq!(
            IsoDate::parse(text).unwrap_err().code(),
            "DATE_NONEXISTENT",
            "{text}"
        );
    }
}

#[test]
fn sloppy_shapes_are_malformed() {
    for text in [
        "2026-2-3",
        "2026-02-13 ",
        " 2026-02-13",
        "2026/02/13",
        "20260213",
        "2026-02-13T00:00:00",
        "2026-02-1a",
        "",
        "２０２６-02-13",
        "26-02-13",
        "02026-02-13",
    ] {
        let e = IsoDate::parse(text).unwrap_err();
        assert_eq!(e.code(), "DATE_MALFORMED", "{text:?}");
    }
    assert_eq!(
        IsoDate::parse("2026-2-3"),
        Err(DateError::Malformed {
            input: "2026-2-3".into()
        })
    );
}

#[test]
fn try_from_date_checks_the_range() {
    assert_eq!(
        IsoDate::try_from(date!(2026 - 02 - 13)).map(IsoDate::date),
        Ok(date!(2026 - 02 - 13))
    );
    assert_eq!(
        IsoDate::try_from(date!(1899 - 12 - 31)),
        Err(DateError::OutOfRange { year: 1899 })
    );
    assert_eq!(
        IsoDate::try_from(Date::MAX),
        Err(DateError::OutOfRange {
            year: Date::MAX.year()
        })
    );
}

#[test]
fn iso_formats_any_date() {
    assert_eq!(iso(date!(2026 - 02 - 03)), "2026-02-03");
    assert_eq!(iso(date!(0987 - 06 - 05)), "0987-06-05");
    assert_eq!(iso(date!(0000 - 01 - 01)), "0000-01-01");
    assert_eq!(iso(date!(-0001 - 01 - 01)), "-0001-01-01");
    assert_eq!(iso(date!(9999 - 12 - 31)), "9999-12-31");
}

/// A DTO with a date field, as a function's API would have.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Dto {
    on: IsoDate,
}

#[test]
fn serde_round_trips_as_the_string() {
    let dto = Dto {
        on: IsoDate::parse("2026-10-15").unwrap(),
    };
    let json = serde_json::to_string(&dto).unwrap();
    assert_eq!(json, r#"{"on":"2026-10-15"}"#);
    assert_eq!(serde_json::from_str::<Dto>(&json).unwrap(), dto);
    // An escaped string is the same string.
    let escaped: Dto = serde_json::from_str(r#"{"on":"2026\u002d10-15"}"#).unwrap();
    assert_eq!(escaped, dto);
}

#[test]
fn a_json_error_says_what_is_wrong() {
    let err = |json: &str| serde_json::from_str::<Dto>(json).unwrap_err().to_string();
    let e = err(r#"{"on":"2026-02-30"}"#);
    assert!(e.contains("2026-02-30 is not a calendar date"), "{e}");
    let e = err(r#"{"on":"9999-12-31"}"#);
    assert!(e.contains("outside the accepted range 1900-2100"), "{e}");
    let e = err(r#"{"on":"2026-2-3"}"#);
    assert!(e.contains("YYYY-MM-DD"), "{e}");
    let e = err(r#"{"on":20260213}"#);
    assert!(e.contains("expected a date as YYYY-MM-DD"), "{e}");
}
