//! The family through the API: a child of 17 on the contract date is a member whose
//! homes count; a child who turns 18 that day is not. Without a registry answer the
//! buyer's pledge is used, recorded and said so.

use super::*;

#[tokio::test]
async fn a_child_of_17_is_counted_and_a_child_of_18_is_not() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let registry = t.agency_key(2, "tax:registry").await;
    // 17 on 2026-03-01 (18 the next day); 18 on 2026-03-01 exactly.
    let minor = id_number(time::macros::date!(2008 - 03 - 02), 44);
    let adult = id_number(time::macros::date!(2008 - 03 - 01), 55);
    let batch = json!({ "persons": [
        { "id_number": buyer_id(), "holdings": [] },
        { "id_number": minor, "holdings": [{ "unit_code": "410302-MINOR-0001", "residential": true }] },
        { "id_number": adult, "holdings": [{ "unit_code": "410302-ADULT-0001", "residential": true }] },
    ]});
    let (status, v) = body(
        t.post("/api/tax/registry/holdings")
            .header("x-api-key", &registry)
            .json(&batch)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status.as_u16(), &v["imported"]), (200, &json!(3)));

    let (status, a) = t
        .assess(
            &citizen("buyer-1"),
            &contract(&unit, &area, std::slice::from_ref(&minor)),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["house_count"]["homes_owned"], 1);
    assert_eq!(a["assessment"]["buyer_rank"], "second");
    assert!(
        a["family"]["members"]
            .as_array()
            .unwrap()
            .contains(&json!(minor))
    );

    let (status, b) = t
        .assess(
            &citizen("buyer-1"),
            &contract(&unit, &area, std::slice::from_ref(&adult)),
        )
        .await;
    assert_eq!(status, 201, "{b}");
    assert_eq!(b["house_count"]["homes_owned"], 0);
    assert_eq!(b["assessment"]["buyer_rank"], "first");
    assert_eq!(b["family"]["adult_children_excluded"], json!([adult]));

    // Without the import scope the registry refuses.
    let reader = t.agency_key(3, "valuation:read").await;
    let r = t
        .put(&format!("/api/tax/registry/holdings/{}", buyer_id()))
        .header("x-api-key", &reader)
        .json(&json!({ "holdings": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    t.app.shutdown().await;
}

#[tokio::test]
async fn without_a_registry_answer_the_pledge_is_used_and_said_so() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(&unit, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-02-28", "homes_owned": 2 });
    let (status, a) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["house_count"]["source"], "pledge");
    assert_eq!(a["assessment"]["buyer_rank"], "third_or_later");
    assert_eq!(a["assessment"]["house_count_source"], "pledge");
    assert_eq!(a["notes"][0]["code"], "TAX_HOUSE_COUNT_FROM_PLEDGE");
    assert_eq!(a["pledge"]["homes_owned"], 2);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM tax_assessments WHERE house_count_source = 'pledge'")
            .await,
        1
    );
    t.app.shutdown().await;
}
