//! The power customer's phone (共享电源) in a real browser: a socket looked up by its
//! id, a prepaid order paid at the payment channel's cashier (locally the stand-in,
//! which confirms to meter-billing signed as the channel signs), energy and balance
//! updating as the meter posts signed readings (played by the test), stop, and the
//! refund — each screen showing what the meter-billing API answers. The stand-in
//! cashier takes no payment where the run has no development secrets.

use super::{dev_token, generated, screen_is_clean, start_flow, yuan};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use yingshang_core::metering::{MilliAmp, SocketModelSpec};
use yingshang_core::security::device::sign_device_request;
use yingshang_e2e::TestApp;
use yingshang_e2e::browser::Browser;

const SITE: &str = "luoyang-night-market";
const SOCKET: &str = "night-market-b-07";
const METER: &str = "210987654321";
const DEVICE_SECRET: &str = "web-device-secret-0123456789";

/// `1234` Wh as the page shows it: `1.234`.
fn kwh(wh: i64) -> String {
    format!("{}.{:03}", wh / 1000, wh % 1000)
}

async fn send(r: reqwest::RequestBuilder) -> Value {
    let r = r.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{status}: {v}");
    v
}

/// The operator sets the site and socket up (a 100 A socket, flat 0.60 yuan/kWh).
async fn set_up_socket(app: &TestApp) {
    let key = generated(app, "bootstrap_api_key");
    send(
        app.client
            .put(format!("{}/api/power/sites/{SITE}", app.base))
            .bearer_auth(&key)
            .json(&json!({ "name": "洛阳夜市" })),
    )
    .await;
    let spec = SocketModelSpec::with_defaults("S", MilliAmp(100_000));
    send(
        app.client
            .put(format!("{}/api/power/sockets/{SOCKET}", app.base))
            .bearer_auth(&key)
            .json(&json!({
                "site_id": SITE, "meter_id": METER, "device_secret": DEVICE_SECRET,
                "models": [{ "effective_from": "2024-01-01T00:00:00Z", "model": spec }],
                "tariff": [{ "effective_from": "2024-01-01T00:00:00Z",
                             "tariff": { "kind": "flat", "price": 60_000_000 } }],
            })),
    )
    .await;
}

/// The meter posts a healthy signed reading of its register (Wh).
async fn meter_reads(app: &TestApp, seq: u64, register_wh: u64) {
    let now = OffsetDateTime::now_utc();
    let body = serde_json::to_vec(&json!({
        "seq": seq, "at": now.format(&Rfc3339).unwrap(), "register": register_wh,
        "voltage": 2200, "current": 2000, "power": 440, "temperature": 300, "residual": 0,
        "relay": "on", "events": [],
    }))
    .unwrap();
    let path = format!("/api/power/meters/{METER}/readings");
    let ts = now.unix_timestamp();
    let nonce = format!("web-power-{seq}-{}", std::process::id());
    let sig =
        sign_device_request("POST", &path, ts, &nonce, &body, DEVICE_SECRET.as_bytes()).unwrap();
    send(
        app.client
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/json")
            .header("x-device-id", METER)
            .header("x-timestamp", ts.to_string())
            .header("x-nonce", nonce)
            .header("x-signature", sig)
            .body(body),
    )
    .await;
}

/// The page shows the session's energy, charge and balance as the API answers them.
async fn page_shows_usage(b: &Browser, app: &TestApp, customer: &str, id: &str) -> Value {
    let s = send(
        app.client
            .get(format!("{}/api/power/sessions/{id}", app.base))
            .bearer_auth(customer),
    )
    .await;
    b.wait_text(
        "[data-test=energy]",
        &format!("{} 千瓦时", kwh(s["energy_wh"].as_i64().unwrap())),
    )
    .await;
    b.wait_text(
        "[data-test=charged]",
        &format!("{} 元", yuan(s["charged_fen"].as_i64().unwrap())),
    )
    .await;
    b.wait_text(
        "[data-test=balance]",
        &yuan(s["balance_fen"].as_i64().unwrap()),
    )
    .await;
    s
}

#[tokio::test]
async fn a_customer_prepays_watches_energy_and_balance_stops_and_sees_the_refund() {
    let app = start_flow(&["meter-billing", "stand-ins"], |_| {}).await;
    set_up_socket(&app).await;
    let socket = send(
        app.client
            .get(format!("{}/api/power/sockets/{SOCKET}", app.base)),
    )
    .await;

    let citizen = dev_token(&app, "citizen").await;
    let mut b = Browser::start("power", "zh-CN").await;
    b.goto(&format!("{}/", app.base)).await;
    b.execute(
        "sessionStorage.setItem('yingshang.token', arguments[0])",
        json!([citizen]),
    )
    .await;
    b.goto(&format!("{}/", app.base)).await;
    b.wait_text("[data-test=signed-in]", "市民").await;
    b.click("[data-test=svc-power]").await;

    // The socket by its id (what its QR code carries): status and price as answered.
    b.type_into("input[name=socket_id]", SOCKET).await;
    b.click("button[type=submit]").await;
    b.wait_text("[data-test=socket-status]", "空闲").await;
    assert_eq!(socket["status"], "available");
    b.wait_text(
        "[data-test=socket-price]",
        &format!(
            "{} 元/千瓦时",
            socket["price"]["yuan_per_kwh"].as_str().unwrap()
        ),
    )
    .await;
    b.click("[data-test=preset-1000]").await;
    screen_is_clean(&mut b, "socket").await;

    // Prepay 10 yuan: the order awaits the channel's confirmation.
    b.click("[data-test=order]").await;
    b.wait_text("[data-test=session-status]", "待支付").await;
    b.wait_text("[data-test=pay-due]", "10.00 元").await;
    let url = b.execute("return location.pathname", json!([])).await;
    let id = url
        .as_str()
        .unwrap()
        .strip_prefix("/power/sessions/")
        .unwrap()
        .to_owned();
    let s = page_shows_usage(&b, &app, &citizen, &id).await;
    assert_eq!(
        (s["status"].as_str(), s["prepaid_fen"].as_i64()),
        (Some("created"), Some(1000))
    );
    screen_is_clean(&mut b, "awaiting-payment").await;

    // The person pays at the channel's cashier (locally the stand-in, which confirms
    // to meter-billing signed as the channel signs): the socket is on.
    b.click("[data-test=pay]").await;
    b.wait_text("[data-test=session-status]", "用电中").await;

    // The meter reports; between polls the page follows energy, charge and balance.
    meter_reads(&app, 1, 10_000).await;
    let s = page_shows_usage(&b, &app, &citizen, &id).await;
    assert_eq!(s["energy_wh"], 0);
    meter_reads(&app, 2, 11_250).await;
    b.wait_text("[data-test=energy]", "1.250").await;
    let s = page_shows_usage(&b, &app, &citizen, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["balance_fen"].as_i64()),
        (Some(75), Some(925))
    );
    meter_reads(&app, 3, 13_270).await;
    b.wait_text("[data-test=energy]", "3.270").await;
    let s = page_shows_usage(&b, &app, &citizen, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["balance_fen"].as_i64()),
        (Some(196), Some(804))
    );
    screen_is_clean(&mut b, "switched-on").await;

    // Stop: the rest is refunded; the page shows the refund, then its delivery.
    b.click("[data-test=stop]").await;
    b.wait_text("[data-test=session-status]", "已结束").await;
    let ended = page_shows_usage(&b, &app, &citizen, &id).await;
    assert_eq!(ended["status"], "ended");
    b.wait_text(
        "[data-test=refunded]",
        &format!("{} 元", yuan(ended["refunded_fen"].as_i64().unwrap())),
    )
    .await;
    assert_eq!(ended["refunded_fen"], 804);
    b.wait_text("[data-test=refund-status]", "退款中").await;
    screen_is_clean(&mut b, "stopped").await;
    send(
        app.client
            .post(format!("{}/api/power/refunds/dispatch", app.base))
            .bearer_auth(generated(&app, "bootstrap_api_key")),
    )
    .await;
    b.wait_text("[data-test=refund-status]", "已退回").await;
    let s = send(
        app.client
            .get(format!("{}/api/power/sessions/{id}", app.base))
            .bearer_auth(&citizen),
    )
    .await;
    assert_eq!(s["refund"]["status"], "delivered");
    screen_is_clean(&mut b, "refunded").await;
    app.shutdown().await;
}

#[tokio::test]
async fn the_stand_in_cashier_takes_no_payment_without_development_secrets() {
    let app = start_flow(&["meter-billing", "stand-ins"], |o| {
        o.variables.insert("dev_sign_in".into(), "false".into());
    })
    .await;
    set_up_socket(&app).await;
    let citizen = yingshang_core::security::token::issue(
        &yingshang_core::security::token::Claims::new(
            yingshang_core::security::Subject::parse("alice").unwrap(),
            yingshang_core::security::authz::Membership::Citizen,
            OffsetDateTime::now_utc(),
            time::Duration::hours(1),
        ),
        &yingshang_core::security::token::SigningKey::hs256(
            generated(&app, "auth_jwt_secret").as_bytes(),
        )
        .unwrap(),
    );
    let created = send(
        app.client
            .post(format!("{}/api/power/sessions", app.base))
            .bearer_auth(&citizen)
            .header("idempotency-key", "order-closed-cashier")
            .json(&json!({ "socket_id": SOCKET, "prepaid_fen": 500 })),
    )
    .await;
    let id = created["session_id"].as_str().unwrap();
    let r = app
        .client
        .post(format!("{}/stand-ins/cashier/power-payments", app.base))
        .json(&json!({ "reference": id, "amount_fen": 500 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["code"], "STANDIN_CASHIER_CLOSED");
    let s = send(
        app.client
            .get(format!("{}/api/power/sessions/{id}", app.base))
            .bearer_auth(&citizen),
    )
    .await;
    assert_eq!(s["status"], "created", "nothing was paid");
    app.shutdown().await;
}
