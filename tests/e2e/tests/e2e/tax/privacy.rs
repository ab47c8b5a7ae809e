//! Registry holdings are personal data (issue 14, item 9). Naming someone's ID number
//! as the buyer must not answer their homes: a citizen asks for an assessment only as
//! the buyer, bound by the verified ID number the token carries. A spouse's or a
//! child's homes are counted, but their unit codes are shown to tax officers only.

use super::*;

/// Someone whose homes the registry knows, and whom an attacker names.
fn victim_id() -> String {
    id_number(time::macros::date!(1975 - 11 - 23), 77)
}
const VICTIM_UNIT: &str = "410302-VICTIM-0001";

#[tokio::test]
async fn naming_someone_else_as_the_buyer_answers_nothing_of_theirs() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let registry = t.agency_key(2, "tax:registry").await;
    t.holdings(&registry, &victim_id(), &[VICTIM_UNIT]).await;

    // The attacker names the victim as the buyer and itself as the buyer's account.
    let mut c = contract(&unit, &area, &[]);
    c["buyer"]["id_number"] = json!(victim_id());
    c["buyer"]["account"] = json!("mallory");
    c["buyer"]["spouse_id_number"] = Value::Null;
    for token in [
        // Not real-name verified.
        citizen("mallory"),
        // Verified, but as someone else.
        verified_citizen(
            "mallory",
            &id_number(time::macros::date!(1988 - 02 - 29), 66),
        ),
    ] {
        let r = t
            .post("/api/tax/assessments")
            .bearer_auth(&token)
            .json(&c)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 403, "{text}");
        let p: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(p["code"], "TAX_BUYER_NOT_VERIFIED");
        assert!(!text.contains(VICTIM_UNIT), "{text}");
        assert!(!text.contains("homes_owned"), "{text}");
    }
    // The seller, verified, is a party but not the buyer: no registry answer either.
    let mut by_seller = contract(&unit, &area, &[]);
    by_seller["buyer"]["id_number"] = json!(victim_id());
    by_seller["buyer"]["spouse_id_number"] = Value::Null;
    let (status, p) = t.assess(&citizen("seller-1"), &by_seller).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_BUYER_NOT_VERIFIED")),
        "{p}"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);

    // The victim, verified, gets the assessment and sees the own home.
    let mut own = by_seller.clone();
    own["buyer"]["account"] = json!("victim-1");
    let (status, a) = t
        .assess(&verified_citizen("victim-1", &victim_id()), &own)
        .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["house_count"]["counted_units"], json!([VICTIM_UNIT]));
    // A tax officer may assess anyone's contract and sees the registry's answer.
    let (status, a) = t.assess(&officer(), &c).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["house_count"]["counted_units"], json!([VICTIM_UNIT]));
    t.app.shutdown().await;
}

#[tokio::test]
async fn a_spouses_and_a_childs_homes_are_counted_but_not_shown() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let registry = t.agency_key(2, "tax:registry").await;
    let child = id_number(time::macros::date!(2015 - 06 - 01), 88);
    t.holdings(&registry, &buyer_id(), &["410302-OWN-0001"])
        .await;
    // The buyer names the victim as the spouse, and a child who holds a home.
    t.holdings(&registry, &victim_id(), &[VICTIM_UNIT]).await;
    t.holdings(&registry, &child, &["410302-CHILD-0001"]).await;
    let mut c = contract(&unit, &area, std::slice::from_ref(&child));
    c["buyer"]["spouse_id_number"] = json!(victim_id());

    let r = t
        .post("/api/tax/assessments")
        .bearer_auth(citizen("buyer-1"))
        .json(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let text = r.text().await.unwrap();
    assert!(!text.contains(VICTIM_UNIT), "{text}");
    assert!(!text.contains("410302-CHILD-0001"), "{text}");
    let a: Value = serde_json::from_str(&text).unwrap();
    // Counted all the same: three homes, the purchase is a third.
    assert_eq!(a["house_count"]["homes_owned"], 3);
    assert_eq!(a["assessment"]["buyer_rank"], "third_or_later");
    assert_eq!(
        a["house_count"]["counted_units"],
        json!(["410302-OWN-0001"])
    );
    let note = a["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "TAX_FAMILY_UNITS_WITHHELD")
        .unwrap_or_else(|| panic!("no withheld note: {a}"));
    assert!(note["text_en"].as_str().unwrap().starts_with("2 home(s)"));
    assert!(a.get("units_shown_to_parties").is_none(), "{a}");

    // The other party reads what the buyer was shown; a tax officer reads every unit.
    let path = format!("/api/tax/assessments/{}", a["id"].as_str().unwrap());
    let (status, seller_view) = body(
        t.get(&path)
            .bearer_auth(citizen("seller-1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status.as_u16(), &seller_view), (200, &a));
    let (status, officer_view) =
        body(t.get(&path).bearer_auth(officer()).send().await.unwrap()).await;
    assert_eq!(status, 200, "{officer_view}");
    assert_eq!(
        officer_view["house_count"]["counted_units"],
        json!(["410302-CHILD-0001", "410302-OWN-0001", VICTIM_UNIT])
    );
    assert!(
        !officer_view["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "TAX_FAMILY_UNITS_WITHHELD")
    );
    t.app.shutdown().await;
}
