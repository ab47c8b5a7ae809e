//! The working-day calendar and its counting rules: which days are worked, deadlines
//! in working days and in calendar days, and the working days between two dates.
//!
//! Every rule refuses a date in a year the calendar does not know
//! ([`CalendarError::UnknownYear`]), whether the caller gave it or the count reached
//! it; that also bounds every loop here by the days of the known years.

use std::collections::BTreeSet;

use time::{Date, Duration, Weekday};

use super::data::{CHINA_YEARS, CalendarYear, validate};
use super::error::CalendarError;

/// Which days are worked, for the years it knows.
///
/// A day is a working day if it is a make-up working day (调休上班); otherwise if it
/// is not a public holiday and not a Saturday or Sunday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// The years whose every day the calendar can answer for.
    years: BTreeSet<i32>,
    /// Every public holiday, one date each (runs expanded).
    days_off: BTreeSet<Date>,
    /// Every make-up working day.
    make_up_days: BTreeSet<Date>,
}

impl WorkingCalendar {
    /// Mainland China's calendar, from the built-in [`CHINA_YEARS`].
    pub fn china() -> WorkingCalendar {
        // No validation at run time: the table is checked when the crate compiles.
        Self::from_valid(CHINA_YEARS)
    }

    /// A calendar from data (other years, or a test's own), after checking that the
    /// data is consistent (see [`CalendarYear`]).
    pub fn new(years: &[CalendarYear<'_>]) -> Result<WorkingCalendar, CalendarError> {
        validate(years)?;
        Ok(Self::from_valid(years))
    }

    /// Builds the lookup sets from data already validated.
    fn from_valid(years: &[CalendarYear<'_>]) -> WorkingCalendar {
        let mut calendar = WorkingCalendar {
            years: BTreeSet::new(),
            days_off: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
        };
        for entry in years {
            calendar.years.insert(entry.year);
            for run in entry.days_off {
                let mut day = run.first;
                while day <= run.last {
                    calendar.days_off.insert(day);
                    match day.next_day() {
                        Some(next) => day = next,
                        // `run.last` is the last representable day: nothing follows.
                        None => break,
                    }
                }
            }
            calendar
                .make_up_days
                .extend(entry.make_up_days.iter().copied());
        }
        calendar
    }

    /// The years the calendar knows, in increasing order.
    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `date` is a working day; [`CalendarError::UnknownYear`] outside the
    /// known years.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        self.check_known(date)?;
        // A make-up day overrides the weekend; a holiday overrides the weekday.
        Ok(if self.make_up_days.contains(&date) {
            true
        } else if self.days_off.contains(&date) {
            false
        } else {
            !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        })
    }

    /// The deadline `n` working days after `start`: the `n`-th working day strictly
    /// after `start` (the start day itself never counts, worked or not), so
    /// `start + 1` is the next working day. `n = 0` gives `start` unchanged.
    ///
    /// [`CalendarError::UnknownYear`] if `start`, or any day the count passes, lies
    /// outside the known years; a huge `n` therefore ends in that error, after at
    /// most the days of the known years.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        self.check_known(start)?;
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The number of working days `d` with `from < d <= to`: the working days a
    /// deadline counted from `from` has used by the end of `to`. Zero when
    /// `to <= from`.
    ///
    /// The inverse of [`add_working_days`](Self::add_working_days): whenever
    /// `add_working_days(start, n)` is `Ok(end)`, this gives `n` for `(start, end)`,
    /// because the start day is excluded in both and `end` is itself a working day.
    ///
    /// [`CalendarError::UnknownYear`] if `from`, `to` or any day between lies outside
    /// the known years.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        self.check_known(from)?;
        self.check_known(to)?;
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The deadline `days` calendar days after `start`, moved to the next working day
    /// if that last day is a rest day (Civil Code arts. 201, 203: the period starts
    /// the day after `start`, and a last day that is a holiday becomes the day after
    /// the holiday ends).
    ///
    /// The days in between do not matter, only the last one (and those it is moved
    /// over). [`CalendarError::UnknownYear`] if `start` or the last day lies outside
    /// the known years (also when `days` leads past the dates `time` can represent).
    pub fn calendar_day_deadline(&self, start: Date, days: u32) -> Result<Date, CalendarError> {
        self.check_known(start)?;
        let last = start
            .checked_add(Duration::days(i64::from(days)))
            .ok_or_else(past_the_end)?;
        self.next_working_day_from(last)
    }

    /// `day` if it is a working day, else the first working day after it.
    fn next_working_day_from(&self, day: Date) -> Result<Date, CalendarError> {
        let mut day = day;
        while !self.is_working_day(day)? {
            day = next_day(day)?;
        }
        Ok(day)
    }

    /// Refuses a date whose year the calendar does not know.
    fn check_known(&self, date: Date) -> Result<(), CalendarError> {
        if self.years.contains(&date.year()) {
            Ok(())
        } else {
            Err(CalendarError::UnknownYear(date.year()))
        }
    }
}

/// The day after `day`; past the last date `time` represents, the year after it is
/// unknown by definition.
fn next_day(day: Date) -> Result<Date, CalendarError> {
    day.next_day().ok_or_else(past_the_end)
}

/// The error for a date past the last one `time` can represent: no calendar can know
/// its year, which is reported as the year after the last representable one.
fn past_the_end() -> CalendarError {
    CalendarError::UnknownYear(Date::MAX.year().saturating_add(1))
}
