//! The functions' contract tests (issue 19), shared: each function's OpenAPI document
//! is fetched, kept as a test artifact, validated as OpenAPI 3.1, and every operation
//! it describes is called to prove it is routed and asks for the credential it
//! describes; then Schemathesis drives the running gateway from the document alone
//! (`tests/contract/hooks.py` supplies a valid credential for each kind of caller).

use crate::{TestApp, workspace_root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where reports and documents are kept: `target/contract-reports/`.
pub fn reports_dir() -> PathBuf {
    let dir = workspace_root().join("target/contract-reports");
    std::fs::create_dir_all(&dir).expect("create target/contract-reports");
    dir
}

/// The value an undescribed path parameter takes when the document is walked: a
/// well-formed ULID that names nothing.
pub const UNKNOWN_ID: &str = "01J00000000000000000000000";

/// Fetches `GET /api/<function>/openapi.json` (public) and checks it: valid OpenAPI
/// 3.1 (openapi-spec-validator), every operation routed (never the router's 404 or
/// 405) and, called without a credential, answering 401 with one of its documented
/// codes; the reference page beside it. Answers the document.
///
/// Path parameters take their documented example, else `fallback`'s value for that
/// name, else [`UNKNOWN_ID`].
pub async fn check_document(app: &TestApp, function: &str, fallback: &[(&str, &str)]) -> Value {
    let r = app.get(&format!("/api/{function}/openapi.json")).await;
    assert_eq!(r.status(), 200, "{function}'s document");
    let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");

    let file = reports_dir().join(format!("{function}.openapi.json"));
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python3 runs (openapi-spec-validator from PyPI; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{function}'s document is not valid OpenAPI 3.1: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    check_web_copy(function, &doc);

    let fallback: BTreeMap<&str, &str> = fallback.iter().copied().collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let mut concrete = path.clone();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] != "path" {
                    continue;
                }
                let name = p["name"].as_str().unwrap();
                let value = match &p["example"] {
                    Value::String(s) => s.clone(),
                    Value::Null => fallback.get(name).unwrap_or(&UNKNOWN_ID).to_string(),
                    other => other.to_string(),
                };
                concrete = concrete.replace(&format!("{{{name}}}"), &value);
            }
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .client
                .request(m, format!("{}{concrete}", app.base))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            assert!(
                !matches!(
                    body["code"].as_str(),
                    Some("REQ_NOT_FOUND" | "REQ_METHOD_NOT_ALLOWED")
                ),
                "{method} {path} is described but not routed: {body}"
            );
            if op["x-yingshang-caller"]["kind"] != "public" {
                assert_eq!(status, 401, "{method} {path} without a credential: {body}");
                let listed = &op["responses"]["401"]["content"]["application/problem+json"]["schema"]
                    ["allOf"][1]["properties"]["code"]["enum"];
                assert!(
                    listed.as_array().unwrap().contains(&body["code"]),
                    "{method} {path}: {} is not among the documented 401 codes",
                    body["code"]
                );
            }
        }
    }

    // The reference page for people renders this document (it fetches it beside itself).
    let r = app.get(&format!("/api/{function}/docs")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.headers().contains_key("content-security-policy"));
    let page = r.text().await.unwrap();
    assert!(page.contains("fetch(\"openapi.json\")"), "{page}");
    doc
}

/// The environment variable that lets a contract test rewrite the web build's copy.
pub const UPDATE_WEB_COPY: &str = "YINGSHANG_UPDATE_OPENAPI";

/// The web pages' API types are generated from `web/openapi/<function>.json`; it
/// must be the document the function serves, or the pages would be type-checked
/// against an API that no longer exists. With `YINGSHANG_UPDATE_OPENAPI=1` the test
/// rewrites the copy instead (then `npm run build` in `web/` shows what the change
/// breaks in the pages).
fn check_web_copy(function: &str, doc: &Value) {
    let file = workspace_root().join(format!("web/openapi/{function}.json"));
    if std::env::var_os(UPDATE_WEB_COPY).is_some() {
        let mut text = serde_json::to_string_pretty(doc).unwrap();
        text.push('\n');
        std::fs::write(&file, text).expect("write the web build's copy of the document");
        return;
    }
    let Ok(text) = std::fs::read_to_string(&file) else {
        // Not yet used by the pages.
        return;
    };
    let copy: Value = serde_json::from_str(&text).expect("web/openapi/*.json is JSON");
    assert!(
        &copy == doc,
        "{} is not the document {function} serves: run \
         the function's contract test with {UPDATE_WEB_COPY}=1, then `npm run build` in web/",
        file.display()
    );
}

/// The operations a document describes.
pub fn operation_count(doc: &Value) -> usize {
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum()
}

/// The credentials Schemathesis's hook uses, one per kind of caller.
#[derive(Debug, Default, Clone)]
pub struct Callers {
    /// Role (`citizen`, `officer`, …) → bearer token.
    pub tokens: BTreeMap<String, String>,
    /// An agency API key holding every scope the operations name.
    pub agency_key: String,
    /// Device id → HMAC secret, for signed device requests.
    pub devices: BTreeMap<String, String>,
    /// The payment channel's secret, for signed confirmations.
    pub channel_secret: Option<String>,
}

/// Runs Schemathesis (examples, coverage, fuzzing and stateful phases; checks: no
/// server error, status codes, content types and response schemas as documented)
/// against `/api/<function>/openapi.json` on `app`, `max_examples` per operation, a
/// fixed seed. The report is kept in `target/contract-reports/<function>-<backend>.txt`;
/// panics with it if anything was found.
pub async fn schemathesis(app: &TestApp, function: &str, callers: &Callers, max_examples: u32) {
    let url = format!("{}/api/{function}/openapi.json", app.base);
    let hooks = workspace_root().join("tests/contract");
    let reports = reports_dir();
    let tokens = serde_json::to_string(&callers.tokens).unwrap();
    let devices = serde_json::to_string(&callers.devices).unwrap();
    let callers = callers.clone();
    let dir = reports.clone();
    // The gateway serves from the calling test's runtime: wait for Schemathesis off it.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("st")
            .args(["--no-color", "run", &url])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-examples",
                &max_examples.to_string(),
                "--seed",
                "19",
                "--request-timeout",
                "20",
                "--phases",
                "examples,coverage,fuzzing,stateful",
            ])
            // Its cache of found failures goes beside the reports, not into the tree.
            .current_dir(&dir)
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("PYTHONPATH", hooks)
            .env("YINGSHANG_USER_TOKENS", tokens)
            .env("YINGSHANG_AGENCY_KEY", &callers.agency_key)
            .env("YINGSHANG_DEVICES", devices)
            .env(
                "YINGSHANG_CHANNEL_SECRET",
                callers.channel_secret.unwrap_or_default(),
            )
            .output()
    })
    .await
    .unwrap()
    .expect("Schemathesis runs (`st` from PyPI; .ci/run installs it)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The report is a test artifact: what was run, and what was found.
    let file = reports.join(format!("{function}-{:?}.txt", crate::backend()));
    std::fs::write(file, &report).unwrap();
    assert!(
        out.status.success(),
        "Schemathesis found problems in {function}:\n{report}"
    );
}
