//! 免申即享 and 红利账单: the catalogue published as data, enterprise attributes, the
//! matching schedule (new matches, ended matches, a new catalogue version), savings
//! recorded once, and each enterprise's policies and bill — readable by its own users
//! and officers only.

use super::*;
use yingshang_core::security::CreditCode;

/// Demo enterprises (check characters valid under GB 32100).
const ENT_A: &str = "91411502MA4000000H";
const ENT_B: &str = "91411503MA40000000";
const ENT_C: &str = "92411502MA4000000E";

const CATALOGUE: &str = r#"{
  "version": "e2e-2026-01",
  "policies": [
    {"id": "EMP-01", "name_zh": "招用脱贫人口扣减税费", "group": "employment",
     "basis_zh": "财政部 税务总局 人力资源社会保障部 农业农村部公告2023年第15号",
     "conditions": [{"type": "key_group_hires", "group": "poverty_alleviated", "at_least": 1}]},
    {"id": "INN-01", "name_zh": "制造业研发费用加计扣除", "group": "innovation",
     "basis_zh": "财政部 税务总局公告2023年第7号",
     "conditions": [{"type": "industry_prefix", "any_of": ["C"]}]},
    {"id": "LIV-01", "name_zh": "小型微利企业所得税优惠", "group": "livelihood",
     "basis_zh": "财政部 税务总局公告2023年第12号",
     "conditions": [{"type": "small_micro", "is": true},
                    {"type": "employee_count", "max": 300}]}
  ]
}"#;

fn enterprise_user(code: &str) -> String {
    token(
        "ent-user-1",
        Membership::Enterprise(CreditCode::parse(code).unwrap()),
    )
}

fn ids(policies: &Value) -> Vec<&str> {
    policies["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy_id"].as_str().unwrap())
        .collect()
}

impl Tax {
    async fn publish(&self, key: &str, catalogue: &str) -> (StatusCode, Value) {
        body(
            self.put("/api/tax/policies/catalogue")
                .header("x-api-key", key)
                .header("content-type", "application/json")
                .body(catalogue.to_owned())
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn run_match(&self, key: &str) -> Value {
        let (status, v) = body(
            self.post("/api/tax/policies/match")
                .header("x-api-key", key)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    async fn enjoyed(&self, token: &str, code: &str) -> (StatusCode, Value) {
        body(
            self.get(&format!("/api/tax/enterprises/{code}/policies"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn bill(&self, token: &str, code: &str, query: &str) -> (StatusCode, Value) {
        body(
            self.get(&format!(
                "/api/tax/enterprises/{code}/dividend-bill?{query}"
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        )
        .await
    }
}

#[tokio::test]
async fn catalogue_matching_savings_and_the_dividend_bill() {
    let t = start().await;
    let key = t.agency_key(7, "tax:policy").await;

    // The catalogue is data, checked by the core; versions never change.
    let (status, v) = t.publish(&key, CATALOGUE).await;
    assert_eq!(
        (status.as_u16(), v["policies"].as_i64()),
        (201, Some(3)),
        "{v}"
    );
    let (status, v) = t.publish(&key, CATALOGUE).await;
    assert_eq!(
        (status.as_u16(), &v["unchanged"]),
        (200, &json!(true)),
        "{v}"
    );
    let changed = CATALOGUE.replace("\"max\": 300", "\"max\": 200");
    let (status, v) = t.publish(&key, &changed).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["code"], "TAX_POLICY_CATALOGUE_VERSION_CONFLICT");
    let dup = CATALOGUE
        .replace("e2e-2026-01", "e2e-bad")
        .replace("\"INN-01\"", "\"EMP-01\"");
    let (status, v) = t.publish(&key, &dup).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (422, Some("POLICY_ID_DUPLICATE")),
        "{v}"
    );
    // A citizen may read the catalogue but not publish one.
    let (status, v) = body(
        t.get("/api/tax/policies/catalogue")
            .bearer_auth(citizen("c-1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["version"].as_str()),
        (200, Some("e2e-2026-01"))
    );
    let r = t
        .put("/api/tax/policies/catalogue")
        .bearer_auth(citizen("c-1"))
        .header("content-type", "application/json")
        .body(CATALOGUE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Enterprise attributes: one by path, a batch; bad entries name the field.
    let a = json!({ "industry_code": "C1371", "region_code": "411502", "employees": 45,
                    "annual_revenue": 860_000_000, "small_micro": false,
                    "key_group_hires": { "poverty_alleviated": 6 } });
    let (status, v) = body(
        t.put(&format!("/api/tax/enterprises/{ENT_A}"))
            .header("x-api-key", &key)
            .json(&a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let b = json!({ "credit_code": ENT_B, "industry_code": "I6513", "region_code": "411503",
                    "employees": 28, "annual_revenue": 96_000_000, "small_micro": true });
    let post_batch = |batch: Value| {
        t.post("/api/tax/enterprises")
            .header("x-api-key", &key)
            .json(&batch)
            .send()
    };
    let mut bad = b.clone();
    bad["industry_code"] = json!("c65");
    let (status, v) = body(
        post_batch(json!({ "enterprises": [b, bad] }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("TAX_FIELD_INVALID")),
        "{v}"
    );
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("/enterprises/1/industry_code"),
        "{v}"
    );
    let mut wrong = b.clone();
    wrong["credit_code"] = json!("91411503MA40000001");
    let (status, v) = body(post_batch(json!({ "enterprises": [wrong] })).await.unwrap()).await;
    assert_eq!(status, 400, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("/enterprises/0/credit_code"),
        "{v}"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM tax_enterprises").await,
        1,
        "nothing half-applied"
    );
    let (status, v) = body(post_batch(json!({ "enterprises": [b] })).await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["imported"].as_i64()),
        (200, Some(1)),
        "{v}"
    );

    // Known but not matched yet: an empty list that says so.
    let (status, v) = t.enjoyed(&enterprise_user(ENT_A), ENT_A).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["matched_at"].clone(), ids(&v).len()), (Value::Null, 0));

    // The schedule matches everything due, then nothing.
    let m = t.run_match(&key).await;
    assert_eq!(
        (
            m["enterprises_matched"].as_i64(),
            m["policies_started"].as_i64(),
            m["remaining"].as_i64()
        ),
        (Some(2), Some(3), Some(0)),
        "{m}"
    );
    assert_eq!(t.run_match(&key).await["enterprises_matched"], 0);
    let (_, v) = t.enjoyed(&enterprise_user(ENT_A), ENT_A).await;
    assert_eq!(ids(&v), ["EMP-01", "INN-01"], "{v}");
    assert_eq!(v["catalogue_version"], "e2e-2026-01");
    assert_eq!(v["policies"][1]["reasons_zh"], json!(["行业代码属于C"]));
    let (_, v) = t.enjoyed(&officer(), ENT_B).await;
    assert_eq!(ids(&v), ["LIV-01"], "{v}");

    // Only the enterprise's own users and officers read it.
    let (status, v) = t.enjoyed(&enterprise_user(ENT_B), ENT_A).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("AUTHZ_NOT_OWN_ORG")),
        "{v}"
    );
    let (status, _) = t.enjoyed(&citizen("c-1"), ENT_A).await;
    assert_eq!(status, 403);
    let (status, v) = t.enjoyed(&officer(), ENT_C).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (404, Some("TAX_ENTERPRISE_UNKNOWN"))
    );

    // Changed attributes make the enterprise due: a policy ends, the other continues.
    let mut a2 = a.clone();
    a2["key_group_hires"] = json!({});
    let r = t
        .put(&format!("/api/tax/enterprises/{ENT_A}"))
        .header("x-api-key", &key)
        .json(&a2)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let m = t.run_match(&key).await;
    assert_eq!(
        (
            m["enterprises_matched"].as_i64(),
            m["policies_ended"].as_i64()
        ),
        (Some(1), Some(1)),
        "{m}"
    );
    let (_, v) = t.enjoyed(&enterprise_user(ENT_A), ENT_A).await;
    assert_eq!(ids(&v), ["INN-01"], "{v}");

    // A new catalogue version makes everyone due again.
    let v2 = CATALOGUE
        .replace("e2e-2026-01", "e2e-2026-02")
        .replace("\"max\": 300", "\"max\": 20");
    assert_eq!(t.publish(&key, &v2).await.0, 201);
    let m = t.run_match(&key).await;
    assert_eq!(
        (
            m["catalogue_version"].as_str(),
            m["enterprises_matched"].as_i64(),
            m["policies_ended"].as_i64()
        ),
        (Some("e2e-2026-02"), Some(2), Some(1)),
        "{m}"
    );

    // Savings: recorded once per record id, all or nothing.
    let saving = |id: &str, code: &str, policy: &str, on: &str, fen: i64| json!({ "record_id": id, "credit_code": code, "policy_id": policy, "on": on, "saved": fen });
    let records = json!({ "records": [
        saving("S-1", ENT_A, "EMP-01", "2026-01-15", 3_900_000),
        saving("S-2", ENT_A, "INN-01", "2026-04-15", 12_650_000),
        saving("S-3", ENT_A, "INN-01", "2026-06-30", 1_000_001),
        saving("S-4", ENT_A, "INN-01", "2026-07-01", 2_280_000),
        saving("S-5", ENT_B, "LIV-01", "2026-05-31", 1_875_000),
    ]});
    let post_savings = |batch: &Value| {
        t.post("/api/tax/policies/savings")
            .header("x-api-key", &key)
            .json(batch)
            .send()
    };
    let (status, v) = body(post_savings(&records).await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["recorded"].as_i64()),
        (200, Some(5)),
        "{v}"
    );
    let (_, v) = body(post_savings(&records).await.unwrap()).await;
    assert_eq!(
        (v["recorded"].as_i64(), v["unchanged"].as_i64()),
        (Some(0), Some(5)),
        "{v}"
    );
    let conflicting = json!({ "records": [
        saving("S-6", ENT_A, "EMP-01", "2026-02-01", 100),
        saving("S-1", ENT_A, "EMP-01", "2026-01-15", 3_900_001),
    ]});
    let (status, v) = body(post_savings(&conflicting).await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (409, Some("TAX_POLICY_SAVING_CONFLICT")),
        "{v}"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_policy_savings").await, 5);

    // The bill: the period's records summed per policy, in catalogue order, to the fen.
    let (status, v) = t
        .bill(
            &enterprise_user(ENT_A),
            ENT_A,
            "from=2026-01-01&until=2026-06-30",
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let lines: Vec<(&str, i64, i64)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["policy_id"].as_str().unwrap(),
                l["saved"].as_i64().unwrap(),
                l["records"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [("EMP-01", 3_900_000, 1), ("INN-01", 13_650_001, 2)]);
    assert_eq!(v["total"], 17_550_001);
    assert_eq!(
        v["period"],
        json!({ "from": "2026-01-01", "until": "2026-06-30" })
    );
    assert_eq!(v["lines"][0]["name_zh"], "招用脱贫人口扣减税费");

    let (status, v) = t
        .bill(
            &enterprise_user(ENT_A),
            ENT_A,
            "from=2026-07-01&until=2026-01-01",
        )
        .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (422, Some("POLICY_BILL_PERIOD_REVERSED"))
    );
    let (status, v) = t.bill(&officer(), ENT_A, "from=2026-07-01").await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("TAX_PARAMETER_REQUIRED"))
    );
    let (status, v) = body(
        t.get(&format!(
            "/api/tax/enterprises/{ENT_A}/dividend-bill?from=2026-13-01&until=2026-12-31"
        ))
        .bearer_auth(officer())
        .header("accept-language", "en")
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("TAX_DATE_INVALID"))
    );
    assert_eq!(v["detail"], "from must be a date YYYY-MM-DD");
    let (status, _) = t
        .bill(
            &enterprise_user(ENT_B),
            ENT_A,
            "from=2026-01-01&until=2026-06-30",
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn demo_policies_load_once_and_are_matched_at_once() {
    let t = start().await;
    let demo = || {
        t.post("/api/tax/policies/demo-data")
            .bearer_auth(&t.bootstrap)
            .send()
    };
    let (status, v) = body(demo().await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (
            v["catalogue_published"].as_bool(),
            v["enterprises"].as_i64(),
            v["savings"].as_i64()
        ),
        (Some(true), Some(3), Some(6)),
        "{v}"
    );
    assert_eq!(v["match"]["enterprises_matched"], 3, "{v}");
    let (_, v) = body(demo().await.unwrap()).await;
    assert_eq!(
        (
            v["catalogue_published"].as_bool(),
            v["enterprises"].as_i64(),
            v["savings"].as_i64()
        ),
        (Some(false), Some(0), Some(0)),
        "{v}"
    );

    let (_, v) = t.enjoyed(&enterprise_user(ENT_A), ENT_A).await;
    assert_eq!(
        ids(&v),
        ["EMP-01", "EMP-03", "INN-01", "INN-02", "LIV-03"],
        "{v}"
    );
    let (_, v) = t.enjoyed(&enterprise_user(ENT_B), ENT_B).await;
    assert_eq!(ids(&v), ["EMP-02", "INN-03", "LIV-01", "LIV-02"], "{v}");
    let (_, v) = t.enjoyed(&enterprise_user(ENT_C), ENT_C).await;
    assert_eq!(ids(&v), ["LIV-01", "LIV-02"], "{v}");
    let (status, v) = t
        .bill(
            &enterprise_user(ENT_A),
            ENT_A,
            "from=2026-01-01&until=2026-06-30",
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 16_550_000, "{v}");
}

/// Matching reads the enterprises due and then writes; with enterprise attributes
/// written at the same time, every request must still succeed (each transaction
/// takes the write lock up front and waits for it instead of failing as busy).
#[tokio::test]
async fn concurrent_matching_and_attribute_writes_all_succeed() {
    let t = start().await;
    let key = t.agency_key(7, "tax:policy").await;
    assert_eq!(t.publish(&key, CATALOGUE).await.0, 201);
    let attrs = |employees: u32| {
        json!({ "industry_code": "C1371", "region_code": "411502", "employees": employees,
                "annual_revenue": 860_000_000, "small_micro": true })
    };
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..12u32 {
        let code = [ENT_A, ENT_B, ENT_C][i as usize % 3];
        calls.spawn(
            t.put(&format!("/api/tax/enterprises/{code}"))
                .header("x-api-key", &key)
                .json(&attrs(250 + i * 10))
                .send(),
        );
        calls.spawn(
            t.post("/api/tax/policies/match")
                .header("x-api-key", &key)
                .send(),
        );
    }
    for a in calls.join_all().await {
        let a = a.unwrap();
        let status = a.status();
        assert_eq!(status, 200, "{}", a.text().await.unwrap());
    }
    // Whatever the order, one more pass leaves nothing due.
    t.run_match(&key).await;
    assert_eq!(t.run_match(&key).await["remaining"], 0);
}

/// Found by Schemathesis's kind of input (issue 19): a catalogue version holding a NUL
/// cannot be stored in PostgreSQL text, and was a 500 there. The catalogue's rules
/// refuse it (and a policy id that savings could not name).
#[tokio::test]
async fn a_catalogue_version_with_a_nul_is_refused_not_a_server_error() {
    let t = start().await;
    let key = t.agency_key(7, "tax:policy").await;
    let (status, v) = t
        .publish(&key, &CATALOGUE.replace("e2e-2026-01", "e2e\\u0000"))
        .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["code"], "POLICY_CATALOGUE_VERSION_INVALID");
    let (status, v) = t
        .publish(&key, &CATALOGUE.replace("\"EMP-01\"", "\"EMP\\u000001\""))
        .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["code"], "POLICY_ID_INVALID");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM tax_policy_catalogues").await,
        0
    );
}
