//! The phone pages in a real browser (headless Chromium, 360×640), against the
//! gateway on `spin.toml`: what a person sees, no console errors, no serious or
//! critical accessibility violations (axe-core), a screenshot of every screen
//! (`target/browser-screens/`).

use super::{
    DEMO_UNIT, dev_token, load_valuation_demo, screen_is_clean, screen_is_clean_but, start, yuan,
};
use serde_json::{Value, json};
use yingshang_e2e::browser::Browser;

#[tokio::test]
async fn a_citizen_signs_in_and_sees_a_dwellings_price_explained_factor_by_factor() {
    let app = start().await;
    load_valuation_demo(&app).await;
    // What the API says, to compare with what the page shows.
    let expected: Value = app
        .client
        .get(format!("{}/api/valuation/units/{DEMO_UNIT}", app.base))
        .bearer_auth(dev_token(&app, "citizen").await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let mut b = Browser::start("citizen-valuation", "zh-CN").await;
    b.goto(&format!("{}/", app.base)).await;
    b.wait_text("body", "一房一价").await;
    b.wait_text("body", "未登录").await;
    screen_is_clean(&mut b, "home").await;

    // Sign in as a citizen (the development sign-in of a local run).
    b.click("[data-test=sign-in]").await;
    b.wait_text("body", "开发环境登录").await;
    screen_is_clean(&mut b, "sign-in").await;
    b.click("button[type=submit]").await;
    b.wait_text("[data-test=signed-in]", "市民").await;

    // Look a dwelling up by its unit number.
    b.click("[data-test=svc-valuation]").await;
    b.type_into("input[name=unit_code]", DEMO_UNIT).await;
    b.click("button[type=submit]").await;
    let total = b.wait_text("[data-test=total]", ".").await;
    assert_eq!(
        total,
        yuan(expected["total_value_fen"].as_i64().unwrap()),
        "the page shows the assessed value the API answers"
    );
    let factors = b.wait_text("[data-test=factors]", "×").await;
    for f in expected["factors"].as_array().unwrap() {
        assert!(
            factors.contains(f["label_zh"].as_str().unwrap()),
            "{f} not shown in {factors}"
        );
        assert!(factors.contains(f["coefficient"].as_str().unwrap()), "{f}");
    }
    screen_is_clean(&mut b, "assessment").await;
    // The address keeps the dwelling: a reload (or a shared link) shows it again.
    let url = b.execute("return location.href", json!([])).await;
    assert!(url.as_str().unwrap().contains(DEMO_UNIT), "{url}");

    // In English.
    b.click(".van-nav-bar__right").await;
    b.wait_text("body", "Assessed value").await;
    b.wait_text("[data-test=factors]", "Floor position").await;
    screen_is_clean(&mut b, "assessment-en").await;

    // A unit the register does not hold: the API's problem, in the page's language.
    b.goto(&format!(
        "{}/valuation?unit=410302999009GB99999F99999999",
        app.base
    ))
    .await;
    b.wait_text("[role=alert]", "VAL_UNIT_NOT_FOUND").await;
    screen_is_clean_but(
        &mut b,
        "not-found",
        &["/api/valuation/units/410302999009GB99999F99999999 - Failed to load resource: the server responded with a status of 404"],
    )
    .await;
    app.shutdown().await;
}

#[tokio::test]
async fn the_first_phone_screen_is_small() {
    let app = start().await;
    let b = Browser::start("first-screen", "zh-CN").await;
    b.goto(&format!("{}/", app.base)).await;
    b.wait_text("body", "一房一价").await;
    // Bytes on the wire for the document and everything it loaded (compressed).
    let bytes = b
        .execute(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))\
             .reduce((n, e) => n + e.transferSize, 0)",
            json!([]),
        )
        .await
        .as_f64()
        .unwrap();
    assert!(bytes > 0.0);
    assert!(
        bytes < 250.0 * 1024.0,
        "the first phone screen transfers {bytes} bytes (budget 250 KB)"
    );
    app.shutdown().await;
}
