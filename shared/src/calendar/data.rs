//! The working-day calendar as data: for each year, the public holidays (days off)
//! and the make-up working days (调休上班), as the General Office of the State Council
//! publishes them each year (国务院办公厅关于部分节假日安排的通知).
//!
//! Adding a year is adding one [`CalendarYear`] to [`CHINA_YEARS`]; no code changes.
//! The table is checked when the crate compiles ([`validate`]), so a typo such as a
//! make-up day on a weekday or a range in the wrong year fails the build, not a
//! deadline.

use time::macros::date;
use time::{Date, Weekday};

use super::error::CalendarError;

/// One run of consecutive days off, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaysOff {
    /// The first day off.
    pub first: Date,
    /// The last day off (the same as `first` for a single day).
    pub last: Date,
}

impl DaysOff {
    /// The days off from `first` to `last`, both included.
    pub const fn span(first: Date, last: Date) -> DaysOff {
        DaysOff { first, last }
    }

    /// A single day off.
    pub const fn day(day: Date) -> DaysOff {
        DaysOff {
            first: day,
            last: day,
        }
    }

    /// Whether `date` is one of these days off.
    pub const fn contains(&self, date: Date) -> bool {
        // Julian days: `Date`'s ordering is not usable in a `const fn`.
        let d = date.to_julian_day();
        self.first.to_julian_day() <= d && d <= self.last.to_julian_day()
    }
}

/// One year of the calendar: which days are off, which weekend days are worked.
///
/// Every date in an entry lies in its `year`: a holiday that runs across New Year is
/// split between the two years' entries, so that knowing a year means knowing all of
/// its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarYear<'a> {
    /// The year this entry describes.
    pub year: i32,
    /// Public holidays: rest days even when they fall on a weekday.
    pub days_off: &'a [DaysOff],
    /// Make-up working days (调休上班): Saturdays or Sundays that are worked.
    pub make_up_days: &'a [Date],
}

/// Mainland China's public holidays and make-up working days, one entry per year, in
/// increasing year order. Each year has 248 working days.
pub const CHINA_YEARS: &[CalendarYear<'static>] = &[
    CalendarYear {
        year: 2025,
        days_off: &[
            DaysOff::day(date!(2025 - 01 - 01)), // New Year
            DaysOff::span(date!(2025 - 01 - 28), date!(2025 - 02 - 04)), // Spring Festival
            DaysOff::span(date!(2025 - 04 - 04), date!(2025 - 04 - 06)), // Qingming
            DaysOff::span(date!(2025 - 05 - 01), date!(2025 - 05 - 05)), // Labour Day
            DaysOff::span(date!(2025 - 05 - 31), date!(2025 - 06 - 02)), // Dragon Boat
            DaysOff::span(date!(2025 - 10 - 01), date!(2025 - 10 - 08)), // National Day, Mid-Autumn
        ],
        make_up_days: &[
            date!(2025 - 01 - 26),
            date!(2025 - 02 - 08),
            date!(2025 - 04 - 27),
            date!(2025 - 09 - 28),
            date!(2025 - 10 - 11),
        ],
    },
    CalendarYear {
        year: 2026,
        days_off: &[
            DaysOff::span(date!(2026 - 01 - 01), date!(2026 - 01 - 03)), // New Year
            DaysOff::span(date!(2026 - 02 - 15), date!(2026 - 02 - 23)), // Spring Festival
            DaysOff::span(date!(2026 - 04 - 04), date!(2026 - 04 - 06)), // Qingming
            DaysOff::span(date!(2026 - 05 - 01), date!(2026 - 05 - 05)), // Labour Day
            DaysOff::span(date!(2026 - 06 - 19), date!(2026 - 06 - 21)), // Dragon Boat
            DaysOff::span(date!(2026 - 09 - 25), date!(2026 - 09 - 27)), // Mid-Autumn
            DaysOff::span(date!(2026 - 10 - 01), date!(2026 - 10 - 07)), // National Day
        ],
        make_up_days: &[
            date!(2026 - 01 - 04),
            date!(2026 - 02 - 14),
            date!(2026 - 02 - 28),
            date!(2026 - 05 - 09),
            date!(2026 - 09 - 20),
            date!(2026 - 10 - 10),
        ],
    },
];

// The built-in table is checked at compile time, so `WorkingCalendar::china` needs no
// fallible step at run time.
const _: () = assert!(
    validate(CHINA_YEARS).is_ok(),
    "CHINA_YEARS is inconsistent; see calendar::data::validate"
);

/// Checks that calendar data is consistent: years strictly increasing, every date in
/// its entry's year, every run of days off in order, every make-up day a Saturday or
/// Sunday that is not also a day off.
///
/// A `const fn` (hence the index loops) so that the built-in table is checked when
/// the crate compiles; the same check guards data supplied at run time.
pub(crate) const fn validate(years: &[CalendarYear<'_>]) -> Result<(), CalendarError> {
    let mut y = 0;
    while y < years.len() {
        let entry = &years[y];
        let year = entry.year;
        if y > 0 && years[y - 1].year >= year {
            return invalid(year, "years must be listed once each, in increasing order");
        }
        let mut r = 0;
        while r < entry.days_off.len() {
            let run = entry.days_off[r];
            if run.first.year() != year || run.last.year() != year {
                return invalid(year, "a day off lies outside its year");
            }
            if run.first.to_julian_day() > run.last.to_julian_day() {
                return invalid(year, "a run of days off ends before it starts");
            }
            r += 1;
        }
        let mut m = 0;
        while m < entry.make_up_days.len() {
            let day = entry.make_up_days[m];
            if day.year() != year {
                return invalid(year, "a make-up working day lies outside its year");
            }
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                return invalid(year, "a make-up working day must be a Saturday or Sunday");
            }
            let mut r = 0;
            while r < entry.days_off.len() {
                if entry.days_off[r].contains(day) {
                    return invalid(year, "a make-up working day is also a day off");
                }
                r += 1;
            }
            m += 1;
        }
        y += 1;
    }
    Ok(())
}

/// The error for an inconsistent entry (a plain `const fn`: closures cannot be called
/// in one).
const fn invalid(year: i32, why: &'static str) -> Result<(), CalendarError> {
    Err(CalendarError::InvalidData { year, why })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(year: CalendarYear<'_>) -> Result<(), CalendarError> {
        validate(&[year])
    }

    #[test]
    fn the_built_in_table_is_valid() {
        assert_eq!(validate(CHINA_YEARS), Ok(()));
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let reason = |r: Result<(), CalendarError>| match r {
            Err(CalendarError::InvalidData { why, .. }) => why,
            other => panic!("expected InvalidData, got {other:?}"),
        };
        let empty = CalendarYear {
            year: 2027,
            days_off: &[],
            make_up_days: &[],
        };
        assert_eq!(check(empty), Ok(()));
        let wrong_year = CalendarYear {
            days_off: &[DaysOff::day(date!(2026 - 12 - 31))],
            ..empty
        };
        assert!(reason(check(wrong_year)).contains("outside its year"));
        let reversed = CalendarYear {
            days_off: &[DaysOff::span(date!(2027 - 02 - 03), date!(2027 - 02 - 01))],
            ..empty
        };
        assert!(reason(check(reversed)).contains("ends before"));
        // 2027-02-03 is a Wednesday.
        let weekday = CalendarYear {
            make_up_days: &[date!(2027 - 02 - 03)],
            ..empty
        };
        assert!(reason(check(weekday)).contains("Saturday or Sunday"));
        // 2027-02-06 is a Saturday.
        let both = CalendarYear {
            days_off: &[DaysOff::span(date!(2027 - 02 - 05), date!(2027 - 02 - 07))],
            make_up_days: &[date!(2027 - 02 - 06)],
            ..empty
        };
        assert!(reason(check(both)).contains("also a day off"));
        let repeated = [empty, empty];
        assert!(reason(validate(&repeated)).contains("once each"));
    }
}
