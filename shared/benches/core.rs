//! Criterion benchmarks of the core's hot paths, one per request kind the functions
//! serve: the valuation of one dwelling, one transfer-tax assessment, one billing
//! step of a metered socket, and one signature check (device HMAC, user token).
//!
//! Run with `cargo bench -p yingshang-core --bench core`; results and what limits
//! them are in `BENCHMARKS.md`. Inputs are built once, outside the measured loop.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use yingshang_core::metering::{
    Baseline, DeciCelsius, DeciVolt, MeterId, MilliAmp, PeriodPrices, PricePerKwh, Reading,
    RelayState, Session, SocketModel, Tariff, TariffPlan, TouTariff, Watt, Wh, apply_reading,
};
use yingshang_core::money::Fen;
use yingshang_core::security::Subject;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::device::{
    DEFAULT_WINDOW_SECS, DeviceRequestParts, sign_device_request, verify_device_request,
};
use yingshang_core::security::token::{Claims, SigningKey, VerifierConfig, issue, verify};
use yingshang_core::tax::{
    CountSource, HouseCount, LocationClass, PropertyUse, RuleSet, SellerFacts, TransferInput,
};
use yingshang_core::valuation::demo::{DemoRegister, DemoScale};
use yingshang_core::valuation::{BasePrices, CoefficientTable, assess};

/// One dwelling of the demo register, assessed against the register's base prices
/// and the illustrative Luoyang table (what `GET /api/valuation/...` computes).
fn valuation(c: &mut Criterion) {
    let register = DemoRegister::new(42, DemoScale::Small);
    let prices = BasePrices::new(register.base_prices()).expect("demo base prices");
    let table = CoefficientTable::luoyang_illustrative();
    let dwelling = register.dwellings().nth(1234).expect("a demo dwelling");
    let on = date!(2025 - 06 - 30);
    assess(&dwelling, &prices, &table, on).expect("the demo dwelling is assessable");
    c.bench_function("valuation::assess (one dwelling)", |b| {
        b.iter(|| assess(black_box(&dwelling), &prices, &table, black_box(on)))
    });
}

/// One second-hand transfer assessed under the built-in 2026 rules (VAT,
/// surcharges, deed tax, individual income tax).
fn tax(c: &mut Criterion) {
    let history = RuleSet::builtin_history();
    let input = TransferInput {
        unit_code: "410302-001-0001".to_owned(),
        contract_price: Fen::parse_yuan("1200000.00").expect("yuan"),
        assessed_price: Fen::parse_yuan("1250000.00").expect("yuan"),
        area: yingshang_core::tax::Area::parse_m2("120.00").expect("area"),
        contract_date: date!(2026 - 03 - 01),
        tax_date: date!(2026 - 03 - 10),
        usage: PropertyUse::Residential,
        location: LocationClass::City,
        buyer_house_count: HouseCount::stated(1, CountSource::Registry),
        seller: SellerFacts {
            certificate_date: Some(date!(2020 - 03 - 01)),
            old_deed_tax_paid_on: None,
            family_only_home: false,
            original_value: None,
            renovation_costs: Fen::ZERO,
            former_public_housing: false,
            loan_interest: Fen::ZERO,
            fees: Fen::ZERO,
        },
    };
    let rules = RuleSet::select(&history, input.tax_date).expect("rules in force");
    yingshang_core::tax::assess(rules, &input).expect("assessable");
    c.bench_function("tax::assess (one transfer)", |b| {
        b.iter(|| yingshang_core::tax::assess(rules, black_box(&input)))
    });
}

/// One reading billed on an active session under Henan's 2024 time-of-use tariff,
/// across a peak boundary (the meter webhook's core step).
fn metering(c: &mut Criterion) {
    let start: OffsetDateTime = datetime!(2025-06-10 15:30 +8);
    let prices = PeriodPrices {
        critical: PricePerKwh::from_fen(120),
        peak: PricePerKwh::from_fen(100),
        flat: PricePerKwh::from_fen(60),
        valley: PricePerKwh::from_fen(30),
    };
    let plan = TariffPlan::single(Tariff::TimeOfUse(TouTariff::henan_2024(prices)));
    let model = SocketModel::with_defaults("S10", MilliAmp(10_000)).expect("model");
    let session = Session::new(
        MeterId::parse("123456789012").expect("meter id"),
        Fen(1000),
        start - Duration::minutes(1),
    )
    .and_then(|s| {
        s.activate(
            start,
            Some(Baseline {
                register: Wh(50_000),
                at: start,
            }),
        )
    })
    .expect("active session");
    let reading = Reading {
        seq: 1,
        at: start + Duration::hours(1),
        register: Wh(50_440),
        voltage: DeciVolt(2200),
        current: MilliAmp(2000),
        power: Watt(440),
        temperature: DeciCelsius(300),
        residual: MilliAmp(0),
        relay: RelayState::On,
        events: vec![],
    };
    c.bench_function("metering::apply_reading (one step)", |b| {
        b.iter(|| apply_reading(black_box(&session), black_box(&reading), &plan, &model))
    });
}

/// The checks at the door of every request: a device's HMAC over a webhook body,
/// and a user's bearer token (HS256 and Ed25519).
fn signatures(c: &mut Criterion) {
    const SECRET: &[u8] = b"meter-secret-0001";
    let now = datetime!(2025-01-15 12:00 UTC);
    let path = "/api/metering/readings?site=xc-01";
    let body = br#"{"seq":1,"register_wh":50440,"voltage_dv":2200,"current_ma":2000}"#;
    let ts = now.unix_timestamp().to_string();
    let sig = sign_device_request(
        "POST",
        path,
        now.unix_timestamp(),
        "n0nce_abcdefghij",
        body,
        SECRET,
    )
    .expect("signing");
    let parts = DeviceRequestParts {
        method: "POST",
        path_and_query: path,
        device_id: Some("123456789012"),
        timestamp: Some(&ts),
        nonce: Some("n0nce_abcdefghij"),
        signature: Some(&sig),
        body,
    };
    verify_device_request(&parts, SECRET, now, DEFAULT_WINDOW_SECS).expect("valid");
    c.bench_function("security::device verify (HMAC-SHA256)", |b| {
        b.iter(|| verify_device_request(black_box(&parts), SECRET, now, DEFAULT_WINDOW_SECS))
    });

    let claims = Claims::new(
        Subject::parse("demo-citizen").expect("subject"),
        Membership::Citizen,
        now,
        Duration::hours(12),
    );
    for (name, key) in [
        (
            "security::token verify (HS256)",
            SigningKey::hs256(b"bench-secret-0123456789abcdef-0123").expect("key"),
        ),
        (
            "security::token verify (Ed25519)",
            SigningKey::ed25519_from_seed(&[7; 32]),
        ),
    ] {
        let token = issue(&claims, &key);
        let config = VerifierConfig::new(key.verifying_key());
        verify(&token, &config, now).expect("valid");
        c.bench_function(name, |b| b.iter(|| verify(black_box(&token), &config, now)));
    }
}

/// The group lives in a private module: `criterion_group!` makes an undocumented
/// `pub fn`.
mod group {
    use super::*;
    criterion_group!(benches, valuation, tax, metering, signatures);
}
criterion_main!(group::benches);
