//! The valuation API's contract (issue 19): the OpenAPI 3.1 document the function
//! serves describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::{Valuation, officer, start, token};
use serde_json::Value;
use yingshang_core::security::AgencyId;
use yingshang_core::security::authz::Membership;

const DOC: &str = "/api/valuation/openapi.json";

fn workspace_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

async fn document(v: &Valuation) -> Value {
    // Public: no credential.
    let r = v.get(DOC).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let v = start().await;
    let doc = document(&v).await;
    assert_eq!(doc["openapi"], "3.1.0");

    // Kept as a test artifact beside the Schemathesis report.
    let dir = workspace_file("target/contract-reports");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("valuation.openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python3 runs (openapi-spec-validator from PyPI; .ci/run installs it)");
    assert!(
        out.status.success(),
        "the document is not valid OpenAPI 3.1: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // Every described operation is a route: called without a credential it is found
    // (never the router's 404 or 405), and it asks for the credential it describes.
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let concrete = path
                .replace("{unit_code}", "410302001001GB00001F00010101")
                .replace("{id}", "01J00000000000000000000000");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = v
                .app
                .client
                .request(m, format!("{}{concrete}", v.app.base))
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
            let kind = op["x-yingshang-caller"]["kind"].as_str().unwrap();
            if kind != "public" {
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
    // The table's 11 routes, the document and the reference page.
    assert_eq!(operations, 13);

    // The reference page for people renders this document (it fetches it beside itself).
    let r = v.get("/api/valuation/docs").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.headers().contains_key("content-security-policy"));
    let page = r.text().await.unwrap();
    assert!(page.contains("fetch(\"openapi.json\")"), "{page}");
    let lookup = &paths["/api/valuation/units/{unit_code}"]["get"];
    assert_eq!(lookup["operationId"], "getUnitAssessment");
    assert_eq!(
        lookup["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AssessmentView"
    );
    let create = &paths["/api/valuation/reassessments"]["post"];
    assert_eq!(
        create["responses"]["201"]["links"]["GetRun"]["operationId"],
        "getReassessment"
    );
}

/// Schemathesis against the gateway, every operation, bounded: with a citizen's,
/// an officer's and an agency system's credentials (tests/contract/hooks.py picks
/// the one each operation's `x-yingshang-caller` names).
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let v = start().await;
    v.load_demo().await;
    let agency = v
        .agency_key(61, "valuation:read valuation:import platform:maintain")
        .await;
    let tokens = serde_json::json!({
        "citizen": token(Membership::Citizen),
        "officer": officer(),
        "agency_staff": token(Membership::AgencyStaff(AgencyId::parse("luoyang-tax").unwrap())),
    });
    let (base, hooks) = (v.app.base.clone(), workspace_file("tests/contract"));
    let reports = workspace_file("target/contract-reports");
    std::fs::create_dir_all(&reports).unwrap();
    let tokens = tokens.to_string();
    // The gateway serves from this test's runtime: wait for Schemathesis off it.
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new("st")
        .args(["--no-color", "run"])
        .arg(format!("{base}{DOC}"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            "40",
            "--seed",
            "19",
            "--request-timeout",
            "20",
            "--phases",
            "examples,coverage,fuzzing,stateful",
        ])
            // Its cache of found failures goes beside the reports, not into the tree.
            .current_dir(&reports)
            .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("PYTHONPATH", hooks)
        .env("YINGSHANG_USER_TOKENS", tokens)
        .env("YINGSHANG_AGENCY_KEY", &agency)
        .output()
    });
    let out = run
        .await
        .unwrap()
        .expect("Schemathesis runs (`st` from PyPI; .ci/run installs it)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The report is a test artifact: what was run, and what was found.
    std::fs::write(
        workspace_file(&format!(
            "target/contract-reports/valuation-{:?}.txt",
            yingshang_e2e::backend()
        )),
        &report,
    )
    .unwrap();
    assert!(
        out.status.success(),
        "Schemathesis found problems:\n{report}"
    );
}
