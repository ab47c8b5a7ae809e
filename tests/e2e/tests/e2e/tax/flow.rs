//! An assessment through the gateway: the assessed price from the real valuation
//! component, the house count from imported registry holdings, the lines equal to the
//! core's for the same input, idempotent creation, and reading back stored numbers.

use super::*;
use yingshang_core::money::Fen;
use yingshang_core::tax::{
    Area, CountSource, HouseCount, LocationClass, PropertyUse, RuleSet, SellerFacts, TransferInput,
    assess_with_history,
};

#[tokio::test]
async fn an_assessment_uses_the_valuation_price_and_the_cores_numbers() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let price = t.valuation_price(&unit).await;
    let registry = t.agency_key(2, "tax:registry").await;
    // The couple already owns one home, registered under both: this purchase is the
    // family's second. (The buyer holds it too, so the buyer is shown its unit code.)
    t.holdings(&registry, &buyer_id(), &["410302-OTHER-0001"])
        .await;
    t.holdings(&registry, &spouse_id(), &["410302-OTHER-0001"])
        .await;

    let c = contract(&unit, &area, &[]);
    let send = |key: &'static str| {
        t.post("/api/tax/assessments")
            .bearer_auth(citizen("buyer-1"))
            .header("idempotency-key", key)
            .json(&c)
            .send()
    };
    let (status, a) = body(send("assess-0001").await.unwrap()).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["assessed_price_fen"], price);
    assert_eq!(a["contract_price_fen"], 120_000_000_i64);
    assert_eq!(a["house_count"]["source"], "registry");
    assert_eq!(a["house_count"]["homes_owned"], 1);
    assert_eq!(
        a["house_count"]["counted_units"],
        json!(["410302-OTHER-0001"])
    );
    assert_eq!(a["status"], "assessed");
    assert_eq!(a["rule_set_version"], "henan-2026-01-01");

    // The same input through the core, to the fen.
    let input = TransferInput {
        unit_code: unit.clone(),
        contract_price: Fen(120_000_000),
        assessed_price: Fen(price),
        area: Area::parse_m2(&area).unwrap(),
        contract_date: CONTRACT_DATE,
        tax_date: CONTRACT_DATE,
        usage: PropertyUse::Residential,
        location: LocationClass::City,
        buyer_house_count: HouseCount {
            homes_owned: 1,
            rank: yingshang_core::tax::HomeRank::Second,
            source: CountSource::Registry,
            counted_units: vec!["410302-OTHER-0001".to_owned()],
        },
        seller: SellerFacts {
            certificate_date: Some(time::macros::date!(2020 - 03 - 01)),
            old_deed_tax_paid_on: None,
            family_only_home: false,
            original_value: None,
            renovation_costs: Fen::ZERO,
            former_public_housing: false,
            loan_interest: Fen::ZERO,
            fees: Fen::ZERO,
        },
    };
    let core = assess_with_history(&RuleSet::builtin_history(), &input).unwrap();
    assert_eq!(a["assessment"], serde_json::to_value(&core).unwrap());
    assert!(core.totals.overall.get() > 0);

    // A retry with the same key answers the same assessment; nothing new is stored.
    let r = send("assess-0001").await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let (status, again) = body(r).await;
    assert_eq!((status.as_u16(), &again), (201, &a));
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 1);

    // Readers: the buyer, the seller, an officer; not a stranger, not an agency key.
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/tax/assessments/{id}");
    for who in [citizen("buyer-1"), citizen("seller-1"), officer()] {
        let (status, read) = body(t.get(&path).bearer_auth(who).send().await.unwrap()).await;
        assert_eq!((status.as_u16(), &read), (200, &a));
    }
    let (status, p) = body(
        t.get(&path)
            .bearer_auth(citizen("stranger"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_NOT_A_PARTY"))
    );
    let (status, _) = body(
        t.get(&path)
            .header("x-api-key", &registry)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    // Nor may a stranger assess someone else's contract.
    let (status, p) = t.assess(&citizen("stranger"), &c).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_NOT_A_PARTY"))
    );

    // The valuation's prices change (a new base price): the stored assessment is read
    // back with the numbers it was made with, never recomputed.
    let db = default_db(&t.app).await;
    sqlx::query("UPDATE base_prices SET price_per_m2_fen = price_per_m2_fen * 2")
        .execute(&db)
        .await
        .unwrap();
    assert_ne!(t.valuation_price(&unit).await, price);
    let (status, read) = body(t.get(&path).bearer_auth(officer()).send().await.unwrap()).await;
    assert_eq!((status.as_u16(), &read), (200, &a));
    // A new assessment of the same contract takes the new price.
    let (status, fresh) = t.assess(&officer(), &c).await;
    assert_eq!(status, 201, "{fresh}");
    assert_ne!(fresh["assessed_price_fen"], a["assessed_price_fen"]);
    t.app.shutdown().await;
}
