//! Sanctions and their paths as users see them: cards and their three-step handling,
//! the triple sanction and the credit feed, a one-click complaint, and staff who
//! reject a qualification with a reason.

use super::flow::{UNTIL, bid, market_with, today};
use super::*;

#[tokio::test]
async fn the_triple_sanction_bars_an_agency_and_the_credit_feed_publishes_it() {
    let (m, item, qualification, agencies, owner) = market_with(2).await;
    let bad = agencies[0].clone();
    let (s, p) = m
        .post_as(
            &Who::Enterprise(owner.clone()),
            &format!("/providers/{bad}/sanctions"),
            &json!({ "misconduct": "fee_fraud", "proven_on": today(), "note": "x" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AUTHZ_ROLE_NOT_ALLOWED"))
    );
    let (s, sanctioned) = m
        .post_as(&Who::Staff, &format!("/providers/{bad}/sanctions"), &json!({ "misconduct": "plagiarised_report", "proven_on": today(), "note": "报告书第三章抄袭他人项目，经核查属实。" }))
        .await;
    assert_eq!(s, 201, "{sanctioned}");
    assert_eq!(sanctioned["barred"], true);
    let frozen = sanctioned["sanctions"][0]["frozen_until"].as_str().unwrap();
    assert_eq!(
        &frozen[..4],
        &(today()[..4].parse::<i32>().unwrap() + 2).to_string()
    );
    let p = m
        .publish(&owner, &item, json!({ "method": "direct" }))
        .await;
    let id = p["id"].as_str().unwrap();
    let (s, refused) = bid(&m, &bad, id, 100).await;
    assert_eq!(
        (s, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_SANCTIONED"))
    );
    let (s, feed) = m.get_as(&Who::Anonymous, "/credit-events").await;
    assert_eq!(s, 200);
    let event = &feed["events"][0];
    assert_eq!(event["provider"], bad.as_str());
    assert_eq!(event["kind"], "triple_sanction");
    assert_eq!(event["event"]["barred_from_projects"], true);
    // The feed is read from where a platform left off.
    let next = feed["next"]
        .as_str()
        .unwrap()
        .replace("/api/intermediary", "");
    let (_, rest) = m.get_as(&Who::Anonymous, &next).await;
    assert_eq!(rest["events"].as_array().unwrap().len(), 0);
    // Entry stays frozen: a new registration under the same code is refused; the
    // other agency bids as usual.
    let (s, again) = m
        .post_as(
            &Who::Enterprise(bad.clone()),
            "/providers",
            &json!({
                "name": "换个名字的同一家公司", "phone": "13800000077",
                "qualifications": [{ "qualification": qualification, "certificate": "NEW-1", "valid_until": UNTIL }],
            }),
        )
        .await;
    assert_eq!(
        (s, again["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_ENTRY_FROZEN"))
    );
    assert_eq!(bid(&m, &agencies[1], id, 100).await.0, 201);
}

#[tokio::test]
async fn a_one_click_complaint_about_an_agency_becomes_a_complaints_case() {
    let (m, _, _, agencies, owner) = market_with(1).await;
    let rb = m.auth(
        reqwest::Client::new().post(m.url(&format!("/providers/{}/complaint", agencies[0]))),
        &Who::Enterprise(owner.clone()),
    );
    let (s, filed) = body(
        rb.header("idempotency-key", "complain-0001")
            .json(&json!({ "description": "合同外另收加急费 2 万元。" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{filed}");
    let case = filed["case"].as_str().unwrap();
    let db = default_db(&m.app).await;
    let (category, enterprise): (String, String) =
        sqlx::query_as("SELECT category, enterprise FROM complaints_cases WHERE id = $1")
            .bind(case)
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    assert_eq!(
        (category.as_str(), enterprise.as_str()),
        ("intermediary-services", owner.as_str())
    );
}

#[tokio::test]
async fn two_low_scores_in_a_row_give_a_yellow_card_and_staff_handle_it_in_three_steps() {
    let m = start().await;
    let (item, qualification) = m.simple_item().await;
    let a = m.qualified_agency(1, &qualification, UNTIL).await;
    let b = m.qualified_agency(2, &qualification, UNTIL).await;
    let c = m.qualified_agency(3, &qualification, UNTIL).await;
    let owner = agency_code(900);
    let me = Who::Enterprise(owner.clone());
    for (round, (q, at, f)) in [
        (95, 95, 95),
        (95, 95, 95),
        (95, 95, 95),
        (50, 50, 60),
        (50, 55, 55),
    ]
    .into_iter()
    .enumerate()
    {
        let p = m
            .publish(&owner, &item, json!({ "method": "direct" }))
            .await;
        let id = p["id"].as_str().unwrap().to_owned();
        for x in [&a, &b, &c] {
            assert_eq!(bid(&m, x, &id, 1000).await.0, 201);
        }
        m.pass_deadline(&id).await;
        m.post_as(&me, &format!("/projects/{id}/close"), &json!({}))
            .await;
        m.post_as(
            &me,
            &format!("/projects/{id}/choice"),
            &json!({ "provider": a }),
        )
        .await;
        m.post_as(
            &me,
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() }),
        )
        .await;
        m.post_as(
            &Who::Enterprise(a.clone()),
            &format!("/projects/{id}/delivery"),
            &json!({ "delivered_on": today(), "summary": "成果已提交。" }),
        )
        .await;
        let (s, e) = m
            .post_as(
                &me,
                &format!("/projects/{id}/evaluation"),
                &json!({ "quality": q, "attitude": at, "fees": f }),
            )
            .await;
        assert_eq!(s, 201, "round {round}: {e}");
    }
    let (_, profile) = m.get_as(&Who::Anonymous, &format!("/providers/{a}")).await;
    assert_eq!(profile["card"], "yellow", "{profile}");
    // Three staff take the next step at the same moment: each step is recorded once and
    // in order — whoever comes late is told the handling moved on (409), and never
    // records a step again nor winds a later one back.
    let steps = ["warning_interview", "rectify", "enforcement"];
    let path = format!("/providers/{a}/handling");
    let handle = || async {
        m.post_as(
            &Who::Staff,
            &path,
            &json!({ "note": "约谈负责人并限期整改。" }),
        )
        .await
    };
    let (x, y, z) = tokio::join!(handle(), handle(), handle());
    let mut taken = Vec::new();
    for (s, h) in [x, y, z] {
        if s == StatusCode::OK {
            taken.push(h["handling_step"].as_str().unwrap_or_default().to_owned());
        } else {
            assert_eq!(
                (s, h["code"].as_str()),
                (StatusCode::CONFLICT, Some("INTERMEDIARY_WRONG_STATE")),
                "{h}"
            );
        }
    }
    taken.sort_by_key(|t| steps.iter().position(|s| s == t));
    assert!(!taken.is_empty(), "one of three at once must succeed");
    assert_eq!(taken, steps[..taken.len()], "each step once, in order");
    for step in &steps[taken.len()..] {
        let (s, h) = m
            .post_as(&Who::Staff, &path, &json!({ "note": "依法处理。" }))
            .await;
        assert_eq!(s, 200, "{h}");
        assert_eq!(h["handling_step"], *step);
    }
    let (s, p) = m
        .post_as(
            &Who::Staff,
            &format!("/providers/{a}/handling"),
            &json!({ "note": "again" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_WRONG_STATE"))
    );
    let (_, feed) = m.get_as(&Who::Anonymous, "/credit-events").await;
    let events = feed["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "card" && e["event"]["card"] == "yellow")
    );
    // The feed tells each step once (two taken at the same moment may carry ids of the
    // same millisecond, so their order on the feed is not asserted).
    let mut published: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "handling" && e["event"]["credit_code"] == a.as_str())
        .filter_map(|e| e["event"]["step"].as_str())
        .collect();
    published.sort_by_key(|t| steps.iter().position(|s| s == t));
    assert_eq!(published, steps);
}

#[tokio::test]
async fn staff_reject_with_a_reason_and_an_expired_qualification_stops_bidding() {
    let m = start().await;
    let (item, qualification) = m.simple_item().await;
    let owner = agency_code(900);
    let code = agency_code(31);
    let (s, _) = m
        .post_as(&Who::Enterprise(code.clone()), "/providers", &json!({
            "name": "郑州资质待审有限公司", "phone": "13800000031",
            "qualifications": [{ "qualification": qualification, "certificate": "C-31", "valid_until": UNTIL }],
        }))
        .await;
    assert_eq!(s, 201);
    let decision = format!("/providers/{code}/qualifications/{qualification}/decision");
    let (s, p) = m
        .post_as(&Who::Staff, &decision, &json!({ "approve": false }))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INTERMEDIARY_FIELD_INVALID")),
        "a rejection needs its reason"
    );
    let (s, rejected) = m
        .post_as(
            &Who::Staff,
            &decision,
            &json!({ "approve": false, "reason": "证书编号与发证机关记录不符。" }),
        )
        .await;
    assert_eq!(s, 200, "{rejected}");
    assert_eq!(rejected["qualifications"][0]["status"], "rejected");
    assert_eq!(
        rejected["qualifications"][0]["reason"],
        "证书编号与发证机关记录不符。"
    );
    let (s, p) = m
        .post_as(&Who::Staff, &decision, &json!({ "approve": true }))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_NOTHING_PENDING"))
    );
    let project = m
        .publish(&owner, &item, json!({ "method": "direct" }))
        .await;
    let id = project["id"].as_str().unwrap();
    let (s, p) = bid(&m, &code, id, 1000).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_NOT_QUALIFIED"))
    );
    // Approved but expired yesterday: no bid on the item.
    let yesterday = ((OffsetDateTime::now_utc() + time::Duration::hours(8)).date()
        - time::Duration::days(1))
    .to_string();
    let expired = m.qualified_agency(32, &qualification, &yesterday).await;
    let (s, p) = bid(&m, &expired, id, 1000).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::FORBIDDEN,
            Some("INTERMEDIARY_QUALIFICATION_EXPIRED")
        )
    );
    // Staff add an item; agencies see it in the catalogue.
    let (s, added) = m
        .post_as(&Who::Staff, "/items", &json!({
            "code": "OT-90", "name_zh": "排水许可技术审查", "name_en": "Drainage permit technical review",
            "kind": "other", "qualifications": [qualification],
        }))
        .await;
    assert_eq!(s, 201, "{added}");
    let (_, items) = m.get_as(&Who::Anonymous, "/items").await;
    assert!(
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "OT-90")
    );
    let (s, _) = m.post_as(&Who::Enterprise(owner), "/items", &json!({
        "code": "OT-91", "name_zh": "x", "name_en": "x", "kind": "other", "qualifications": [qualification],
    })).await;
    assert_eq!(s, 403);
}
