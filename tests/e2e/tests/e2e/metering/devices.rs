//! The meter's side: protections cutting the power, DL/T 645 frames, and devices
//! that post for a meter that is not theirs.

use super::*;
use yingshang_core::metering::{MeterId, Wh, encode_energy_reply};

#[tokio::test]
async fn a_protection_trip_cuts_power_ends_the_session_and_raises_an_alarm() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-P1").await;
    p.meter_posts(&reading(1, 5_000)).await;
    // 240.0 V is above 235.4 V (220 V + 7%).
    let mut high = reading(2, 5_500);
    high["voltage"] = json!(2400);
    let (status, v) = p.meter_posts(&high).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["command"], "cut_off");
    assert_eq!(
        v["reason"],
        json!({ "kind": "protection_trip", "protection": "over_voltage" })
    );
    let s = p.session(&alice, &id).await;
    assert_eq!(s["status"], "ended");
    // 0.5 kWh × 0.60 = 0.30 yuan charged, 9.70 back.
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(30), Some(970))
    );
    let db = default_db(&p.app).await;
    let alarms: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT protection, session_id, seq FROM power_alarms")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(alarms, vec![("over_voltage".to_owned(), id.clone(), 2)]);
    let refund: i64 =
        sqlx::query_scalar("SELECT amount_fen FROM refund_outbox WHERE session_id = $1")
            .bind(&id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(refund, 970);

    // A leakage trip on the next session: residual current at 30 mA. The session
    // starts from the register last seen (5.5 kWh): 0.1 kWh is billed, 6 fen.
    let id2 = p.paid_session(&alice, 500, "WX-P2").await;
    let mut leak = reading(3, 5_600);
    leak["residual"] = json!(30);
    let (_, v) = p.meter_posts(&leak).await;
    assert_eq!(
        v["reason"],
        json!({ "kind": "protection_trip", "protection": "residual_current" })
    );
    let s = p.session(&alice, &id2).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(6), Some(494))
    );
    p.app.shutdown().await;
}

#[tokio::test]
async fn dlt645_frames_bill_and_bad_frames_are_refused() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-F1").await;
    let meter = MeterId::parse(METER).unwrap();
    let frame_body = |seq: u64, hex: String| {
        let mut b = reading(seq, 0);
        b.as_object_mut().unwrap().remove("register");
        b["frame"] = json!(hex);
        b
    };
    let hex = |wh: u64| {
        encode_energy_reply(&meter, Wh(wh))
            .unwrap()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // 100.00 kWh then 101.00 kWh: 1 kWh × 0.60 = 60 fen.
    let (status, v) = p.meter_posts(&frame_body(1, hex(100_000))).await;
    assert_eq!(
        (status.as_u16(), v["outcomes"][0]["outcome"].as_str()),
        (200, Some("baseline")),
        "{v}"
    );
    let (status, v) = p.meter_posts(&frame_body(2, hex(101_000))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["energy"], 1000);
    assert_eq!(p.session(&alice, &id).await["charged_fen"], 60);

    // A flipped checksum byte: 400, nothing billed.
    let mut bytes = encode_energy_reply(&meter, Wh(102_000)).unwrap();
    let cs = bytes.len() - 2;
    bytes[cs] = bytes[cs].wrapping_add(1);
    let bad: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let (status, v) = p.meter_posts(&frame_body(3, bad)).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("METER_FRAME_BAD_CHECKSUM"))
    );
    // A frame from another meter's address: 400.
    let other = MeterId::parse("000000000042").unwrap();
    let foreign: String = encode_energy_reply(&other, Wh(102_000))
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (status, v) = p.meter_posts(&frame_body(4, foreign)).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("METER_FRAME_WRONG_ADDRESS"))
    );
    assert_eq!(p.session(&alice, &id).await["charged_fen"], 60);
    p.app.shutdown().await;
}

#[tokio::test]
async fn a_device_may_post_only_for_its_own_meter_and_only_when_signed() {
    let p = start().await;
    p.setup().await;
    let other_meter = "000000000042";
    let other_secret = "other-device-secret-0123456789";
    p.add_socket("night-market-a-02", other_meter, other_secret)
        .await;
    // The other meter, correctly signed with its own secret, posts for ours: 403.
    let s = sign_as(
        other_meter,
        METER,
        other_secret,
        &reading(1, 100),
        &fresh_nonce(),
    );
    let (status, v) = p.send(&s).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("DEVICE_WRONG_RESOURCE"))
    );
    // Signed with a wrong secret, or by an unknown device, or unsigned: 401.
    let s = sign_as(
        METER,
        METER,
        "not-the-device-secret-000",
        &reading(1, 100),
        &fresh_nonce(),
    );
    let (status, v) = p.send(&s).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (401, Some("DEVICE_BAD_SIGNATURE"))
    );
    let s = sign_as(
        "999999999999",
        "999999999999",
        DEVICE_SECRET,
        &reading(1, 100),
        &fresh_nonce(),
    );
    let (status, v) = p.send(&s).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (401, Some("DEVICE_BAD_SIGNATURE"))
    );
    let r = p
        .post(&format!("/api/power/meters/{METER}/readings"))
        .json(&reading(1, 100))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Without a session, a reading is kept and the relay told to stay off.
    let (status, v) = p.meter_posts(&reading(1, 100)).await;
    assert_eq!(
        (status.as_u16(), v["command"].as_str()),
        (200, Some("stay_off")),
        "{v}"
    );
    let db = default_db(&p.app).await;
    let nonces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM device_nonces")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(nonces, 1);
    p.app.shutdown().await;
}
