//! A re-assessment run in lanes: several callers process one run at once, every
//! dwelling once (those registered after the run was cut too); a caller that names
//! no lane still finishes the run.

use super::reassessment::result_rows;
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

/// Registers a copy of dwelling `like` under the code `code`, as an import would.
async fn register_copy(v: &Valuation, code: &str, like: &str) {
    let db = default_db(&v.app).await;
    let copied = sqlx::query(
        "INSERT INTO dwellings (unit_code, division_code, community_id, building_id, floor, \
         total_storeys, has_lift, orientation, layout, view_key, build_year, decoration, \
         area_centi_m2, end_unit, structure, source, updated_at) \
         SELECT $1, $2, community_id, building_id, floor, total_storeys, has_lift, \
         orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, \
         structure, source, updated_at FROM dwellings WHERE unit_code = $3",
    )
    .bind(code)
    .bind(&code[..6])
    .bind(like)
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(copied.rows_affected(), 1, "{like}");
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

    // As many lanes as asked when there are enough dwellings.
    let (status, run) = create(&v, &key, city(json!(16))).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["lanes"].as_array().map(Vec::len), Some(16), "{run}");

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

    // Dwellings registered after the run was cut: one just after lane 0's last code
    // (lane 1's), one after every code of the city (the last lane's). Each is
    // assessed once, by the lane whose range holds it.
    let end0 = lanes[0]["through_unit_code"].as_str().unwrap().to_owned();
    let after_end0 = format!("{}9999", &end0[..24]);
    let last_of_city = "410399001001GB00001F00019999";
    register_copy(&v, &after_end0, &end0).await;
    register_copy(&v, last_of_city, &end0).await;

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
    // another chunk size: each works until its lane is finished. A run is never
    // finished while one of its lanes is not.
    let caller = |lane: usize, limit: u32| {
        let (v, key, id) = (&v, &key, &id);
        async move {
            for _ in 0..100 {
                let (status, p) = next(v, key, id, &format!("lane={lane}&limit={limit}")).await;
                assert_eq!(status, 200, "{p}");
                if p["status"] == "finished" {
                    let lanes = p["lanes"].as_array().unwrap();
                    assert!(lanes.iter().all(|l| l["status"] == "finished"), "{p}");
                }
                if p["lanes"][lane]["status"] == "finished" {
                    return p;
                }
            }
            panic!("lane {lane} did not finish in 100 calls");
        }
    };
    tokio::join!(caller(0, 97), caller(1, 97), caller(2, 97), caller(1, 300));
    let (status, done) = next(&v, &key, &id, "lane=0").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (
            done["status"].as_str(),
            done["total"].as_i64(),
            done["processed"].as_i64(),
            done["failed"].as_i64(),
            done["processed_now"].as_i64()
        ),
        (Some("finished"), Some(5000), Some(5002), Some(0), Some(0)),
        "{done}"
    );
    assert!(done["finished_at"].is_string(), "{done}");
    for lane in done["lanes"].as_array().unwrap() {
        assert_eq!(lane["status"], "finished", "{done}");
    }
    // Lane 0 stopped at its own end; the last lane took the code after the city's.
    assert_eq!(
        done["lanes"][0]["last_unit_code"],
        lanes[0]["through_unit_code"]
    );
    assert_eq!(done["lanes"][2]["last_unit_code"], last_of_city);
    let rows = result_rows(&v, &id).await;
    assert_eq!(rows.len(), 5002);
    for code in [&after_end0, last_of_city] {
        assert_eq!(rows.iter().filter(|r| r.0 == *code).count(), 1, "{code}");
    }

    // A caller that names no lane takes the first unfinished one, so one caller alone
    // finishes a run in lanes; its results are, row for row, those of the run in
    // three lanes and of a run in one lane.
    let mut same = Vec::new();
    for lanes in [2, 1] {
        let (status, run) = create(&v, &key, city(json!(lanes))).await;
        assert_eq!(status, 201, "{run}");
        let run_id = run["id"].as_str().unwrap().to_owned();
        let mut p = run;
        let mut calls = 0;
        while p["status"] != "finished" {
            let (status, step) = next(&v, &key, &run_id, "limit=1000").await;
            assert_eq!(status, 200, "{step}");
            p = step;
            calls += 1;
            assert!(calls <= 8, "{p}");
        }
        assert_eq!(p["processed"].as_i64(), Some(5002), "{p}");
        same.push(result_rows(&v, &run_id).await);
    }
    assert!(same.iter().all(|r| *r == rows));

    // A run over no dwellings has one lane, whatever was asked, finished at once.
    let (status, empty) = create(
        &v,
        &key,
        json!({"city_code": "410398", "assessed_on": "2025-06-30", "lanes": 4}),
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
