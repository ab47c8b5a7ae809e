//! The web pages (issue 20): the `web` component on the repository's own `spin.toml`,
//! serving the Vite build that `files` mounts into it; and the phone flows driven in
//! a real browser (headless Chromium, a 360×640 screen), asserting what a person sees.

use serde_json::Value;
use yingshang_e2e::browser::Browser;
use yingshang_e2e::{TestApp, build_web, function_wasm, workspace_root};
use yingshang_gateway::app::{UpOptions, up};

mod citizen;
mod dashboard;
mod enterprise;
mod officer;
mod pages;
mod phone;
mod power;

/// The first dwelling of the demo register (seeded: the same on every machine).
const DEMO_UNIT: &str = "410302001001GB00001F00010101";

/// The components the first pages' tests need, exactly as `spin.toml` declares them.
/// Each flow's tests name their own (`web` is always added).
const COMPONENTS: [&str; 2] = ["web", "valuation"];

/// `spin.toml` cut down to `keep` (their triggers, settings and every variable as
/// declared), written into `dir` with the built pages beside it (`files` mounts must
/// be inside the application's directory), the component sources and the migrations
/// by absolute path.
fn cut_down_manifest(dir: &std::path::Path, keep: &[&str]) -> std::path::PathBuf {
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("spin.toml")).unwrap();
    let mut doc: toml::Table = toml::from_str(&text).unwrap();
    let components = doc["component"].as_table_mut().unwrap();
    components.retain(|id, _| keep.contains(&id));
    for (_, c) in components.iter_mut() {
        let c = c.as_table_mut().unwrap();
        let source = root.join(c["source"].as_str().unwrap());
        c.insert("source".into(), source.display().to_string().into());
        // Unit tests of the gateway cover builds; these start from what is built.
        c.remove("build");
    }
    let http = doc["trigger"]["http"].as_array().unwrap().clone();
    let kept: Vec<toml::Value> = http
        .into_iter()
        .filter(|t| keep.contains(&t["component"].as_str().unwrap()))
        .collect();
    doc["trigger"]
        .as_table_mut()
        .unwrap()
        .insert("http".into(), kept.into());
    let tool = doc["application"]["tool"]["yingshang"]
        .as_table_mut()
        .unwrap();
    for key in ["migrations", "postgres_migrations"] {
        let path = root.join(tool[key].as_str().unwrap());
        tool.insert(key.into(), path.display().to_string().into());
    }
    {
        let _reading = yingshang_e2e::web_build_lock(false);
        copy_tree(&root.join("web/dist"), &dir.join("web/dist"));
    }
    let path = dir.join("spin.toml");
    std::fs::write(&path, toml::to_string(&doc).unwrap()).unwrap();
    path
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A gateway on the cut-down `spin.toml` (SQLite), its secrets generated for a
/// fresh state folder as `yingshang up` does; `tweak` adjusts the options.
async fn start_with(tweak: impl FnOnce(&mut UpOptions)) -> TestApp {
    start_flow(&COMPONENTS, tweak).await
}

/// As [`start_with`], on `web` and the given components (what one flow's pages call).
async fn start_flow(components: &[&str], tweak: impl FnOnce(&mut UpOptions)) -> TestApp {
    let mut keep = vec!["web"];
    keep.extend(components.iter().copied().filter(|c| *c != "web"));
    for f in &keep {
        function_wasm(f);
    }
    build_web();
    let state = tempfile::tempdir().unwrap();
    let mut options = UpOptions::new(cut_down_manifest(state.path(), &keep));
    options.listen = "127.0.0.1:0".parse().unwrap();
    options.admin_listen = Some("127.0.0.1:0".parse().unwrap());
    options.state_dir = state.path().join("state");
    options.build = false;
    options.cache = false;
    options.schedules = false;
    tweak(&mut options);
    let running = up(options).await.expect("the gateway starts on spin.toml");
    TestApp {
        base: format!("http://{}", running.addr),
        admin: format!("http://{}", running.admin_addr.expect("admin listener")),
        state,
        client: reqwest::Client::builder()
            // Compression is asserted on the raw bytes.
            .no_gzip()
            .build()
            .unwrap(),
        running: Some(running),
        database_url: None,
    }
}

async fn start() -> TestApp {
    start_with(|_| {}).await
}

/// The secret `yingshang up` generated for this gateway's state folder.
fn generated(app: &TestApp, name: &str) -> String {
    yingshang_gateway::dev::secret(&app.state.path().join("state"), name).unwrap()
}

/// Loads the valuation demo register (as `yingshang up` does at start).
async fn load_valuation_demo(app: &TestApp) {
    let r = app
        .client
        .post(format!("{}/api/valuation/demo-data", app.base))
        .bearer_auth(generated(app, "bootstrap_api_key"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "demo data: {}", r.status());
}

/// A development token for a demo role, through the web component's sign-in.
async fn dev_token(app: &TestApp, role: &str) -> String {
    let r = app
        .client
        .post(format!("{}/api/web/dev-sign-in", app.base))
        .json(&serde_json::json!({"role": role}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// `123456789` fen → `1,234,567.89`, as the pages show money.
pub(super) fn yuan(fen: i64) -> String {
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}", fen % 100)
}

/// Saves a screenshot of the screen, then asserts the browser logged no error and
/// axe-core finds no serious or critical accessibility violation on it.
pub(super) async fn screen_is_clean(b: &mut Browser, what: &str) {
    screen_is_clean_but(b, what, &[]).await;
}

/// As [`screen_is_clean`], where the browser's log of the `expected` failed API
/// calls (a 404 the page shows as a problem) is not an error of the page.
pub(super) async fn screen_is_clean_but(b: &mut Browser, what: &str, expected: &[&str]) {
    b.screenshot(what).await;
    let errors: Vec<String> = b
        .console_errors()
        .await
        .into_iter()
        .filter(|e| !expected.iter().any(|x| e.contains(x)))
        .collect();
    assert!(errors.is_empty(), "{what}: console errors: {errors:?}");
    let violations = b.serious_accessibility_violations().await;
    let found: Vec<String> = violations
        .iter()
        .flat_map(|v| {
            v["nodes"].as_array().into_iter().flatten().map(move |n| {
                format!(
                    "{} ({}): {} — {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["impact"].as_str().unwrap_or_default(),
                    n["target"],
                    n["failureSummary"].as_str().unwrap_or_default()
                )
            })
        })
        .collect();
    assert!(
        violations.is_empty(),
        "{what}: accessibility violations:\n{}\n{violations:?}",
        found.join("\n")
    );
}

/// The pages' own unit tests (Vitest: money, the API client, tokens), so that
/// `cargo test` runs them too.
#[test]
fn the_pages_unit_tests_pass() {
    build_web();
    let out = std::process::Command::new("npm")
        .args(["test", "--silent"])
        .current_dir(workspace_root().join("web"))
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "vitest failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
