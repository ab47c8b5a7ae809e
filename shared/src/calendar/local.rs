//! China Standard Time and the local date: "today" for every deadline is the date in
//! UTC+8, whatever offset the caller's clock reading carries.

use time::{Date, OffsetDateTime, UtcOffset};

/// China Standard Time, UTC+8 (no daylight saving since 1991), the one offset every
/// local date in Yingshang is taken in.
pub const CHINA_STANDARD_TIME: UtcOffset = time::macros::offset!(+8);

/// The date in China Standard Time at instant `now` (the caller reads the clock).
///
/// Saturates at the ends of the range `time` can represent instead of panicking: only
/// an instant within hours of that range (years ±9999) gets there, and no real clock
/// does, but a date computation must never trap.
pub fn local_date(now: OffsetDateTime) -> Date {
    match now.checked_to_offset(CHINA_STANDARD_TIME) {
        Some(local) => local.date(),
        // Converting to UTC+8 overflowed: the local date lies past one end of the range.
        None if now.year() > 0 => Date::MAX,
        None => Date::MIN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn local_date_is_taken_in_utc_plus_8() {
        // 16:00 UTC is already midnight of the next day in Beijing.
        assert_eq!(
            local_date(datetime!(2026-02-13 15:59:59 UTC)),
            date!(2026 - 02 - 13)
        );
        assert_eq!(
            local_date(datetime!(2026-02-13 16:00 UTC)),
            date!(2026 - 02 - 14)
        );
        // An instant given in another offset is the same instant.
        assert_eq!(
            local_date(datetime!(2026-02-13 11:00 -5)),
            date!(2026 - 02 - 14)
        );
        assert_eq!(
            local_date(datetime!(2026-02-14 00:00 +8)),
            date!(2026 - 02 - 14)
        );
    }

    #[test]
    fn local_date_never_traps_at_the_ends_of_time() {
        let last = Date::MAX.with_hms(23, 0, 0).unwrap().assume_utc();
        assert_eq!(local_date(last), Date::MAX);
        let first = Date::MIN
            .midnight()
            .assume_offset(time::macros::offset!(+8));
        assert_eq!(local_date(first), Date::MIN);
    }
}
