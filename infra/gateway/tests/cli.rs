//! The `yingshang` binary as a user runs it: errors on a bad manifest, `up` with the
//! default (relative) state directory, and a SIGTERM that lets the request in
//! flight finish before the process exits.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Builds the `slow` test component (cargo makes this a no-op when fresh).
fn slow_wasm() -> PathBuf {
    yingshang_gateway::builder::ensure_wasm_target().unwrap();
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "build",
            "--target",
            "wasm32-wasip2",
            "--release",
            "-p",
            "tc-slow",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    // Where that build put it: CARGO_TARGET_DIR (relative to where it ran) or target/.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(
            || workspace_root().join("target"),
            |d| workspace_root().join(d),
        );
    target.join("wasm32-wasip2/release/tc_slow.wasm")
}

/// Writes a manifest serving the `slow` test component under `/slow/...`.
fn write_slow_manifest(path: &std::path::Path) {
    std::fs::write(
        path,
        format!(
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[[trigger.http]]\nroute = \"/slow/...\"\ncomponent = \"slow\"\n[component.slow]\nsource = \"{}\"\n",
            slow_wasm().display()
        ),
    )
    .unwrap();
}

#[test]
fn up_with_a_bad_manifest_exits_non_zero_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    std::fs::write(
        &manifest,
        "spin_manifest_version = 2\n[application]\nname = \"x\"\n[[trigger.http]]\nroute = \"/...\"\ncomponent = \"ghost\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yingshang"))
        .args([
            "up",
            "--no-build",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
            "-f",
        ])
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spin.toml"), "{err}");
    assert!(err.contains("trigger.http[0].component"), "{err}");
}

#[tokio::test]
async fn sigterm_drains_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    write_slow_manifest(&manifest);
    let mut child = Command::new(env!("CARGO_BIN_EXE_yingshang"))
        .args([
            "up",
            "--no-build",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
            "--state-dir",
        ])
        .arg(dir.path().join("state"))
        .arg("-f")
        .arg(&manifest)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the gateway printed its address")
            .unwrap();
        if let Some(addr) = line.strip_prefix("Serving ") {
            break addr.to_owned();
        }
    };
    let in_flight = tokio::spawn(async move {
        let r = reqwest::get(format!("{base}/slow/sleep?ms=1500"))
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(in_flight.await.unwrap(), (200, "done".to_owned()));
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
}

/// `up` as the README runs it: no `--state-dir`, so the state (databases, compiled
/// code cache) goes to `.yingshang` under the working directory.
#[tokio::test]
async fn up_serves_with_the_default_relative_state_dir() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    write_slow_manifest(&manifest);
    let mut child = Command::new(env!("CARGO_BIN_EXE_yingshang"))
        .current_dir(dir.path())
        .args([
            "up",
            "--no-build",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
            "-f",
            "spin.toml",
        ])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(addr) = line.strip_prefix("Serving ") {
                    break addr.to_owned();
                }
                seen.push(line);
            }
            _ => panic!("the gateway exited before serving: {}", seen.join("\n")),
        }
    };
    let r = reqwest::get(format!("{base}/slow/sleep?ms=1"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(dir.path().join(".yingshang/compiled").is_dir());
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
}

/// Runs `yingshang migrate` on `manifest` against `database_url`; its exit status
/// and what it printed.
fn migrate(manifest: &std::path::Path, database_url: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yingshang"))
        .args(["migrate", "--database-url", database_url, "-f"])
        .arg(manifest)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn migrate_applies_each_file_once_and_refuses_a_changed_one() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    std::fs::write(
        &manifest,
        "spin_manifest_version = 2\n[application]\nname = \"x\"\n\
         [application.tool.yingshang]\nmigrations = \"m\"\n",
    )
    .unwrap();
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(m.join("0001_a.sql"), "CREATE TABLE a (x INTEGER);").unwrap();
    std::fs::write(m.join("0002_b.sql"), "INSERT INTO a VALUES (7);").unwrap();
    let db = dir.path().join("db.sqlite");
    let url = format!("sqlite://{}", db.display());

    let (ok, text) = migrate(&manifest, &url);
    assert!(ok, "{text}");
    assert!(
        text.contains("applied 0001_a.sql") && text.contains("applied 0002_b.sql"),
        "{text}"
    );
    // A second run changes nothing; a plain path names the same database.
    let (ok, text) = migrate(&manifest, db.to_str().unwrap());
    assert!(ok, "{text}");
    assert!(text.contains("nothing to apply"), "{text}");
    let rows = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print(c.execute('SELECT COUNT(*) FROM a').fetchone()[0], \
             c.execute('SELECT COUNT(*) FROM _yingshang_migrations').fetchone()[0])",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&rows.stdout).trim(), "1 2");

    // A file edited after it was applied is refused, naming it; nothing runs.
    std::fs::write(m.join("0002_b.sql"), "INSERT INTO a VALUES (8);").unwrap();
    std::fs::write(m.join("0003_c.sql"), "INSERT INTO a VALUES (9);").unwrap();
    let (ok, text) = migrate(&manifest, &url);
    assert!(!ok, "{text}");
    assert!(
        text.contains("0002_b.sql") && text.contains("changed after it was applied"),
        "{text}"
    );
    assert!(!text.contains("applied 0003_c.sql"), "{text}");
}

/// Runs `kubernetes-validate --strict` (PyPI, installed by .ci/run) on `files`.
fn kubernetes_validate(files: &[PathBuf]) -> String {
    let out = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "-k", "1.33.0"])
        .args(files)
        .output()
        .expect("python3");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("No module named kubernetes_validate"),
        "the Kubernetes schemas: pip install kubernetes-validate==1.37.0 (as .ci/run does)"
    );
    assert!(out.status.success(), "kubernetes-validate refused: {text}");
    text
}

#[test]
fn deploy_renders_the_spinapp_runtime_configs_and_a_cronjob_per_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yingshang"))
        .current_dir(workspace_root())
        .args([
            "deploy",
            "--image",
            "registry.example.cn/yingshang:1.0.0",
            "--out",
        ])
        .arg(dir.path())
        .args([
            "--set",
            "database_host=postgres://pg.internal:5432",
            "--libsql-url",
            "https://db.internal",
        ])
        .env("LIBSQL_TOKEN", "t0ken\"with quotes")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Every schedule of spin.toml that repeats has its CronJob, Kubernetes accepts
    // them, and the one-off demo load is left out.
    let manifest: toml::Table = std::fs::read_to_string(workspace_root().join("spin.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut repeating = Vec::new();
    for component in manifest["component"].as_table().unwrap().values() {
        let schedules = component
            .get("tool")
            .and_then(|t| t.get("yingshang"))
            .and_then(|t| t.get("schedule"))
            .and_then(|s| s.as_array());
        for s in schedules.into_iter().flatten() {
            if s.get("every").is_some() {
                repeating.push(s["name"].as_str().unwrap().to_owned());
            }
        }
    }
    assert!(repeating.len() >= 5, "{repeating:?}");
    let cronjobs = std::fs::read_to_string(dir.path().join("cronjobs.yaml")).unwrap();
    assert_eq!(
        cronjobs.matches("kind: \"CronJob\"").count(),
        repeating.len()
    );
    for name in &repeating {
        assert!(
            cronjobs.contains(&format!("name: \"yingshang-{name}\"")),
            "{name}: {cronjobs}"
        );
    }
    let left_out = cronjobs
        .lines()
        .find(|l| l.starts_with("# Left out (on_start only, local demo): "))
        .unwrap_or_default();
    assert!(left_out.contains("valuation/demo-data"), "{cronjobs}");
    // `30s` cannot be cron: every minute, two calls 30 s apart.
    let refunds = cronjobs
        .split("---\n")
        .find(|d| d.contains("power-refunds"))
        .unwrap();
    assert!(refunds.contains("schedule: \"* * * * *\""), "{refunds}");
    assert!(refunds.contains("-ge 2 ] && break") && refunds.contains("sleep 30"));
    assert!(refunds.contains("http://yingshang/api/power/refunds/dispatch"));
    kubernetes_validate(&[dir.path().join("cronjobs.yaml")]);

    // The SpinApp: every secret variable from the Secret, the value set, the image.
    let spinapp = std::fs::read_to_string(dir.path().join("spinapp.yaml")).unwrap();
    for (name, var) in manifest["variables"].as_table().unwrap() {
        let secret = var.get("secret").and_then(|s| s.as_bool()) == Some(true);
        let entry = format!(
            "    - name: \"{name}\"\n      valueFrom:\n        secretKeyRef:\n          \
             key: \"{name}\"\n          name: \"yingshang-secrets\"\n"
        );
        assert_eq!(spinapp.contains(&entry), secret, "{name}:\n{spinapp}");
    }
    assert!(
        spinapp.contains(
            "    - name: \"database_host\"\n      value: \"postgres://pg.internal:5432\"\n"
        )
    );
    assert!(spinapp.contains("image: \"registry.example.cn/yingshang:1.0.0\""));
    assert!(spinapp.contains("loadFromSecret: \"yingshang-runtime-config\""));

    // Runtime configuration for both backends, as TOML that reads back.
    let sqlite: toml::Table =
        std::fs::read_to_string(dir.path().join("runtime-config.sqlite.toml"))
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(
        sqlite["sqlite_database"]["default"]["type"].as_str(),
        Some("libsql")
    );
    assert_eq!(
        sqlite["sqlite_database"]["default"]["token"].as_str(),
        Some("t0ken\"with quotes")
    );
    let postgres: toml::Table =
        std::fs::read_to_string(dir.path().join("runtime-config.postgres.toml"))
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(
        postgres["sqlite_database"]["default"]["type"].as_str(),
        Some("spin")
    );

    // A secret cannot be put in the manifest, nor a variable spin.toml lacks.
    for bad in ["auth_jwt_secret=x", "no_such_variable=x"] {
        let out = Command::new(env!("CARGO_BIN_EXE_yingshang"))
            .current_dir(workspace_root())
            .args(["deploy", "--image", "x", "--set", bad, "--out"])
            .arg(dir.path().join("bad"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad}");
    }
}
