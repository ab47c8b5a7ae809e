//! Re-assessment of a whole city: chunks to completion, progress, safe re-runs.

use super::*;

pub(super) type ResultRow = (
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

pub(super) async fn result_rows(v: &Valuation, run: &str) -> Vec<ResultRow> {
    let db = default_db(&v.app).await;
    sqlx::query_as(
        "SELECT unit_code, unit_price_fen, total_value_fen, factors, error_code \
         FROM assessments WHERE run_id = $1 ORDER BY unit_code",
    )
    .bind(run)
    .fetch_all(&db)
    .await
    .unwrap()
}

#[tokio::test]
async fn city_reassessment_runs_in_chunks_to_completion_and_reruns_safely() {
    let v = start().await;
    v.load_demo().await;
    let importer = v.agency_key(3, "valuation:import").await;
    let create = json!({"city_code": "410300", "assessed_on": "2025-06-30"});
    let post = |path: &str| v.post(path).header("x-api-key", &importer);

    // Citizens and read-only keys may not start runs.
    let r = v
        .post("/api/valuation/reassessments")
        .bearer_auth(citizen())
        .json(&create);
    assert_eq!(r.send().await.unwrap().status(), 403);

    // Created once; the retried request with the same key replays the same run.
    let send = || {
        post("/api/valuation/reassessments")
            .header("idempotency-key", "run-2025-06-30")
            .json(&create)
            .send()
    };
    let (status, run) = body(send().await.unwrap()).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(
        (run["status"].as_str(), run["total"].as_i64()),
        (Some("running"), Some(5000))
    );
    let r = send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let (status, replay) = body(r).await;
    assert_eq!((status.as_u16(), &replay["id"]), (201, &run["id"]));
    let id = run["id"].as_str().unwrap().to_owned();
    let runs = "/api/valuation/reassessments";

    // Chunks of 2,000: two partial steps, then the last one finishes the run.
    let mut seen = Vec::new();
    for step in 0..3 {
        let (status, p) = body(
            post(&format!("{runs}/{id}/next?limit=2000"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{p}");
        seen.push((
            p["processed"].as_i64().unwrap(),
            p["status"].as_str().unwrap().to_owned(),
        ));
        let shown = v
            .get(&format!("{runs}/{id}"))
            .header("x-api-key", &importer)
            .send()
            .await;
        let (_, progress) = body(shown.unwrap()).await;
        assert_eq!(progress["processed"], p["processed"], "step {step}");
    }
    assert_eq!(
        seen,
        vec![
            (2000, "running".into()),
            (4000, "running".into()),
            (5000, "finished".into())
        ]
    );
    let (_, done) = body(post(&format!("{runs}/{id}/next")).send().await.unwrap()).await;
    assert_eq!(
        (done["status"].as_str(), done["processed_now"].as_i64()),
        (Some("finished"), Some(0))
    );
    assert_eq!(
        (done["assessed"].as_i64(), done["failed"].as_i64()),
        (Some(5000), Some(0))
    );
    assert!(done["finished_at"].is_string());

    // The stored results agree with a lookup on the same date.
    let rows = result_rows(&v, &id).await;
    assert_eq!(rows.len(), 5000);
    let (unit, price, total, factors, error) = rows[0].clone();
    assert!(error.is_none() && factors.is_some());
    let (_, a) = body(
        v.get(&format!("{UNIT}/{unit}?date=2025-06-30"))
            .bearer_auth(citizen())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (a["unit_price_fen"].as_i64(), a["total_value_fen"].as_i64()),
        (price, total)
    );
    // The stored factors are the lookup's, in the text serde writes (keys sorted).
    let expected: Vec<Value> = a["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!({"coefficient_ppm": f["coefficient_ppm"], "dimension": f["dimension"], "value": f["value"]}))
        .collect();
    assert_eq!(
        factors.as_deref(),
        Some(serde_json::to_string(&expected).unwrap().as_str())
    );

    // Processing the first chunk again (the run wound back to its start, cursor and
    // counts together, as a restored copy of the rows would be) leaves the same rows
    // and counts the chunk once.
    let db = default_db(&v.app).await;
    for rewind in [
        "UPDATE reassessment_runs SET status = 'running', processed = 0, failed = 0 \
         WHERE id = $1",
        "UPDATE reassessment_lanes SET last_unit = '', status = 'running' WHERE run_id = $1",
    ] {
        sqlx::query(rewind).bind(&id).execute(&db).await.unwrap();
    }
    let (status, p) = body(
        post(&format!("{runs}/{id}/next?limit=2000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["processed"].as_i64()),
        (200, Some(2000))
    );
    assert_eq!(result_rows(&v, &id).await, rows);

    // Unknown runs: 404.
    let (status, p) = body(
        post(&format!("{runs}/01J000000000000000000000AA/next"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("VAL_RUN_NOT_FOUND"))
    );
    v.app.shutdown().await;
}

#[tokio::test]
async fn racing_chunk_calls_count_every_dwelling_once() {
    let v = start().await;
    v.load_demo().await;
    let importer = v.agency_key(3, "valuation:import").await;
    let (status, run) = body(
        v.post("/api/valuation/reassessments")
            .header("x-api-key", &importer)
            .json(&json!({"city_code": "410300", "assessed_on": "2025-06-30"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    let next = format!(
        "/api/valuation/reassessments/{}/next",
        run["id"].as_str().unwrap()
    );
    // Three callers at once with different chunk sizes, until the run is finished:
    // calls that lose the race for the cursor write the same rows and count nothing.
    let caller = |limit: u32| {
        let (v, importer, next) = (&v, &importer, &next);
        async move {
            loop {
                let (status, p) = body(
                    v.post(&format!("{next}?limit={limit}"))
                        .header("x-api-key", importer)
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(status, 200, "{p}");
                if p["status"] == "finished" {
                    return p;
                }
            }
        }
    };
    let (a, b, c) = tokio::join!(caller(700), caller(300), caller(1100));
    for p in [&a, &b, &c] {
        assert!(p["processed"].as_i64().unwrap() <= 5000, "{p}");
    }
    let (_, done) = body(
        v.get(&format!(
            "/api/valuation/reassessments/{}",
            run["id"].as_str().unwrap()
        ))
        .header("x-api-key", &importer)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (done["processed"].as_i64(), done["failed"].as_i64()),
        (Some(5000), Some(0)),
        "{done}"
    );
    assert_eq!(
        result_rows(&v, run["id"].as_str().unwrap()).await.len(),
        5000
    );
}

#[tokio::test]
async fn district_runs_cover_their_own_dwellings_and_together_the_city() {
    let v = start().await;
    v.load_demo().await;
    let importer = v.agency_key(3, "valuation:import").await;
    let (status, d) = v.citizen_get("/divisions").await;
    assert_eq!(status, 200, "{d}");
    let divisions = d["divisions"].as_array().unwrap().clone();
    assert!(divisions.len() > 1, "{d}");
    // One run per district, in chunks that do not divide its size: each ends at its
    // district's last dwelling (the next district's codes are not in its range) and
    // stores exactly that district's dwellings.
    let mut all = 0;
    for division in &divisions {
        let code = division["division_code"].as_str().unwrap();
        let (status, run) = body(
            v.post("/api/valuation/reassessments")
                .header("x-api-key", &importer)
                .json(&json!({"city_code": code, "assessed_on": "2025-06-30"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{run}");
        let id = run["id"].as_str().unwrap().to_owned();
        let mut p = run;
        while p["status"] != "finished" {
            let (status, next) = body(
                v.post(&format!("/api/valuation/reassessments/{id}/next?limit=97"))
                    .header("x-api-key", &importer)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 200, "{next}");
            p = next;
        }
        let dwellings = division["dwellings"].as_i64().unwrap();
        assert_eq!(
            (p["processed"].as_i64(), p["total"].as_i64()),
            (Some(dwellings), Some(dwellings)),
            "{code}: {p}"
        );
        let rows = result_rows(&v, &id).await;
        assert_eq!(rows.len() as i64, dwellings, "{code}");
        assert!(rows.iter().all(|r| r.0.starts_with(code)), "{code}");
        all += rows.len();
    }
    assert_eq!(all, 5000);
    v.app.shutdown().await;
}
