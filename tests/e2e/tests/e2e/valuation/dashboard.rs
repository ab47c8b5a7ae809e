//! The operator dashboard's reads: coverage per district and the newest jobs with
//! their progress, for agency staff tokens — their own agency's jobs, or every
//! agency's for the supervising office; nobody else.

use super::*;

fn staff(agency: &str) -> String {
    token(Membership::AgencyStaff(AgencyId::parse(agency).unwrap()))
}

const OFFICE: &str = "yingshang-office";

impl Valuation {
    async fn read(&self, path: &str, bearer: &str) -> (StatusCode, Value) {
        body(self.get(path).bearer_auth(bearer).send().await.unwrap()).await
    }

    /// Starts a city run with `key`; answers its id.
    async fn start_run(&self, key: &str) -> String {
        let r = self
            .post("/api/valuation/reassessments")
            .header("x-api-key", key)
            .json(&json!({"city_code": "410300", "assessed_on": "2025-06-30"}))
            .send()
            .await
            .unwrap();
        let (status, run) = body(r).await;
        assert_eq!(status, 201, "{run}");
        run["id"].as_str().unwrap().to_owned()
    }

    async fn next_chunk(&self, key: &str, run: &str, limit: u32) -> Value {
        let r = self
            .post(&format!(
                "/api/valuation/reassessments/{run}/next?limit={limit}"
            ))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap();
        let (status, v) = body(r).await;
        assert_eq!(status, 200, "{v}");
        v
    }
}

fn run_ids(jobs: &Value) -> Vec<&str> {
    jobs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn staff_see_coverage_per_district_and_their_own_agencys_runs() {
    let v = start().await;
    v.load_demo().await;
    let coverage = "/api/valuation/dashboard/coverage";
    let jobs = "/api/valuation/dashboard/jobs";

    // Only agency staff tokens read the dashboard.
    for path in [coverage, jobs] {
        assert_eq!(v.get(path).send().await.unwrap().status(), 401);
        for bearer in [citizen(), officer(), v.bootstrap.clone()] {
            let (status, p) = v.read(path, &bearer).await;
            assert_eq!(
                (status.as_u16(), p["code"].as_str()),
                (403, Some("AUTHZ_ROLE_NOT_ALLOWED")),
                "{path}: {p}"
            );
        }
    }

    // Before any run: every district named, its dwellings counted, nothing assessed.
    let (status, c) = v.read(coverage, &staff("ly-tax")).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(
        (c["registered"].as_u64(), c["assessed"].as_u64()),
        (Some(5000), Some(0))
    );
    let db = default_db(&v.app).await;
    let per_division: Vec<(String, i64)> = sqlx::query_as(
        "SELECT division_code, COUNT(*) FROM dwellings GROUP BY division_code ORDER BY division_code",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let districts = c["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 7, "{c}");
    assert_eq!(districts[0]["name_zh"], "老城区");
    for (code, n) in &per_division {
        let d = districts
            .iter()
            .find(|d| d["division_code"] == code.as_str())
            .unwrap_or_else(|| panic!("{code} missing from {c}"));
        assert_eq!(d["registered"].as_i64(), Some(*n), "{d}");
        assert_eq!(d["coverage_permille"].as_u64(), Some(0), "{d}");
    }

    // Two agencies start runs; ly-tax's gets one chunk of 2,000.
    let ly_key = yingshang_e2e::store_agency_key(&v.app, "ly-tax", 21, "valuation:import").await;
    let henan_key = v.agency_key(22, "valuation:import").await;
    let ly_run = v.start_run(&ly_key).await;
    let henan_run = v.start_run(&henan_key).await;
    v.next_chunk(&ly_key, &ly_run, 2000).await;

    let (status, mine) = v.read(jobs, &staff("ly-tax")).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        run_ids(&mine),
        [ly_run.as_str()],
        "only ly-tax's run: {mine}"
    );
    let run = &mine["runs"][0];
    assert_eq!(
        (
            run["status"].as_str(),
            run["processed"].as_i64(),
            run["total"].as_i64()
        ),
        (Some("running"), Some(2000), Some(5000))
    );
    let (_, theirs) = v.read(jobs, &staff("henan-tax")).await;
    assert_eq!(run_ids(&theirs), [henan_run.as_str()]);
    let (_, all) = v.read(jobs, &staff(OFFICE)).await;
    assert_eq!(
        run_ids(&all),
        [henan_run.as_str(), ly_run.as_str()],
        "newest first"
    );
    assert_eq!(all["imports"].as_array().map(Vec::len), Some(0));

    // The status filter.
    let (_, finished) = v
        .read(&format!("{jobs}?status=finished"), &staff("ly-tax"))
        .await;
    assert_eq!(run_ids(&finished), Vec::<&str>::new());
    let (_, running) = v
        .read(&format!("{jobs}?status=running"), &staff("ly-tax"))
        .await;
    assert_eq!(run_ids(&running), [ly_run.as_str()]);
    let (status, p) = v
        .read(&format!("{jobs}?status=done"), &staff("ly-tax"))
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("VAL_PARAMETER_INVALID"))
    );

    // Finished, the run moves lists and the coverage counts its results.
    let last = v.next_chunk(&ly_key, &ly_run, 10000).await;
    assert_eq!(last["status"], "finished");
    let (_, finished) = v
        .read(&format!("{jobs}?status=finished"), &staff("ly-tax"))
        .await;
    assert_eq!(run_ids(&finished), [ly_run.as_str()]);
    assert_eq!(finished["runs"][0]["processed"].as_i64(), Some(5000));
    let (_, c) = v.read(coverage, &staff(OFFICE)).await;
    let assessed: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT unit_code) FROM assessments WHERE error_code IS NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(assessed > 0);
    assert_eq!(c["assessed"].as_i64(), Some(assessed), "{c}");
    let summed: u64 = c["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["assessed"].as_u64().unwrap())
        .sum();
    assert_eq!(summed as i64, assessed);
    v.app.shutdown().await;
}
