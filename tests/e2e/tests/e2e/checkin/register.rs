//! The enterprise register, imported the way an agency system does it (as valuation
//! imports are): ask for an upload slot, PUT the CSV to the presigned URL with plain
//! reqwest, start the import with a `checkin:register` key, read its progress. A file
//! is checked per row and taken whole or not at all, once per checksum; a re-imported
//! enterprise keeps its code.

use super::*;
use sha2::{Digest as _, Sha256};
use yingshang_core::checkin::register::{Enterprise, demo_register, register_to_csv};

const SLOTS: &str = "/register/imports/slots";
const IMPORTS: &str = "/register/imports";
/// Enterprises the demo data loaded: 200 of the demo register and 4 others.
const SEEDED: i64 = 204;

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A plain PUT to a presigned URL with exactly the signed headers.
pub(super) async fn presigned_put(upload: &Value, bytes: Vec<u8>) -> reqwest::Response {
    let mut req = reqwest::Client::new().put(upload["url"].as_str().unwrap());
    for h in upload["headers"].as_array().unwrap() {
        let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        if name != "content-length" {
            req = req.header(name, value);
        }
    }
    req.body(bytes).send().await.unwrap()
}

/// `SELECT COUNT(*) FROM checkin_enterprises WHERE credit_code IN (…)`.
fn count_of(rows: &[&Enterprise]) -> String {
    let list: Vec<String> = rows
        .iter()
        .map(|e| format!("'{}'", e.credit_code.as_str()))
        .collect();
    format!(
        "SELECT COUNT(*) FROM checkin_enterprises WHERE credit_code IN ({})",
        list.join(",")
    )
}

/// A register row as `register_to_csv` writes it, fields given as text (so that a
/// field may be wrong).
fn csv_line(code: &str, e: &Enterprise, industry: &str) -> String {
    format!(
        "{code},{},{},{},{industry}\n",
        e.name, e.address, e.division_code
    )
}

impl Checkin {
    /// An upload slot for `bytes` (declared as a CSV file).
    pub(super) async fn register_slot(&self, who: &Who, bytes: &[u8]) -> (StatusCode, Value) {
        let request = json!({
            "content_type": "text/csv", "size": bytes.len(), "sha256": hex_sha256(bytes),
        });
        self.post_as(who, SLOTS, &request).await
    }

    /// Starts the import of an uploaded slot.
    pub(super) async fn start_register_import(
        &self,
        who: &Who,
        object_key: &str,
    ) -> (StatusCode, Value) {
        self.post_as(who, IMPORTS, &json!({ "key": object_key }))
            .await
    }

    /// Slot, PUT, import: what an agency's register job does.
    pub(super) async fn import_register(&self, who: &Who, bytes: &[u8]) -> (StatusCode, Value) {
        let (status, slot) = self.register_slot(who, bytes).await;
        assert_eq!(status, 201, "{slot}");
        let r = presigned_put(&slot["upload"], bytes.to_vec()).await;
        assert_eq!(r.status(), 200, "PUT: {}", r.text().await.unwrap());
        self.start_register_import(who, slot["key"].as_str().unwrap())
            .await
    }

    /// A GET with `Accept-Language`.
    async fn get_in(&self, lang: &str, who: &Who, path: &str) -> (StatusCode, Value) {
        let rb = reqwest::Client::new()
            .get(self.url(path))
            .header("accept-language", lang);
        body(self.auth(rb, who).send().await.unwrap()).await
    }
}

#[tokio::test]
async fn a_register_file_is_applied_whole_and_the_same_file_again_changes_nothing() {
    let c = start().await;
    let agency = Who::Key(c.key("jy-admin", "checkin:register").await);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED
    );
    // A county's register: 14,000 enterprises after the 200 of the demo data.
    let register = demo_register(14_200);
    let rows = &register[200..];
    let csv = register_to_csv(rows);
    let started = std::time::Instant::now();
    let (status, i) = c.import_register(&agency, csv.as_bytes()).await;
    eprintln!(
        "14,000-row register ({} bytes) imported in {:?}",
        csv.len(),
        started.elapsed()
    );
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "applied", "{i}");
    assert_eq!(
        (i["rows_total"].as_i64(), i["rows_applied"].as_i64()),
        (Some(14_000), Some(14_000)),
        "{i}"
    );
    assert_eq!(i["sha256"], hex_sha256(csv.as_bytes()));
    assert_eq!(i["size_bytes"].as_u64(), Some(csv.len() as u64));
    assert!(i["report"].is_null(), "{i}");
    assert!(
        i["object_key"]
            .as_str()
            .unwrap()
            .starts_with("agency/jy-admin/"),
        "{i}"
    );
    let id = i["id"].as_str().unwrap().to_owned();
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED + 14_000
    );
    let from_file = format!("SELECT COUNT(*) FROM checkin_enterprises WHERE import_id = '{id}'");
    assert_eq!(c.count(&from_file).await, 14_000);
    // Stored as written: spot-check the last row.
    let last = rows.last().unwrap();
    let same = format!(
        "SELECT COUNT(*) FROM checkin_enterprises WHERE credit_code = '{}' AND name = '{}' \
         AND address = '{}' AND division_code = '{}' AND industry_code = '{}' AND code_serial = 1",
        last.credit_code.as_str(),
        last.name,
        last.address,
        last.division_code,
        last.industry_code
    );
    assert_eq!(c.count(&same).await, 1);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.register.import.applied'")
            .await,
        1
    );

    // The progress, read back.
    let (status, shown) = c.get_as(&agency, &format!("{IMPORTS}/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    for field in [
        "id",
        "status",
        "rows_total",
        "rows_applied",
        "sha256",
        "object_key",
    ] {
        assert_eq!(shown[field], i[field], "{field}: {shown}");
    }
    assert!(shown["created_at"].is_string() && shown["finished_at"].is_string());
    assert!(
        shown["created_by"].as_str().unwrap().contains("jy-admin"),
        "{shown}"
    );

    // An imported enterprise has its code at once, and its code lands.
    let (status, code) = c
        .get_as(&agency, &format!("/enterprises/{}/code", last.credit_code))
        .await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(code["serial"], 1);
    let landing = reqwest::get(code["url"].as_str().unwrap()).await.unwrap();
    let (status, landing) = body(landing).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["name"], last.name.as_str());

    // The same bytes again, through a new slot: the first import, nothing applied twice.
    let (status, again) = c.import_register(&agency, csv.as_bytes()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], id.as_str());
    assert_eq!(again["status"], "applied");
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_imports").await, 1);
    assert_eq!(c.count(&from_file).await, 14_000);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED + 14_000
    );
    assert_eq!(
        c.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'checkin.register.import.%'")
            .await,
        1
    );
    c.app.shutdown().await;
}

#[tokio::test]
async fn a_file_with_bad_rows_is_rejected_whole_with_a_report_per_row() {
    let c = start().await;
    let agency = Who::Key(c.key("jy-admin", "checkin:register").await);
    let register = demo_register(210);
    let new = &register[200..206];
    let (a, b, d, e, f) = (&new[0], &new[1], &new[3], &new[4], &new[5]);
    // A wrong check character: the last one replaced by another of the alphabet.
    let good = d.credit_code.as_str();
    let wrong_check = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    let mut csv = register_to_csv(&new[..3]); // rows 1 (header) to 4
    csv += &csv_line(&wrong_check, d, &d.industry_code); // row 5
    csv += &csv_line(e.credit_code.as_str(), e, "X99"); // row 6
    csv += &csv_line(a.credit_code.as_str(), b, &b.industry_code); // row 7: a again
    csv += &csv_line(f.credit_code.as_str(), f, &f.industry_code); // row 8

    let (status, i) = c.import_register(&agency, csv.as_bytes()).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "rejected", "{i}");
    assert_eq!(
        (i["rows_total"].as_i64(), i["rows_applied"].as_i64()),
        (Some(7), Some(0)),
        "{i}"
    );
    let report = &i["report"];
    assert_eq!(report["rows_checked"], 7, "{i}");
    assert_eq!(report["rows_with_issues"], 3, "{i}");
    assert_eq!(report["total_issues"], 3, "{i}");
    let issues: Vec<(i64, &str, &str)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["row"].as_i64().unwrap(),
                x["column"].as_str().unwrap_or(""),
                x["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            (5, "credit_code", "REGISTER_CREDIT_CODE_INVALID"),
            (6, "industry_code", "REGISTER_INDUSTRY_CODE_INVALID"),
            (7, "credit_code", "REGISTER_DUPLICATE_CREDIT_CODE"),
        ],
        "{i}"
    );
    // Messages in Chinese unless asked otherwise.
    let message = report["issues"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&wrong_check) && message.contains("校验位"),
        "{message}"
    );
    assert!(
        report["issues"][2]["message"]
            .as_str()
            .unwrap()
            .contains("第2行"),
        "{i}"
    );

    // All or nothing: not even the good rows are in the register.
    let all: Vec<&Enterprise> = new.iter().collect();
    assert_eq!(c.count(&count_of(&all)).await, 0);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED
    );
    let id = i["id"].as_str().unwrap().to_owned();
    assert_eq!(
        c.count("SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.register.import.rejected'")
            .await,
        1
    );

    // The report in English, on request.
    let (status, shown) = c.get_in("en", &agency, &format!("{IMPORTS}/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["status"], "rejected");
    let en: Vec<&str> = shown["report"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert!(en[0].contains("check character"), "{en:?}");
    assert!(
        en[1].contains("industry code") && en[1].contains("X99"),
        "{en:?}"
    );
    assert!(en[2].contains("already appears on row 2"), "{en:?}");
    assert!(en.iter().all(|m| m.is_ascii()), "{en:?}");

    // The same rejected file again answers its import; nothing changes.
    let (status, again) = c.import_register(&agency, csv.as_bytes()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["id"].as_str(), again["status"].as_str()),
        (Some(id.as_str()), Some("rejected"))
    );
    assert_eq!(c.count(&count_of(&all)).await, 0);

    // Corrected, the file is applied whole.
    let fixed = register_to_csv(new);
    let (status, i) = c.import_register(&agency, fixed.as_bytes()).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(
        (i["status"].as_str(), i["rows_applied"].as_i64()),
        (Some("applied"), Some(6)),
        "{i}"
    );
    assert_eq!(c.count(&count_of(&all)).await, 6);
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_imports").await, 2);
    c.app.shutdown().await;
}

#[tokio::test]
async fn a_reimported_enterprise_keeps_its_code_and_shows_its_new_name() {
    let c = start().await;
    let agency = Who::Key(c.key("jy-admin", "checkin:register").await);
    let ent = demo_enterprise(7);
    let old_url = c.code_url(&ent).await;
    let mut renamed = demo_register(8)[7].clone();
    assert_eq!(renamed.credit_code.as_str(), ent);
    renamed.name = "济源市新名称实业有限公司".to_owned();
    renamed.address = "河南省济源市沁园街道新址路1号".to_owned();
    // With a new neighbour, so that the file is more than the one row.
    let neighbour = demo_register(301)[300].clone();
    let (status, i) = c
        .import_register(&agency, register_to_csv([&renamed, &neighbour]).as_bytes())
        .await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(
        (i["status"].as_str(), i["rows_applied"].as_i64()),
        (Some("applied"), Some(2)),
        "{i}"
    );
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED + 1
    );

    // The same code: its serial and URL stay, and the poster on the door still lands.
    let me = Who::Enterprise(ent.clone());
    let (status, code) = c.get_as(&me, &format!("/enterprises/{ent}/code")).await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(code["serial"], 1);
    assert_eq!(code["url"], old_url.as_str());
    assert_eq!(code["name"], renamed.name.as_str());
    let (status, landing) = body(reqwest::get(&old_url).await.unwrap()).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["name"], renamed.name.as_str());
    assert_eq!(landing["enterprise"]["address"], renamed.address.as_str());

    // A reissued code survives a later import too.
    let (status, reissued) = c
        .post_as(&agency, &format!("/enterprises/{ent}/code"), &json!({}))
        .await;
    assert_eq!(status, 201, "{reissued}");
    assert_eq!(reissued["serial"], 2);
    renamed.name = "济源市新名称实业股份有限公司".to_owned();
    let (status, i) = c
        .import_register(&agency, register_to_csv([&renamed]).as_bytes())
        .await;
    assert_eq!(
        (status.as_u16(), i["status"].as_str()),
        (201, Some("applied"))
    );
    let (status, code) = c.get_as(&me, &format!("/enterprises/{ent}/code")).await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(
        (code["serial"].as_i64(), code["url"].as_str()),
        (Some(2), reissued["url"].as_str()),
        "{code}"
    );
    let (status, landing) = body(
        reqwest::get(reissued["url"].as_str().unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["name"], renamed.name.as_str());
    c.app.shutdown().await;
}

#[tokio::test]
async fn only_register_keys_import_and_uploads_must_match_their_slot() {
    let c = start().await;
    let file = register_to_csv(&demo_register(203)[200..]);
    let bytes = file.as_bytes();

    // Another scope, an officer, an enterprise: refused; nobody signed in: 401.
    let rules = Who::Key(c.key("jy-market", "checkin:agency").await);
    let (status, p) = c.register_slot(&rules, bytes).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("APIKEY_SCOPE_MISSING")),
        "{p}"
    );
    let (status, p) = c
        .start_register_import(&rules, "agency/jy-market/checkin-register/x.csv")
        .await;
    assert_eq!(status, 403, "{p}");
    let officer = Who::Officer(MARKET, "officer-zhang");
    let (status, p) = c.register_slot(&officer, bytes).await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .start_register_import(&officer, "agency/jy-market/checkin-register/x.csv")
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .register_slot(&Who::Enterprise(demo_enterprise(1)), bytes)
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c.register_slot(&Who::Anonymous, bytes).await;
    assert_eq!(status, 401, "{p}");
    let (status, p) = c
        .start_register_import(&Who::Anonymous, "agency/x/checkin-register/x.csv")
        .await;
    assert_eq!(status, 401, "{p}");

    let agency = Who::Key(c.key("jy-admin", "checkin:register").await);
    // Slots for something else than a CSV, or a file over 8 MiB, are refused.
    let (status, p) = c
        .post_as(
            &agency,
            SLOTS,
            &json!({ "content_type": "application/json", "size": bytes.len(), "sha256": hex_sha256(bytes) }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (415, Some("STORAGE_CONTENT_TYPE_NOT_ALLOWED")),
        "{p}"
    );
    let (status, p) = c
        .post_as(
            &agency,
            SLOTS,
            &json!({ "content_type": "text/csv", "size": 9 * 1024 * 1024, "sha256": hex_sha256(bytes) }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (413, Some("STORAGE_UPLOAD_TOO_LARGE")),
        "{p}"
    );

    // Other bytes of the declared length: the store or the confirmation refuses them.
    let (status, slot) = c.register_slot(&agency, bytes).await;
    assert_eq!(status, 201, "{slot}");
    let object_key = slot["key"].as_str().unwrap().to_owned();
    let mut other = bytes.to_vec();
    let at = other.len() - 3; // inside the last industry code
    other[at] = if other[at] == b'1' { b'2' } else { b'1' };
    let r = presigned_put(&slot["upload"], other).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let (status, p) = c.start_register_import(&agency, &object_key).await;
    assert!(
        (status.as_u16(), p["code"].as_str()) == (422, Some("STORAGE_CHECKSUM_MISMATCH"))
            || (status.as_u16(), p["code"].as_str()) == (404, Some("STORAGE_OBJECT_MISSING")),
        "{status} {p}"
    );
    // A slot issued to another agency is not this one's to import.
    let r = presigned_put(&slot["upload"], bytes.to_vec()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let stranger = Who::Key(c.key("jy-other", "checkin:register").await);
    let (status, p) = c.start_register_import(&stranger, &object_key).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("STORAGE_NOT_OWNER")),
        "{p}"
    );
    // A key no slot was issued for, and an import that does not exist.
    let (status, p) = c
        .start_register_import(&agency, "agency/jy-admin/checkin-register/none.csv")
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("CHECKIN_IMPORT_SLOT_NOT_FOUND")),
        "{p}"
    );
    let (status, p) = c
        .get_as(&agency, &format!("{IMPORTS}/01J0000000000000000000000Z"))
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("CHECKIN_IMPORT_NOT_FOUND")),
        "{p}"
    );
    let (status, p) = c.get_as(&agency, &format!("{IMPORTS}/not-an-id")).await;
    assert_eq!(status, 404, "{p}");
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_imports").await, 0);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM checkin_enterprises").await,
        SEEDED
    );

    // The right file through its own slot, by its own agency: applied.
    let (status, i) = c.start_register_import(&agency, &object_key).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "applied", "{i}");
    // Reading an import needs the register scope too.
    let path = format!("{IMPORTS}/{}", i["id"].as_str().unwrap());
    assert_eq!(c.get_as(&rules, &path).await.0, 403);
    assert_eq!(c.get_as(&officer, &path).await.0, 403);
    assert_eq!(c.get_as(&Who::Anonymous, &path).await.0, 401);
    c.app.shutdown().await;
}

/// An import naming a key no slot can have (a NUL inside) is the slot not found, not
/// a query: PostgreSQL refused the NUL and the import answered 500 (Schemathesis).
#[tokio::test]
async fn an_import_of_a_key_that_is_no_object_key_finds_no_slot() {
    let c = start().await;
    let agency = Who::Key(c.key("jy-admin", "checkin:register").await);
    for key in ["agency/jy-admin/checkin-register/a\u{0}b.csv", "../x", ""] {
        let (s, refused) = c
            .post_as(&agency, "/register/imports", &json!({ "key": key }))
            .await;
        assert_eq!(s, 404, "{key:?}: {refused}");
        assert_eq!(refused["code"], "CHECKIN_IMPORT_SLOT_NOT_FOUND");
    }
}
