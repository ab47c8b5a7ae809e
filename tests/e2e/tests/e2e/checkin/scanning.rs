//! Scan to enter: two officers of one agency start an inspection, one checks out; the
//! rules refuse one officer alone, certificates out of date, unpublished items, routine
//! inspections over the cap (case-driven ones do not count, campaigns have their own
//! quota), and late scans outside ten calendar days.

use super::*;

#[tokio::test]
async fn two_officers_of_one_agency_start_an_inspection_and_one_checks_out() {
    let c = start().await;
    let ent = demo_enterprise(3);
    let url = c.code_url(&ent).await;
    let (s, waiting) = c.scan(MARKET, "officer-zhang", &routine(&url)).await;
    assert_eq!(s, 202, "{waiting}");
    assert_eq!(waiting["status"], "waiting");
    assert!(
        waiting["enterprise_name"]
            .as_str()
            .unwrap()
            .starts_with("济源市")
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_inspections").await, 0);

    // An officer of another agency does not pair with it.
    let (s, other) = c.scan(FIRE, "fire-zhao", &json!({
        "code": url, "kind": "routine", "item": "XF-01", "approval_ref": "济消检〔2026〕3号",
    })).await;
    assert_eq!(s, 202, "{other}");

    let (s, started) = c.scan(MARKET, "officer-li", &routine(&url)).await;
    assert_eq!(s, 201, "{started}");
    assert_eq!(started["enterprise"], ent.as_str());
    assert_eq!(started["agency"], MARKET);
    assert_eq!(started["kind"], "routine");
    assert_eq!(started["item_name"], "食品生产经营监督检查");
    assert!(
        started["legal_basis"]
            .as_str()
            .unwrap()
            .contains("食品安全法")
    );
    assert_eq!(started["approval_ref"], "济市监检〔2026〕12号");
    assert_eq!(started["late"], Value::Null);
    let officers: Vec<(&str, &str)> = started["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["officer"].as_str().unwrap(),
                o["certificate_number"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        officers,
        [
            ("officer-zhang", "41900120230001"),
            ("officer-li", "41900120230002")
        ]
    );
    // The arrival is the first officer's scan.
    assert_eq!(started["arrived_at"], started["officers"][0]["scanned_at"]);

    let id = started["id"].as_str().unwrap();
    // A third officer joins within ten minutes.
    let (s, joined) = c.scan(MARKET, "officer-wang", &routine(&url)).await;
    assert_eq!(s, 200, "{joined}");
    assert_eq!(joined["id"], id);
    assert_eq!(joined["officers"].as_array().unwrap().len(), 3);

    // Officers of another agency cannot check it out, nor see it.
    let (s, p) = c
        .post_as(
            &Who::Officer(FIRE, "fire-zhao"),
            &format!("/inspections/{id}/leave"),
            &json!({ "outcome": "no_issues" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("CHECKIN_INSPECTION_NOT_FOUND"))
    );
    let left = c.leave(id).await;
    assert_eq!(left["outcome"], "no_issues");
    assert_eq!(left["result_note"], "未发现问题");
    assert!(left["left_at"].is_string());
    let (s, again) = c
        .post_as(
            &Who::Officer(MARKET, "officer-li"),
            &format!("/inspections/{id}/leave"),
            &json!({ "outcome": "no_issues" }),
        )
        .await;
    assert_eq!(
        (s, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_ALREADY_LEFT"))
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_scans").await, 4);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'checkin.inspection.%'")
            .await,
        3
    );
}

#[tokio::test]
async fn one_officer_alone_never_starts_an_inspection() {
    let c = start().await;
    let url = c.code_url(&demo_enterprise(4)).await;
    let (s, _) = c.scan(MARKET, "officer-zhang", &routine(&url)).await;
    assert_eq!(s, 202);
    let (s, p) = c.scan(MARKET, "officer-zhang", &routine(&url)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_ONE_OFFICER_ONLY"))
    );
    assert!(
        p["detail"].as_str().unwrap().contains("两名以上执法人员"),
        "{p}"
    );
    // The second officer must declare the same inspection.
    let mut other = routine(&url);
    other["approval_ref"] = json!("另一个文号");
    let (s, p) = c.scan(MARKET, "officer-li", &other).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_SCAN_MISMATCH"))
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_inspections").await, 0);
}

#[tokio::test]
async fn officers_certificates_items_and_roles_are_checked() {
    let c = start().await;
    let url = c.code_url(&demo_enterprise(5)).await;
    // An officer whose certificate expired yesterday, imported by the agency's system.
    let key = c.key(MARKET, "checkin:agency").await;
    let yesterday =
        (OffsetDateTime::now_utc() + time::Duration::hours(8) - time::Duration::days(1)).date();
    let (s, imported) = c
        .put_as(&Who::Key(key.clone()), &format!("/agencies/{MARKET}/officers"), &json!({ "officers": [{
            "subject": "officer-expired", "name_zh": "周涛", "certificate_number": "41900120190009",
            "valid_from": "2019-01-01", "valid_until": yesterday.to_string(),
        }]}))
        .await;
    assert_eq!(s, 200, "{imported}");
    let (s, p) = c.scan(MARKET, "officer-expired", &routine(&url)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("CHECKIN_CERTIFICATE_INVALID"))
    );
    let (s, p) = c.scan(MARKET, "officer-nobody", &routine(&url)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("CHECKIN_OFFICER_UNKNOWN"))
    );
    let mut drugs = routine(&url);
    drugs["item"] = json!("SC-DRUG-09");
    let (s, p) = c.scan(MARKET, "officer-zhang", &drugs).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("CHECKIN_ITEM_NOT_PUBLISHED")
        )
    );
    let (s, p) = c.post_as(&Who::Citizen, "/scans", &routine(&url)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AUTHZ_ROLE_NOT_ALLOWED"))
    );
    let (s, _) = c.post_as(&Who::Anonymous, "/scans", &routine(&url)).await;
    assert_eq!(s, 401);
    // Another agency's key cannot change this agency's officers or rules.
    let fire_key = c.key(FIRE, "checkin:agency").await;
    let (s, p) = c
        .put_as(
            &Who::Key(fire_key),
            &format!("/agencies/{MARKET}/officers"),
            &json!({ "officers": [{
                "subject": "intruder", "name_zh": "某某", "certificate_number": "X1",
                "valid_from": "2026-01-01", "valid_until": "2030-01-01",
            }]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("AUTHZ_NOT_OWN_AGENCY"))
    );
    // The agency's rules are checked as published, and public.
    let (s, p) = c
        .put_as(&Who::Key(key), &format!("/agencies/{MARKET}"), &json!({
            "name_zh": "济源市市场监督管理局", "routine_cap_per_year": 2,
            "items": [{ "code": "A", "name_zh": "x", "legal_basis_zh": "y" }, { "code": "A", "name_zh": "x", "legal_basis_zh": "y" }],
        }))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("CHECKIN_DUPLICATE"))
    );
    assert_eq!(p["errors"][0]["pointer"], "/items/1/code");
    let (s, published) = c
        .get_as(&Who::Anonymous, &format!("/agencies/{MARKET}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        published["rules"]["items"].as_array().unwrap().len(),
        3,
        "unchanged: {published}"
    );
    assert_eq!(published["officers"], 4);
}

/// Starts and closes one inspection of `kind` by the two market officers.
async fn inspect_and_leave(c: &Checkin, url: &str, plan: Value) -> (StatusCode, Value) {
    let mut p = plan;
    p["code"] = json!(url);
    let (s, first) = c.scan(MARKET, "officer-zhang", &p).await;
    if s != 202 {
        return (s, first);
    }
    let (s, started) = c.scan(MARKET, "officer-li", &p).await;
    assert_eq!(s, 201, "{started}");
    c.leave(started["id"].as_str().unwrap()).await;
    (s, started)
}

#[tokio::test]
async fn routine_inspections_stop_at_the_cap_but_case_driven_and_campaigns_follow_their_own_rules()
{
    let c = start().await;
    let url = c.code_url(&demo_enterprise(6)).await;
    let routine_plan =
        json!({ "kind": "routine", "item": "SC-FOOD-01", "approval_ref": "济市监检〔2026〕12号" });
    for _ in 0..2 {
        let (s, _) = inspect_and_leave(&c, &url, routine_plan.clone()).await;
        assert_eq!(s, 201);
    }
    let (s, p) = inspect_and_leave(&c, &url, routine_plan.clone()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_ROUTINE_CAP_REACHED"))
    );
    assert!(p["detail"].as_str().unwrap().contains("2 次上限"), "{p}");
    // A complaint-driven inspection does not count toward the cap.
    let (s, case) = inspect_and_leave(&c, &url, json!({
        "kind": "case", "reason": "complaint", "item": "SC-FOOD-01", "approval_ref": "济市监案〔2026〕7号",
    })).await;
    assert_eq!(s, 201, "{case}");
    assert_eq!(case["reason"], "complaint");
    // The winter campaign allows one inspection per enterprise.
    let special = json!({ "kind": "special", "campaign": "2026-winter-food", "item": "SC-FOOD-01", "approval_ref": "济市监专〔2026〕1号" });
    let (s, _) = inspect_and_leave(&c, &url, special.clone()).await;
    assert_eq!(s, 201);
    let (s, p) = inspect_and_leave(&c, &url, special).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("CHECKIN_CAMPAIGN_QUOTA_REACHED"))
    );
    // The cap is per enterprise: another enterprise is inspected as usual.
    let other = c.code_url(&demo_enterprise(7)).await;
    let (s, _) = inspect_and_leave(&c, &other, routine_plan).await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn late_scans_are_flagged_within_ten_calendar_days_and_refused_after() {
    let c = start().await;
    let url = c.code_url(&demo_enterprise(8)).await;
    let three_days = OffsetDateTime::now_utc() - time::Duration::days(3);
    let arrived = three_days
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let outage = json!({
        "code": url, "kind": "routine", "item": "SC-FOOD-01", "approval_ref": "济市监检〔2026〕12号",
        "late": { "mode": "outage", "reason": "系统故障，现场无法扫码", "arrived_at": arrived },
    });
    let (s, _) = c.scan(MARKET, "officer-zhang", &outage).await;
    assert_eq!(s, 202);
    let (s, started) = c.scan(MARKET, "officer-li", &outage).await;
    assert_eq!(s, 201, "{started}");
    assert_eq!(started["late"]["mode"], "outage");
    assert_eq!(started["late"]["reason"], "系统故障，现场无法扫码");
    let arrived_back = OffsetDateTime::parse(
        started["arrived_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(arrived_back.unix_timestamp(), three_days.unix_timestamp());
    c.leave(started["id"].as_str().unwrap()).await;

    // An emergency needs no prior approval; it is flagged late too.
    let emergency = json!({
        "code": url, "kind": "case", "reason": "data_alert", "item": "SC-SPEC-02",
        "late": { "mode": "emergency", "reason": "锅炉压力报警，先行处置", "arrived_at": OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap() },
    });
    let (s, _) = c.scan(MARKET, "officer-zhang", &emergency).await;
    assert_eq!(s, 202);
    let (s, started) = c.scan(MARKET, "officer-li", &emergency).await;
    assert_eq!(s, 201, "{started}");
    assert_eq!(started["late"]["mode"], "emergency");
    assert_eq!(started["approval_ref"], "");

    let twelve_days = (OffsetDateTime::now_utc() - time::Duration::days(12))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut too_late = outage.clone();
    too_late["late"]["arrived_at"] = json!(twelve_days);
    let (s, p) = c.scan(MARKET, "officer-wang", &too_late).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("CHECKIN_LATE_WINDOW_PASSED")
        )
    );
    let mut no_reason = outage;
    no_reason["late"]["reason"] = json!(" ");
    let (s, p) = c.scan(MARKET, "officer-wang", &no_reason).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("CHECKIN_LATE_REASON_REQUIRED")
        )
    );
    let mut year_9999 = too_late.clone();
    year_9999["late"]["arrived_at"] = json!("9999-12-31T23:59:59Z");
    let (s, p) = c.scan(MARKET, "officer-wang", &year_9999).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("CHECKIN_FIELD_INVALID"))
    );
}

#[tokio::test]
async fn a_retried_scan_gets_its_first_answer_and_starts_nothing_twice() {
    let c = start().await;
    let url = c.code_url(&demo_enterprise(9)).await;
    let (s, _) = c.scan(MARKET, "officer-zhang", &routine(&url)).await;
    assert_eq!(s, 202);
    let send = || async {
        let rb = c.auth(
            reqwest::Client::new().post(c.url("/scans")),
            &Who::Officer(MARKET, "officer-li"),
        );
        body(
            rb.header("idempotency-key", "scan-li-0001")
                .json(&routine(&url))
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let (s1, a1) = send().await;
    let (s2, a2) = send().await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a1, a2);
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_inspections").await, 1);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_inspection_officers")
            .await,
        2
    );
}

/// A special scan naming a campaign id no campaign can have (a NUL inside) is refused
/// as a field, before any query: PostgreSQL refused the NUL and the scan answered 500.
#[tokio::test]
async fn a_campaign_id_of_another_shape_is_refused_before_the_database() {
    let c = start().await;
    let url = c.code_url(&demo_enterprise(7)).await;
    for campaign in ["2026-winter\u{0}food", "冬季专项"] {
        let (s, refused) = c
            .scan(
                MARKET,
                "officer-zhang",
                &json!({
                    "code": url, "kind": "special", "campaign": campaign,
                    "item": "SC-FOOD-01", "approval_ref": "济市监检〔2026〕12号",
                }),
            )
            .await;
        assert_eq!(s, 422, "{refused}");
        assert_eq!(refused["code"], "CHECKIN_FIELD_INVALID");
        assert_eq!(refused["errors"][0]["pointer"], "/campaign");
    }
}
