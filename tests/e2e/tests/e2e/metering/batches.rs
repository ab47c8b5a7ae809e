//! Batches: a device that was offline, or one that sends many readings per signed
//! request to save its data plan. Each reading is stored once and billed once, however
//! the batch is split into statements and whatever it repeats.

use super::*;

/// The socket's stored readings: (seq, outcome), in sequence order.
async fn stored(p: &Power) -> Vec<(i64, String)> {
    let db = default_db(&p.app).await;
    let rows =
        sqlx::query_as("SELECT seq, outcome FROM power_readings WHERE meter_id = $1 ORDER BY seq")
            .bind(METER)
            .fetch_all(&db)
            .await
            .unwrap();
    db.close().await;
    rows
}

#[tokio::test]
async fn a_batch_of_forty_readings_is_stored_and_billed_once_each() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-B1").await;
    // 40 readings 25 Wh apart (more than one insert statement holds), with seq 17
    // repeated inside the batch at another register: the repeat is a duplicate.
    let mut readings: Vec<Value> = (1..=40).map(|seq| reading(seq, 1_000 + 25 * seq)).collect();
    readings.insert(20, reading(17, 9_000));
    let (status, v) = p.meter_posts(&json!({ "readings": readings })).await;
    assert_eq!(status, 200, "{v}");
    let outcomes = v["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 41, "{v}");
    let count = |o: &str| outcomes.iter().filter(|x| x["outcome"] == o).count();
    assert_eq!(
        (count("baseline"), count("charged"), count("duplicate")),
        (1, 39, 1),
        "{v}"
    );
    let rows = stored(&p).await;
    assert_eq!(rows.len(), 40, "{rows:?}");
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>()
    );
    assert_eq!(rows[0].1, "baseline");
    assert!(rows[1..].iter().all(|r| r.1 == "charged"), "{rows:?}");

    // The same batch again (a device retrying with a new nonce) changes nothing.
    let (status, again) = p
        .meter_posts(&json!({ "readings": (1..=40).map(|seq| reading(seq, 1_000 + 25 * seq)).collect::<Vec<_>>() }))
        .await;
    assert_eq!(status, 200, "{again}");
    assert!(
        again["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["outcome"] == "duplicate"),
        "{again}"
    );
    assert_eq!(stored(&p).await.len(), 40);

    // 39 × 25 Wh = 975 Wh at 0.60 CNY/kWh = 58.5 fen, billed once.
    let s = p.session(&alice, &id).await;
    assert_eq!(s["energy_wh"].as_i64(), Some(975), "{s}");
    assert_eq!(v["balance_fen"], again["balance_fen"]);
}
