//! A customer's whole session: order (idempotent), the channel's confirmation
//! (signed, idempotent), signed readings billed per the core, a replayed webhook and
//! an older sequence number charging nothing, stop, and the refund delivered once.

use super::*;

#[tokio::test]
async fn a_full_session_charges_per_the_core_and_refunds_the_rest_once() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let order = json!({ "socket_id": SOCKET, "prepaid_fen": 1000 });

    // Ordering needs a customer and an Idempotency-Key; a replay answers the same session.
    let (status, v) = body(
        p.post("/api/power/sessions")
            .bearer_auth(officer())
            .json(&order)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("AUTHZ_ROLE_NOT_ALLOWED"))
    );
    let (status, v) = body(
        p.post("/api/power/sessions")
            .bearer_auth(&alice)
            .json(&order)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("METER_IDEMPOTENCY_KEY_REQUIRED"))
    );
    let create = || {
        p.post("/api/power/sessions")
            .bearer_auth(&alice)
            .header("idempotency-key", "order-alice-1")
            .json(&order)
    };
    let (status, first) = body(create().send().await.unwrap()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "created");
    assert_eq!(first["command"], "stay_off");
    assert_eq!(first["payment"]["amount_fen"], 1000);
    let r = create().send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let (status, again) = body(r).await;
    assert_eq!(
        (status.as_u16(), &again["session_id"]),
        (201, &first["session_id"])
    );
    let id = first["session_id"].as_str().unwrap().to_owned();

    // The channel's confirmation: a bad signature is refused; a replay is idempotent.
    let b = json!({ "transaction_id": "WX-1", "session_id": id, "amount_fen": 1000 }).to_string();
    let r = p
        .post("/api/power/payments/confirmations")
        .header("content-type", "application/json")
        .header(
            "x-channel-signature",
            sign_body(b"not-the-channel-secret!!", b.as_bytes()).unwrap(),
        )
        .body(b.clone())
        .send()
        .await
        .unwrap();
    let (status, v) = body(r).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (401, Some("CHANNEL_BAD_SIGNATURE"))
    );
    let (status, v) = body(p.confirm("WX-1", &id, 999).await).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (422, Some("METER_PAYMENT_AMOUNT_MISMATCH"))
    );
    let (status, v) = body(p.confirm("WX-1", &id, 1000).await).await;
    assert_eq!(
        (status.as_u16(), v["status"].as_str()),
        (200, Some("active")),
        "{v}"
    );
    let (status, v) = body(p.confirm("WX-1", &id, 1000).await).await;
    assert_eq!(
        (status.as_u16(), v["status"].as_str()),
        (200, Some("active")),
        "{v}"
    );
    let (status, v) = body(p.confirm("WX-2", &id, 1000).await).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (409, Some("METER_SESSION_NOT_AWAITING_PAYMENT"))
    );

    // Readings: the first is the baseline; the next bills 3.27 kWh × 0.60 = 1.962 yuan.
    let (status, v) = p.meter_posts(&reading(1, 10_000)).await;
    assert_eq!(
        (status.as_u16(), v["command"].as_str()),
        (200, Some("keep_on")),
        "{v}"
    );
    assert_eq!(v["outcomes"][0]["outcome"], "baseline");
    let charged = sign_as(
        METER,
        METER,
        DEVICE_SECRET,
        &reading(2, 13_270),
        &fresh_nonce(),
    );
    let (status, v) = p.send(&charged).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "charged");
    assert_eq!(v["outcomes"][0]["charge"], 196_200_000);
    assert_eq!(v["balance_fen"], 804);

    // The same signed request again (same nonce): refused, nothing billed twice.
    let (status, v) = p.send(&charged).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (401, Some("DEVICE_REPLAYED"))
    );
    // An older sequence number, freshly signed: accepted, billed nothing.
    let (status, v) = p.meter_posts(&reading(1, 99_999)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "duplicate");
    let s = p.session(&alice, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["balance_fen"].as_i64()),
        (Some(196), Some(804))
    );
    assert_eq!(s["energy_wh"], 3270);
    let db = default_db(&p.app).await;
    let readings: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM power_readings WHERE meter_id = $1")
            .bind(METER)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(readings, 2);

    // Only the owner sees or stops the session; the socket shows in use meanwhile.
    let (status, v) = body(
        p.get(&format!("/api/power/sessions/{id}"))
            .bearer_auth(citizen("bob"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("METER_SESSION_NOT_OWNER"))
    );
    let (_, sock) = body(
        p.get(&format!("/api/power/sockets/{SOCKET}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(sock["status"], "in_use");
    let (status, v) = body(
        p.post(&format!("/api/power/sessions/{id}/stop"))
            .bearer_auth(citizen("bob"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403, "{v}");

    // Stop: charged 1.96, refunded 8.04 to the fen; the device is told to cut off.
    let (status, s) = body(
        p.post(&format!("/api/power/sessions/{id}/stop"))
            .bearer_auth(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["status"], "ended");
    assert_eq!(s["command"], "cut_off");
    assert_eq!(s["reason"]["kind"], "customer_stop");
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(196), Some(804))
    );
    assert_eq!(s["refund"]["status"], "pending");
    let (_, v) = p.meter_posts(&reading(3, 13_300)).await;
    assert_eq!(
        (v["command"].as_str(), v["reason"]["kind"].as_str()),
        (Some("cut_off"), Some("customer_stop"))
    );

    // Dispatch twice at once, then again: the channel pays one refund, once.
    let refunds = p.agency_key(4, "power:refunds").await;
    let dispatch = || {
        p.post("/api/power/refunds/dispatch")
            .bearer_auth(&refunds)
            .send()
    };
    let (a, b) = tokio::join!(dispatch(), dispatch());
    let (a, b) = (body(a.unwrap()).await, body(b.unwrap()).await);
    assert_eq!((a.0.as_u16(), b.0.as_u16()), (200, 200), "{a:?} {b:?}");
    let delivered =
        a.1["delivered"].as_array().unwrap().len() + b.1["delivered"].as_array().unwrap().len();
    assert_eq!(delivered, 1, "{a:?} {b:?}");
    let (_, c) = body(dispatch().await.unwrap()).await;
    assert_eq!(c["delivered"].as_array().unwrap().len(), 0, "{c}");
    let paid: Vec<(String, i64)> =
        sqlx::query_as("SELECT idem_key, amount_fen FROM dev_channel_refunds")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(paid, vec![(id.clone(), 804)]);
    let (status, refund_id): (String, Option<String>) =
        sqlx::query_as("SELECT status, channel_refund_id FROM refund_outbox WHERE session_id = $1")
            .bind(&id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(status, "delivered");
    let s = p.session(&alice, &id).await;
    assert_eq!(s["refund"]["status"], "delivered");
    assert_eq!(s["refund"]["refund_id"].as_str(), refund_id.as_deref());
    let (charged, refunded, prepaid): (i64, i64, i64) = sqlx::query_as(
        "SELECT charged_fen, refunded_fen, prepaid_fen FROM power_sessions WHERE id = $1",
    )
    .bind(&id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(charged + refunded, prepaid);
    p.app.shutdown().await;
}

#[tokio::test]
async fn balance_exhaustion_cuts_the_power_and_refunds_nothing_more() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 100, "WX-B1").await;
    p.meter_posts(&reading(1, 0)).await;
    // 2 kWh at 0.60 would be 1.20 yuan; only 1.00 was prepaid.
    let (status, v) = p.meter_posts(&reading(2, 2000)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["command"].as_str(), v["reason"]["kind"].as_str()),
        (Some("cut_off"), Some("balance_exhausted"))
    );
    assert_eq!(v["outcomes"][0]["capped"], true);
    let s = p.session(&alice, &id).await;
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(100), Some(0))
    );
    let db = default_db(&p.app).await;
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refund_outbox")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(queued, 0);
    p.app.shutdown().await;
}
