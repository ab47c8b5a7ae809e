//! Schedules: the stale-session sweep and daily statements per site.

use super::*;

#[tokio::test]
async fn a_stale_session_is_closed_by_the_sweep_and_counted_in_the_statement() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-S1").await;
    p.meter_posts(&reading(1, 1_000)).await;
    p.meter_posts(&reading(2, 2_000)).await;
    let sweep = |key: String| {
        p.post("/api/power/sessions/close-stale")
            .bearer_auth(key)
            .json(&json!({ "after_s": 1 }))
            .send()
    };
    let reporter = p.agency_key(2, "power:reports").await;
    let (status, _) = body(sweep(reporter.clone()).await.unwrap()).await;
    assert_eq!(status, 403);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let sweeper = p.agency_key(3, "power:sweep").await;
    let (status, v) = body(sweep(sweeper.clone()).await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["closed"], json!([id]));
    // Billed to the last reading (1 kWh = 60 fen), the rest refunded.
    let s = p.session(&alice, &id).await;
    assert_eq!(s["reason"]["kind"], "stale");
    assert_eq!(
        (s["charged_fen"].as_i64(), s["refunded_fen"].as_i64()),
        (Some(60), Some(940))
    );
    let (_, again) = body(sweep(sweeper).await.unwrap()).await;
    assert_eq!(again["closed"], json!([]));

    // Today's statement (China local day) counts the use.
    let today = OffsetDateTime::now_utc()
        .to_offset(yingshang_core::metering::CHINA)
        .date();
    let day = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let (status, v) = body(
        p.post(&format!("/api/power/statements/daily?date={day}"))
            .bearer_auth(&reporter)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = body(
        p.get(&format!(
            "/api/power/sites/xuchang-night-market/statements?from={day}&to={day}"
        ))
        .bearer_auth(&reporter)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let st = &v["statements"][0];
    assert_eq!(
        (
            st["uses"].as_i64(),
            st["revenue"].as_i64(),
            st["refunded"].as_i64()
        ),
        (Some(1), Some(60), Some(940))
    );
    assert_eq!(st["energy"], 1000);
    assert_eq!(st["ended_by"]["stale"], 1);
    let db = default_db(&p.app).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM power_statements WHERE day = $1")
        .bind(&day)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    p.app.shutdown().await;
}
