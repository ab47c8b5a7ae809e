//! A keyed order whose first request died between claiming its key and answering
//! (a trap, a timeout, a kill) does not block the key for ever: the claim the dead
//! request left is taken over once it is older than the core's claim time-to-live,
//! the order runs once, and retries replay it. A live claim still answers 409.

use super::*;
use yingshang_core::security::idempotency::{CLAIM_TTL_S, Fingerprint};

/// What a request that died after claiming `key` leaves: its claim, no answer (its
/// work was rolled back with the transaction it died in).
async fn leave_claim(p: &Power, key: &str, body: &str, age_s: i64) {
    let db = default_db(&p.app).await;
    let fingerprint = Fingerprint::of("POST", "/api/power/sessions", body.as_bytes());
    let claimed_at = (OffsetDateTime::now_utc().unix_timestamp() - age_s) * 1000;
    sqlx::query(
        "INSERT INTO idempotency (caller, idem_key, fingerprint, created_at) VALUES (?, ?, ?, ?)",
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
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM power_sessions WHERE socket_id = ?")
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
