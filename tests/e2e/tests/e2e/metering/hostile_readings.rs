//! Readings a faulty or hostile device sends: late and repeated sequence numbers,
//! register rises no socket can deliver, device clocks far ahead, and dates at the
//! edges of the calendar, on every route that takes a date.

use super::*;
use time::Duration;
use yingshang_core::metering::{PeriodPrices, PricePerKwh, Tariff, TariffPlan, TouTariff};

/// The socket's stored register and sequence number.
async fn socket_register(p: &Power, socket: &str) -> (Option<i64>, Option<i64>) {
    let db = default_db(&p.app).await;
    let row =
        sqlx::query_as("SELECT last_register_wh, last_seq FROM power_sockets WHERE socket_id = $1")
            .bind(socket)
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    row
}

async fn stop(p: &Power, customer: &str, id: &str) -> Value {
    let (status, s) = body(
        p.post(&format!("/api/power/sessions/{id}/stop"))
            .bearer_auth(customer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    s
}

fn assert_problem((status, v): &(StatusCode, Value), want: u16, code: &str) {
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (want, Some(code)),
        "{v}"
    );
}

#[tokio::test]
async fn a_late_reading_never_moves_the_sockets_register() {
    let p = start().await;
    p.setup().await;
    // No session: the socket remembers where its meter stands.
    let (status, v) = p.meter_posts(&reading(5, 5_000)).await;
    assert_eq!(
        (status.as_u16(), v["command"].as_str()),
        (200, Some("stay_off"))
    );
    assert_eq!(socket_register(&p, SOCKET).await, (Some(5_000), Some(5)));
    // A late reading, a repeated sequence number and an older one change nothing.
    let (status, _) = p.meter_posts(&reading(3, 1_000)).await;
    assert_eq!(status, 200);
    let batch = json!({ "readings": [reading(5, 9_999), reading(4, 100)] });
    let (status, _) = p.meter_posts(&batch).await;
    assert_eq!(status, 200);
    assert_eq!(socket_register(&p, SOCKET).await, (Some(5_000), Some(5)));

    // The next customer starts from 5 kWh; a reading from before the switch-on bills
    // nothing and is not taken as the baseline.
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-L1").await;
    let (status, v) = p.meter_posts(&reading(2, 200)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "duplicate");
    // 0.5 kWh × 0.60 = 30 fen.
    let (_, v) = p.meter_posts(&reading(6, 5_500)).await;
    assert_eq!(v["outcomes"][0]["outcome"], "charged", "{v}");
    assert_eq!(v["balance_fen"], 970);
    // During the session, a late reading leaves the register where it is.
    let (_, v) = p.meter_posts(&reading(1, 10)).await;
    assert_eq!(v["outcomes"][0]["outcome"], "duplicate", "{v}");
    assert_eq!(socket_register(&p, SOCKET).await, (Some(5_500), Some(6)));
    let s = stop(&p, &alice, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["energy_wh"].as_i64()),
        (Some(30), Some(500))
    );

    // So the customer after starts where the meter really is: 0.1 kWh, 6 fen.
    let bob = citizen("bob");
    let id = p.paid_session(&bob, 1000, "WX-L2").await;
    let (_, v) = p.meter_posts(&reading(7, 5_600)).await;
    assert_eq!(v["outcomes"][0]["outcome"], "charged", "{v}");
    let s = stop(&p, &bob, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["energy_wh"].as_i64()),
        (Some(6), Some(100))
    );
    p.app.shutdown().await;
}

#[tokio::test]
async fn a_rise_the_socket_cannot_deliver_is_held_with_an_alarm_never_charged() {
    let p = start().await;
    p.setup().await;
    // A 10 A socket.
    let (meter, secret) = ("100000000010", "ten-amp-device-secret-0123");
    p.add_socket_with(
        "night-market-a-10",
        &socket_body_rated(meter, Some(secret), 10_000),
    )
    .await;
    let alice = citizen("alice");
    let id = p
        .paid_session_on("night-market-a-10", &alice, 1000, "WX-I1")
        .await;
    let now = OffsetDateTime::now_utc();
    let (status, v) = p
        .meter_posts_as(meter, secret, &reading_at(1, 100_000, now))
        .await;
    assert_eq!(
        (status.as_u16(), v["outcomes"][0]["outcome"].as_str()),
        (200, Some("baseline"))
    );
    // +1,000,000 kWh one second later.
    let jump = reading_at(2, 100_000 + 1_000_000_000, now + Duration::seconds(1));
    let (status, v) = p.meter_posts_as(meter, secret, &jump).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "implausible");
    assert_eq!(v["outcomes"][0]["rise"], 1_000_000_000);
    assert_eq!(v["command"], "cut_off");
    assert_eq!(v["reason"]["kind"], "meter_implausible");
    assert_eq!(v["balance_fen"], 1000);
    let s = p.session(&alice, &id).await;
    assert_eq!(
        (
            s["charged_fen"].as_i64(),
            s["refunded_fen"].as_i64(),
            s["energy_wh"].as_i64()
        ),
        (Some(0), Some(1000), Some(0))
    );
    // Held for the operator: an alarm with the reading, the whole prepay refunded.
    let db = default_db(&p.app).await;
    let alarms: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT protection, session_id, seq FROM power_alarms")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(alarms, vec![("implausible_rise".to_owned(), id.clone(), 2)]);
    let outcome: String =
        sqlx::query_scalar("SELECT outcome FROM power_readings WHERE meter_id = $1 AND seq = 2")
            .bind(meter)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(outcome, "implausible");
    let refund: i64 =
        sqlx::query_scalar("SELECT amount_fen FROM refund_outbox WHERE session_id = $1")
            .bind(&id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(refund, 1000);
    p.app.shutdown().await;
}

#[tokio::test]
async fn a_reading_dated_ahead_is_refused_and_staleness_follows_the_servers_clock() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-T1").await;
    let now = OffsetDateTime::now_utc();

    // A year ahead: refused, with a code and a message in both languages.
    let ahead = sign_as(
        METER,
        METER,
        DEVICE_SECRET,
        &reading_at(1, 1_000, now + Duration::days(365)),
        &fresh_nonce(),
    );
    let mut r = p
        .post(&ahead.path)
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(ahead.body.clone());
    for (k, v) in &ahead.headers {
        r = r.header(*k, v);
    }
    let answer = body(r.send().await.unwrap()).await;
    assert_problem(&answer, 422, "METER_READING_IN_FUTURE");
    assert!(
        answer.1["detail"]
            .as_str()
            .unwrap()
            .contains("ahead of the server"),
        "{}",
        answer.1
    );
    let answer = p
        .meter_posts(&reading_at(1, 1_000, now + Duration::days(3650)))
        .await;
    assert_problem(&answer, 422, "METER_READING_IN_FUTURE");
    assert!(
        answer.1["detail"].as_str().unwrap().contains("超前"),
        "{}",
        answer.1
    );
    let db = default_db(&p.app).await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM power_readings")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    // Buffered from two hours ago, and four minutes ahead (clock drift): both taken.
    let (status, v) = p
        .meter_posts(&reading_at(1, 1_000, now - Duration::hours(2)))
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = p
        .meter_posts(&reading_at(2, 1_100, now + Duration::minutes(4)))
        .await;
    assert_eq!(
        (status.as_u16(), v["outcomes"][0]["outcome"].as_str()),
        (200, Some("charged")),
        "{v}"
    );

    // The device's clock says it was seen four minutes from now; the server last
    // heard from it just now. After a second of silence the sweep closes it.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let sweeper = p.agency_key(3, "power:sweep").await;
    let (status, v) = body(
        p.post("/api/power/sessions/close-stale")
            .bearer_auth(&sweeper)
            .json(&json!({ "after_s": 1 }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["closed"], json!([id]));
    let s = p.session(&alice, &id).await;
    assert_eq!(s["reason"]["kind"], "stale");
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(6), Some(994))
    );
    p.app.shutdown().await;
}

#[tokio::test]
async fn extreme_dates_are_refused_on_every_route() {
    let p = start().await;
    p.setup().await;
    // A time-of-use socket (Henan's 2024 periods).
    let (meter, secret) = ("100000000020", "time-of-use-device-secret-01");
    let prices = PeriodPrices::henan_ratios(PricePerKwh::from_fen(60));
    let mut tou = socket_body(meter, Some(secret));
    tou["tariff"] = serde_json::to_value(TariffPlan::single(Tariff::TimeOfUse(
        TouTariff::henan_2024(prices),
    )))
    .unwrap();
    p.add_socket_with("night-market-tou", &tou).await;
    let alice = citizen("alice");
    p.paid_session_on("night-market-tou", &alice, 1000, "WX-D1")
        .await;
    let (status, v) = p.meter_posts_as(meter, secret, &reading(1, 1_000)).await;
    assert_eq!(status, 200, "{v}");

    // Readings dated 9999-12-31, in year 0 and in a negative year: 4xx, never a trap.
    let dated = |at: &str| {
        let mut r = reading(2, 1_100);
        r["at"] = json!(at);
        r
    };
    for (at, want, code) in [
        (
            "9999-12-31T23:59:59Z",
            400,
            Some("METER_READING_DATE_OUT_OF_RANGE"),
        ),
        (
            "9999-12-31T20:00:00-08:00",
            400,
            Some("METER_READING_DATE_OUT_OF_RANGE"),
        ),
        (
            "0000-01-01T00:00:00Z",
            400,
            Some("METER_READING_DATE_OUT_OF_RANGE"),
        ),
        (
            "1899-12-31T23:59:59Z",
            400,
            Some("METER_READING_DATE_OUT_OF_RANGE"),
        ),
        ("-0001-01-01T00:00:00Z", 400, None),
    ] {
        let (status, v) = p.meter_posts_as(meter, secret, &dated(at)).await;
        assert_eq!(status.as_u16(), want, "{at}: {v}");
        if let Some(code) = code {
            assert_eq!(v["code"], code, "{at}: {v}");
        }
    }
    // The component is well: the next reading bills (0.1 kWh).
    let (status, v) = p.meter_posts_as(meter, secret, &reading(2, 1_100)).await;
    assert_eq!(
        (status.as_u16(), v["outcomes"][0]["outcome"].as_str()),
        (200, Some("charged")),
        "{v}"
    );

    // Query dates: outside 1900–2100, malformed or negative: 400.
    let reporter = p.agency_key(4, "power:reports").await;
    for date in [
        "9999-12-31",
        "1899-12-31",
        "2101-01-01",
        "-001-01-01",
        "-0001-01-01",
        "+2025-01-01",
    ] {
        let answer = body(
            p.post(&format!("/api/power/statements/daily?date={date}"))
                .bearer_auth(&reporter)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_problem(&answer, 400, "METER_DATE_INVALID");
        for q in [format!("from={date}"), format!("to={date}")] {
            let answer = body(
                p.get(&format!(
                    "/api/power/sites/xuchang-night-market/statements?{q}"
                ))
                .bearer_auth(&reporter)
                .send()
                .await
                .unwrap(),
            )
            .await;
            assert_problem(&answer, 400, "METER_DATE_INVALID");
        }
    }
    let (status, v) = body(
        p.post("/api/power/statements/daily?date=2100-12-31")
            .bearer_auth(&reporter)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{v}");

    // Effective dates of a socket's tariff and model: the same years.
    for (part, at) in [
        ("tariff", "9999-12-31T00:00:00Z"),
        ("models", "0000-01-01T00:00:00Z"),
    ] {
        let mut setup = socket_body("100000000030", Some("far-dated-device-secret-01"));
        setup[part][0]["effective_from"] = json!(at);
        let (status, v) = p.put_socket(&p.operator, "night-market-far", &setup).await;
        assert_eq!(status, 400, "{part} {at}: {v}");
    }
    p.app.shutdown().await;
}
