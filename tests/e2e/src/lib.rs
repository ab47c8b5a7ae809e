//! The end-to-end harness: builds the test components (once per test run, into the
//! workspace's one target dir), starts a gateway on 127.0.0.1 port 0 with a fresh
//! state directory, and hands back a client — as zero-to-production's `spawn_app`.

use std::path::PathBuf;
use std::sync::OnceLock;
use yingshang_gateway::app::{Running, UpOptions, up};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Every test component, by crate suffix (`tc-<name>`).
pub const TEST_COMPONENTS: [&str; 9] = [
    "echo",
    "sqlite",
    "key-value",
    "variables",
    "outbound",
    "trap",
    "slow",
    "memory-hog",
    "unsupported-import",
];

static BUILT: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds the test components once per test binary; cargo makes it a no-op when
/// nothing changed.
pub fn build_test_components() {
    let result = BUILT.get_or_init(|| {
        yingshang_gateway::builder::ensure_wasm_target().map_err(|e| format!("{e:#}"))?;
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.current_dir(workspace_root())
            .args(["build", "--target", "wasm32-wasip2", "--release"]);
        for c in TEST_COMPONENTS {
            cmd.args(["-p", &format!("tc-{c}")]);
        }
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("building the test components failed: {status}"))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The path of a built test component.
pub fn wasm(name: &str) -> PathBuf {
    build_test_components();
    workspace_root()
        .join("target/wasm32-wasip2/release")
        .join(format!("tc_{}.wasm", name.replace('-', "_")))
}

/// Replaces `{wasm:<name>}` in manifest text with the built component's path.
pub fn with_wasm_paths(manifest: &str) -> String {
    let mut out = manifest.to_owned();
    for c in TEST_COMPONENTS {
        let key = format!("{{wasm:{c}}}");
        if out.contains(&key) {
            out = out.replace(&key, &wasm(c).display().to_string());
        }
    }
    out
}

/// A gateway serving a test application.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The admin (metrics) base URL.
    pub admin: String,
    /// The state directory (databases).
    pub state: tempfile::TempDir,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// The running gateway.
    pub running: Option<Running>,
}

impl TestApp {
    /// `GET base + path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// `POST base + path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// The metrics text.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.admin))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// Stops the gateway, letting requests in flight finish.
    pub async fn shutdown(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

/// Writes `manifest` (with `{wasm:<name>}` placeholders) to a fresh directory and
/// starts a gateway on it; `tweak` adjusts the options.
pub async fn try_spawn(
    manifest: &str,
    tweak: impl FnOnce(&mut UpOptions),
) -> anyhow::Result<TestApp> {
    let state = tempfile::tempdir()?;
    let path = state.path().join("spin.toml");
    std::fs::write(&path, with_wasm_paths(manifest))?;
    let mut options = UpOptions::new(path);
    options.listen = "127.0.0.1:0".parse()?;
    options.admin_listen = Some("127.0.0.1:0".parse()?);
    options.state_dir = state.path().join("state");
    options.build = false;
    options.cache = false;
    tweak(&mut options);
    let running = up(options).await?;
    Ok(TestApp {
        base: format!("http://{}", running.addr),
        admin: format!("http://{}", running.admin_addr.expect("admin listener")),
        state,
        client: reqwest::Client::new(),
        running: Some(running),
    })
}

/// Like [`try_spawn`], panicking on a start-up error.
pub async fn spawn(manifest: &str, tweak: impl FnOnce(&mut UpOptions)) -> TestApp {
    match try_spawn(manifest, tweak).await {
        Ok(app) => app,
        Err(e) => panic!("gateway did not start: {e:#}"),
    }
}
