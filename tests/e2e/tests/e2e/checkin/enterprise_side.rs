//! The enterprise's side: it sees every inspection of itself and only those, rates one
//! after the check-out, complains about one (a complaints case by service chaining),
//! and reports officers who entered without scanning (a case the discipline office
//! leads). Officers see their agency's inspections; the justice bureau sees all.

use super::*;

#[tokio::test]
async fn the_enterprise_sees_and_rates_its_inspections_and_nobody_elses() {
    let c = start().await;
    let ent = demo_enterprise(11);
    let other = demo_enterprise(12);
    let started = c.inspect(&ent).await;
    let id = started["id"].as_str().unwrap().to_owned();
    c.inspect(&other).await;

    let me = Who::Enterprise(ent.clone());
    let (s, list) = c.get_as(&me, "/inspections").await;
    assert_eq!(s, 200, "{list}");
    let ids: Vec<&str> = list["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    // Rating before the check-out is refused; after, once.
    let rating = json!({ "stars": 5, "comment": "出示执法证，流程规范" });
    let (s, p) = c
        .post_as(&me, &format!("/inspections/{id}/rating"), &rating)
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_RATING_BEFORE_LEAVING"))
    );
    c.leave(&id).await;
    let (s, p) = c
        .post_as(
            &me,
            &format!("/inspections/{id}/rating"),
            &json!({ "stars": 6 }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("CHECKIN_FIELD_INVALID")
        )
    );
    let (s, rated) = c
        .post_as(&me, &format!("/inspections/{id}/rating"), &rating)
        .await;
    assert_eq!(s, 200, "{rated}");
    assert_eq!(rated["rating"]["stars"], 5);
    let (s, p) = c
        .post_as(&me, &format!("/inspections/{id}/rating"), &rating)
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_ALREADY_RATED"))
    );

    // Another enterprise learns nothing of it, nor may it rate it.
    let stranger = Who::Enterprise(other.clone());
    let (s, p) = c.get_as(&stranger, &format!("/inspections/{id}")).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("CHECKIN_INSPECTION_NOT_FOUND"))
    );
    let (s, _) = c
        .post_as(&stranger, &format!("/inspections/{id}/rating"), &rating)
        .await;
    assert_eq!(s, 404);
    // Officers of another agency do not see it; its agency's staff and the justice bureau do.
    let (s, _) = c
        .get_as(
            &Who::Officer(FIRE, "fire-zhao"),
            &format!("/inspections/{id}"),
        )
        .await;
    assert_eq!(s, 404);
    let (s, fire_list) = c.get_as(&Who::Staff(FIRE), "/inspections").await;
    assert_eq!(s, 200);
    assert_eq!(fire_list["inspections"].as_array().unwrap().len(), 0);
    let (s, market_list) = c
        .get_as(
            &Who::Staff(MARKET),
            &format!("/inspections?enterprise={ent}"),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(market_list["inspections"].as_array().unwrap().len(), 1);
    let (s, all) = c.get_as(&Who::Staff(JUSTICE), "/inspections?limit=1").await;
    assert_eq!(s, 200, "{all}");
    assert_eq!(all["inspections"].as_array().unwrap().len(), 1);
    let next = all["next"]
        .as_str()
        .expect("a second page")
        .replace("/api/checkin", "");
    let (s, page2) = c.get_as(&Who::Staff(JUSTICE), &next).await;
    assert_eq!(s, 200);
    assert_eq!(page2["inspections"].as_array().unwrap().len(), 1);
    assert_ne!(page2["inspections"][0]["id"], all["inspections"][0]["id"]);
    let (s, _) = c.get_as(&Who::Citizen, "/inspections").await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_complaint_about_an_inspection_becomes_a_complaints_case() {
    let c = start().await;
    let ent = demo_enterprise(13);
    let started = c.inspect(&ent).await;
    let id = started["id"].as_str().unwrap();
    let me = Who::Enterprise(ent.clone());
    let (s, complained) = c
        .post_as(
            &me,
            &format!("/inspections/{id}/complaint"),
            &json!({ "description": "检查人员要求提供与检查事项无关的财务资料。" }),
        )
        .await;
    assert_eq!(s, 201, "{complained}");
    let case = complained["complaint_case"].as_str().unwrap();
    // The case is the complaints function's, filed as the enterprise through the code.
    let (s, filed) = body(
        reqwest::Client::new()
            .get(format!("{}/api/complaints/cases/{case}", c.app.base))
            .bearer_auth(token(
                "ent-user",
                Membership::Enterprise(CreditCode::parse(&ent).unwrap()),
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{filed}");
    assert_eq!(filed["case"]["category"], "enforcement");
    assert_eq!(filed["case"]["channel"], "qr");
    assert_eq!(filed["case"]["enterprise"], ent.as_str());
    assert!(
        filed["case"]["description"].as_str().unwrap().contains(id),
        "{filed}"
    );
    let (s, p) = c
        .post_as(
            &me,
            &format!("/inspections/{id}/complaint"),
            &json!({ "description": "再投诉一次同一件事。" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_ALREADY_COMPLAINED"))
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM complaints_cases").await, 1);
}

#[tokio::test]
async fn entry_without_a_scan_is_reported_to_the_discipline_office_and_counted() {
    let c = start().await;
    let ent = demo_enterprise(14);
    let me = Who::Enterprise(ent.clone());
    let today = (OffsetDateTime::now_utc() + time::Duration::hours(8))
        .date()
        .to_string();
    let report = json!({ "agency": FIRE, "occurred_on": today, "description": "两名消防人员未扫码、未出示执法证即进入车间检查。" });
    let send = || async {
        let rb = c.auth(reqwest::Client::new().post(c.url("/no-scan-reports")), &me);
        body(
            rb.header("idempotency-key", "no-scan-0001")
                .json(&report)
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let (s, first) = send().await;
    assert_eq!(s, 201, "{first}");
    let (s, again) = send().await;
    assert_eq!(s, 201);
    assert_eq!(first, again, "a retry files nothing twice");
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_no_scan_reports")
            .await,
        1
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM complaints_cases").await, 1);
    let db = default_db(&c.app).await;
    let (category, channel): (String, String) =
        sqlx::query_as("SELECT category, channel FROM complaints_cases")
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    assert_eq!(
        (category.as_str(), channel.as_str()),
        ("enforcement-without-scan", "qr")
    );
    // The catalogue puts the discipline office in the lead of that category.
    let catalogue = yingshang_core::complaints::Catalogue::builtin().unwrap();
    let category = catalogue.category("enforcement-without-scan").unwrap();
    assert_eq!(category.lead.as_str(), "discipline-inspection");
    // Counted against the agency in the public statistics.
    let month = &today[..7];
    let (s, stats) = c
        .get_as(&Who::Anonymous, &format!("/stats/monthly?month={month}"))
        .await;
    assert_eq!(s, 200, "{stats}");
    let fire = stats["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == FIRE)
        .unwrap();
    assert_eq!(fire["no_scan_reports"], 1);
    // Without a key, or in the future, it is refused.
    let (s, p) = c.post_as(&me, "/no-scan-reports", &report).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("CHECKIN_IDEMPOTENCY_KEY_REQUIRED")
        )
    );
    let (s, _) = c
        .post_as(
            &Who::Officer(MARKET, "officer-zhang"),
            "/no-scan-reports",
            &report,
        )
        .await;
    assert_eq!(s, 403);
}
