//! Invariants of the working-day count for any start in the known years: adding `n`
//! working days then counting them back gives `n`, and the deadline is a working day
//! after the start.

use super::*;
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

/// Any date of 2025 or 2026.
fn known_date() -> impl Strategy<Value = Date> {
    (0i64..730).prop_map(|offset| date!(2025 - 01 - 01) + Duration::days(offset))
}

proptest! {
    #[test]
    fn add_then_count_gives_n(start in known_date(), n in 0u32..=100) {
        let c = WorkingCalendar::china();
        if let Ok(end) = c.add_working_days(start, n) {
            prop_assert_eq!(c.working_days_between(start, end), Ok(n));
            if n > 0 {
                prop_assert!(end > start);
                prop_assert_eq!(c.is_working_day(end), Ok(true));
            } else {
                prop_assert_eq!(end, start);
            }
        } else {
            // The only way to fail from a known start is running into 2027.
            prop_assert_eq!(
                c.add_working_days(start, n),
                Err(CalendarError::UnknownYear(2027))
            );
        }
    }
}
