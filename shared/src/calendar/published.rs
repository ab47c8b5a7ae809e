//! Years published after a build, loaded at run time. The State Council publishes
//! each year's holidays in the autumn before it; an operator adds the new year as
//! configuration (the `calendar_years` variable, JSON) without a new release:
//!
//! ```json
//! [{"year": 2027,
//!   "days_off": [{"first": "2027-01-01", "last": "2027-01-03"}],
//!   "make_up_days": ["2027-01-09"]}]
//! ```
//!
//! The loaded years join the built-in [`CHINA_YEARS`](super::data::CHINA_YEARS) and
//! pass the same checks; a year the build already knows may not be given again (the
//! built-in table is the reviewed one).

use serde::Deserialize;
use time::Date;

use super::data::{CHINA_YEARS, CalendarYear, DaysOff};
use super::error::CalendarError;
use super::iso::IsoDate;
use super::working::WorkingCalendar;

/// Bounds what a configuration may hold: a few years, each a few dozen dates.
const MAX_TEXT: usize = 64 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Run {
    first: IsoDate,
    last: IsoDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Year {
    year: i32,
    days_off: Vec<Run>,
    make_up_days: Vec<IsoDate>,
}

fn invalid(year: i32, why: &'static str) -> CalendarError {
    CalendarError::InvalidData { year, why }
}

/// Mainland China's calendar: the built-in years and those in `json` (empty or
/// blank: the built-in years only).
pub fn china_with(json: &str) -> Result<WorkingCalendar, CalendarError> {
    if json.trim().is_empty() {
        return Ok(WorkingCalendar::china());
    }
    if json.len() > MAX_TEXT {
        return Err(invalid(0, "the published years exceed 64 KiB"));
    }
    let years: Vec<Year> = serde_json::from_str(json)
        .map_err(|_| {
        invalid(0, "not a JSON list of {year, days_off: [{first, last}], make_up_days} with YYYY-MM-DD dates")
    })?;
    let owned: Vec<(i32, Vec<DaysOff>, Vec<Date>)> = years
        .into_iter()
        .map(|y| {
            if CHINA_YEARS.iter().any(|b| b.year == y.year) {
                return Err(invalid(y.year, "this year is built in already"));
            }
            let runs = y
                .days_off
                .iter()
                .map(|r| DaysOff::span(r.first.date(), r.last.date()))
                .collect();
            Ok((
                y.year,
                runs,
                y.make_up_days.iter().map(|d| d.date()).collect(),
            ))
        })
        .collect::<Result<_, _>>()?;
    let mut all: Vec<CalendarYear<'_>> = CHINA_YEARS.to_vec();
    all.extend(owned.iter().map(|(year, runs, make_up)| CalendarYear {
        year: *year,
        days_off: runs,
        make_up_days: make_up,
    }));
    all.sort_by_key(|y| y.year);
    WorkingCalendar::new(&all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const Y2030: &str = r#"[{"year": 2030,
        "days_off": [{"first": "2030-01-01", "last": "2030-01-01"}],
        "make_up_days": ["2030-01-05"]}]"#;

    #[test]
    fn a_published_year_is_counted_like_a_built_in_one() {
        let before = WorkingCalendar::china();
        assert!(before.is_working_day(date!(2030 - 01 - 02)).is_err());
        let c = china_with(Y2030).unwrap();
        assert_eq!(c.is_working_day(date!(2030 - 01 - 01)), Ok(false));
        assert_eq!(c.is_working_day(date!(2030 - 01 - 02)), Ok(true));
        assert_eq!(
            c.is_working_day(date!(2030 - 01 - 05)),
            Ok(true),
            "a make-up Saturday"
        );
        assert_eq!(c.is_working_day(date!(2030 - 01 - 06)), Ok(false));
        // The built-in years are still there; empty configuration is the built-in calendar.
        assert_eq!(c.is_working_day(date!(2026 - 10 - 01)), Ok(false));
        assert_eq!(china_with("  ").unwrap(), before);
    }

    #[test]
    fn bad_published_years_are_refused_with_the_year_and_why() {
        let code = |json: &str| china_with(json).unwrap_err();
        assert!(matches!(
            code("{"),
            CalendarError::InvalidData { year: 0, .. }
        ));
        assert!(matches!(
            code(r#"[{"year": 2026, "days_off": [], "make_up_days": []}]"#),
            CalendarError::InvalidData { year: 2026, .. }
        ));
        // A make-up day on a weekday, a run outside its year, a year twice.
        for bad in [
            r#"[{"year": 2030, "days_off": [], "make_up_days": ["2030-01-02"]}]"#,
            r#"[{"year": 2030, "days_off": [{"first": "2030-12-31", "last": "2031-01-01"}], "make_up_days": []}]"#,
            r#"[{"year": 2030, "days_off": [], "make_up_days": []}, {"year": 2030, "days_off": [], "make_up_days": []}]"#,
        ] {
            assert!(
                matches!(code(bad), CalendarError::InvalidData { year: 2030, .. }),
                "{bad}"
            );
        }
        assert!(china_with(&" ".repeat(MAX_TEXT + 1).replacen(' ', "[", 1)).is_err());
    }
}
