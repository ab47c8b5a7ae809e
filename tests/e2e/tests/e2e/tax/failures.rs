//! When the valuation cannot give a price: a clear problem and nothing stored.

use super::*;

#[tokio::test]
async fn valuation_out_of_reach_is_503_and_nothing_is_stored() {
    // Tax may not reach valuation: the chained call fails.
    let t = start_with(r#""http://tax.spin.internal""#).await;
    let (unit, area) = t.demo_unit().await;
    let c = contract(&unit, &area, &[]);
    let mut with_pledge = c.clone();
    with_pledge["pledge"] =
        json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
    let (status, p) = t.assess(&citizen("buyer-1"), &with_pledge).await;
    assert_eq!(status, 503, "{p}");
    assert_eq!(p["code"], "TAX_VALUATION_UNAVAILABLE");
    assert!(p["detail"].as_str().unwrap().contains("评估"), "{p}");
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);
    t.app.shutdown().await;
}

#[tokio::test]
async fn an_unknown_unit_is_404_and_a_missing_count_source_is_400() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(UNKNOWN_UNIT, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
    let (status, p) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("TAX_UNIT_NOT_FOUND")),
        "{p}"
    );
    // No registry answer and no pledge: the count cannot be made.
    let (status, p) = t
        .assess(&citizen("buyer-1"), &contract(&unit, &area, &[]))
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("TAX_HOUSE_COUNT_NO_SOURCE")),
        "{p}"
    );
    // A bad ID number names the field.
    let mut bad = contract(&unit, &area, &[]);
    let good = buyer_id();
    let wrong_check = if good.ends_with('1') { '2' } else { '1' };
    bad["buyer"]["id_number"] = json!(format!("{}{wrong_check}", &good[..17]));
    let (status, p) = t.assess(&citizen("buyer-1"), &bad).await;
    assert_eq!(status, 400, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("/buyer/id_number"),
        "{p}"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);
    t.app.shutdown().await;
}
