//! The citizen's flow in a real browser (issue 20, phone flows: citizen): find a
//! dwelling by district, community, building and room; see its assessed price as the
//! valuation API answers it; start a transfer-tax assessment as the signed-in (real-name
//! verified) buyer and see every line's amount and rule as the tax API answers them.

use super::{DEMO_UNIT, dev_token, load_valuation_demo, screen_is_clean, start_flow, yuan};
use serde_json::{Value, json};
use yingshang_e2e::browser::Browser;

/// A seller with a valid resident ID number (GB 11643 check character).
const SELLER_ID: &str = "410302197001090333";

/// Clicks the picker's option whose text starts with `text` (waiting for it).
async fn choose(b: &Browser, text: &str) {
    b.wait_text(".van-cascader", text).await;
    let clicked = b
        .execute(
            "const o = [...document.querySelectorAll('.van-cascader__option')]\
               .find(e => e.innerText.trim().startsWith(arguments[0]));\
             if (o) o.click(); return !!o;",
            json!([text]),
        )
        .await;
    assert_eq!(clicked, json!(true), "no option {text:?}");
}

/// Sets an input's value as typing would (date inputs take no keystrokes portably).
async fn set_input(b: &Browser, css: &str, value: &str) {
    let done = b
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return false;\
             e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true})); return true;",
            json!([css, value]),
        )
        .await;
    assert_eq!(done, json!(true), "no input {css}");
}

#[tokio::test]
async fn a_citizen_picks_a_room_sees_its_price_and_every_transfer_tax_line_with_its_rule() {
    let app = start_flow(&["valuation", "tax"], |_| {}).await;
    load_valuation_demo(&app).await;
    let citizen = dev_token(&app, "citizen").await;
    let api = |path: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .bearer_auth(&citizen)
    };
    // What the APIs say, to compare with what the pages show.
    let expected: Value = api(&format!("/api/valuation/units/{DEMO_UNIT}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rooms: Value =
        api("/api/valuation/communities/C410302-00000/buildings/C410302-00000-B01/dwellings")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(rooms["dwellings"][0]["unit_code"], DEMO_UNIT, "{rooms}");

    let mut b = Browser::start("citizen-flow", "zh-CN").await;
    b.goto(&format!("{}/sign-in", app.base)).await;
    b.wait_text("body", "开发环境登录").await;
    b.click("button[type=submit]").await;
    b.wait_text("[data-test=signed-in]", "市民").await;
    screen_is_clean(&mut b, "citizen-home").await;

    // District → community → building → room, each level read when it opens.
    b.click("[data-test=svc-valuation]").await;
    b.click("[data-test=pick-place]").await;
    choose(&b, "老城区").await;
    // The district's communities, read when it opened, are on the screen checked.
    b.wait_text(".van-cascader", "C410302-00000").await;
    screen_is_clean(&mut b, "citizen-pick-district").await;
    choose(&b, "C410302-00000").await;
    choose(&b, "B01").await;
    choose(&b, "101 室").await;
    let total = b.wait_text("[data-test=total]", ".").await;
    assert_eq!(
        total,
        yuan(expected["total_value_fen"].as_i64().unwrap()),
        "the picked room's price is the one the API answers"
    );
    b.wait_text("[data-test=assessment]", DEMO_UNIT).await;
    let factors = b.wait_text("[data-test=factors]", "×").await;
    for f in expected["factors"].as_array().unwrap() {
        assert!(factors.contains(f["coefficient"].as_str().unwrap()), "{f}");
    }
    b.wait_text("[data-test=pick-place]", "老城区").await;
    screen_is_clean(&mut b, "citizen-picked-price").await;

    // The transfer taxes of buying it, as the signed-in buyer.
    b.click("[data-test=start-tax]").await;
    b.wait_text("[data-test=tax-dwelling]", DEMO_UNIT).await;
    b.wait_text(
        "[data-test=assessed-value]",
        &yuan(expected["total_value_fen"].as_i64().unwrap()),
    )
    .await;
    b.wait_text("[data-test=buyer-id]", "410303198808080022")
        .await;
    screen_is_clean(&mut b, "citizen-tax-form").await;
    b.type_into("input[name=price]", "1,200,000").await;
    b.type_into("input[name=seller_id]", SELLER_ID).await;
    b.type_into("input[name=seller_name]", "李四").await;
    set_input(&b, "input[name=certificate_date]", "2020-03-01").await;
    b.click("[data-test=assess-tax]").await;
    b.wait_text("[data-test=tax-total]", ".").await;
    let id = b.wait_text("[data-test=assessment-id]", "").await;
    assert!(!id.is_empty());

    // The stored assessment, as the API gives it to the buyer.
    let answer: Value = api(&format!("/api/tax/assessments/{}", id.trim()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let assessment = &answer["assessment"];
    assert_eq!(answer["unit_code"], DEMO_UNIT, "{answer}");
    assert_eq!(answer["contract_price_fen"], 120_000_000_i64, "{answer}");
    let lines = assessment["lines"].as_array().unwrap();
    assert!(lines.len() >= 4, "{answer}");
    for (i, line) in lines.iter().enumerate() {
        let shown = b.wait_text(&format!("[data-test=tax-line-{i}]"), "").await;
        let amount = yuan(line["amount"].as_i64().unwrap());
        assert!(shown.contains(&amount), "line {i}: {amount} not in {shown}");
        let rule = line["basis_zh"].as_str().unwrap();
        assert!(shown.contains(rule), "line {i}: rule {rule} not in {shown}");
        if let Some(relief) = line["relief"]["basis_zh"].as_str() {
            assert!(shown.contains(relief), "line {i}: relief {relief}");
        }
    }
    let total = b.wait_text("[data-test=tax-total]", ".").await;
    assert_eq!(
        total,
        yuan(assessment["totals"]["overall"].as_i64().unwrap())
    );
    for (css, field) in [("total-buyer", "buyer"), ("total-seller", "seller")] {
        let shown = b.wait_text(&format!("[data-test={css}]"), ".").await;
        assert!(
            shown.contains(&yuan(assessment["totals"][field].as_i64().unwrap())),
            "{css}: {shown}"
        );
    }
    screen_is_clean(&mut b, "citizen-tax-lines").await;

    // In English: the same lines, the names and labels in English, the rules as enacted.
    b.click(".van-nav-bar__right").await;
    b.wait_text("[data-test=tax-result]", "Taxes line by line")
        .await;
    b.wait_text("[data-test=tax-lines]", "Deed tax").await;
    // The dwelling's assessed value stays on the screen across the language change.
    b.wait_text("[data-test=assessed-value]", "Assessed value")
        .await;
    screen_is_clean(&mut b, "citizen-tax-lines-en").await;
    app.shutdown().await;
}
