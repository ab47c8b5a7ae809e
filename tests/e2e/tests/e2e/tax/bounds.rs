//! Hostile and mistaken inputs answer the client's problem (issue 14, "Also bound"):
//! a valuation that refuses the unit on the contract date (422) is passed through,
//! not reported as an outage; an array where an object is expected is 400.

use super::*;

/// The contract as a positional array: the fields in declaration order, which serde
/// alone would accept as the object.
fn positional(c: &Value) -> Value {
    let b = &c["buyer"];
    let s = &c["seller"];
    json!([
        c["unit_code"],
        c["contract_price_fen"],
        c["area_m2"],
        c["contract_date"],
        null,
        c["usage"],
        c["location"],
        [
            b["id_number"],
            b["account"],
            null,
            b["spouse_id_number"],
            b["children_id_numbers"]
        ],
        [s["id_number"], s["account"], null, s["facts"]],
        c["pledge"],
        c["documents"],
    ])
}

#[tokio::test]
async fn a_valuation_refusal_is_the_clients_problem_and_nothing_is_stored() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(&unit, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2023-06-30", "homes_owned": 0 });
    // Before the valuation's coefficient tables and base prices: valuation answers 422.
    c["contract_date"] = json!("2023-06-30");
    let r = t
        .post("/api/tax/assessments")
        .bearer_auth(citizen("buyer-1"))
        .header("accept-language", "en")
        .json(&c)
        .send()
        .await
        .unwrap();
    let (status, p) = body(r).await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["code"], "TAX_VALUATION_REFUSED");
    let cause = &p["errors"][0];
    assert_eq!(cause["pointer"], "/unit_code");
    assert!(
        cause["code"].as_str().unwrap().starts_with("VAL_"),
        "valuation's own code: {p}"
    );
    // In the caller's language, valuation's words included.
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the valuation service cannot value this unit"),
        "{p}"
    );
    assert_eq!(
        cause["message"].as_str().map(|m| detail.ends_with(m)),
        Some(true)
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);

    // An unknown unit stays 404, an unreachable valuation 503 (failures.rs).
    c["unit_code"] = json!(UNKNOWN_UNIT);
    let (status, p) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("TAX_UNIT_NOT_FOUND"))
    );
    t.app.shutdown().await;
}

#[tokio::test]
async fn an_array_where_an_object_is_expected_is_400() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(&unit, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });

    let (status, p) = t.assess(&citizen("buyer-1"), &positional(&c)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("REQ_FIELD_INVALID")),
        "{p}"
    );
    assert_eq!(p["errors"][0]["pointer"], "");
    let mut nested = c.clone();
    nested["buyer"] = positional(&c)[7].clone();
    let (status, p) = t.assess(&citizen("buyer-1"), &nested).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("REQ_FIELD_INVALID")),
        "{p}"
    );
    assert_eq!(p["errors"][0]["pointer"], "/buyer");
    for empty in [json!([]), json!([c.clone()])] {
        let (status, p) = t.assess(&citizen("buyer-1"), &empty).await;
        assert_eq!(status, 400, "{p}");
    }
    // A registry batch too: its persons are objects.
    let registry = t.agency_key(2, "tax:registry").await;
    let (status, p) = body(
        t.post("/api/tax/registry/holdings")
            .header("x-api-key", &registry)
            .json(&json!({ "persons": [[buyer_id(), []]] }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/persons/0")),
        "{p}"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM tax_registry_holdings").await,
        0
    );

    // The same contract as an object is assessed.
    let (status, a) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(status, 201, "{a}");
    t.app.shutdown().await;
}
