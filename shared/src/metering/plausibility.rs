//! What a socket can physically do, and what a device's clock may claim. A reading
//! is believed only as far as the socket could have delivered the energy it reports
//! in the time that passed, and only if it is not dated ahead of the server.
//!
//! The limits are generous on purpose: they must never cut an honest customer off, and
//! still refuse what no socket can do (a register that jumps by 1,000,000 kWh in one
//! second on a 10 A socket). All arithmetic is on integers, widened so that no value a
//! device or an operator can send overflows.

use time::{Duration, OffsetDateTime};

use super::error::ReadingError;
use super::model::SocketModel;
use super::quantity::Wh;
use super::reading::Reading;
use crate::calendar::{MAX_YEAR, MIN_YEAR};

/// How far a device's clock may be off the server's: readings dated further ahead of
/// their receipt are refused, and every plausibility limit allows this much time on
/// top of the elapsed time (a device clock up to this much behind makes an interval
/// look shorter than it was). Signed device requests already carry a timestamp within
/// the same window of the server's clock.
pub const DEVICE_CLOCK_TOLERANCE: Duration = Duration::minutes(5);

/// The plausible current is this many times the rated current (or the over-current
/// setting, if that is higher): past the over-current trip (1.5 × rated by default),
/// so only energy no socket of the model can deliver is refused.
pub const CURRENT_MARGIN: u64 = 2;

/// One step of a meter's register: DL/T 645 meters count 0.01 kWh, so a reading may
/// show up to this much that has not been used yet.
pub const REGISTER_STEP: Wh = Wh(10);

/// mA × 0.1 V × s per Wh: 1000 mA/A × 10 dV/V × 3600 s/h.
const MA_DV_S_PER_WH: u128 = 36_000_000;

/// The most energy a socket of `model` can deliver in `elapsed` (a negative time counts
/// as none), with the clock tolerance and one register step on top: the plausible
/// current at the highest permitted voltage.
pub fn max_energy(model: &SocketModel, elapsed: Duration) -> Wh {
    let s = model.spec();
    let current_ma =
        (u64::from(s.rated_current.0) * CURRENT_MARGIN).max(u64::from(s.over_current.0));
    let volts_dv = u64::from(s.over_voltage.0);
    let secs = elapsed
        .whole_seconds()
        .max(0)
        .unsigned_abs()
        .saturating_add(DEVICE_CLOCK_TOLERANCE.whole_seconds().unsigned_abs());
    // Up to 2^33 × 2^32 × 2^64 for absurd inputs: saturate rather than wrap.
    let wh = u128::from(current_ma)
        .saturating_mul(u128::from(volts_dv))
        .saturating_mul(u128::from(secs))
        / MA_DV_S_PER_WH;
    Wh(u64::try_from(wh)
        .unwrap_or(u64::MAX)
        .saturating_add(REGISTER_STEP.0))
}

/// The largest register rise a socket can plausibly show at a reading: what it can
/// deliver over `interval` since the previous reading (`None` when the device's clock
/// went back, so the interval is unknown), and no more than what it can deliver in
/// `since_on` since it was switched on, less the `before` already metered.
///
/// The second bound is measured from the switch-on, which the server timed: however
/// a device dates its readings (its first one decades back, say), a session cannot
/// meter more than the socket delivers while it is on.
pub fn allowed_rise(
    model: &SocketModel,
    interval: Option<Duration>,
    since_on: Duration,
    before: Wh,
) -> Wh {
    let in_total = Wh(max_energy(model, since_on).0.saturating_sub(before.0));
    match interval {
        Some(d) => in_total.min(max_energy(model, d)),
        None => in_total,
    }
}

/// The first instant a reading may carry: 1900-01-01 00:00 UTC.
fn earliest() -> OffsetDateTime {
    time::Date::from_calendar_date(MIN_YEAR, time::Month::January, 1)
        .expect("MIN_YEAR is a valid year")
        .midnight()
        .assume_utc()
}

/// The first instant after the last a reading may carry: 2101-01-01 00:00 UTC.
fn after_latest() -> OffsetDateTime {
    time::Date::from_calendar_date(MAX_YEAR + 1, time::Month::January, 1)
        .expect("MAX_YEAR + 1 is a valid year")
        .midnight()
        .assume_utc()
}

/// Whether `at` falls in the years the platform handles ([`MIN_YEAR`]–[`MAX_YEAR`], UTC),
/// compared as an instant: no conversion, so any date `time` holds can be asked about.
/// Dates a caller sends (reading times, effective dates) are held to it, so nothing
/// computed from them (a walk over tariff periods, a deadline) can run away.
pub fn within_years(at: OffsetDateTime) -> bool {
    earliest() <= at && at < after_latest()
}

impl Reading {
    /// Whether a reading received at `received_at` (the server's clock) may be used:
    /// dated in the years the platform handles, and not more than
    /// [`DEVICE_CLOCK_TOLERANCE`] ahead of its receipt. A reading from the past, buffered
    /// while the socket was offline, is fine.
    ///
    /// Only instants are compared (no conversion to another offset), so no date a
    /// device sends can make this check itself fail.
    pub fn check_time(&self, received_at: OffsetDateTime) -> Result<(), ReadingError> {
        if !within_years(self.at) {
            return Err(ReadingError::DateOutOfRange {
                seq: self.seq,
                year: self.at.year(),
            });
        }
        let ahead = self.at - received_at;
        if ahead > DEVICE_CLOCK_TOLERANCE {
            return Err(ReadingError::InFuture {
                seq: self.seq,
                ahead_s: ahead.whole_seconds(),
            });
        }
        Ok(())
    }
}

/// Checks every reading of a request (see [`Reading::check_time`]); the first refusal
/// refuses the request.
pub fn check_times(readings: &[Reading], received_at: OffsetDateTime) -> Result<(), ReadingError> {
    readings.iter().try_for_each(|r| r.check_time(received_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::billing_tests::reading;
    use crate::metering::model::SocketModelSpec;
    use crate::metering::quantity::{DeciVolt, MilliAmp};
    use time::macros::datetime;

    fn utc(d: time::Date) -> OffsetDateTime {
        d.midnight().assume_utc()
    }

    fn ten_amp() -> SocketModel {
        SocketModel::with_defaults("S10", MilliAmp(10_000)).unwrap()
    }

    #[test]
    fn a_ten_amp_socket_delivers_at_most_twice_its_rating_at_the_highest_voltage() {
        // 20 A × 235.4 V = 4708 W; one hour + 300 s = 3900 s → 5100.3 Wh, + 10 Wh.
        assert_eq!(max_energy(&ten_amp(), Duration::hours(1)), Wh(5110));
        // No time (or a clock that went back) still allows the tolerance and one step:
        // 4708 W × 300 s = 392.3 Wh, + 10.
        assert_eq!(max_energy(&ten_amp(), Duration::ZERO), Wh(402));
        assert_eq!(max_energy(&ten_amp(), Duration::hours(-5)), Wh(402));
        // An over-current setting above twice the rating raises the limit with it.
        let mut spec = SocketModelSpec::with_defaults("S10-wide", MilliAmp(10_000));
        spec.over_current = MilliAmp(30_000);
        spec.short_circuit = MilliAmp(100_000);
        let wide = SocketModel::try_from(spec).unwrap();
        assert_eq!(max_energy(&wide, Duration::ZERO), Wh(598)); // 30 A × 235.4 V × 300 s
    }

    #[test]
    fn a_million_kwh_in_one_second_is_not_plausible() {
        let allowed = allowed_rise(
            &ten_amp(),
            Some(Duration::seconds(1)),
            Duration::seconds(1),
            Wh::ZERO,
        );
        assert!(allowed < Wh(1_000_000_000), "{allowed}");
        assert_eq!(allowed, Wh(403));
    }

    #[test]
    fn the_total_since_switch_on_bounds_every_interval() {
        // Switched on an hour ago, 5000 Wh metered already: 110 Wh more at most, even
        // though the device says a day passed since its previous reading.
        let allowed = allowed_rise(
            &ten_amp(),
            Some(Duration::days(1)),
            Duration::hours(1),
            Wh(5000),
        );
        assert_eq!(allowed, Wh(110));
        // A clock that went back leaves the interval unknown: the total alone bounds it.
        assert_eq!(
            allowed_rise(&ten_amp(), None, Duration::hours(1), Wh::ZERO),
            Wh(5110)
        );
        // More metered than the total allows: nothing more is plausible.
        assert_eq!(
            allowed_rise(&ten_amp(), None, Duration::ZERO, Wh(u64::MAX)),
            Wh::ZERO
        );
    }

    #[test]
    fn extreme_values_never_overflow() {
        let mut spec = SocketModelSpec::with_defaults("huge", MilliAmp(u32::MAX / 2));
        spec.over_current = MilliAmp(u32::MAX - 1);
        spec.short_circuit = MilliAmp(u32::MAX);
        spec.over_voltage = DeciVolt(u32::MAX);
        let huge = SocketModel::try_from(spec).unwrap();
        let span = utc(time::Date::MAX) - utc(time::Date::MIN);
        assert_eq!(max_energy(&huge, span), Wh(u64::MAX));
        assert_eq!(max_energy(&huge, Duration::MAX), Wh(u64::MAX));
        assert_eq!(max_energy(&ten_amp(), Duration::MIN), Wh(402));
        assert!(allowed_rise(&huge, Some(Duration::MAX), Duration::MAX, Wh::ZERO) == Wh(u64::MAX));
    }

    #[test]
    fn a_reading_may_be_late_but_not_far_ahead() {
        let now = datetime!(2025-06-10 12:00 +8);
        // Buffered from last week, or just now: fine.
        assert_eq!(
            reading(1, now - Duration::days(7), 0).check_time(now),
            Ok(())
        );
        assert_eq!(reading(2, now, 0).check_time(now), Ok(()));
        // Up to five minutes ahead is clock drift; beyond, refused.
        assert_eq!(
            reading(3, now + DEVICE_CLOCK_TOLERANCE, 0).check_time(now),
            Ok(())
        );
        assert_eq!(
            reading(4, now + Duration::seconds(301), 0).check_time(now),
            Err(ReadingError::InFuture {
                seq: 4,
                ahead_s: 301
            })
        );
        assert_eq!(DEVICE_CLOCK_TOLERANCE, Duration::seconds(300));
    }

    #[test]
    fn extreme_dates_are_refused_without_trapping() {
        let now = datetime!(2025-06-10 12:00 +8);
        let far = reading(1, datetime!(9999-12-31 23:59:59 UTC), 0);
        assert_eq!(
            far.check_time(now),
            Err(ReadingError::DateOutOfRange { seq: 1, year: 9999 })
        );
        // The last instant `time` holds, in an offset whose UTC time is past it:
        // compared as instants, never converted.
        let edge = reading(2, datetime!(9999-12-31 23:59:59 -23:59), 0);
        assert!(edge.check_time(now).is_err());
        let year = |y| utc(time::Date::from_calendar_date(y, time::Month::June, 1).unwrap());
        for at in [
            year(0),
            year(-1),
            utc(time::Date::MIN),
            datetime!(1899-12-31 23:59:59 UTC),
        ] {
            let r = reading(3, at, 0);
            assert_eq!(
                r.check_time(now).unwrap_err().code(),
                "METER_READING_DATE_OUT_OF_RANGE"
            );
        }
        // 2101 is refused even by a server whose clock says 2101.
        let late = datetime!(2101-01-01 0:00 UTC);
        assert!(reading(4, late, 0).check_time(late).is_err());
        assert_eq!(
            reading(5, datetime!(1900-01-01 0:00 UTC), 0).check_time(now),
            Ok(())
        );
        let batch = [reading(6, now, 0), far];
        assert_eq!(
            check_times(&batch, now).unwrap_err().code(),
            "METER_READING_DATE_OUT_OF_RANGE"
        );
    }
}
