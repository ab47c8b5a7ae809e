//! What the justice bureau watches: warnings of several agencies inspecting one
//! enterprise within a month, repeated inspections, inspections never checked out; and
//! the monthly statistics per agency, public, without enterprise names, as JSON and CSV.

use super::*;

/// This month in China Standard Time, `YYYY-MM`.
fn this_month() -> String {
    (OffsetDateTime::now_utc() + time::Duration::hours(8))
        .date()
        .to_string()[..7]
        .to_owned()
}

#[tokio::test]
async fn the_justice_bureau_is_warned_of_multi_agency_inspections_and_missing_checkouts() {
    let c = start().await;
    let ent = demo_enterprise(20);
    let market = c.inspect(&ent).await;
    c.leave(market["id"].as_str().unwrap()).await;
    let url = c.code_url(&ent).await;
    let fire = json!({ "code": url, "kind": "routine", "item": "XF-01", "approval_ref": "济消检〔2026〕3号" });
    assert_eq!(c.scan(FIRE, "fire-zhao", &fire).await.0, 202);
    let (s, fire_started) = c.scan(FIRE, "fire-sun", &fire).await;
    assert_eq!(s, 201, "{fire_started}");
    // Another enterprise: a market inspection two days old never checked out.
    let open = c.inspect(&demo_enterprise(21)).await;
    let open_id = open["id"].as_str().unwrap();
    c.age(open_id, 2).await;

    let (s, p) = c.get_as(&Who::Staff(MARKET), "/warnings").await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("CHECKIN_JUSTICE_BUREAU_ONLY"))
    );
    let (s, w) = c.get_as(&Who::Staff(JUSTICE), "/warnings").await;
    assert_eq!(s, 200, "{w}");
    let warnings = w["warnings"].as_array().unwrap();
    let multi = warnings
        .iter()
        .find(|x| x["kind"] == "multi_agency")
        .expect("a multi-agency warning");
    assert_eq!(multi["enterprise"], ent.as_str());
    assert_eq!(multi["agencies"], json!([FIRE, MARKET]));
    assert!(
        multi["suggestion_zh"]
            .as_str()
            .unwrap()
            .contains("联合检查")
    );
    let missing = warnings
        .iter()
        .find(|x| x["kind"] == "no_checkout")
        .expect("a missing check-out");
    assert_eq!(missing["inspection"], open_id);
    // The fire inspection of today is still within its day: no warning for it.
    assert!(
        !warnings
            .iter()
            .any(|x| x["kind"] == "no_checkout" && x["inspection"] == fire_started["id"])
    );
    let (s, p) = c.get_as(&Who::Staff(JUSTICE), "/warnings?days=9999").await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("CHECKIN_FIELD_INVALID"))
    );
}

#[tokio::test]
async fn monthly_statistics_count_per_agency_compare_a_year_earlier_and_name_no_enterprise() {
    let c = start().await;
    let ent = demo_enterprise(22);
    let a = c.inspect(&ent).await;
    c.leave(a["id"].as_str().unwrap()).await;
    let url = c.code_url(&ent).await;
    let case = json!({ "code": url, "kind": "case", "reason": "hotline_12345", "item": "SC-PRICE-03", "approval_ref": "济市监案〔2026〕9号" });
    assert_eq!(c.scan(MARKET, "officer-zhang", &case).await.0, 202);
    let (s, b) = c.scan(MARKET, "officer-li", &case).await;
    assert_eq!(s, 201, "{b}");
    c.leave(b["id"].as_str().unwrap()).await;
    // A third inspection, moved to the same month a year earlier.
    let last_year = c.inspect(&demo_enterprise(23)).await;
    let today = (OffsetDateTime::now_utc() + time::Duration::hours(8)).date();
    let a_year_earlier = today.replace_year(today.year() - 1).unwrap_or_else(|_| {
        today
            .replace_day(28)
            .unwrap()
            .replace_year(today.year() - 1)
            .unwrap()
    });
    c.age(
        last_year["id"].as_str().unwrap(),
        (today - a_year_earlier).whole_days(),
    )
    .await;

    let month = this_month();
    let (s, stats) = c
        .get_as(&Who::Anonymous, &format!("/stats/monthly?month={month}"))
        .await;
    assert_eq!(s, 200, "{stats}");
    let market = stats["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["agency"] == MARKET)
        .unwrap();
    assert_eq!(market["scans"], 6);
    assert_eq!(market["routine"], 1);
    assert_eq!(market["case_driven"], 1);
    assert_eq!(market["inspections"], 2);
    assert_eq!(market["case_driven_share_permille"], 500);
    assert_eq!(market["late"], 0);
    let text = stats.to_string();
    assert!(!text.contains(&ent), "no enterprise in the statistics");
    assert!(!text.contains("济源市"), "no enterprise names");
    assert_eq!(market["inspections_a_year_earlier"], 1);
    assert_eq!(market["change_permille"], 1000, "two against one");
    // As CSV: a BOM, the Chinese header, one row per agency and the total.
    let r = reqwest::Client::new()
        .get(c.url(&format!("/stats/monthly?month={month}&format=csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}月份,机关,扫码次数"), "{csv}");
    assert!(
        csv.contains(&format!("{month},{MARKET},6,1,1,0,2,0,0,50.0,")),
        "{csv}"
    );
    assert!(csv.contains(&format!("{month},total,")));
    for bad in ["2026-13", "26-12", "9999-01"] {
        let (s, p) = c
            .get_as(&Who::Anonymous, &format!("/stats/monthly?month={bad}"))
            .await;
        assert_eq!(
            (s, p["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("CHECKIN_FIELD_INVALID")),
            "{bad}"
        );
    }
}
