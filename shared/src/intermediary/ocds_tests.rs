use super::*;

fn facts() -> ProjectFacts<'static> {
    ProjectFacts {
        ocid: "ocds-ysmkt1-01J9ZK0000000000000000000A",
        id: "01J9ZK0000000000000000000A",
        title: "航空港区物流园二期环评",
        owner: ("enterprise:91410100MA00000001", "郑州航空港物流园有限公司"),
        item: ("AP-01", "建设项目环境影响评价文件编制"),
        cap_fen: 50_000_012,
        method: "random_draw",
        round: 1,
        bid_deadline: "2026-12-10T10:00:00+08:00",
        commitment: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        seed: None,
        status: "open",
        tenderers: 0,
        award: None,
        awarded_at: None,
        contract: None,
        delivered_on: None,
    }
}

/// A validator for OCDS release packages from the official schemas beside the
/// repository (`../shared/standards/ocds-1.1.5/`), the release schema registered under
/// its published URL: no network.
fn validator() -> jsonschema::Validator {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/standards/ocds-1.1.5/"
    );
    let read = |f: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(format!("{dir}{f}"))
                .expect("the OCDS schemas beside the repository"),
        )
        .unwrap()
    };
    let release = read("release-schema.json");
    let package = read("release-package-schema.json");
    let registry = jsonschema::Registry::new()
        .add(
            "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
            jsonschema::Draft::Draft4.create_resource(release),
        )
        .expect("the release schema registers")
        .prepare()
        .expect("the registry prepares");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_registry(&registry)
        .build(&package)
        .expect("the package schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_stage_of_a_project_is_a_valid_ocds_release() {
    let v = validator();
    let mut f = facts();
    let tender = release(&f, Stage::Tender, "2026-12-03T10:00:00+08:00", 0);
    f.seed = Some("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    f.status = "awarded";
    f.tenderers = 3;
    f.award = Some(("91410100MA00000019", "郑州某环境科技有限公司", 42_000_000));
    f.awarded_at = Some("2026-12-10T10:01:00+08:00");
    let award = release(&f, Stage::Award, "2026-12-10T10:01:00+08:00", 1);
    f.contract = Some(("2026-12-11", "2026-12-26", "2027-01-08"));
    let contract = release(&f, Stage::Contract, "2026-12-11T09:00:00+08:00", 2);
    f.delivered_on = Some("2026-12-24");
    let done = release(&f, Stage::Implementation, "2026-12-24T17:00:00+08:00", 3);
    let pkg = package(
        "https://example.test/api/intermediary/ocds/projects/01J9ZK0000000000000000000A",
        "2026-12-24T17:00:00+08:00",
        "营商中介超市",
        vec![tender.clone(), award.clone(), contract, done.clone()],
    );
    assert_eq!(errors(&v, &pkg), Vec::<String>::new());
    assert_eq!(tender["tender"]["value"]["amount"], json!(500000.12));
    assert_eq!(tender["tender"]["status"], "active");
    assert!(
        tender["tender"]["procurementMethodRationale"]
            .as_str()
            .unwrap()
            .contains(f.commitment)
    );
    assert!(
        award["tender"]["procurementMethodRationale"]
            .as_str()
            .unwrap()
            .contains("00112233")
    );
    assert_eq!(award["tender"]["numberOfTenderers"], 3);
    assert_eq!(
        award["awards"][0]["suppliers"][0]["id"],
        "CN-USCC-91410100MA00000019"
    );
    assert_eq!(
        done["contracts"][0]["implementation"]["milestones"][0]["status"],
        "met"
    );
}

#[test]
fn a_broken_release_fails_the_schema() {
    let v = validator();
    let mut bad = release(&facts(), Stage::Tender, "2026-12-03T10:00:00+08:00", 0);
    bad["tender"]["value"]["amount"] = json!("500000.12");
    let pkg = package(
        "https://example.test/x",
        "2026-12-03T10:00:00+08:00",
        "营商中介超市",
        vec![bad],
    );
    assert!(!errors(&v, &pkg).is_empty());
    let mut no_tag = release(&facts(), Stage::Tender, "2026-12-03T10:00:00+08:00", 0);
    no_tag.as_object_mut().unwrap().remove("tag");
    let pkg = package(
        "https://example.test/x",
        "2026-12-03T10:00:00+08:00",
        "营商中介超市",
        vec![no_tag],
    );
    assert!(!errors(&v, &pkg).is_empty());
}

#[test]
fn ocid_prefixes_have_the_registered_shape() {
    assert!(prefix_ok("ocds-ysmkt1-"));
    for bad in [
        "ocds-ysmkt1",
        "ocds-ys-",
        "OCDS-ysmkt1-",
        "ocds-ysmk!1-",
        "ocds-ysmkt12-",
    ] {
        assert!(!prefix_ok(bad), "{bad}");
    }
}
