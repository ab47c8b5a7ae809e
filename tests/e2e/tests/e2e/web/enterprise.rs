//! The enterprise's phone (码上服务 and 接诉即办) in a real browser: the demo enterprise
//! of the development sign-in opens its code's landing (the policies it qualifies
//! for, this year's dividend bill in yuan), raises a complaint with a photo that goes
//! from the browser straight to the embedded object store (presigned PUT, across
//! origins: the store's CORS and the page's CSP allow it), follows the case as the
//! departments move it along, and gives its feedback — each screen showing what the
//! check-in, tax and complaints APIs answer.

use super::{dev_token, generated, screen_is_clean, start_flow, yuan};
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::demo_users::DEMO_ENTERPRISE;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::TestApp;
use yingshang_e2e::browser::Browser;

/// A 1×1 PNG, as a phone's photo stands in here.
const PHOTO_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
/// The supervising office and the lead department of the complaints catalogue.
const OFFICE: &str = "yingshang-office";
const MARKET: &str = "market-regulation";
const DESCRIPTION: &str = "办理营业执照变更时被要求重复提交材料，已跑了三趟。";

async fn send(r: reqwest::RequestBuilder) -> Value {
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    send(
        app.client
            .get(format!("{}{path}", app.base))
            .bearer_auth(token),
    )
    .await
}

/// A token of the department's staff, signed as the identity provider signs.
fn staff(app: &TestApp, department: &str) -> String {
    issue(
        &Claims::new(
            Subject::parse("staff-1").unwrap(),
            Membership::AgencyStaff(AgencyId::parse(department).unwrap()),
            OffsetDateTime::now_utc(),
            time::Duration::hours(1),
        ),
        &SigningKey::hs256(generated(app, "auth_jwt_secret").as_bytes()).unwrap(),
    )
}

/// A department acts on the case.
async fn act(app: &TestApp, token: &str, id: &str, action: Value) -> Value {
    send(
        app.client
            .post(format!("{}/api/complaints/cases/{id}/actions", app.base))
            .bearer_auth(token)
            .json(&action),
    )
    .await
}

/// The register (check-in), the policy catalogue and the demo enterprise's attributes
/// and savings this year (tax), matched.
async fn set_up(app: &TestApp, year: i32) {
    let key = generated(app, "bootstrap_api_key");
    let post = |path: &str, body: Value| {
        app.client
            .post(format!("{}{path}", app.base))
            .header("x-api-key", &key)
            .json(&body)
    };
    send(post("/api/checkin/demo-data", json!({}))).await;
    send(post("/api/tax/policies/demo-data", json!({}))).await;
    send(
        app.client
            .put(format!(
                "{}/api/tax/enterprises/{DEMO_ENTERPRISE}",
                app.base
            ))
            .header("x-api-key", &key)
            .json(&json!({
                "industry_code": "C1371", "region_code": "411502", "employees": 45,
                "annual_revenue": 860000000, "small_micro": false,
                "key_group_hires": { "poverty_alleviated": 6, "disabled": 12 },
            })),
    )
    .await;
    send(post(
        "/api/tax/policies/savings",
        json!({ "records": [
            { "record_id": "WEB-ENT-1", "credit_code": DEMO_ENTERPRISE, "policy_id": "EMP-01",
              "on": format!("{year}-01-15"), "saved": 3_900_000 },
            { "record_id": "WEB-ENT-2", "credit_code": DEMO_ENTERPRISE, "policy_id": "INN-01",
              "on": format!("{year}-04-15"), "saved": 12_650_050 },
            { "record_id": "WEB-ENT-3", "credit_code": DEMO_ENTERPRISE, "policy_id": "EMP-01",
              "on": format!("{year}-07-15"), "saved": 1_234_567 },
        ] }),
    ))
    .await;
    send(post("/api/tax/policies/match", json!({}))).await;
}

/// The deadline states as the case page names them.
fn state_zh(state: &str) -> &'static str {
    match state {
        "met" => "按时完成",
        "missed" => "超时完成",
        "pending" => "进行中",
        "overdue" => "已超期",
        _ => "待定",
    }
}

/// The case page shows each deadline's state as the API judges it.
async fn page_shows_deadlines(b: &Browser, view: &Value) {
    let deadlines = view["deadlines"].as_array().unwrap();
    assert!(!deadlines.is_empty(), "{view}");
    for d in deadlines {
        let kind = d["kind"].as_str().unwrap();
        b.wait_text(
            &format!("[data-test=deadline-{kind}]"),
            state_zh(d["status"].as_str().unwrap()),
        )
        .await;
    }
}

#[tokio::test]
async fn the_enterprise_sees_its_landing_raises_a_complaint_with_a_photo_and_gives_feedback() {
    let app = start_flow(&["checkin", "complaints", "tax"], |_| {}).await;
    let year = OffsetDateTime::now_utc().year();
    set_up(&app, year).await;
    let enterprise = dev_token(&app, "enterprise").await;

    // The shell lets the pages reach the object store's origin, and only it.
    let store = app
        .running
        .as_ref()
        .and_then(|r| r.object_store_addr)
        .expect("the embedded object store");
    let r = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains(&format!("connect-src 'self' http://{store};")),
        "{csp}"
    );

    // What the APIs answer the enterprise: its landing and this year's bill.
    let code = get(
        &app,
        &format!("/api/checkin/enterprises/{DEMO_ENTERPRISE}/code"),
        &enterprise,
    )
    .await;
    let token = code["token"].as_str().unwrap();
    let landing = get(&app, &format!("/api/checkin/landing/{token}"), &enterprise).await;
    assert_eq!(landing["policies"]["status"], "matched", "{landing}");
    let policies = landing["policies"]["items"].as_array().unwrap().clone();
    assert!(!policies.is_empty(), "{landing}");
    let bill = get(
        &app,
        &format!(
            "/api/tax/enterprises/{DEMO_ENTERPRISE}/dividend-bill?from={year}-01-01&until={year}-12-31"
        ),
        &enterprise,
    )
    .await;
    assert_eq!(bill["total"], 3_900_000 + 12_650_050 + 1_234_567, "{bill}");

    let mut b = Browser::start("enterprise", "zh-CN").await;
    b.goto(&format!("{}/", app.base)).await;
    b.execute(
        "sessionStorage.setItem('yingshang.token', arguments[0])",
        json!([enterprise]),
    )
    .await;
    b.goto(&format!("{}/", app.base)).await;
    b.wait_text("[data-test=signed-in]", "企业").await;
    b.click("[data-test=svc-checkin]").await;

    // The landing: the enterprise, its policies and its bill, as answered.
    b.wait_text(
        "[data-test=enterprise-name]",
        landing["enterprise"]["name"].as_str().unwrap(),
    )
    .await;
    for p in &policies {
        b.wait_text(
            &format!("[data-test=policy-{}]", p["policy_id"].as_str().unwrap()),
            p["name_zh"].as_str().unwrap(),
        )
        .await;
    }
    for line in bill["lines"].as_array().unwrap() {
        b.wait_text(
            &format!("[data-test=bill-{}]", line["policy_id"].as_str().unwrap()),
            &format!("{} 元", yuan(line["saved"].as_i64().unwrap())),
        )
        .await;
    }
    let total = format!("{} 元", yuan(bill["total"].as_i64().unwrap()));
    assert_eq!(total, "177,846.17 元");
    b.wait_text("[data-test=bill-total]", &total).await;
    screen_is_clean(&mut b, "landing").await;

    // The same landing opened from the code's token (what a scan opens).
    b.goto(&format!("{}/enterprise?code={token}", app.base))
        .await;
    b.wait_text("[data-test=bill-total]", &total).await;

    // Raise a complaint with a photo.
    b.click("[data-test=raise]").await;
    b.click("[data-test=category]").await;
    b.wait_text(".van-picker", "企业开办与登记").await;
    let picked = b
        .execute(
            "const o = [...document.querySelectorAll('.van-picker-column__item')]
               .find(e => e.innerText.includes(arguments[0]));
             if (o) o.click(); return !!o;",
            json!(["企业开办与登记"]),
        )
        .await;
    assert_eq!(picked, true);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    b.click(".van-picker__confirm").await;
    b.type_into("textarea[name=description]", DESCRIPTION).await;
    let chosen = b
        .execute(
            "const [b64, css] = arguments;
             const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
             const input = document.querySelector(css);
             const files = new DataTransfer();
             files.items.add(new File([bytes], 'shopfront.png', { type: 'image/png' }));
             input.files = files.files;
             input.dispatchEvent(new Event('change', { bubbles: true }));
             return input.files.length;",
            json!([PHOTO_PNG, "[data-test=photos] input[type=file]"]),
        )
        .await;
    assert_eq!(chosen, 1);
    b.click("[data-test=photo-0] img").await;
    b.wait_text("[data-test=category]", "企业开办与登记").await;
    screen_is_clean(&mut b, "new-complaint").await;

    b.click("[data-test=submit]").await;
    b.wait_text("[data-test=case-status]", "已收件").await;
    let path = b.execute("return location.pathname", json!([])).await;
    let id = path
        .as_str()
        .unwrap()
        .strip_prefix("/complaints/")
        .unwrap()
        .to_owned();

    // The photo reached the store and is attached, judged a PNG by its bytes.
    let view = get(&app, &format!("/api/complaints/cases/{id}"), &enterprise).await;
    assert_eq!(view["case"]["status"], "received", "{view}");
    assert_eq!(view["case"]["channel"], "qr", "{view}");
    assert_eq!(view["case"]["description"], DESCRIPTION);
    let attachments = view["case"]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "{view}");
    assert_eq!(attachments[0]["kind"], "png", "{view}");
    b.wait_text("[data-test=case-photos]", "1 个附件").await;
    page_shows_deadlines(&b, &view).await;
    screen_is_clean(&mut b, "case-received").await;

    // The office logs, accepts and assigns it; the department answers.
    let office = staff(&app, OFFICE);
    act(&app, &office, &id, json!({ "action": "log" })).await;
    act(&app, &office, &id, json!({ "action": "accept" })).await;
    act(
        &app,
        &office,
        &id,
        json!({ "action": "assign", "lead": MARKET, "co_handlers": [] }),
    )
    .await;
    act(
        &app,
        &staff(&app, MARKET),
        &id,
        json!({ "action": "reply", "text": "已协调窗口一次性告知材料清单，可于明日办结。" }),
    )
    .await;

    b.goto(&format!("{}/complaints/{id}", app.base)).await;
    b.wait_text("[data-test=case-status]", "已答复").await;
    b.wait_text("[data-test=replies]", "一次性告知材料清单")
        .await;
    let view = get(&app, &format!("/api/complaints/cases/{id}"), &enterprise).await;
    assert!(
        view["available_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("feedback")),
        "{view}"
    );
    page_shows_deadlines(&b, &view).await;
    b.wait_text("[data-test=steps] .van-step--process", "已答复")
        .await;
    screen_is_clean(&mut b, "case-replied").await;

    // Feedback: satisfied, with a comment; recorded on the case.
    b.click("[data-test=satisfied]").await;
    b.type_into("textarea[name=comment]", "窗口服务改进明显。")
        .await;
    b.click("[data-test=send-feedback]").await;
    b.wait_text("[data-test=case-status]", "已评价").await;
    b.wait_text("[data-test=feedback-given]", "满意").await;
    let view = get(&app, &format!("/api/complaints/cases/{id}"), &enterprise).await;
    assert_eq!(view["case"]["status"], "feedback_given", "{view}");
    assert_eq!(view["case"]["feedback"][0]["satisfaction"], "satisfied");
    assert_eq!(view["case"]["feedback"][0]["comment"], "窗口服务改进明显。");
    let shown = b
        .execute(
            "return document.querySelector('[data-test=feedback]') === null",
            json!([]),
        )
        .await;
    assert_eq!(shown, true, "the feedback form is gone once given");
    screen_is_clean(&mut b, "feedback").await;

    // The enterprise's cases: this one, where it stands.
    b.goto(&format!("{}/complaints", app.base)).await;
    b.wait_text(&format!("[data-test=case-{id}]"), "已评价")
        .await;
    b.wait_text(&format!("[data-test=case-{id}]"), "企业开办与登记")
        .await;
    screen_is_clean(&mut b, "cases").await;
}
