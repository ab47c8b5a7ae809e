//! The operator dashboard in a real browser: agency staff of the supervising office
//! sign in, open it from Home, watch a re-assessment run's progress bar reach 100 %
//! while the run is driven by its agency system, see each chart drawn with the
//! numbers the APIs answer in its table, and filter the case list.

use super::{generated, screen_is_clean, start_flow, yuan};
use serde_json::{Value, json};
use time::{OffsetDateTime, UtcOffset};
use yingshang_core::security::authz::Membership;
use yingshang_core::security::demo_users::{DEMO_AGENCY, DEMO_SECOND_OFFICER};
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::TestApp;
use yingshang_e2e::browser::Browser;

const OFFICE: &str = "yingshang-office";

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
) -> Value {
    let mut rb = app
        .client
        .request(method.clone(), format!("{}{path}", app.base))
        .bearer_auth(bearer);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{method} {path}: {status} {v}");
    v
}

async fn get(app: &TestApp, path: &str, bearer: &str) -> Value {
    send(app, reqwest::Method::GET, path, bearer, None).await
}

async fn post(app: &TestApp, path: &str, bearer: &str, body: Value) -> Value {
    send(app, reqwest::Method::POST, path, bearer, Some(body)).await
}

/// A token signed with the gateway's generated secret (the development sign-in
/// issues only `dev-<role>`; an inspection takes a second officer).
fn token_for(app: &TestApp, subject: &str, membership: Membership) -> String {
    let claims = Claims::new(
        Subject::parse(subject).unwrap(),
        membership,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    let secret = generated(app, "auth_jwt_secret");
    issue(&claims, &SigningKey::hs256(secret.as_bytes()).unwrap())
}

/// `666` ‰ → `66.6%`, `None` → `—`, as the page shows rates.
fn percent(permille: Option<u64>) -> String {
    permille.map_or("—".to_owned(), |p| format!("{:.1}%", p as f64 / 10.0))
}

/// The page's on-time rate: met of judged over every deadline kind, rounded down.
fn on_time(figures: &Value) -> Option<u64> {
    let (mut met, mut judged) = (0, 0);
    for k in figures["on_time"].as_object().unwrap().values() {
        met += k["met"].as_u64().unwrap();
        judged += k["met"].as_u64().unwrap() + k["late"].as_u64().unwrap();
    }
    (judged > 0).then(|| met * 1000 / judged)
}

/// The text of the table row `css` (waiting for it to hold `expected`).
async fn row(b: &Browser, css: &str, expected: &str) -> String {
    b.wait_text(css, expected).await
}

async fn count(b: &Browser, css: &str) -> u64 {
    b.execute(
        "return document.querySelectorAll(arguments[0]).length",
        json!([css]),
    )
    .await
    .as_u64()
    .unwrap()
}

/// Waits until each of the dashboard's sections has its answer: each is its own
/// request, and a screen checked before the last one is in would be half a dashboard.
async fn every_section_in(b: &Browser) {
    for section in [
        "jobs",
        "coverage",
        "complaints",
        "inspections",
        "power",
        "cases",
    ] {
        b.wait_text(&format!("[data-test={section}]"), "").await;
    }
}

#[tokio::test]
async fn staff_watch_a_run_finish_and_read_each_chart_and_list() {
    let app = start_flow(
        &["valuation", "complaints", "checkin", "meter-billing"],
        |_| {},
    )
    .await;
    let bootstrap = generated(&app, "bootstrap_api_key");
    for f in ["valuation", "complaints", "checkin"] {
        let r = app
            .client
            .post(format!("{}/api/{f}/demo-data", app.base))
            .bearer_auth(&bootstrap)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{f} demo data: {}", r.status());
    }
    // One inspection by the demo agency's two officers, so the chart has a bar.
    let enterprise = token_for(
        &app,
        "dev-enterprise",
        Membership::Enterprise(
            yingshang_core::security::CreditCode::parse(
                yingshang_core::security::demo_users::DEMO_ENTERPRISE,
            )
            .unwrap(),
        ),
    );
    let cc = yingshang_core::security::demo_users::DEMO_ENTERPRISE;
    let code = get(
        &app,
        &format!("/api/checkin/enterprises/{cc}/code"),
        &enterprise,
    )
    .await;
    let scan = json!({
        "code": code["url"], "kind": "routine", "item": "SW-JC-01",
        "approval_ref": "洛税检〔2026〕1号",
    });
    let agency = || Membership::Officer(AgencyId::parse(DEMO_AGENCY).unwrap());
    post(
        &app,
        "/api/checkin/scans",
        &token_for(&app, "dev-officer", agency()),
        scan.clone(),
    )
    .await;
    let started = post(
        &app,
        "/api/checkin/scans",
        &token_for(&app, DEMO_SECOND_OFFICER, agency()),
        scan,
    )
    .await;
    assert!(started["id"].is_string(), "{started}");

    // A charging site the operator set up (with the bootstrap key: agency `bootstrap`).
    send(
        &app,
        reqwest::Method::PUT,
        "/api/power/sites/ops-demo-site",
        &bootstrap,
        Some(json!({"name": "演示夜市"})),
    )
    .await;

    // The agency system starts a city re-assessment before the page is opened.
    let run = post(
        &app,
        "/api/valuation/reassessments",
        &bootstrap,
        json!({"city_code": "410300", "assessed_on": "2025-06-30"}),
    )
    .await;
    let run_id = run["id"].as_str().unwrap().to_owned();

    // Staff of the supervising office sign in and open the dashboard from Home.
    let mut b = Browser::start("ops-dashboard", "zh-CN").await;
    b.goto(&format!("{}/sign-in", app.base)).await;
    b.wait_text("body", "开发环境登录").await;
    b.execute(
        "[...document.querySelectorAll('.van-radio')].find(e => e.innerText.includes(arguments[0])).click()",
        json!(["机关工作人员"]),
    )
    .await;
    // The role's default organisation is in the field: replace it.
    b.execute(
        "const i = document.querySelector('input[name=org]'); i.value = arguments[0]; \
         i.dispatchEvent(new Event('input'))",
        json!([OFFICE]),
    )
    .await;
    b.click("button[type=submit]").await;
    b.wait_text("[data-test=signed-in]", "机关工作人员").await;
    b.click("[data-test=svc-ops]").await;
    b.wait_text("body", "运营看板").await;

    // The run's progress bar, polled while the agency system drives the run.
    let job = format!("[data-test=job][data-id='{run_id}']");
    b.wait_text(&job, "0%").await;
    every_section_in(&b).await;
    screen_is_clean(&mut b, "progress-started").await;
    let staff = token_for(
        &app,
        "dev-agency_staff",
        Membership::AgencyStaff(AgencyId::parse(OFFICE).unwrap()),
    );
    let mut seen = Vec::new();
    loop {
        let r = post(
            &app,
            &format!("/api/valuation/reassessments/{run_id}/next?limit=1000"),
            &bootstrap,
            json!({}),
        )
        .await;
        let text = b
            .wait_text(&format!("{job} [data-test=job-progress]"), "%")
            .await;
        seen.push(text);
        if r["status"] == "finished" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    }
    b.wait_text(&format!("{job} [data-test=job-progress]"), "100%")
        .await;
    let status = b
        .execute(
            "return document.querySelector(arguments[0]).dataset.status",
            json!([job]),
        )
        .await;
    assert_eq!(status, "finished");
    assert!(seen.len() >= 5, "the bar moved step by step: {seen:?}");
    let now = b
        .execute("return document.querySelector(arguments[0] + ' [role=progressbar]').getAttribute('aria-valuenow')", json!([job]))
        .await;
    assert_eq!(now, "100");

    // Coverage: a chart, and the numbers the API answers (after the run finished).
    let coverage = get(&app, "/api/valuation/dashboard/coverage", &staff).await;
    assert!(coverage["assessed"].as_u64().unwrap() > 0, "{coverage}");
    for d in coverage["districts"].as_array().unwrap() {
        if d["registered"] == 0 {
            continue;
        }
        let text = row(
            &b,
            &format!(
                "[data-test=coverage-table] tr[data-code='{}']",
                d["division_code"].as_str().unwrap()
            ),
            &percent(d["coverage_permille"].as_u64()),
        )
        .await;
        assert!(text.contains(d["name_zh"].as_str().unwrap()), "{text}");
        assert!(text.contains(&d["registered"].to_string()), "{text} {d}");
        assert!(text.contains(&d["assessed"].to_string()), "{text} {d}");
    }
    assert_eq!(
        count(&b, "[data-test=coverage] [data-test=chart] svg").await,
        1
    );
    let label = b
        .execute("return document.querySelector('[data-test=coverage] [data-test=chart]').getAttribute('aria-label')", json!([]))
        .await;
    assert!(label.as_str().unwrap().contains("老城区"), "{label}");

    // Complaints per department, this month (China Standard Time), as the API says.
    let month = OffsetDateTime::now_utc().to_offset(UtcOffset::from_hms(8, 0, 0).unwrap());
    let month = format!("{}-{:02}", month.year(), u8::from(month.month()));
    let report = get(
        &app,
        &format!("/api/complaints/analysis/monthly?month={month}"),
        &staff,
    )
    .await;
    let departments = report["by_department"].as_array().unwrap();
    assert!(
        !departments.is_empty(),
        "the demo cases have lead departments: {report}"
    );
    for d in departments {
        let f = &d["figures"];
        let text = row(
            &b,
            &format!(
                "[data-test=complaints-table] tr[data-code='{}']",
                d["code"].as_str().unwrap()
            ),
            d["name_zh"].as_str().unwrap(),
        )
        .await;
        let cells = format!(
            "{}\t{}\t{}",
            f["received"],
            percent(on_time(f)),
            percent(f["satisfaction_rate"].as_u64())
        );
        assert!(text.contains(&cells), "{text:?} should show {cells:?}");
    }
    assert_eq!(
        count(&b, "[data-test=complaints] [data-test=chart] svg").await,
        1
    );

    // Inspections per agency this month.
    let stats = get(
        &app,
        &format!("/api/checkin/stats/monthly?month={month}"),
        &staff,
    )
    .await;
    let ly = stats["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == DEMO_AGENCY)
        .unwrap_or_else(|| panic!("{stats}"));
    assert_eq!(ly["inspections"], 1);
    let text = row(
        &b,
        &format!("[data-test=inspections-table] tr[data-agency='{DEMO_AGENCY}']"),
        DEMO_AGENCY,
    )
    .await;
    assert!(
        text.ends_with(&format!("\t{}", ly["inspections"])),
        "{text:?}: this month is the last column"
    );
    assert_eq!(
        count(&b, "[data-test=inspections] [data-test=chart] svg").await,
        1
    );

    // Energy and revenue per site, as the API answers (no charging yet: zeros).
    let sites = get(&app, "/api/power/dashboard/sites", &staff).await;
    let site = sites["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site_id"] == "ops-demo-site")
        .unwrap_or_else(|| panic!("{sites}"));
    let wh = site["energy_wh"].as_i64().unwrap();
    let cells = format!(
        "{}\t{}.{}\t{}",
        site["uses"],
        wh / 1000,
        wh % 1000 / 100,
        yuan(site["revenue_fen"].as_i64().unwrap())
    );
    let text = row(
        &b,
        "[data-test=power-table] tr[data-site='ops-demo-site']",
        "演示夜市",
    )
    .await;
    assert!(text.ends_with(&cells), "{text:?} should show {cells:?}");
    assert_eq!(
        count(&b, "[data-test=power] [data-test=chart] svg").await,
        1
    );
    screen_is_clean(&mut b, "charts").await;

    // The case list and its status filter.
    let all = get(&app, "/api/complaints/cases?limit=20", &staff).await;
    let closed = get(&app, "/api/complaints/cases?limit=20&status=closed", &staff).await;
    let n_all = all["cases"].as_array().unwrap().len() as u64;
    let n_closed = closed["cases"].as_array().unwrap().len() as u64;
    assert!(
        n_closed > 0 && n_closed < n_all,
        "the demo has closed and open cases"
    );
    b.wait_text("[data-test=cases]", "已办结").await;
    assert_eq!(count(&b, "[data-test=case]").await, n_all);
    b.execute(
        "[...document.querySelectorAll('[data-test=case-filter] .van-radio')].find(e => e.innerText.includes(arguments[0])).click()",
        json!(["已办结"]),
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while count(&b, "[data-test=case]").await != n_closed {
        assert!(
            std::time::Instant::now() < deadline,
            "the filter never narrowed the list"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&b, "[data-test=case]:not([data-status=closed])").await,
        0
    );
    screen_is_clean(&mut b, "cases-closed").await;

    // The job filter: running jobs only (none: the run has finished), then finished
    // ones (the run again, at 100 %).
    let filter = |label: &'static str| {
        b.execute(
            "[...document.querySelectorAll('[data-test=job-filter] .van-radio')].find(e => e.innerText.includes(arguments[0])).click()",
            json!([label]),
        )
    };
    filter("进行中").await;
    b.wait_text("[data-test=jobs]", "暂无任务").await;
    filter("已完成").await;
    b.wait_text(&format!("{job} [data-test=job-progress]"), "100%")
        .await;

    // In English: the page is mounted again and asks each section afresh.
    b.click(".van-nav-bar__right").await;
    b.wait_text("body", "Valuation coverage per district").await;
    every_section_in(&b).await;
    b.wait_text(&format!("{job} [data-test=job-progress]"), "100%")
        .await;
    screen_is_clean(&mut b, "dashboard-en").await;
    app.shutdown().await;
}
