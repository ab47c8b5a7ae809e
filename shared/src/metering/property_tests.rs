//! Invariants for any sequence of readings (duplicated, reordered, with register
//! resets, against random time-of-use plans): charged + refunded = prepaid,
//! charged ≤ prepaid, nothing billed twice.

use super::billing_tests::{meter, reading};
use super::*;
use crate::money::Fen;
use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2025-01-31 20:00 +8);

fn price() -> impl Strategy<Value = PricePerKwh> {
    (0u64..=200_000_000).prop_map(PricePerKwh)
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        Just(Period::Valley),
        Just(Period::Flat),
        Just(Period::Peak),
        Just(Period::Critical)
    ]
}

fn day_schedule() -> impl Strategy<Value = DaySchedule> {
    prop::collection::vec((0u16..1440, 1u16..600, period()), 0..5).prop_map(|raw| {
        let mut spans: Vec<PeriodSpan> = raw
            .into_iter()
            .map(|(start, len, period)| PeriodSpan {
                start_min: start,
                end_min: (start + len).min(1440),
                period,
            })
            .collect();
        spans.sort_by_key(|s| s.start_min);
        let mut kept: Vec<PeriodSpan> = Vec::new();
        for s in spans {
            if kept.last().is_none_or(|k| s.start_min >= k.end_min) {
                kept.push(s);
            }
        }
        DaySchedule::new(kept).expect("non-overlapping spans")
    })
}

fn tariff() -> impl Strategy<Value = Tariff> {
    let prices = (price(), price(), price(), price()).prop_map(|(critical, peak, flat, valley)| {
        PeriodPrices {
            critical,
            peak,
            flat,
            valley,
        }
    });
    prop_oneof![
        price().prop_map(|price| Tariff::Flat { price }),
        (prices, prop::collection::vec(day_schedule(), 12)).prop_map(|(p, months)| {
            Tariff::TimeOfUse(TouTariff::new(p, months).expect("12 months"))
        }),
    ]
}

fn plan() -> impl Strategy<Value = TariffPlan> {
    prop::collection::vec((-48i64..96, tariff()), 1..4).prop_map(|mut raw| {
        raw.sort_by_key(|(h, _)| *h);
        raw.dedup_by_key(|(h, _)| *h);
        let versions = raw
            .into_iter()
            .map(|(h, tariff)| TariffVersion {
                effective_from: START + Duration::hours(h),
                tariff,
            })
            .collect();
        TariffPlan::new(versions).expect("ordered")
    })
}

fn max_price(plan: &TariffPlan) -> u64 {
    plan.versions()
        .iter()
        .map(|v| match &v.tariff {
            Tariff::Flat { price } => price.0,
            Tariff::TimeOfUse(t) => {
                let p = t.prices();
                p.critical.0.max(p.peak.0).max(p.flat.0).max(p.valley.0)
            }
        })
        .max()
        .unwrap_or(0)
}

/// What the device produced, in order: gap in seconds, register step (or a reset to a
/// small value), power, and a "spoil" selector that sometimes breaks a limit. Each
/// step is one a 10 A socket at 220 V can make in its gap (the plausibility limit is
/// twice that), so every rise is billable.
fn device_readings() -> impl Strategy<Value = Vec<Reading>> {
    prop::collection::vec(
        (
            1i64..7200,
            0u64..3000,
            prop::bool::weighted(0.1),
            5u32..2000,
            0u8..40,
        ),
        1..25,
    )
    .prop_map(|steps| {
        let mut at = START;
        let mut register = 10_000u64;
        let mut out = Vec::new();
        for (i, (gap, rise, reset, power, spoil)) in steps.into_iter().enumerate() {
            at += Duration::seconds(gap);
            let rise = rise.min(gap.unsigned_abs() * 2200 / 3600);
            register = if reset { rise } else { register + rise };
            let mut r = reading(i as u64 + 1, at, register);
            r.power = Watt(power);
            match spoil {
                0 => r.voltage = DeciVolt(2400),
                1 => r.residual = MilliAmp(45),
                2 => r.temperature = DeciCelsius(900),
                3 => r.events.push(DeviceEvent::StopButton),
                _ => {}
            }
            out.push(r);
        }
        out
    })
}

/// The device's readings as delivered: shuffled, some sent twice.
fn delivered() -> impl Strategy<Value = (Vec<Reading>, Vec<Reading>)> {
    device_readings().prop_flat_map(|readings| {
        let n = readings.len();
        (
            Just(readings.clone()),
            Just(readings).prop_shuffle(),
            prop::collection::vec(0..n, 0..n + 1),
        )
            .prop_map(|(original, mut shuffled, dups)| {
                for i in dups {
                    let r = shuffled[i].clone();
                    shuffled.insert(i, r);
                }
                (original, shuffled)
            })
    })
}

fn model(cover_interval_s: u32) -> SocketModel {
    let mut spec = SocketModelSpec::with_defaults("S10", MilliAmp(10_000));
    spec.cover_interval_s = cover_interval_s;
    SocketModel::try_from(spec).unwrap()
}

fn active(prepaid: i64, baseline: bool) -> Session {
    let b = baseline.then_some(Baseline {
        register: Wh(10_000),
        at: START,
    });
    Session::new(meter(), Fen(prepaid), START)
        .unwrap()
        .activate(START, b)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn money_is_conserved_and_nothing_bills_twice(
        (_, shuffled) in delivered(),
        plan in plan(),
        prepaid in 1i64..=5_000,
        cover in 0u32..300,
        baseline in any::<bool>(),
    ) {
        let model = model(cover);
        let prepaid_micro = MicroFen::from_fen(Fen(prepaid));
        let top = max_price(&plan);
        let mut s = active(prepaid, baseline);
        let mut billed = MicroFen::ZERO;
        for r in &shuffled {
            let d = apply_reading(&s, r, &plan, &model);
            // Applying the same reading again changes nothing.
            let again = apply_reading(&d.session, r, &plan, &model);
            prop_assert_eq!(&again.session, &d.session);
            let ignored = matches!(
                again.outcome,
                ReadingOutcome::Duplicate { .. } | ReadingOutcome::NotActive
            );
            prop_assert!(ignored, "second application was not ignored");
            // Charges only go up, never past the prepay, and never above the most
            // expensive price for the energy (+1 µfen of rounding).
            prop_assert!(d.session.charged() >= s.charged());
            prop_assert!(d.session.charged() <= prepaid_micro);
            if let ReadingOutcome::Charged { energy, charge, .. } = d.outcome {
                prop_assert!(charge.0 >= 0);
                prop_assert!((charge.0 as u128) <= u128::from(energy.0) * u128::from(top) / 1000 + 1);
                billed = MicroFen(billed.0 + charge.0);
            }
            prop_assert_eq!(d.session.charged(), billed);
            s = d.session;
        }
        let (_, st) = s.close(EndReason::CustomerStop, START + Duration::days(5)).unwrap();
        prop_assert_eq!(st.charged + st.refunded, st.prepaid);
        prop_assert_eq!(st.prepaid, Fen(prepaid));
        prop_assert!(st.charged >= Fen::ZERO && st.charged <= st.prepaid);
        prop_assert!(st.refunded >= Fen::ZERO);
        prop_assert_eq!(st.charged, st.exact_charge.to_fen_half_up());
    }

    #[test]
    fn a_batch_gives_the_same_result_however_it_arrives(
        (original, shuffled) in delivered(),
        plan in plan(),
        prepaid in 1i64..=5_000,
    ) {
        let model = model(60);
        let s = active(prepaid, true);
        let clean = apply_batch(&s, &original, &plan, &model);
        let messy = apply_batch(&s, &shuffled, &plan, &model);
        prop_assert_eq!(&messy.session, &clean.session);
        prop_assert_eq!(messy.command, clean.command);
        prop_assert_eq!(&messy.alarms, &clean.alarms);
        // Readings one by one in sequence order agree with the batch.
        let mut one_by_one = s.clone();
        for r in &original {
            one_by_one = apply_reading(&one_by_one, r, &plan, &model).session;
        }
        prop_assert_eq!(&one_by_one, &clean.session);
    }

    #[test]
    fn a_flat_price_bills_exactly_the_register_rises(
        (original, shuffled) in delivered(),
        fen_per_kwh in 1u64..200,
    ) {
        // Safe readings only: no trips, no stop button, a prepay that never runs out.
        let safe = |rs: &[Reading]| -> Vec<Reading> {
            rs.iter().map(|r| {
                let mut r = r.clone();
                r.voltage = DeciVolt(2200);
                r.residual = MilliAmp(0);
                r.temperature = DeciCelsius(300);
                r.events.clear();
                r
            }).collect()
        };
        let (original, shuffled) = (safe(&original), safe(&shuffled));
        let plan = TariffPlan::flat(PricePerKwh::from_fen(fen_per_kwh));
        let mut expected_wh = 0u64;
        let mut last = 10_000u64;
        for r in &original {
            if r.register.0 >= last {
                expected_wh += r.register.0 - last;
            }
            last = r.register.0;
        }
        let b = apply_batch(&active(MAX_PREPAID.0, true), &shuffled, &plan, &model(0));
        prop_assert_eq!(b.session.state(), SessionState::Active);
        prop_assert_eq!(b.session.energy(), Wh(expected_wh));
        let expected = expected_wh as i64 * fen_per_kwh as i64 * 1000;
        prop_assert_eq!(b.session.charged(), MicroFen(expected));
        let resets = original.windows(2).any(|w| w[1].register < w[0].register)
            || original[0].register.0 < 10_000;
        prop_assert_eq!(b.session.flags().register_went_backwards, resets);
    }

    #[test]
    fn an_implausible_rise_never_charges(
        (original, _) in delivered(),
        plan in plan(),
        at in 0usize..25,
        jump_kwh in 1_000u64..=u64::MAX / 1000,
    ) {
        // One reading's register jumps by more than a 10 A socket delivers in a day,
        // within an hour of the previous one: it bills nothing, and the session ends.
        let mut readings = original;
        let i = at % readings.len();
        let prev_at = if i == 0 { START } else { readings[i - 1].at };
        let gap = readings[i].at - prev_at;
        prop_assume!(gap <= Duration::hours(1));
        let jump = jump_kwh.saturating_mul(1000).saturating_sub(readings[i].register.0);
        for r in &mut readings[i..] {
            r.register = Wh(r.register.0.saturating_add(jump));
        }
        let s = active(5_000, true);
        let before = apply_batch(&s, &readings[..i], &plan, &model(60));
        let after = apply_batch(&before.session, &readings[i..=i], &plan, &model(60));
        if before.session.state() == SessionState::Active {
            prop_assert_eq!(after.session.charged(), before.session.charged());
            let held = matches!(after.outcomes[0].1, ReadingOutcome::Implausible { .. });
            prop_assert!(held, "{:?}", after.outcomes);
            prop_assert!(after.alarms.iter().any(|a| a.code() == "implausible_rise"));
            let ended = matches!(after.session.state(), SessionState::Ended { .. });
            prop_assert!(ended, "the session goes on");
        }
    }

    #[test]
    fn segments_tile_the_interval(plan in plan(), from_h in -60i64..120, len_s in 0i64..200_000) {
        let from = START + Duration::hours(from_h);
        let to = from + Duration::seconds(len_s);
        let segs = plan.segments(from, to);
        let mut t = from;
        for s in &segs {
            prop_assert_eq!(s.from, t);
            prop_assert!(s.to > s.from);
            prop_assert_eq!((s.period, s.price), plan.price_at(s.from));
            t = s.to;
        }
        prop_assert_eq!(t, if len_s > 0 { to } else { from });
    }
}
