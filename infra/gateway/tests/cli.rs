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
