//! The working-day rules against the published calendar: the worked checks from the
//! domain notes, the 248 working days of each year, make-up days and holidays,
//! calendar-day deadlines, and refusals outside the known years.

use super::*;
use time::Date;
use time::macros::date;

fn china() -> WorkingCalendar {
    WorkingCalendar::china()
}

fn unknown(year: i32) -> Result<Date, CalendarError> {
    Err(CalendarError::UnknownYear(year))
}

#[test]
fn the_worked_checks_from_the_domain_notes() {
    let c = china();
    // Friday + 1 is the make-up Saturday.
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 13), 1),
        Ok(date!(2026 - 02 - 14))
    );
    // Over Labour Day.
    assert_eq!(
        c.add_working_days(date!(2026 - 04 - 30), 3),
        Ok(date!(2026 - 05 - 08))
    );
    // Over Mid-Autumn, National Day and two make-up days.
    assert_eq!(
        c.add_working_days(date!(2026 - 09 - 18), 15),
        Ok(date!(2026 - 10 - 15))
    );
}

#[test]
fn each_known_year_has_248_working_days() {
    let c = china();
    assert_eq!(c.known_years().collect::<Vec<_>>(), vec![2025, 2026]);
    for year in c.known_years() {
        let mut day = Date::from_ordinal_date(year, 1).unwrap();
        let mut working = 0;
        while day.year() == year {
            working += u32::from(c.is_working_day(day).unwrap());
            day = day.next_day().unwrap();
        }
        assert_eq!(working, 248, "{year}");
    }
    // The same through the counting rule (1 January is a holiday in both years).
    assert_eq!(
        c.working_days_between(date!(2025 - 01 - 01), date!(2025 - 12 - 31)),
        Ok(248)
    );
    assert_eq!(
        c.working_days_between(date!(2026 - 01 - 01), date!(2026 - 12 - 31)),
        Ok(248)
    );
}

#[test]
fn make_up_weekend_days_are_worked_and_holiday_weekdays_are_not() {
    let c = china();
    assert_eq!(c.is_working_day(date!(2026 - 02 - 14)), Ok(true)); // Saturday, make-up
    assert_eq!(c.is_working_day(date!(2025 - 01 - 26)), Ok(true)); // Sunday, make-up
    assert_eq!(c.is_working_day(date!(2026 - 10 - 01)), Ok(false)); // Thursday, holiday
    assert_eq!(c.is_working_day(date!(2025 - 01 - 01)), Ok(false)); // Wednesday, holiday
    assert_eq!(c.is_working_day(date!(2026 - 03 - 07)), Ok(false)); // plain Saturday
    assert_eq!(c.is_working_day(date!(2026 - 03 - 09)), Ok(true)); // plain Monday
}

#[test]
fn working_day_deadlines_exclude_the_start_day() {
    let c = china();
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 09), 0),
        Ok(date!(2026 - 03 - 09))
    );
    // A start on a rest day: the first working day after it is day 1.
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 15), 1),
        Ok(date!(2026 - 02 - 24))
    );
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 06), 1),
        Ok(date!(2026 - 03 - 09))
    );
    // Counting back: the start is excluded, the end included; reversed is empty.
    assert_eq!(
        c.working_days_between(date!(2026 - 09 - 18), date!(2026 - 10 - 15)),
        Ok(15)
    );
    assert_eq!(
        c.working_days_between(date!(2026 - 03 - 09), date!(2026 - 03 - 09)),
        Ok(0)
    );
    assert_eq!(
        c.working_days_between(date!(2026 - 03 - 10), date!(2026 - 03 - 09)),
        Ok(0)
    );
    assert_eq!(
        c.working_days_between(date!(2025 - 12 - 31), date!(2026 - 01 - 05)),
        Ok(2) // 01-04 (make-up Sunday) and 01-05
    );
}

#[test]
fn a_calendar_day_deadline_on_a_rest_day_moves_to_the_next_working_day() {
    let c = china();
    // Lands on the National Day holiday (a Thursday): moves to 10-08.
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 09 - 20), 11),
        Ok(date!(2026 - 10 - 08))
    );
    // Lands on a plain Sunday: moves to Monday.
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 03 - 01), 7),
        Ok(date!(2026 - 03 - 09))
    );
    // Lands on a make-up Saturday: it is a working day, so it stays.
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 02 - 04), 10),
        Ok(date!(2026 - 02 - 14))
    );
    // Lands on a working day; zero days is the start itself.
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 03 - 02), 15),
        Ok(date!(2026 - 03 - 17))
    );
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 03 - 09), 0),
        Ok(date!(2026 - 03 - 09))
    );
    // Across the year: 2025-12-31 + 1 is New Year's Day; 01-02 and 01-03 are off too.
    assert_eq!(
        c.calendar_day_deadline(date!(2025 - 12 - 31), 1),
        Ok(date!(2026 - 01 - 04))
    );
}

#[test]
fn unknown_years_are_errors_not_guesses() {
    let c = china();
    assert_eq!(
        c.is_working_day(date!(2024 - 12 - 31)),
        Err(CalendarError::UnknownYear(2024))
    );
    assert_eq!(
        c.is_working_day(date!(2027 - 01 - 01)),
        Err(CalendarError::UnknownYear(2027))
    );
    assert_eq!(c.add_working_days(date!(2024 - 06 - 03), 1), unknown(2024));
    assert_eq!(c.add_working_days(date!(2027 - 06 - 03), 0), unknown(2027));
    // Counting past 2026-12-31 (a Thursday: one working day left after 12-30).
    assert_eq!(
        c.add_working_days(date!(2026 - 12 - 30), 1),
        Ok(date!(2026 - 12 - 31))
    );
    assert_eq!(c.add_working_days(date!(2026 - 12 - 30), 2), unknown(2027));
    assert_eq!(
        c.working_days_between(date!(2026 - 06 - 01), date!(2027 - 01 - 04)),
        Err(CalendarError::UnknownYear(2027))
    );
    assert_eq!(
        c.working_days_between(date!(2024 - 12 - 31), date!(2025 - 01 - 02)),
        Err(CalendarError::UnknownYear(2024))
    );
    assert_eq!(
        c.calendar_day_deadline(date!(2026 - 12 - 01), 31),
        unknown(2027)
    );
    assert_eq!(
        c.calendar_day_deadline(date!(2024 - 12 - 01), 40),
        unknown(2024)
    );
    let e = CalendarError::UnknownYear(2027);
    assert_eq!(e.code(), "CALENDAR_YEAR_UNKNOWN");
}

#[test]
fn huge_counts_end_in_an_error_not_a_hang_or_overflow() {
    let c = china();
    assert_eq!(
        c.add_working_days(date!(2025 - 01 - 02), u32::MAX),
        unknown(2027)
    );
    assert_eq!(
        c.calendar_day_deadline(date!(2025 - 01 - 02), 800),
        unknown(2027)
    );
    // Past the last date `time` represents.
    let past_end = c.calendar_day_deadline(date!(2025 - 01 - 02), u32::MAX);
    assert_eq!(past_end, unknown(Date::MAX.year() + 1));
}

#[test]
fn a_calendar_from_own_data() {
    // A gap year (2029) between two known ones is unknown too.
    let years = [
        CalendarYear {
            year: 2028,
            days_off: &[DaysOff::day(date!(2028 - 12 - 29))], // a Friday
            make_up_days: &[date!(2028 - 12 - 30)],           // a Saturday
        },
        CalendarYear {
            year: 2030,
            days_off: &[DaysOff::day(date!(2030 - 12 - 31))], // a Tuesday
            make_up_days: &[],
        },
    ];
    let c = WorkingCalendar::new(&years).unwrap();
    assert_eq!(c.known_years().collect::<Vec<_>>(), vec![2028, 2030]);
    assert_eq!(c.is_working_day(date!(2028 - 12 - 29)), Ok(false));
    assert_eq!(
        c.add_working_days(date!(2028 - 12 - 28), 1),
        Ok(date!(2028 - 12 - 30))
    );
    assert_eq!(c.add_working_days(date!(2028 - 12 - 28), 3), unknown(2029));
    // The last day is a holiday and the next one is in an unknown year.
    assert_eq!(
        c.calendar_day_deadline(date!(2030 - 12 - 30), 1),
        unknown(2031)
    );
    let bad = [CalendarYear {
        year: 2028,
        days_off: &[],
        make_up_days: &[date!(2028 - 12 - 28)], // a Thursday
    }];
    assert_eq!(
        WorkingCalendar::new(&bad).unwrap_err().code(),
        "CALENDAR_DATA_INVALID"
    );
    assert_eq!(
        WorkingCalendar::new(CHINA_YEARS),
        Ok(WorkingCalendar::china())
    );
}
