//! A re-assessment run in lanes: several callers process one run at once, every
//! dwelling once; a caller that names no lane still finishes the run.

use super::*;

const RUNS: &str = "/api/valuation/reassessments";

async fn create(v: &Valuation, key: &str, request: Value) -> (StatusCode, Value) {
    let r = v.post(RUNS).header("x-api-key", key).json(&request);
    body(r.send().await.unwrap()).await
}

async fn next(v: &Valuation, key: &str, id: &str, query: &str) -> (StatusCode, Value) {
    let r = v.post(&format!("{RUNS}/{id}/next?{query}"));
    body(r.header("x-api-key", key).send().await.unwrap()).await
}

async fn stored_units(v: &Valuation, run: &str) -> Vec<String> {
    let db = default_db(&v.app).await;
    sqlx::query_scalar("SELECT unit_code FROM assessments WHERE run_id = $1 ORDER BY unit_code")
        .bind(run)
        .fetch_all(&db)
        .await
        .unwrap()
}

#[tokio::test]
async fn callers_share_a_run_by_lanes_and_each_dwelling_is_assessed_once() {
    let v = start().await;
    v.load_demo().await;
    let key = v.agency_key(3, "valuation:import").await;
    let city =
        |lanes: Value| json!({"city_code": "410300", "assessed_on": "2025-06-30", "lanes": lanes});

    // 1 to 16 lanes; anything else is refused before a run exists.
    for bad in [json!(0), json!(17)] {
        let (status, p) = create(&v, &key, city(bad.clone())).await;
        assert_eq!(
            (status.as_u16(), p["code"].as_str()),
            (400, Some("VAL_PARAMETER_INVALID")),
            "{bad}: {p}"
        );
    }
    let (status, p) = create(&v, &key, city(json!(-1))).await;
    assert_eq!(status, 400, "{p}");

    // Three lanes of about a third each: lane 1 starts where lane 0 ends, the last
    // runs to the end of the city.
    let (status, run) = create(&v, &key, city(json!(3))).await;
    assert_eq!(status, 201, "{run}");
    let lanes = run["lanes"].as_array().unwrap().clone();
    assert_eq!(lanes.len(), 3, "{run}");
    assert_eq!(lanes[0]["last_unit_code"], Value::Null);
    assert_eq!(lanes[1]["last_unit_code"], lanes[0]["through_unit_code"]);
    assert_eq!(lanes[2]["last_unit_code"], lanes[1]["through_unit_code"]);
    assert_eq!(lanes[2]["through_unit_code"], Value::Null);
    assert_eq!(run["last_unit_code"], Value::Null);
    let id = run["id"].as_str().unwrap().to_owned();

    // A lane the run does not have: 400.
    for bad in ["lane=3", "lane=-1", "lane=x"] {
        let (status, p) = next(&v, &key, &id, bad).await;
        assert_eq!(
            (status.as_u16(), p["code"].as_str()),
            (400, Some("VAL_PARAMETER_INVALID")),
            "{bad}: {p}"
        );
    }

    // One caller per lane, all at once, and a fourth racing lane 1's caller with
    // another chunk size: each works until its lane is finished.
    let caller = |lane: usize, limit: u32| {
        let (v, key, id) = (&v, &key, &id);
        async move {
            loop {
                let (status, p) = next(v, key, id, &format!("lane={lane}&limit={limit}")).await;
                assert_eq!(status, 200, "{p}");
                if p["lanes"][lane]["status"] == "finished" {
                    return p;
                }
            }
        }
    };
    let (a, b, c, d) = tokio::join!(caller(0, 97), caller(1, 97), caller(2, 97), caller(1, 300));
    for p in [&a, &b, &c, &d] {
        assert!(p["processed"].as_i64().unwrap() <= 5000, "{p}");
    }
    let (status, done) = next(&v, &key, &id, "lane=0").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (
            done["status"].as_str(),
            done["processed"].as_i64(),
            done["failed"].as_i64(),
            done["processed_now"].as_i64()
        ),
        (Some("finished"), Some(5000), Some(0), Some(0)),
        "{done}"
    );
    assert!(done["finished_at"].is_string(), "{done}");
    for lane in done["lanes"].as_array().unwrap() {
        assert_eq!(lane["status"], "finished", "{done}");
    }
    // Each lane stopped at its own end.
    assert_eq!(
        done["lanes"][0]["last_unit_code"],
        lanes[0]["through_unit_code"]
    );
    assert_eq!(
        done["lanes"][1]["last_unit_code"],
        lanes[1]["through_unit_code"]
    );
    let units = stored_units(&v, &id).await;
    assert_eq!(units.len(), 5000);

    // A caller that names no lane takes the first unfinished one, so one caller alone
    // finishes a run in lanes; the results are the run in one lane's.
    let (status, run) = create(&v, &key, city(json!(2))).await;
    assert_eq!(status, 201, "{run}");
    let second = run["id"].as_str().unwrap().to_owned();
    let mut p = run;
    let mut calls = 0;
    while p["status"] != "finished" {
        let (status, step) = next(&v, &key, &second, "limit=1000").await;
        assert_eq!(status, 200, "{step}");
        p = step;
        calls += 1;
        assert!(calls <= 8, "{p}");
    }
    assert_eq!(p["processed"].as_i64(), Some(5000), "{p}");
    assert_eq!(stored_units(&v, &second).await, units);

    // A run over no dwellings has one lane, whatever was asked, finished at once.
    let (status, empty) = create(
        &v,
        &key,
        json!({"city_code": "410399", "assessed_on": "2025-06-30", "lanes": 4}),
    )
    .await;
    assert_eq!(status, 201, "{empty}");
    assert_eq!(
        (
            empty["total"].as_i64(),
            empty["lanes"].as_array().map(Vec::len)
        ),
        (Some(0), Some(1)),
        "{empty}"
    );
    let empty_id = empty["id"].as_str().unwrap();
    let (status, p) = next(&v, &key, empty_id, "").await;
    assert_eq!(
        (
            status.as_u16(),
            p["status"].as_str(),
            p["processed"].as_i64()
        ),
        (200, Some("finished"), Some(0)),
        "{p}"
    );
    v.app.shutdown().await;
}
