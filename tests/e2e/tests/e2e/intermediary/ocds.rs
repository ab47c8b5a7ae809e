//! Every project as OCDS 1.1 open data, valid against the official 1.1.5 schema.

use super::flow::{awarded, today};
use super::*;

#[tokio::test]
async fn every_project_is_published_as_ocds_valid_against_the_official_schema() {
    let (m, id, winner, owner) = awarded().await;
    let me = Who::Enterprise(owner.clone());
    assert_eq!(
        m.post_as(
            &me,
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() })
        )
        .await
        .0,
        200
    );
    let (s, _) = m
        .post_as(
            &Who::Enterprise(winner.clone()),
            &format!("/projects/{id}/delivery"),
            &json!({ "delivered_on": today(), "summary": "报告已交付。" }),
        )
        .await;
    assert_eq!(s, 200);
    let (s, pkg) = m
        .get_as(&Who::Anonymous, &format!("/ocds/projects/{id}"))
        .await;
    assert_eq!(s, 200, "{pkg}");
    let tags: Vec<&str> = pkg["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tag"][0].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["tender", "award", "contract", "implementation"]);
    let award = &pkg["releases"][1];
    assert_eq!(award["tender"]["numberOfTenderers"], 3);
    assert_eq!(
        award["awards"][0]["suppliers"][0]["id"],
        format!("CN-USCC-{winner}")
    );
    let (_, project) = m.get_as(&Who::Anonymous, &format!("/projects/{id}")).await;
    assert!(
        award["tender"]["procurementMethodRationale"]
            .as_str()
            .unwrap()
            .contains(project["seed"].as_str().unwrap())
    );
    assert_eq!(errors(&pkg), Vec::<String>::new());
    // Every release in publication order, paged.
    let (s, all) = m.get_as(&Who::Anonymous, "/ocds/releases?limit=2").await;
    assert_eq!(s, 200);
    assert_eq!(all["releases"].as_array().unwrap().len(), 2);
    assert_eq!(errors(&all), Vec::<String>::new());
    let next = all["links"]["next"]
        .as_str()
        .unwrap()
        .replace("/api/intermediary", "");
    let (_, page2) = m.get_as(&Who::Anonymous, &next).await;
    assert_eq!(page2["releases"].as_array().unwrap().len(), 2);
    assert_ne!(page2["releases"][0]["id"], all["releases"][0]["id"]);
}

/// The schema errors of an OCDS release package, against the official 1.1.5 schemas
/// beside the repository (`../shared/standards/ocds-1.1.5/`), offline.
fn errors(doc: &Value) -> Vec<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/standards/ocds-1.1.5/"
    );
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}{f}")).unwrap()).unwrap()
    };
    let registry = jsonschema::Registry::new()
        .add(
            "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
            jsonschema::Draft::Draft4.create_resource(read("release-schema.json")),
        )
        .unwrap()
        .prepare()
        .unwrap();
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_registry(&registry)
        .build(&read("release-package-schema.json"))
        .unwrap();
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
