//! Readings a faulty or hostile device sends, and what they must not do: a late
//! reading moving a new session's baseline, a register rise no socket can deliver,
//! a clock far ahead keeping a session from the sweep, dates at the end of the
//! calendar trapping the tariff walk.

use super::billing_tests::{T0, active, flat_60, hours, meter, model, reading};
use super::*;
use crate::money::Fen;
use time::Duration;
use time::macros::datetime;

#[test]
fn a_reading_dated_years_ahead_cannot_keep_a_session_from_the_sweep() {
    // The device dates its reading ten years ahead; the server received it at
    // hours(1). Staleness follows the server's clock, so the session is still closed.
    let rule = StaleRule { after_s: 900 };
    let s = active(1000, 0, T0);
    let ahead = reading(1, T0 + Duration::days(3650), 1000);
    let s = apply_reading(&s, &ahead, &flat_60(), &model()).session;
    assert_eq!(s.last_reading_at(), Some(T0 + Duration::days(3650)));
    let (_, st) = rule
        .close_if_stale(&s, Some(hours(1)), hours(1) + Duration::seconds(900))
        .expect("stale by the server's clock");
    assert_eq!(st.reason, EndReason::Stale);
    assert_eq!(st.charged + st.refunded, st.prepaid);
}

#[test]
fn a_session_started_after_the_sockets_newest_reading_ignores_older_ones() {
    // The socket last read seq 5 at 5000 Wh; the next customer's session starts there.
    let mark = RegisterMark {
        seq: 5,
        register: Wh(5000),
        at: T0 - Duration::hours(2),
    };
    let s = Session::new(meter(), Fen(1000), T0)
        .unwrap()
        .activate_after(T0, Some(mark))
        .unwrap();
    assert_eq!(s.last_seq(), Some(5));
    assert_eq!(s.last_register(), Some(Wh(5000)));
    // A late reading from before the switch-on (seq 3, 1000 Wh) bills nothing and
    // does not become the baseline.
    let d = apply_reading(&s, &reading(3, hours(1), 1000), &flat_60(), &model());
    assert_eq!(d.outcome, ReadingOutcome::Duplicate { last_seq: 5 });
    assert_eq!(d.session, s);
    // The next new reading bills from 5000 Wh: 500 Wh × 0.60 = 30 fen.
    let d = apply_reading(&s, &reading(6, hours(1), 5500), &flat_60(), &model());
    assert_eq!(d.session.charged(), MicroFen(30_000_000));
    // A socket never read: the first reading is the baseline, as before.
    let fresh = Session::new(meter(), Fen(1000), T0)
        .unwrap()
        .activate_after(T0, None)
        .unwrap();
    let d = apply_reading(&fresh, &reading(1, hours(1), 7), &flat_60(), &model());
    assert_eq!(d.outcome, ReadingOutcome::Baseline);
}

#[test]
fn a_rise_no_socket_can_deliver_is_never_charged() {
    // +1,000,000 kWh one second after the switch-on, on a 10 A socket.
    let s = active(1000, 100_000, T0);
    let r = reading(1, T0 + Duration::seconds(1), 100_000 + 1_000_000_000);
    let d = apply_reading(&s, &r, &flat_60(), &model());
    assert_eq!(
        d.outcome,
        ReadingOutcome::Implausible {
            rise: Wh(1_000_000_000),
            allowed: Wh(403)
        }
    );
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::MeterImplausible
        }
    );
    assert_eq!(d.session.charged(), MicroFen::ZERO);
    assert_eq!(d.session.energy(), Wh::ZERO);
    let st = d.session.settlement().unwrap();
    assert_eq!((st.charged, st.refunded), (Fen(0), Fen(1000)));
    assert_eq!(st.reason.code(), "meter_implausible");
    assert_eq!(d.alarms.len(), 1);
    assert_eq!(d.alarms[0].code(), "implausible_rise");
    assert_eq!(d.alarms[0].protection(), None);
    assert_eq!(
        d.alarms[0].kind,
        AlarmKind::ImplausibleRise {
            from: Wh(100_000),
            to: Wh(1_000_100_000),
            allowed: Wh(403)
        }
    );
    // What a 10 A socket can do in an hour is billed as ever: 2.2 kWh × 0.60.
    let d = apply_reading(&s, &reading(1, hours(1), 102_200), &flat_60(), &model());
    assert_eq!(d.session.charged(), MicroFen(132_000_000));
}

#[test]
fn a_device_clock_cannot_make_a_rise_plausible() {
    // No baseline: the device dates its first reading decades back, then reports, a
    // minute after the switch-on, a rise that would take 20 years at the rated power.
    // The time since the switch-on (the server's) bounds it.
    let s = Session::new(meter(), Fen(1000), T0)
        .unwrap()
        .activate(T0, None)
        .unwrap();
    let d = apply_reading(
        &s,
        &reading(1, datetime!(2000-01-01 0:00 UTC), 0),
        &flat_60(),
        &model(),
    );
    assert_eq!(d.outcome, ReadingOutcome::Baseline);
    let d = apply_reading(
        &d.session,
        &reading(2, T0 + Duration::minutes(1), 400_000_000),
        &flat_60(),
        &model(),
    );
    assert!(matches!(d.outcome, ReadingOutcome::Implausible { .. }));
    assert_eq!(d.session.charged(), MicroFen::ZERO);
    // Many small steps, each plausible on its own, cannot add up to more than the
    // socket delivers since the switch-on: 20 readings of 400 Wh, a second apart.
    let mut s = active(100_000, 0, T0);
    let mut cut = None;
    for i in 1..=20u64 {
        let r = reading(i, T0 + Duration::seconds(i as i64), 400 * i);
        let d = apply_reading(&s, &r, &flat_60(), &model());
        if let ReadingOutcome::Implausible { .. } = d.outcome {
            cut = Some(i);
            break;
        }
        s = d.session;
    }
    assert_eq!(cut, Some(2), "about 400 Wh in the first seconds, never 800");
    assert!(s.energy() <= max_energy(&model(), Duration::seconds(1)));
}

#[test]
fn a_trip_and_an_implausible_rise_both_raise_alarms() {
    let s = active(1000, 0, T0);
    let mut r = reading(1, T0 + Duration::seconds(1), 1_000_000);
    r.voltage = DeciVolt(2400);
    let d = apply_reading(&s, &r, &flat_60(), &model());
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::ProtectionTrip {
                protection: Protection::OverVoltage
            }
        }
    );
    let codes: Vec<&str> = d.alarms.iter().map(Alarm::code).collect();
    assert_eq!(codes, vec!["over_voltage", "implausible_rise"]);
    assert_eq!(d.session.charged(), MicroFen::ZERO);
}

#[test]
fn a_time_of_use_plan_never_traps_on_extreme_dates() {
    let prices = PeriodPrices {
        critical: PricePerKwh::from_fen(120),
        peak: PricePerKwh::from_fen(100),
        flat: PricePerKwh::from_fen(60),
        valley: PricePerKwh::from_fen(30),
    };
    let plan = TariffPlan::single(Tariff::TimeOfUse(TouTariff::henan_2024(prices)));
    // The last second `time` holds: in China time it would be year 10000.
    let end = datetime!(9999-12-31 23:59:59 UTC);
    let _ = plan.price_at(end);
    assert_eq!(
        plan.segments(end - Duration::hours(1), end)
            .last()
            .unwrap()
            .to,
        end
    );
    // The longest interval a reading may span (1900–2100) is priced without
    // collecting its pieces, and the same as the pieces say.
    let (from, to) = (
        datetime!(1900-01-01 0:00 UTC),
        datetime!(2100-12-31 23:00 UTC),
    );
    let energy = Wh(1_000_000);
    let weighted: i128 = plan
        .segments(from, to)
        .iter()
        .map(|s| i128::from(s.price.0) * (s.to - s.from).whole_nanoseconds())
        .sum();
    let expected = (i128::from(energy.0) * weighted) / (1000 * (to - from).whole_nanoseconds());
    let got = plan.charge(from, to, energy);
    assert!(
        (i128::from(got.0) - expected).abs() <= 1,
        "{got:?} {expected}"
    );
    // A reading dated 9999-12-31 is refused before it is billed.
    assert_eq!(
        reading(1, end, 0).check_time(T0).unwrap_err().code(),
        "METER_READING_DATE_OUT_OF_RANGE"
    );
}

#[test]
fn dated_plans_refuse_dates_outside_the_platforms_years() {
    let v = |at| TariffVersion {
        effective_from: at,
        tariff: Tariff::Flat {
            price: PricePerKwh::from_fen(60),
        },
    };
    for at in [
        datetime!(9999-12-31 0:00 UTC),
        datetime!(0000-01-01 0:00 UTC),
        datetime!(2101-01-01 0:00 UTC),
    ] {
        assert_eq!(
            TariffPlan::new(vec![v(at)]).unwrap_err().code(),
            "METER_DATE_OUT_OF_RANGE"
        );
    }
    assert!(TariffPlan::new(vec![v(datetime!(2100-12-31 0:00 UTC))]).is_ok());
    let json =
        r#"[{"effective_from":"9999-12-31T00:00:00Z","tariff":{"kind":"flat","price":60000000}}]"#;
    assert!(serde_json::from_str::<TariffPlan>(json).is_err());
}
