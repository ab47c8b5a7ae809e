//! Hand-checked assessments against the illustrative Luoyang table, and the invariants
//! of the model.

use super::dwelling::tests::sample_dto;
use super::*;
use crate::money::{Fen, Rate};
use proptest::prelude::*;
use time::Date;
use time::macros::date;

fn dwelling(change: impl FnOnce(&mut DwellingDto)) -> Dwelling {
    let mut dto = sample_dto();
    change(&mut dto);
    Dwelling::try_from(dto).unwrap()
}

fn prices(list: &[(&str, Option<&str>, Date, i64)]) -> BasePrices {
    BasePrices::new(list.iter().map(|&(c, b, d, fen)| BasePrice {
        community_id: CommunityId::parse(c).unwrap(),
        building_id: b.map(|b| BuildingId::parse(b).unwrap()),
        effective_from: d,
        price_per_m2: Fen(fen),
    }))
    .unwrap()
}

fn factor_values(a: &Assessment) -> Vec<(&str, &str, i64)> {
    a.factors
        .iter()
        .map(|f| (f.dimension.key(), f.value.as_str(), f.coefficient.ppm()))
        .collect()
}

#[test]
fn case_1_high_rise_south_fine_decoration() {
    // Community base price 8,000.00 yuan/m² (800,000 fen) from 2024-01-01.
    // Floor 12 of 18 with lift: 12/18 = 66.7% → upper 1.03; south 1.09; three-bedroom
    // 1.02; ordinary view 1.00; built 2015, assessed 2025 → 10 years → 1 − 0.05 = 0.95;
    // fine 1.05; 120.00 m² in [90, 144) → 1.00; lift 1.00; inner 1.00; steel-concrete 1.00.
    // Product = 1.03 × 1.09 × 1.02 × 0.95 × 1.05 = 1.142291115 (exact).
    // Unit = 800,000 × 1.142291115 = 913,832.892 → 913,833 fen/m² (9,138.33 yuan).
    // Total = 913,833 × 120.00 = 109,659,960 fen = 1,096,599.60 yuan.
    let d = dwelling(|_| {});
    let p = prices(&[("C410305-0012", None, date!(2024 - 01 - 01), 800_000)]);
    let a = assess(
        &d,
        &p,
        &CoefficientTable::luoyang_illustrative(),
        date!(2025 - 06 - 30),
    )
    .unwrap();
    assert_eq!(a.unit_price_per_m2, Fen(913_833));
    assert_eq!(a.total_value, Fen(109_659_960));
    assert_eq!(a.total_value.to_string(), "1096599.60");
    assert_eq!(a.area_m2, Area::from_centi_m2(12_000));
    assert_eq!(a.base_price.amount, Fen(800_000));
    assert_eq!(a.base_price.effective_from, date!(2024 - 01 - 01));
    assert_eq!(a.base_price.level, BasePriceLevel::Community);
    assert_eq!(a.table_version, LUOYANG_ILLUSTRATIVE_VERSION);
    assert_eq!(
        factor_values(&a),
        vec![
            ("floor_position", "upper", 1_030_000),
            ("orientation", "south", 1_090_000),
            ("layout", "three_bedroom", 1_020_000),
            ("view", "ordinary", 1_000_000),
            ("building_age", "10", 950_000),
            ("decoration", "fine", 1_050_000),
            ("area", "120.00", 1_000_000),
            ("lift", "with_lift", 1_000_000),
            ("end_unit", "inner", 1_000_000),
            ("structure", "steel_concrete", 1_000_000),
        ]
    );
}

#[test]
fn case_2_old_walk_up_top_floor() {
    // Community base 5,000.00 (500,000 fen). Floor 6 of 6, no lift → top 0.97; north
    // 1.00; two-bedroom 1.00; obstructed 0.97; built 1995, assessed 2025 → 30 years →
    // bound 0.85; simple 1.00; 58.40 m² < 60 → 1.05; no lift 0.98; end unit 1.01;
    // brick-concrete 0.97.
    // Product = 0.97 × 0.97 × 0.85 × 1.05 × 0.98 × 1.01 × 0.97 = 0.8062521338445.
    // Unit = 500,000 × 0.8062521338445 = 403,126.06692225 → 403,126 fen/m².
    // Total = 403,126 × 58.40 = 23,542,558.4 → 23,542,558 fen = 235,425.58 yuan.
    let d = dwelling(|d| {
        d.floor = 6;
        d.total_storeys = 6;
        d.has_lift = false;
        d.orientation = "north".into();
        d.layout = "two_bedroom".into();
        d.view = "obstructed".into();
        d.build_year = 1995;
        d.decoration = "simple".into();
        d.area_m2 = "58.40".into();
        d.end_unit = true;
        d.structure = "brick_concrete".into();
    });
    let p = prices(&[("C410305-0012", None, date!(2024 - 01 - 01), 500_000)]);
    let a = assess(
        &d,
        &p,
        &CoefficientTable::luoyang_illustrative(),
        date!(2025 - 06 - 30),
    )
    .unwrap();
    assert_eq!(a.unit_price_per_m2, Fen(403_126));
    assert_eq!(a.total_value, Fen(23_542_558));
    let f = factor_values(&a);
    assert_eq!(f[0], ("floor_position", "top", 970_000));
    assert_eq!(f[4], ("building_age", "30", 850_000));
    assert_eq!(f[6], ("area", "58.40", 1_050_000));
    assert_eq!(f[7], ("lift", "no_lift", 980_000));
    assert_eq!(f[8], ("end_unit", "end", 1_010_000));
}

#[test]
fn case_3_building_price_overrides_community_price() {
    // Building base 7,000.00 (700,000 fen) from 2024-07-01 overrides the newer community
    // price of 6,500.00 from 2025-01-01. Floor 1 of 11 → bottom 0.95; east 1.05;
    // one-bedroom 0.99; river 1.05; built 2024, assessed 2025 → 1 year → 0.995; luxury
    // 1.10; 55.55 m² → 1.05; lift 1.00; end unit 1.01; steel 1.00.
    // Product = 0.95 × 1.05 × 0.99 × 1.05 × 0.995 × 1.10 × 1.05 × 1.01
    //         = 1.2035491674215625.
    // Unit = 700,000 × 1.2035491674215625 = 842,484.41719509375 → 842,484 fen/m².
    // Total = 842,484 × 55.55 = 46,799,986.2 → 46,799,986 fen = 467,999.86 yuan.
    let d = dwelling(|d| {
        d.floor = 1;
        d.total_storeys = 11;
        d.orientation = "east".into();
        d.layout = "one_bedroom".into();
        d.view = "river".into();
        d.build_year = 2024;
        d.decoration = "luxury".into();
        d.area_m2 = "55.55".into();
        d.end_unit = true;
        d.structure = "steel".into();
    });
    let p = prices(&[
        ("C410305-0012", None, date!(2024 - 01 - 01), 600_000),
        ("C410305-0012", None, date!(2025 - 01 - 01), 650_000),
        ("C410305-0012", Some("B03"), date!(2024 - 07 - 01), 700_000),
    ]);
    let t = CoefficientTable::luoyang_illustrative();
    let a = assess(&d, &p, &t, date!(2025 - 03 - 01)).unwrap();
    assert_eq!(a.unit_price_per_m2, Fen(842_484));
    assert_eq!(a.total_value, Fen(46_799_986));
    assert_eq!(a.base_price.level, BasePriceLevel::Building);
    assert_eq!(a.base_price.effective_from, date!(2024 - 07 - 01));
    // Before the building price took effect, the community price of 2024 applies.
    let a = assess(&d, &p, &t, date!(2024 - 06 - 30)).unwrap();
    assert_eq!(
        (a.base_price.amount, a.base_price.level),
        (Fen(600_000), BasePriceLevel::Community)
    );
}

#[test]
fn the_product_is_exact_and_rounded_once() {
    // 1 fen × 1.4 × 1.4 = 1.96 → 2 (rounding after each step would give 1).
    let r = |ppm: &[i64]| ppm.iter().map(|&p| Rate::from_ppm(p)).collect::<Vec<_>>();
    assert_eq!(round_product(Fen(1), &r(&[1_400_000, 1_400_000])), Some(2));
    // Half-up at exactly one half.
    assert_eq!(round_product(Fen(1), &r(&[500_000])), Some(1));
    assert_eq!(round_product(Fen(1), &r(&[499_999])), Some(0));
    assert_eq!(round_product(Fen(3), &r(&[500_000, 500_000])), Some(1));
    assert_eq!(round_product(Fen(123_456), &r(&[])), Some(123_456));
    // Sixteen coefficients of 10.0 on the largest base price: computed, then too large.
    let big = vec![Rate::from_ppm(MAX_COEFFICIENT_PPM); MAX_DIMENSIONS];
    assert_eq!(round_product(Fen(MAX_BASE_PRICE_FEN), &big), None);
    assert_eq!(round_product(Fen(1), &r(&[1_000_001; 16])), Some(1));
    assert_eq!(round_product(Fen(-1), &r(&[1_000_000])), None);
}

/// The product as first written: every limb of eight, one division by 10^6 per
/// coefficient. The oracle for the faster one.
fn reference_round_product(base: i64, ppm: &[i64]) -> Option<i64> {
    fn mul(w: &mut [u64; 8], m: u64) -> bool {
        let mut carry: u128 = 0;
        for limb in w.iter_mut() {
            let p = u128::from(*limb) * u128::from(m) + carry;
            *limb = p as u64;
            carry = p >> 64;
        }
        carry == 0
    }
    fn div(w: &mut [u64; 8], d: u64) {
        let mut rem: u128 = 0;
        for limb in w.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = (cur / u128::from(d)) as u64;
            rem = cur % u128::from(d);
        }
    }
    let (mut n, mut d) = ([0_u64; 8], [0_u64; 8]);
    n[0] = u64::try_from(base).ok()?;
    d[0] = 1;
    for &c in ppm {
        if !mul(&mut n, u64::try_from(c).ok()?) || !mul(&mut d, 1_000_000) {
            return None;
        }
    }
    if !mul(&mut n, 2) {
        return None;
    }
    let mut carry = false;
    for (a, b) in n.iter_mut().zip(d) {
        let (s1, c1) = a.overflowing_add(b);
        let (s2, c2) = s1.overflowing_add(u64::from(carry));
        *a = s2;
        carry = c1 || c2;
    }
    if carry {
        return None;
    }
    div(&mut n, 2);
    for _ in ppm {
        div(&mut n, 1_000_000);
    }
    if n[1..].iter().any(|&l| l != 0) {
        return None;
    }
    i64::try_from(n[0]).ok()
}

#[test]
fn the_product_agrees_with_the_plain_long_arithmetic() {
    let mut rng = crate::valuation::demo::SplitMix64::new(2026);
    for case in 0..20_000 {
        let k = rng.below(17) as usize;
        let base = match case % 4 {
            0 => rng.between(0, 10),
            1 => rng.between(0, MAX_BASE_PRICE_FEN),
            _ => rng.between(100_000, 5_000_000),
        };
        let ppm: Vec<i64> = (0..k)
            .map(|_| match rng.below(5) {
                0 => rng.between(0, MAX_COEFFICIENT_PPM),
                1 => 500_000,
                _ => rng.between(800_000, 1_200_000),
            })
            .collect();
        let rates: Vec<Rate> = ppm.iter().map(|&p| Rate::from_ppm(p)).collect();
        assert_eq!(
            round_product(Fen(base), &rates),
            reference_round_product(base, &ppm),
            "base {base}, ppm {ppm:?}"
        );
    }
}

#[test]
fn refuses_what_it_cannot_assess() {
    let t = CoefficientTable::luoyang_illustrative();
    let d = dwelling(|_| {});
    let p = prices(&[("C410305-0012", None, date!(2024 - 03 - 01), 800_000)]);
    let e = assess(&d, &p, &t, date!(2024 - 02 - 01)).unwrap_err();
    assert_eq!(e.code(), "VAL_BASE_PRICE_NOT_YET_EFFECTIVE");
    assert_eq!(
        e,
        AssessError::BeforeFirstBasePrice {
            on: date!(2024 - 02 - 01),
            earliest: date!(2024 - 03 - 01)
        }
    );
    let e = assess(&d, &BasePrices::default(), &t, date!(2025 - 01 - 01)).unwrap_err();
    assert_eq!(e.code(), "VAL_NO_BASE_PRICE");
    let e = assess(&d, &p, &t, date!(2023 - 12 - 31)).unwrap_err();
    assert_eq!(e.code(), "VAL_TABLE_NOT_YET_EFFECTIVE");
    let far = dwelling(|d| d.unit_code = "410102001002GB00012F00031201".into());
    assert_eq!(
        assess(&far, &p, &t, date!(2025 - 01 - 01))
            .unwrap_err()
            .code(),
        "VAL_TABLE_WRONG_CITY"
    );
    let future = dwelling(|d| d.build_year = 2026);
    let e = assess(&future, &p, &t, date!(2025 - 01 - 01)).unwrap_err();
    assert_eq!(e.code(), "VAL_BUILT_AFTER_ASSESSMENT_DATE");
    assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
}

#[test]
fn a_table_without_a_dimension_does_not_apply_it() {
    let mut data = TableData::from(CoefficientTable::luoyang_illustrative());
    data.rows
        .retain(|r| r.dimension != Dimension::View && r.dimension != Dimension::Area);
    let t = CoefficientTable::new(data).unwrap();
    let d = dwelling(|d| d.view = "river".into());
    let p = prices(&[("C410305-0012", None, date!(2024 - 01 - 01), 800_000)]);
    let a = assess(&d, &p, &t, date!(2025 - 06 - 30)).unwrap();
    assert_eq!(a.factors.len(), 8);
    assert!(a.factors.iter().all(|f| f.dimension != Dimension::View));
    // Same as case 1, whose view and area coefficients were 1.00.
    assert_eq!(a.unit_price_per_m2, Fen(913_833));
}

#[test]
fn assessments_serialise_with_every_named_input() {
    let d = dwelling(|_| {});
    let p = prices(&[("C410305-0012", None, date!(2024 - 01 - 01), 800_000)]);
    let a = assess(
        &d,
        &p,
        &CoefficientTable::luoyang_illustrative(),
        date!(2025 - 06 - 30),
    )
    .unwrap();
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["unit_code"], "410305001002GB00012F00031201");
    assert_eq!(v["assessed_on"], "2025-06-30");
    assert_eq!(v["unit_price_per_m2"], 913_833);
    assert_eq!(v["total_value"], 109_659_960);
    assert_eq!(v["area_m2"], "120.00");
    assert_eq!(v["base_price"]["effective_from"], "2024-01-01");
    assert_eq!(v["base_price"]["level"], "community");
    assert_eq!(
        v["rounding"],
        "unit_price_half_up_fen_then_total_half_up_fen"
    );
    assert_eq!(v["factors"][0]["dimension"], "floor_position");
    assert_eq!(v["factors"][0]["coefficient_ppm"], 1_030_000);
    let back: Assessment = serde_json::from_value(v).unwrap();
    assert_eq!(back, a);
}

#[test]
fn assess_many_keeps_order_and_per_dwelling_errors() {
    let t = CoefficientTable::luoyang_illustrative();
    let ok = dwelling(|_| {});
    let missing = dwelling(|d| d.community_id = "C-none".into());
    let p = prices(&[("C410305-0012", None, date!(2024 - 01 - 01), 800_000)]);
    let out = assess_many(&[ok.clone(), missing, ok], &p, &t, date!(2025 - 06 - 30));
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().unit_price_per_m2, Fen(913_833));
    assert_eq!(out[1].as_ref().unwrap_err().code(), "VAL_NO_BASE_PRICE");
    assert_eq!(out[0], out[2]);
}

proptest! {
    /// The same inputs always give the same answer; a higher coefficient never lowers the
    /// unit price; the total is the unit price times the area within half a fen.
    #[test]
    fn model_invariants(
        base in 1_i64..=10_000_000,
        coefficients in proptest::collection::vec(1_i64..=2_000_000, 0..=16),
        bump in 0_usize..16,
        area in 1_i64..=1_000_000,
    ) {
        let rates: Vec<Rate> = coefficients.iter().map(|&c| Rate::from_ppm(c)).collect();
        let unit = round_product(Fen(base), &rates).unwrap();
        prop_assert_eq!(round_product(Fen(base), &rates), Some(unit));
        if !rates.is_empty() {
            let mut higher = rates.clone();
            let i = bump % higher.len();
            higher[i] = Rate::from_ppm(higher[i].ppm() + 1);
            prop_assert!(round_product(Fen(base), &higher).unwrap() >= unit);
        }
        // Against a direct i128 computation when it fits (up to 4 coefficients).
        if rates.len() <= 4 {
            let mut n: i128 = i128::from(base);
            let mut d: i128 = 1;
            for c in &rates {
                n *= i128::from(c.ppm());
                d *= 1_000_000;
            }
            prop_assert_eq!(unit, crate::money::div_half_up(n, d));
        }
        let total = crate::money::div_half_up(i128::from(unit) * i128::from(area), 100);
        prop_assert!((i128::from(total) * 100 - i128::from(unit) * i128::from(area)).abs() <= 50);
    }
}
