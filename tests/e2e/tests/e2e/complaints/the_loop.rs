//! Issue items 1, 3 and 9: intake (idempotent, own enterprise, staff channels), the
//! whole closed loop through the gateway with an audit row per step, 409/403 from
//! the wrong state or actor, and bad input answered field by field in zh-CN or en
//! with nothing written.

use super::*;

fn deadline<'a>(view: &'a Value, kind: &str) -> &'a Value {
    view["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} deadline in {view}"))
}

async fn cases_in_db(c: &Complaints) -> i64 {
    let db = default_db(&c.app).await;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM complaints_cases")
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    n
}

#[tokio::test]
async fn a_case_runs_the_whole_loop_with_an_audit_row_per_step() {
    let c = start().await;
    let acme = Who::Enterprise(ACME);
    let office = Who::Staff(OFFICE);
    let id = c.file_complaint(ACME).await;

    let (s, v) = c.case(&acme, &id).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["case"]["status"], "received");
    assert_eq!(v["case"]["enterprise"], ACME);
    assert_eq!(deadline(&v, "log")["status"], "pending");
    assert_eq!(deadline(&v, "decide")["due"]["state"], "known");
    assert_eq!(v["available_actions"], json!([]));

    // Only the office logs and accepts; the enterprise cannot skip ahead.
    let (s, p) = c.act(&acme, &id, json!({ "action": "accept" })).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (409, Some("COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE"))
    );
    let (s, p) = c.act(&acme, &id, json!({ "action": "log" })).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("COMPLAINTS_ACTOR_NOT_ALLOWED"))
    );
    assert_eq!(p["status"], 403);
    c.must(&office, &id, json!({ "action": "log" })).await;
    let v = c.accept(&office, &id).await;
    assert_eq!(v["case"]["status"], "accepted");
    assert_eq!(deadline(&v, "log")["status"], "met");
    assert_eq!(deadline(&v, "decide")["status"], "met");

    let v = c.assign(&id, MARKET, &[TAX]).await;
    assert_eq!(v["case"]["lead"], MARKET);
    assert_eq!(v["case"]["co_handlers"], json!([TAX]));

    // A co-handler helps but does not answer; the lead does.
    let (s, p) = c
        .act(
            &Who::Staff(TAX),
            &id,
            json!({ "action": "reply", "text": "由我局答复。" }),
        )
        .await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("COMPLAINTS_ACTOR_NOT_ALLOWED"))
    );
    c.must(
        &Who::Staff(TAX),
        &id,
        json!({ "action": "tag", "key": "repeat-documents" }),
    )
    .await;
    let v = c.reply(MARKET, &id).await;
    assert_eq!(v["case"]["status"], "replied");
    assert_eq!(deadline(&v, "reply")["status"], "met");
    assert_eq!(v["case"]["problem_key"], "repeat-documents");

    let v = c
        .must(
            &acme,
            &id,
            json!({ "action": "feedback", "satisfaction": "satisfied" }),
        )
        .await;
    assert_eq!(v["case"]["status"], "feedback_given");
    c.must(
        &office,
        &id,
        json!({ "action": "callback", "note": "电话回访，企业表示满意。" }),
    )
    .await;
    let v = c.must(&office, &id, json!({ "action": "close" })).await;
    assert_eq!(v["case"]["status"], "closed");
    let (s, p) = c.act(&office, &id, json!({ "action": "close" })).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (409, Some("COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE"))
    );

    let audit = c.audit_actions(&id).await;
    let actions: Vec<&str> = audit.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "complaints.case.file",
            "complaints.case.log",
            "complaints.case.accept",
            "complaints.case.assign",
            "complaints.case.tag",
            "complaints.case.reply",
            "complaints.case.feedback",
            "complaints.case.callback",
            "complaints.case.close",
        ]
    );
    assert_eq!(audit[0].0, "enterprise:ent-user");
    assert_eq!(audit[5].0, "agency_staff:staff-1");
}

#[tokio::test]
async fn filing_is_idempotent_and_bound_to_the_callers_own_enterprise() {
    let c = start().await;
    let acme = Who::Enterprise(ACME);
    let body = filing("qr", ACME, "tax-policy");
    let send = || {
        c.auth(c.app.client.post(c.url("/cases")), &acme)
            .header("idempotency-key", "same-key")
            .json(&body)
            .send()
    };
    let (s1, v1) = super::body(send().await.unwrap()).await;
    let (s2, v2) = super::body(send().await.unwrap()).await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (201, 201));
    assert_eq!(v1["case"]["id"], v2["case"]["id"]);
    assert_eq!(cases_in_db(&c).await, 1);

    // Without a key: refused, nothing written.
    let r = c
        .auth(c.app.client.post(c.url("/cases")), &acme)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, p) = super::body(r).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (400, Some("COMPLAINTS_IDEMPOTENCY_KEY_REQUIRED"))
    );
    // Another enterprise's code, or a staff channel: refused.
    let (s, p) = c.try_file(&acme, &filing("online", BETA, "permits")).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("AUTHZ_NOT_OWN_ORG")),
        "{p}"
    );
    let (s, p) = c.try_file(&acme, &filing("phone", ACME, "permits")).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("COMPLAINTS_FILER_NOT_ALLOWED")),
        "{p}"
    );
    // A citizen takes no part.
    let (s, _) = c
        .try_file(&Who::Citizen, &filing("online", ACME, "permits"))
        .await;
    assert_eq!(s, 403);
    assert_eq!(cases_in_db(&c).await, 1);

    // Staff enter a phone call, backdated within the rules: logged at once.
    let mut call = filing("phone", BETA, "permits");
    let cst = time::UtcOffset::from_hms(8, 0, 0).unwrap();
    let three_days_ago =
        (OffsetDateTime::now_utc().to_offset(cst) - time::Duration::days(3)).date();
    let received = format!("{three_days_ago}T09:30:00+08:00");
    call["received_at"] = json!(received);
    let (s, v) = c.try_file(&Who::Staff(MARKET), &call).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["case"]["status"], "logged");
    assert_eq!(v["case"]["received_at"], received.as_str());
    let (s, v) = c
        .try_file(&Who::Bootstrap, &filing("letter", BETA, "permits"))
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(cases_in_db(&c).await, 3);
}

#[tokio::test]
async fn bad_input_names_each_field_in_chinese_or_english_and_writes_nothing() {
    let c = start().await;
    let acme = Who::Enterprise(ACME);
    let bad = json!({
        "channel": "fax", "enterprise": "91350100M000100Y44", "category": "weather",
        "description": "",
    });
    let (s, p) = c.try_file(&acme, &bad).await;
    assert_eq!(s, 400, "{p}");
    assert_eq!(p["code"], "COMPLAINTS_INPUT_INVALID");
    let pointers: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/channel", "/enterprise", "/category", "/description"]
    );
    assert!(
        p["title"]
            .as_str()
            .unwrap()
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "{p}"
    );

    let r = c
        .auth(c.app.client.post(c.url("/cases")), &acme)
        .header("idempotency-key", "en-1")
        .header("accept-language", "en")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (_, p) = super::body(r).await;
    assert_eq!(p["title"], "The request has invalid fields");
    assert_eq!(cases_in_db(&c).await, 0);

    // Actions: an unknown one, a missing input, bad query parameters.
    let id = c.file_complaint(ACME).await;
    let office = Who::Staff(OFFICE);
    let (s, p) = c.act(&office, &id, json!({ "action": "teleport" })).await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/action"))
    );
    c.must(&office, &id, json!({ "action": "log" })).await;
    let (s, p) = c.act(&office, &id, json!({ "action": "refuse" })).await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/reasons"))
    );
    c.must(&office, &id, json!({ "action": "accept" })).await;
    let (s, p) = c
        .act(&office, &id, json!({ "action": "assign", "lead": OFFICE }))
        .await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/lead")),
        "{p}"
    );
    let (_, v) = c.case(&office, &id).await;
    assert_eq!(v["case"]["status"], "accepted");
    let (s, p) = c.get_as(&office, "/cases?status=lost").await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/status"))
    );
    let (s, p) = c.get_as(&office, "/cases?limit=0").await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/limit"))
    );
}

#[tokio::test]
async fn demo_data_seeds_an_empty_ledger_once() {
    let c = start().await;
    let (s, v) = c.post_as(&Who::Bootstrap, "/demo-data", &json!({})).await;
    assert_eq!((s.as_u16(), v["seeded"].as_u64()), (200, Some(4)), "{v}");
    let (_, v) = c.post_as(&Who::Bootstrap, "/demo-data", &json!({})).await;
    assert_eq!(v["seeded"], 0);
    assert_eq!(cases_in_db(&c).await, 4);
    assert_eq!(c.ids(&Who::Staff(OFFICE), "?status=closed").await.len(), 1);
    // The demo enterprise of `yingshang dev token --role enterprise` sees them all.
    assert_eq!(c.ids(&Who::Enterprise(ACME), "").await.len(), 4);
    // Users cannot seed.
    assert_eq!(
        c.post_as(&Who::Staff(OFFICE), "/demo-data", &json!({}))
            .await
            .0,
        403
    );
}
