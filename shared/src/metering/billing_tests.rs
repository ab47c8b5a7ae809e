//! Hand-checked billing cases: the note's example, time-of-use splits, each of the
//! eight protections, balance cuts, duplicates, resets, staleness.

use super::*;
use crate::money::Fen;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub(super) fn meter() -> MeterId {
    MeterId::parse("123456789012").unwrap()
}

pub(super) fn model() -> SocketModel {
    SocketModel::with_defaults("S10", MilliAmp(10_000)).unwrap()
}

pub(super) fn flat_60() -> TariffPlan {
    TariffPlan::flat(PricePerKwh::parse_yuan("0.60").unwrap())
}

pub(super) const T0: OffsetDateTime = datetime!(2025-06-10 09:00 +8);

/// A healthy reading: 220 V, 2 A, 440 W, 30 °C, no leakage.
pub(super) fn reading(seq: u64, at: OffsetDateTime, register: u64) -> Reading {
    Reading {
        seq,
        at,
        register: Wh(register),
        voltage: DeciVolt(2200),
        current: MilliAmp(2000),
        power: Watt(440),
        temperature: DeciCelsius(300),
        residual: MilliAmp(0),
        relay: RelayState::On,
        events: vec![],
    }
}

pub(super) fn active(prepaid: i64, register: u64, at: OffsetDateTime) -> Session {
    Session::new(meter(), Fen(prepaid), at - Duration::minutes(1))
        .unwrap()
        .activate(
            at,
            Some(Baseline {
                register: Wh(register),
                at,
            }),
        )
        .unwrap()
}

pub(super) fn hours(h: i64) -> OffsetDateTime {
    T0 + Duration::hours(h)
}

#[test]
fn the_notes_example_charges_1_96_and_refunds_8_04() {
    // Flat 0.60 CNY/kWh, prepay 10.00, use 3.27 kWh over three readings.
    let plan = flat_60();
    let mut s = active(1000, 100_000, T0);
    for (seq, (h, reg)) in [(1, 101_000), (2, 102_500), (3, 103_270)]
        .into_iter()
        .enumerate()
    {
        let d = apply_reading(&s, &reading(seq as u64 + 1, hours(h), reg), &plan, &model());
        assert_eq!(d.command, Command::KeepOn);
        s = d.session;
    }
    assert_eq!(s.energy(), Wh(3270));
    assert_eq!(s.charged(), MicroFen(196_200_000));
    let (s, settlement) = s.close(EndReason::CustomerStop, hours(4)).unwrap();
    assert_eq!(settlement.charged, Fen(196));
    assert_eq!(settlement.refunded, Fen(804));
    assert_eq!(settlement.charged.to_string(), "1.96");
    assert_eq!(settlement.refunded.to_string(), "8.04");
    // Closing again settles the same way.
    assert_eq!(s.close(EndReason::Stale, hours(5)).unwrap().1, settlement);
}

#[test]
fn sub_fen_charges_accumulate_and_are_rounded_once() {
    // Ten readings of 7 Wh at 0.60: 0.42 fen each. Rounded each time that would be 0;
    // rounded once at the end it is 4.2 → 4 fen.
    let plan = flat_60();
    let mut s = active(1000, 0, T0);
    for i in 1..=10 {
        let r = reading(i, T0 + Duration::minutes(i as i64), 7 * i);
        s = apply_reading(&s, &r, &plan, &model()).session;
    }
    assert_eq!(s.charged(), MicroFen(4_200_000));
    let (_, st) = s.close(EndReason::CustomerStop, hours(1)).unwrap();
    assert_eq!((st.charged, st.refunded), (Fen(4), Fen(996)));
}

#[test]
fn a_reading_across_a_time_of_use_boundary_is_split() {
    let prices = PeriodPrices {
        critical: PricePerKwh::from_fen(120),
        peak: PricePerKwh::from_fen(100),
        flat: PricePerKwh::from_fen(60),
        valley: PricePerKwh::from_fen(30),
    };
    let plan = TariffPlan::single(Tariff::TimeOfUse(TouTariff::henan_2024(prices)));
    // June, 15:30 → 16:30 local: 30 min flat + 30 min peak; 2 kWh evenly →
    // 1 kWh × 0.60 + 1 kWh × 1.00 = 1.60 yuan.
    let start = datetime!(2025-06-10 15:30 +8);
    let s = active(1000, 50_000, start);
    let d = apply_reading(
        &s,
        &reading(1, datetime!(2025-06-10 16:30 +8), 52_000),
        &plan,
        &model(),
    );
    assert_eq!(
        d.outcome,
        ReadingOutcome::Charged {
            energy: Wh(2000),
            charge: MicroFen(160_000_000),
            capped: false
        }
    );
    // The same instants given in UTC bill the same (the split is in local time).
    let s = active(1000, 50_000, datetime!(2025-06-10 07:30 UTC));
    let d2 = apply_reading(
        &s,
        &reading(1, datetime!(2025-06-10 08:30 UTC), 52_000),
        &plan,
        &model(),
    );
    assert_eq!(d2.outcome, d.outcome);
}

#[test]
fn duplicates_and_old_readings_bill_nothing() {
    let plan = flat_60();
    let s = active(1000, 0, T0);
    let d1 = apply_reading(&s, &reading(5, hours(1), 1000), &plan, &model());
    let again = apply_reading(&d1.session, &reading(5, hours(1), 1000), &plan, &model());
    assert_eq!(again.outcome, ReadingOutcome::Duplicate { last_seq: 5 });
    assert_eq!(again.session, d1.session);
    // An older reading (lower sequence number) that arrives late is ignored too.
    let old = apply_reading(&d1.session, &reading(4, hours(1), 900), &plan, &model());
    assert_eq!(old.outcome, ReadingOutcome::Duplicate { last_seq: 5 });
    assert_eq!(old.session.charged(), MicroFen(60_000_000));
}

#[test]
fn a_register_that_goes_backwards_is_flagged_and_never_refunds() {
    let plan = flat_60();
    let s = active(1000, 100_000, T0);
    let d = apply_reading(&s, &reading(1, hours(1), 101_000), &plan, &model());
    assert_eq!(d.session.charged(), MicroFen(60_000_000));
    // Meter replaced: register restarts at 500.
    let d = apply_reading(&d.session, &reading(2, hours(2), 500), &plan, &model());
    assert_eq!(
        d.outcome,
        ReadingOutcome::RegisterWentBackwards {
            from: Wh(101_000),
            to: Wh(500)
        }
    );
    assert!(d.session.flags().register_went_backwards);
    assert_eq!(d.session.charged(), MicroFen(60_000_000));
    // Billing resumes from the new baseline.
    let d = apply_reading(&d.session, &reading(3, hours(3), 1500), &plan, &model());
    assert_eq!(d.session.charged(), MicroFen(120_000_000));
    assert_eq!(d.session.energy(), Wh(2000));
}

#[test]
fn the_charge_stops_at_the_prepay_and_power_is_cut() {
    // Prepay 1.00; 2 kWh at 0.60 would be 1.20: charge 1.00 exactly and cut.
    let plan = flat_60();
    let s = active(100, 0, T0);
    let d = apply_reading(&s, &reading(1, hours(1), 2000), &plan, &model());
    assert_eq!(
        d.outcome,
        ReadingOutcome::Charged {
            energy: Wh(2000),
            charge: MicroFen(100_000_000),
            capped: true
        }
    );
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::BalanceExhausted
        }
    );
    let st = d.session.settlement().unwrap();
    assert_eq!((st.charged, st.refunded), (Fen(100), Fen(0)));
    // A later reading bills nothing.
    let late = apply_reading(&d.session, &reading(2, hours(2), 3000), &plan, &model());
    assert_eq!(late.outcome, ReadingOutcome::NotActive);
    assert_eq!(late.session, d.session);
}

#[test]
fn power_is_cut_when_the_balance_cannot_cover_the_next_interval() {
    // Prepay 1.00, 1665 Wh → 0.999 yuan; 0.1 fen left. At 440 W, 60 s cost
    // 440 × 60 / 3600 Wh × 0.06 fen/Wh = 0.44 fen > 0.1 fen: cut.
    let plan = flat_60();
    let s = active(100, 0, T0);
    let d = apply_reading(&s, &reading(1, hours(1), 1665), &plan, &model());
    assert_eq!(d.session.charged(), MicroFen(99_900_000));
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::BalanceExhausted
        }
    );
    assert_eq!(d.session.settlement().unwrap().charged, Fen(100));
    // At 50 W the next minute costs 0.05 fen, which 0.1 fen covers: stay on.
    let mut r = reading(1, hours(1), 1665);
    r.power = Watt(50);
    let d = apply_reading(&s, &r, &plan, &model());
    assert_eq!(d.command, Command::KeepOn);
}

fn assert_trips(d: &Decision, protection: Protection) {
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::ProtectionTrip { protection }
        },
        "{protection:?}"
    );
    let alarm = d.alarms.first().expect("an alarm");
    assert_eq!(alarm.protection(), Some(protection));
    assert_eq!(alarm.code(), protection.code());
    assert_eq!(alarm.meter, meter());
    let st = d.session.settlement().unwrap();
    assert_eq!(st.charged + st.refunded, st.prepaid);
}

type Spoil = fn(&mut Reading);

#[test]
fn each_instant_protection_trips() {
    let plan = flat_60();
    let cases: [(Protection, Spoil); 6] = [
        (Protection::OverVoltage, |r| r.voltage = DeciVolt(2355)),
        (Protection::UnderVoltage, |r| r.voltage = DeciVolt(1979)),
        (Protection::OverCurrent, |r| r.current = MilliAmp(15_000)),
        (Protection::ShortCircuit, |r| r.current = MilliAmp(100_000)),
        (Protection::OverTemperature, |r| {
            r.temperature = DeciCelsius(800)
        }),
        (Protection::ResidualCurrent, |r| r.residual = MilliAmp(30)),
    ];
    for (protection, spoil) in cases {
        let s = active(1000, 0, T0);
        let mut r = reading(1, hours(1), 500);
        spoil(&mut r);
        let d = apply_reading(&s, &r, &plan, &model());
        assert_trips(&d, protection);
        // The energy before the trip is still billed: 500 Wh × 0.60 = 30 fen.
        assert_eq!(d.session.settlement().unwrap().charged, Fen(30));
    }
    // Exactly at the voltage limits is still fine.
    let s = active(1000, 0, T0);
    for v in [1980, 2354] {
        let mut r = reading(1, hours(1), 500);
        r.voltage = DeciVolt(v);
        assert_eq!(
            apply_reading(&s, &r, &plan, &model()).command,
            Command::KeepOn
        );
    }
}

#[test]
fn overload_trips_only_when_sustained() {
    let plan = flat_60();
    let s = active(1000, 0, T0);
    let over = |seq, at| {
        let mut r = reading(seq, at, 100 * seq);
        r.current = MilliAmp(12_000); // above 10 A rating, below 15 A over-current
        r
    };
    let d = apply_reading(&s, &over(1, T0 + Duration::seconds(10)), &plan, &model());
    assert_eq!(d.command, Command::KeepOn);
    let d = apply_reading(
        &d.session,
        &over(2, T0 + Duration::seconds(69)),
        &plan,
        &model(),
    );
    assert_eq!(d.command, Command::KeepOn);
    let d = apply_reading(
        &d.session,
        &over(3, T0 + Duration::seconds(70)),
        &plan,
        &model(),
    );
    assert_trips(&d, Protection::Overload);
    // A dip below the rating restarts the clock.
    let s = active(1000, 0, T0);
    let d = apply_reading(&s, &over(1, T0 + Duration::seconds(10)), &plan, &model());
    let dip = reading(2, T0 + Duration::seconds(40), 200);
    let d = apply_reading(&d.session, &dip, &plan, &model());
    let d = apply_reading(
        &d.session,
        &over(3, T0 + Duration::seconds(80)),
        &plan,
        &model(),
    );
    assert_eq!(d.command, Command::KeepOn);
}

#[test]
fn surge_and_idle_trip() {
    let plan = flat_60();
    // Surge: 100 W then 2400 W, a rise of 2300 W > 2200 W.
    let s = active(1000, 0, T0);
    let mut r1 = reading(1, hours(1), 100);
    r1.power = Watt(100);
    let d = apply_reading(&s, &r1, &plan, &model());
    let mut r2 = reading(2, hours(1) + Duration::minutes(1), 140);
    r2.power = Watt(2400);
    let d = apply_reading(&d.session, &r2, &plan, &model());
    assert_trips(&d, Protection::SurgeIdle);
    // Idle: under 5 W for 600 s.
    let s = active(1000, 0, T0);
    let idle = |seq, at| {
        let mut r = reading(seq, at, 10);
        r.power = Watt(2);
        r
    };
    let d = apply_reading(&s, &idle(1, T0 + Duration::minutes(1)), &plan, &model());
    let d = apply_reading(
        &d.session,
        &idle(2, T0 + Duration::minutes(10)),
        &plan,
        &model(),
    );
    assert_eq!(d.command, Command::KeepOn);
    let d = apply_reading(
        &d.session,
        &idle(3, T0 + Duration::minutes(11)),
        &plan,
        &model(),
    );
    assert_trips(&d, Protection::SurgeIdle);
}

#[test]
fn a_trip_the_device_reports_ends_the_session() {
    let s = active(1000, 0, T0);
    let mut r = reading(1, hours(1), 100);
    r.relay = RelayState::Off;
    r.events = vec![DeviceEvent::Tripped {
        protection: Protection::ShortCircuit,
    }];
    let d = apply_reading(&s, &r, &flat_60(), &model());
    assert_trips(&d, Protection::ShortCircuit);
    assert!(matches!(
        d.alarms[0].kind,
        AlarmKind::Trip {
            cause: TripCause::DeviceReported,
            ..
        }
    ));
}

#[test]
fn faults_and_the_stop_button_end_the_session() {
    let s = active(1000, 0, T0);
    let mut r = reading(1, hours(1), 100);
    r.events = vec![DeviceEvent::StopButton];
    let d = apply_reading(&s, &r, &flat_60(), &model());
    assert_eq!(
        d.session.state(),
        SessionState::Ended {
            reason: EndReason::CustomerStop
        }
    );
    r.events = vec![DeviceEvent::StopButton, DeviceEvent::Fault { code: 7 }];
    let d = apply_reading(&s, &r, &flat_60(), &model());
    assert_eq!(
        d.command,
        Command::CutOff {
            reason: EndReason::Fault { code: 7 }
        }
    );
    assert!(d.alarms.is_empty());
}

#[test]
fn the_life_cycle_is_enforced() {
    let created = Session::new(meter(), Fen(1000), T0).unwrap();
    assert_eq!(
        Session::new(meter(), Fen(0), T0).unwrap_err().code(),
        "METER_PREPAID_OUT_OF_RANGE"
    );
    assert!(Session::new(meter(), Fen(1_000_001), T0).is_err());
    let d = apply_reading(&created, &reading(1, hours(1), 100), &flat_60(), &model());
    assert_eq!(
        (d.outcome, d.command),
        (ReadingOutcome::NotActive, Command::StayOff)
    );
    assert_eq!(
        created.close(EndReason::CustomerStop, T0),
        Err(SessionError::NeverPaid)
    );
    let active = created.activate(T0, None).unwrap();
    assert_eq!(
        active.activate(T0, None),
        Err(SessionError::NotAwaitingPayment)
    );
    // Without a baseline the first reading is the baseline.
    let d = apply_reading(&active, &reading(1, hours(1), 100), &flat_60(), &model());
    assert_eq!(d.outcome, ReadingOutcome::Baseline);
    assert_eq!(d.session.charged(), MicroFen::ZERO);
    assert!(SessionError::NeverPaid.message_zh().contains("未支付"));
}

#[test]
fn a_stale_session_is_billed_to_its_last_reading() {
    let rule = StaleRule { after_s: 900 };
    let s = active(1000, 0, T0);
    let s = apply_reading(&s, &reading(1, hours(1), 1000), &flat_60(), &model()).session;
    // Received by the server at hours(1).
    let seen = Some(hours(1));
    assert!(
        rule.close_if_stale(&s, seen, hours(1) + Duration::seconds(899))
            .is_none()
    );
    let (ended, st) = rule
        .close_if_stale(&s, seen, hours(1) + Duration::seconds(900))
        .unwrap();
    assert_eq!(st.reason, EndReason::Stale);
    assert_eq!((st.charged, st.refunded), (Fen(60), Fen(940)));
    assert!(rule.close_if_stale(&ended, seen, hours(9)).is_none());
    // Never seen since the activation (at T0): stale from then.
    assert!(
        rule.close_if_stale(&active(1000, 0, T0), None, T0 + Duration::seconds(900))
            .is_some()
    );
    assert!(rule.is_stale(hours(2), hours(1)));
    assert!(!rule.is_stale(hours(1), hours(1)));
}

#[test]
fn a_batch_is_applied_in_sequence_order() {
    let plan = flat_60();
    let s = active(1000, 0, T0);
    let batch = vec![
        reading(3, hours(3), 3000),
        reading(1, hours(1), 1000),
        reading(2, hours(2), 2000),
        reading(2, hours(2), 2000),
    ];
    let b = apply_batch(&s, &batch, &plan, &model());
    let seqs: Vec<u64> = b.outcomes.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, vec![1, 2, 2, 3]);
    assert_eq!(b.outcomes[2].1, ReadingOutcome::Duplicate { last_seq: 2 });
    assert_eq!(b.session.charged(), MicroFen(180_000_000));
    assert_eq!(b.command, Command::KeepOn);
    // Re-sending the whole batch changes nothing.
    let again = apply_batch(&b.session, &batch, &plan, &model());
    assert_eq!(again.session, b.session);
}

#[test]
fn a_clock_that_jumps_back_is_flagged_and_priced_at_the_reading() {
    let s = active(1000, 0, T0);
    let d = apply_reading(&s, &reading(1, hours(2), 1000), &flat_60(), &model());
    let d = apply_reading(
        &d.session,
        &reading(2, hours(1), 2000),
        &flat_60(),
        &model(),
    );
    assert!(d.session.flags().clock_went_backwards);
    assert_eq!(d.session.charged(), MicroFen(120_000_000));
    assert_eq!(d.session.last_reading_at(), Some(hours(2)));
}

#[test]
fn a_dated_model_checks_each_reading_against_the_thresholds_of_its_time() {
    // Until hours(2) the over-voltage limit is 235.4 V; from then a stricter model
    // allows only 230.0 V. A 232.0 V reading passes before and trips after.
    let mut strict = SocketModelSpec::with_defaults("S10-v2", MilliAmp(10_000));
    strict.over_voltage = DeciVolt(2300);
    let models = ModelPlan::new(vec![
        ModelVersion {
            effective_from: T0,
            model: model(),
        },
        ModelVersion {
            effective_from: hours(2),
            model: SocketModel::try_from(strict).unwrap(),
        },
    ])
    .unwrap();
    let high = |seq, at, register| Reading {
        voltage: DeciVolt(2320),
        ..reading(seq, at, register)
    };
    let s = active(1000, 0, T0);
    let b = apply_batch_dated(&s, &[high(1, hours(1), 100)], &flat_60(), &models);
    assert_eq!(b.command, Command::KeepOn);
    let b = apply_batch_dated(&b.session, &[high(2, hours(3), 200)], &flat_60(), &models);
    assert_eq!(
        b.command,
        Command::CutOff {
            reason: EndReason::ProtectionTrip {
                protection: Protection::OverVoltage
            }
        }
    );
    assert_eq!(b.alarms.len(), 1);
    // The single-model form agrees when the plan has one version.
    let one = ModelPlan::single(model());
    let batch = [reading(1, hours(1), 100), reading(2, hours(2), 300)];
    assert_eq!(
        apply_batch_dated(&s, &batch, &flat_60(), &one),
        apply_batch(&s, &batch, &flat_60(), &model())
    );
}
