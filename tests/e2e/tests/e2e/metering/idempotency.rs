//! A keyed order whose first request died between claiming its key and answering
//! (a trap, a timeout, a kill) does not block the key for ever: the claim the dead
//! request left is taken over once it is older than the core's claim time-to-live,
//! the order runs once, and retries replay it. A live claim still answers 409.

use super::*;
use yingshang_core::security::idempotency::{CLAIM_TTL_S, Fingerprint, RECORD_RETENTION_S};

/// What a request that died after claiming `key` leaves: its claim, no answer (its
/// work was rolled back with the transaction it died in).
async fn leave_claim(p: &Power, key: &str, body: &str, age_s: i64) {
    let db = default_db(&p.app).await;
    let fingerprint = Fingerprint::of("POST", "/api/power/sessions", body.as_bytes());
    let claimed_at = (OffsetDateTime::now_utc().unix_timestamp() - age_s) * 1000;
    sqlx::query(
        "INSERT INTO idempotency (caller, idem_key, fingerprint, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind("citizen:alice")
    .bind(key)
    .bind(fingerprint.to_hex())
    .bind(claimed_at)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
}

async fn sessions_of_socket(p: &Power) -> i64 {
    let db = default_db(&p.app).await;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM power_sessions WHERE socket_id = $1")
        .bind(SOCKET)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    n
}

#[tokio::test]
async fn an_abandoned_claim_is_taken_over_and_the_order_runs_once() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let order = json!({ "socket_id": SOCKET, "prepaid_fen": 1000 }).to_string();
    let create = |key: &str| {
        p.post("/api/power/sessions")
            .bearer_auth(&alice)
            .header("idempotency-key", key)
            .header("content-type", "application/json")
            .body(order.clone())
    };

    // A claim younger than its time-to-live belongs to a live request: 409.
    leave_claim(&p, "order-live", &order, 0).await;
    let (status, v) = body(create("order-live").send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (409, Some("IDEMPOTENCY_IN_PROGRESS"))
    );

    // An older one was left by a request that died: taken over, run once.
    leave_claim(&p, "order-dead", &order, CLAIM_TTL_S + 5).await;
    let (status, first) = body(create("order-dead").send().await.unwrap()).await;
    assert_eq!(status, 201, "{first}");
    let r = create("order-dead").send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let (status, again) = body(r).await;
    assert_eq!(
        (status.as_u16(), &again["session_id"]),
        (201, &first["session_id"])
    );
    assert_eq!(sessions_of_socket(&p).await, 1);
    p.app.shutdown().await;
}

/// Moves the claim time of `key`'s record back by `age_s` seconds, as if it had been
/// answered that long ago.
async fn age_record(p: &Power, key: &str, age_s: i64) {
    let db = default_db(&p.app).await;
    let changed =
        sqlx::query("UPDATE idempotency SET created_at = created_at - $1 WHERE idem_key = $2")
            .bind(age_s * 1000)
            .bind(key)
            .execute(&db)
            .await
            .unwrap()
            .rows_affected();
    assert_eq!(changed, 1);
    db.close().await;
}

async fn records(p: &Power, key: &str) -> i64 {
    let db = default_db(&p.app).await;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency WHERE idem_key = $1")
        .bind(key)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    n
}

#[tokio::test]
async fn answered_keys_expire_after_their_retention_and_the_schedule_deletes_them() {
    let p = start().await;
    p.setup().await;
    // One socket per order: a socket serves one session at a time.
    p.add_socket("night-market-a-02", "123456789013", DEVICE_SECRET)
        .await;
    p.add_socket("night-market-a-03", "123456789014", DEVICE_SECRET)
        .await;
    let alice = citizen("alice");
    let create = |key: &str, socket: &str| {
        p.post("/api/power/sessions")
            .bearer_auth(&alice)
            .header("idempotency-key", key)
            .json(&json!({ "socket_id": socket, "prepaid_fen": 1000 }))
    };
    let (status, first) = body(create("order-old", SOCKET).send().await.unwrap()).await;
    assert_eq!(status, 201, "{first}");
    let (status, kept) = body(
        create("order-kept", "night-market-a-02")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{kept}");

    // Within its retention, another body under the key is a conflict.
    let (status, v) = body(
        create("order-old", "night-market-a-03")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (409, Some("IDEMPOTENCY_KEY_REUSED"))
    );

    // Past it, the key is new again even before the schedule ran: a new order.
    age_record(&p, "order-old", RECORD_RETENTION_S + 60).await;
    let (status, second) = body(
        create("order-old", "night-market-a-03")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    assert_ne!(second["session_id"], first["session_id"]);

    // The expiry needs the maintenance scope, and deletes only expired records.
    let refused = p
        .post("/api/power/idempotency/expire")
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    age_record(&p, "order-old", RECORD_RETENTION_S + 60).await;
    let (status, v) = body(
        p.post("/api/power/idempotency/expire")
            .bearer_auth(&p.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["deleted"].as_u64()),
        (200, Some(1)),
        "{v}"
    );
    assert_eq!(records(&p, "order-old").await, 0);
    assert_eq!(records(&p, "order-kept").await, 1);
    let r = create("order-kept", "night-market-a-02")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    p.app.shutdown().await;
}
