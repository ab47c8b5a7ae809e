//! Two gateways on one database, as a province runs several behind a load balancer:
//! the same meter's readings reach both at once, the refund outbox is dispatched by
//! both at once. On PostgreSQL (the `e2e_postgres` binary) they are two processes'
//! worth of connection pools on one server; on SQLite they share the state folder's
//! file. Either way every reading is billed once and the refund is paid once.

use super::*;
use yingshang_gateway::app::{UpOptions, up};

/// A second gateway on `first`'s manifest and database.
async fn beside(first: &Power) -> Power {
    let state = first.app.state.path();
    let mut o = UpOptions::new(state.join("spin.toml"));
    o.listen = "127.0.0.1:0".parse().unwrap();
    o.admin_listen = Some("127.0.0.1:0".parse().unwrap());
    o.state_dir = state.join("state");
    o.build = false;
    o.cache = false;
    o.schedules = false;
    o.variables
        .insert("auth_jwt_secret".into(), TOKEN_SECRET.into());
    o.variables
        .insert("bootstrap_api_key".into(), first.bootstrap.clone());
    o.variables
        .insert("payment_channel_secret".into(), CHANNEL_SECRET.into());
    let database_url = yingshang_e2e::database_for(state, &mut o);
    let running = up(o).await.expect("the second gateway starts");
    Power {
        app: TestApp {
            base: format!("http://{}", running.addr),
            admin: format!("http://{}", running.admin_addr.expect("admin listener")),
            state: tempfile::tempdir().unwrap(),
            client: reqwest::Client::new(),
            running: Some(running),
            database_url,
        },
        bootstrap: first.bootstrap.clone(),
        operator: first.operator.clone(),
    }
}

#[tokio::test]
async fn readings_sent_to_two_gateways_at_once_are_billed_once_and_refunded_once() {
    let a = start().await;
    a.setup().await;
    let b = beside(&a).await;
    let alice = citizen("alice");
    let id = a.paid_session(&alice, 10_000, "WX-two-gateways").await;

    let (status, v) = b.meter_posts(&reading(1, 10_000)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "baseline");
    // Each reading reaches both gateways at the same moment (signed twice, so
    // neither is a replay): one bills it, the other finds it already billed.
    for seq in 2..=25u64 {
        let r = reading(seq, 10_000 + (seq - 1) * 100);
        let ((sa, va), (sb, vb)) = tokio::join!(a.meter_posts(&r), b.meter_posts(&r));
        assert_eq!((sa.as_u16(), sb.as_u16()), (200, 200), "{va} {vb}");
        let mut outcomes = [
            va["outcomes"][0]["outcome"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            vb["outcomes"][0]["outcome"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        ];
        outcomes.sort();
        assert_eq!(outcomes, ["charged", "duplicate"], "seq {seq}: {va} {vb}");
    }
    // 2.4 kWh × 0.60 yuan = 1.44 yuan, on either gateway.
    for p in [&a, &b] {
        let s = p.session(&alice, &id).await;
        assert_eq!(s["energy_wh"], 2400, "{s}");
        assert_eq!(s["charged_fen"], 144, "{s}");
    }
    let db = default_db(&a.app).await;
    let readings: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM power_readings WHERE meter_id = $1")
            .bind(METER)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(readings, 25);

    // Stopped on one, dispatched by both at once: the channel pays once.
    let (status, s) = body(
        b.post(&format!("/api/power/sessions/{id}/stop"))
            .bearer_auth(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["refunded_fen"], 10_000 - 144);
    let refunds = a.agency_key(4, "power:refunds").await;
    let dispatch = |p: &Power| {
        p.post("/api/power/refunds/dispatch")
            .bearer_auth(&refunds)
            .send()
    };
    let (ra, rb) = tokio::join!(dispatch(&a), dispatch(&b));
    let (ra, rb) = (body(ra.unwrap()).await, body(rb.unwrap()).await);
    assert_eq!((ra.0.as_u16(), rb.0.as_u16()), (200, 200), "{ra:?} {rb:?}");
    let delivered =
        ra.1["delivered"].as_array().unwrap().len() + rb.1["delivered"].as_array().unwrap().len();
    assert_eq!(delivered, 1, "{ra:?} {rb:?}");
    let paid: Vec<(String, i64)> =
        sqlx::query_as("SELECT idem_key, amount_fen FROM dev_channel_refunds")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(paid, vec![(id.clone(), 10_000 - 144)]);
    b.app.shutdown().await;
    a.app.shutdown().await;
}
