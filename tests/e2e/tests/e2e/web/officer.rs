//! The officer's phone (入企扫码) in a real browser: the demo officer of the development
//! sign-in scans an enterprise's code (typed: headless Chromium offers no
//! `BarcodeDetector`), waits for a second officer, sees the inspection in progress,
//! checks out, and finds it among his inspections — each screen showing what the
//! check-in API answers.

use super::{dev_token, generated, screen_is_clean, start_flow};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::demo_users::{DEMO_AGENCY, DEMO_ENTERPRISE, DEMO_SECOND_OFFICER};
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::TestApp;
use yingshang_e2e::browser::Browser;

/// An API time as the page shows it: Beijing time, to the minute.
fn beijing(rfc3339: &str) -> String {
    let t = OffsetDateTime::parse(rfc3339, &Rfc3339).unwrap() + time::Duration::hours(8);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_officer_scans_to_enter_sees_the_inspection_and_checks_out() {
    let app = start_flow(&["checkin"], |_| {}).await;
    let r = app
        .client
        .post(format!("{}/api/checkin/demo-data", app.base))
        .header("x-api-key", generated(&app, "bootstrap_api_key"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "demo data");
    // The enterprise's code, as printed on its poster (read as the demo enterprise).
    let enterprise = dev_token(&app, "enterprise").await;
    let code = get(
        &app,
        &format!("/api/checkin/enterprises/{DEMO_ENTERPRISE}/code"),
        &enterprise,
    )
    .await;
    let url = code["url"].as_str().unwrap().to_owned();
    let landing = get(
        &app,
        &format!("/api/checkin/landing/{}", code["token"].as_str().unwrap()),
        &enterprise,
    )
    .await;
    let name = landing["enterprise"]["name"].as_str().unwrap().to_owned();
    let rules = get(
        &app,
        &format!("/api/checkin/agencies/{DEMO_AGENCY}"),
        &enterprise,
    )
    .await;
    let item = &rules["rules"]["items"][0];

    // The development sign-in's officer, with its defaults (no organisation named).
    let officer = dev_token(&app, "officer").await;
    let mut b = Browser::start("officer-scan", "zh-CN").await;
    b.goto(&format!("{}/", app.base)).await;
    b.execute(
        "sessionStorage.setItem('yingshang.token', arguments[0])",
        json!([officer]),
    )
    .await;
    b.goto(&format!("{}/", app.base)).await;
    b.wait_text("[data-test=signed-in]", "执法人员").await;
    b.click("[data-test=svc-officer]").await;
    b.wait_text("body", "我的检查").await;
    b.wait_text("[data-test=my-inspections]", "暂无检查记录")
        .await;
    // No BarcodeDetector here: the page says so and offers the typed path.
    let detector = b.execute("return typeof BarcodeDetector", json!([])).await;
    if detector == "undefined" {
        b.wait_text("[data-test=no-camera]", "输入或粘贴企业码")
            .await;
    }
    screen_is_clean(&mut b, "scan").await;

    // The code's URL pasted: the enterprise it names, the agency's published items.
    b.type_into("input[name=code]", &url).await;
    b.click("[data-test=identify]").await;
    let shown = b.wait_text("[data-test=enterprise]", &name).await;
    assert!(shown.contains(DEMO_ENTERPRISE), "{shown}");
    assert!(
        shown.contains(rules["rules"]["name_zh"].as_str().unwrap()),
        "{shown}"
    );
    b.wait_text("[data-test=items]", item["name_zh"].as_str().unwrap())
        .await;
    b.type_into("input[name=approval_ref]", "洛税检〔2026〕7号")
        .await;
    screen_is_clean(&mut b, "identified").await;

    // The first officer's scan waits for a second one.
    b.click("[data-test=enter]").await;
    let waiting = b
        .wait_text("[data-test=waiting]", "等待第二名执法人员扫码")
        .await;
    assert!(waiting.contains(&name), "{waiting}");
    screen_is_clean(&mut b, "waiting").await;

    // The second officer of the agency scans on his own phone.
    let second = issue(
        &Claims::new(
            Subject::parse(DEMO_SECOND_OFFICER).unwrap(),
            Membership::Officer(AgencyId::parse(DEMO_AGENCY).unwrap()),
            OffsetDateTime::now_utc(),
            time::Duration::hours(1),
        ),
        &SigningKey::hs256(generated(&app, "auth_jwt_secret").as_bytes()).unwrap(),
    );
    let r = app
        .client
        .post(format!("{}/api/checkin/scans", app.base))
        .bearer_auth(&second)
        .json(&json!({
            "code": url, "kind": "routine", "item": item["code"],
            "approval_ref": "洛税检〔2026〕7号",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let started: Value = r.json().await.unwrap();
    let id = started["id"].as_str().unwrap();

    // The first officer's phone shows the inspection in progress, as the API has it.
    b.wait_text("[data-test=inspection]", "检查中").await;
    let shown = b
        .wait_text("[data-test=inspection-enterprise]", &name)
        .await;
    assert!(shown.contains(DEMO_ENTERPRISE), "{shown}");
    let shown = b.wait_text("[data-test=inspection-item]", "税务检查").await;
    assert!(
        shown.contains(started["item_name"].as_str().unwrap())
            && shown.contains(started["legal_basis"].as_str().unwrap()),
        "{shown}"
    );
    b.wait_text(
        "[data-test=inspection-time-in]",
        &beijing(started["arrived_at"].as_str().unwrap()),
    )
    .await;
    let shown = b
        .wait_text("[data-test=inspection-officers]", "dev-officer")
        .await;
    assert!(shown.contains(DEMO_SECOND_OFFICER), "{shown}");
    b.wait_text(&format!("[data-test=mine-{id}]"), "检查中")
        .await;
    screen_is_clean(&mut b, "in-progress").await;

    // Check out with the outcome.
    b.type_into("textarea[name=result_note]", "账簿凭证齐全，未发现问题")
        .await;
    b.click("[data-test=check-out]").await;
    b.wait_text("[data-test=inspection]", "已离企").await;
    let left = get(&app, &format!("/api/checkin/inspections/{id}"), &officer).await;
    assert_eq!(left["outcome"], "no_issues");
    assert_eq!(left["result_note"], "账簿凭证齐全，未发现问题");
    let shown = b
        .wait_text("[data-test=inspection-outcome]", "未发现问题")
        .await;
    assert!(shown.contains("账簿凭证齐全"), "{shown}");
    b.wait_text(
        "[data-test=inspection-time-out]",
        &beijing(left["left_at"].as_str().unwrap()),
    )
    .await;
    b.wait_text(&format!("[data-test=mine-{id}]"), "未发现问题")
        .await;
    screen_is_clean(&mut b, "checked-out").await;
    app.shutdown().await;
}
