//! The end-to-end harness: builds the test components and the real functions (once
//! per test run, into the workspace's one target dir), starts a gateway on 127.0.0.1
//! port 0 with a fresh state directory, and hands back a client — as
//! zero-to-production's `spawn_app`.

use std::path::PathBuf;
use std::sync::OnceLock;
use yingshang_gateway::app::{Running, UpOptions, up};

pub mod browser;
mod web_build;
pub use web_build::{build_web, web_build_lock};
pub mod contract;
pub mod postgres;

/// The database the functions' gateways use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The `default` SQLite database in the gateway's state folder.
    Sqlite,
    /// A fresh database per gateway on this binary's PostgreSQL cluster.
    Postgres,
}

/// The backend of this test binary: `YINGSHANG_TEST_DATABASE` (`sqlite` or
/// `postgres`) when set; otherwise PostgreSQL for the `e2e_postgres` binary (the
/// same function tests, compiled a second time) and SQLite for every other.
pub fn backend() -> Backend {
    static BACKEND: OnceLock<Backend> = OnceLock::new();
    *BACKEND.get_or_init(
        || match std::env::var("YINGSHANG_TEST_DATABASE").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("sqlite") => Backend::Sqlite,
            Ok(other) => panic!("YINGSHANG_TEST_DATABASE={other}: use sqlite or postgres"),
            Err(_) => {
                let exe = std::env::current_exe().unwrap_or_default();
                let name = exe.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with("e2e_postgres") {
                    Backend::Postgres
                } else {
                    Backend::Sqlite
                }
            }
        },
    )
}

/// The PostgreSQL migrations folder.
pub fn postgres_migrations_dir() -> PathBuf {
    workspace_root().join("infra/migrations/postgres")
}

/// On PostgreSQL, a manifest that applies migrations (an application of functions)
/// is given the `database_url` and `database_host` variables the real `spin.toml`
/// declares, passes them to every component with a database, and names the
/// PostgreSQL migrations: the functions then run on the server, unchanged.
pub fn for_backend(manifest: String) -> String {
    if backend() != Backend::Postgres {
        return manifest;
    }
    let mut doc: toml::Table = manifest.parse().expect("a test manifest is TOML");
    let tool = doc
        .get_mut("application")
        .and_then(|a| a.get_mut("tool"))
        .and_then(|t| t.get_mut("yingshang"))
        .and_then(|y| y.as_table_mut());
    let Some(tool) = tool else {
        return manifest;
    };
    if !tool.contains_key("migrations") {
        return manifest;
    }
    tool.insert(
        "postgres_migrations".into(),
        postgres_migrations_dir().display().to_string().into(),
    );
    let variables = doc
        .entry("variables")
        .or_insert_with(|| toml::Table::new().into())
        .as_table_mut()
        .expect("[variables] is a table");
    let declare = |default: &str, secret: bool| {
        let mut t = toml::Table::new();
        t.insert("default".into(), default.into());
        if secret {
            t.insert("secret".into(), true.into());
        }
        toml::Value::Table(t)
    };
    variables
        .entry("database_url")
        .or_insert_with(|| declare("", true));
    variables
        .entry("database_host")
        .or_insert_with(|| declare("postgres://database.invalid:5432", false));
    if let Some(components) = doc.get_mut("component").and_then(|c| c.as_table_mut()) {
        for (_, c) in components.iter_mut() {
            let Some(c) = c.as_table_mut() else { continue };
            if !c.contains_key("sqlite_databases") {
                continue;
            }
            let hosts = c
                .entry("allowed_outbound_hosts")
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            if let Some(hosts) = hosts.as_array_mut()
                && !hosts
                    .iter()
                    .any(|h| h.as_str() == Some("{{ database_host }}"))
            {
                hosts.push("{{ database_host }}".into());
            }
            let vars = c
                .entry("variables")
                .or_insert_with(|| toml::Table::new().into());
            if let Some(vars) = vars.as_table_mut() {
                vars.entry("database_url")
                    .or_insert_with(|| "{{ database_url }}".into());
            }
        }
    }
    toml::to_string(&doc).expect("the manifest serialises")
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` (a build cache outside the
/// clone; a relative one from the workspace root, where the builds these tests start
/// run), else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The component crates in a folder of the workspace: each sub-folder whose
/// `Cargo.toml` builds a `cdylib` (discovered, so a new function or test component
/// is built and testable without editing this file). Sorted by folder name.
fn component_crates(folder: &str) -> Vec<String> {
    let dir = workspace_root().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| {
            std::fs::read_to_string(entry.path().join("Cargo.toml"))
                .is_ok_and(|toml| toml.contains("\"cdylib\""))
        })
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// Every test component under `tests/components/`, by folder (crate `tc-<name>`).
pub fn test_components() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| component_crates("tests/components"))
}

static BUILT: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds the test components once per test binary; cargo makes it a no-op when
/// nothing changed.
pub fn build_test_components() {
    let result = BUILT.get_or_init(|| {
        yingshang_gateway::builder::ensure_wasm_target().map_err(|e| format!("{e:#}"))?;
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.current_dir(workspace_root())
            .args(["build", "--target", "wasm32-wasip2", "--release"]);
        for c in test_components() {
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
    target_dir()
        .join("wasm32-wasip2/release")
        .join(format!("tc_{}.wasm", name.replace('-', "_")))
}

/// Replaces `{wasm:<name>}` in manifest text with the built test component's path,
/// `{function:<name>}` with the built function's, and `{migrations}` with the
/// migrations folder.
pub fn with_wasm_paths(manifest: &str) -> String {
    let mut out = manifest.to_owned();
    for f in functions() {
        let key = format!("{{function:{f}}}");
        if out.contains(&key) {
            out = out.replace(&key, &function_wasm(f).display().to_string());
        }
    }
    if out.contains("{migrations}") {
        out = out.replace("{migrations}", &migrations_dir().display().to_string());
    }
    for c in test_components() {
        let key = format!("{{wasm:{c}}}");
        if out.contains(&key) {
            out = out.replace(&key, &wasm(c).display().to_string());
        }
    }
    out
}

/// Every function crate under `functions/` that is a component (crate = folder
/// name; the kit, a library, is not one).
pub fn functions() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| component_crates("functions"))
}

static BUILT_FUNCTIONS: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds the functions once per test binary, the way `spin.toml` builds them
/// (`--profile wasm`); cargo makes it a no-op when nothing changed.
pub fn build_functions() {
    let result = BUILT_FUNCTIONS.get_or_init(|| {
        yingshang_gateway::builder::ensure_wasm_target().map_err(|e| format!("{e:#}"))?;
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.current_dir(workspace_root()).args([
            "build",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "wasm",
        ]);
        for f in functions() {
            cmd.args(["-p", f]);
        }
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("building the functions failed: {status}"))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The path of a built function.
pub fn function_wasm(name: &str) -> PathBuf {
    build_functions();
    target_dir()
        .join("wasm32-wasip2/wasm")
        .join(format!("{}.wasm", name.replace('-', "_")))
}

/// The SQL migrations folder the application applies at start-up.
pub fn migrations_dir() -> PathBuf {
    workspace_root().join("infra/migrations/sqlite")
}

/// The `default` SQLite database of a gateway's state directory.
pub fn default_db_path(app: &TestApp) -> PathBuf {
    app.state.path().join("state").join("sqlite_db.db")
}

/// A connection pool on the database of a running gateway (its `default` SQLite
/// database, or its PostgreSQL database), to check the rows a user's requests left
/// behind. The tests' SQL is in the subset both share.
pub async fn default_db(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = match &app.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}?mode=rw", default_db_path(app).display()),
    };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .expect("open the application's database");
    if app.database_url.is_none() {
        // As the gateway's own connections: wait for a writer instead of failing.
        sqlx::query("PRAGMA busy_timeout = 5000")
            .execute(&pool)
            .await
            .expect("set the busy timeout");
    }
    pool
}

/// On PostgreSQL, the database of the gateway whose files are in `state` (created
/// at its first start, the same one when it restarts on that folder), set as its
/// `database_url` and `database_host`. None on SQLite.
pub fn database_for(state: &std::path::Path, options: &mut UpOptions) -> Option<String> {
    if backend() != Backend::Postgres {
        return None;
    }
    let file = state.join("database_url");
    let url = match std::fs::read_to_string(&file) {
        Ok(url) => url,
        Err(_) => {
            let url = postgres::cluster().fresh_database();
            std::fs::write(&file, &url).expect("remember the database URL");
            url
        }
    };
    options.variables.insert("database_url".into(), url.clone());
    options
        .variables
        .insert("database_host".into(), postgres::cluster().host());
    Some(url)
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
    /// The PostgreSQL database its functions use (None: the SQLite `default`).
    pub database_url: Option<String>,
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

/// Writes `manifest` (with `{wasm:<name>}` markers) to a fresh directory and
/// starts a gateway on it; `tweak` adjusts the options.
pub async fn try_spawn(
    manifest: &str,
    tweak: impl FnOnce(&mut UpOptions),
) -> anyhow::Result<TestApp> {
    let state = tempfile::tempdir()?;
    let path = state.path().join("spin.toml");
    let text = for_backend(with_wasm_paths(manifest));
    let uses_database = text.contains("{{ database_url }}");
    std::fs::write(&path, text)?;
    let mut options = UpOptions::new(path);
    options.listen = "127.0.0.1:0".parse()?;
    options.admin_listen = Some("127.0.0.1:0".parse()?);
    options.state_dir = state.path().join("state");
    options.build = false;
    options.cache = false;
    let database_url = if uses_database {
        database_for(state.path(), &mut options)
    } else {
        None
    };
    tweak(&mut options);
    let running = up(options).await?;
    Ok(TestApp {
        base: format!("http://{}", running.addr),
        admin: format!("http://{}", running.admin_addr.expect("admin listener")),
        state,
        client: reqwest::Client::new(),
        running: Some(running),
        database_url,
    })
}

/// Like [`try_spawn`], panicking on a start-up error.
pub async fn spawn(manifest: &str, tweak: impl FnOnce(&mut UpOptions)) -> TestApp {
    match try_spawn(manifest, tweak).await {
        Ok(app) => app,
        Err(e) => panic!("gateway did not start: {e:#}"),
    }
}

/// The object store a storage test runs against: by default the gateway's embedded
/// store; an external S3 endpoint when `YINGSHANG_TEST_S3_ENDPOINT` is set (with
/// `_REGION`, `_BUCKET`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`, `_PATH_STYLE`;
/// see `docs/object-storage.md`).
#[derive(Clone)]
pub struct S3Target {
    /// `scheme://host[:port]`.
    pub endpoint: String,
    /// SigV4 region.
    pub region: String,
    /// Bucket.
    pub bucket: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Path-style addressing.
    pub path_style: bool,
}

impl std::fmt::Debug for S3Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Target")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

impl S3Target {
    /// The external endpoint from `YINGSHANG_TEST_S3_*`, if `..._ENDPOINT` is set.
    pub fn external() -> Option<S3Target> {
        let var = |n: &str| std::env::var(format!("YINGSHANG_TEST_S3_{n}")).ok();
        let endpoint = var("ENDPOINT").filter(|e| !e.is_empty())?;
        let need = |n: &str| {
            var(n).unwrap_or_else(|| {
                panic!("YINGSHANG_TEST_S3_{n} must be set with YINGSHANG_TEST_S3_ENDPOINT")
            })
        };
        Some(S3Target {
            endpoint,
            region: var("REGION").unwrap_or_else(|| "cn-central-1".to_owned()),
            bucket: need("BUCKET"),
            access_key_id: need("ACCESS_KEY_ID"),
            secret_access_key: need("SECRET_ACCESS_KEY"),
            path_style: var("PATH_STYLE").is_some_and(|p| p == "true"),
        })
    }

    /// The embedded store of a running test gateway (its generated credentials).
    pub fn embedded(app: &TestApp, bucket: &str) -> S3Target {
        let addr = app
            .running
            .as_ref()
            .and_then(|r| r.object_store_addr)
            .expect("the embedded object store is running");
        let creds = yingshang_gateway::object_store::StoreCredentials::load_or_create(
            &app.state.path().join("state"),
        )
        .expect("object store credentials");
        S3Target {
            endpoint: format!("http://{addr}"),
            region: "cn-central-1".to_owned(),
            bucket: bucket.to_owned(),
            access_key_id: creds.access_key_id,
            secret_access_key: creds.secret_access_key,
            path_style: true,
        }
    }

    /// The `object_store_*` application variables that point a gateway at it.
    pub fn variables(&self) -> std::collections::BTreeMap<String, String> {
        [
            ("object_store_endpoint", self.endpoint.clone()),
            ("object_store_region", self.region.clone()),
            ("object_store_bucket", self.bucket.clone()),
            ("object_store_access_key_id", self.access_key_id.clone()),
            (
                "object_store_secret_access_key",
                self.secret_access_key.clone(),
            ),
            ("object_store_path_style", self.path_style.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// The `allowed_outbound_hosts` entries a component needs to reach it.
    pub fn allowed_hosts(&self) -> String {
        let mut hosts = vec!["\"{{ object_store_endpoint }}\"".to_owned()];
        if !self.path_style
            && let Some((scheme, host)) = self.endpoint.split_once("://")
        {
            hosts.push(format!("\"{scheme}://*.{}\"", host.trim_end_matches('/')));
        }
        hosts.join(", ")
    }
}

/// A deterministic agency API key for tests: the same seed gives the same key, so a
/// test can name a key's id without keeping it around.
pub fn test_key(seed: u8) -> yingshang_core::security::apikey::GeneratedKey {
    let mut random = [0u8; 40];
    for (i, b) in random.iter_mut().enumerate() {
        *b = seed.wrapping_mul(31).wrapping_add(i as u8).wrapping_mul(7);
    }
    yingshang_core::security::apikey::generate(&random)
}

/// Stores the agency key made from `seed` for `agency` with space-separated
/// `scopes` in the application's `default` database (only its hash, as
/// `yingshang keys create` does); answers the key.
pub async fn store_agency_key(app: &TestApp, agency: &str, seed: u8, scopes: &str) -> String {
    let g = test_key(seed);
    let db = default_db(app).await;
    sqlx::query(
        "INSERT INTO api_keys (key_id, agency_id, hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(g.key_id.as_str())
    .bind(agency)
    .bind(&g.hash)
    .bind(scopes)
    .bind(0_i64)
    .execute(&db)
    .await
    .expect("store an agency key");
    db.close().await;
    g.key
}
