//! Agency imports, the way an agency system does them: ask for an upload slot, PUT the
//! CSV to the presigned URL with plain reqwest, start the import with a scoped key,
//! read the result. Also the full-scale demo register loaded in chunks.

use super::{UNIT, Valuation, body, citizen, start};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use yingshang_core::valuation::demo::{DemoRegister, DemoScale};
use yingshang_core::valuation::import::{dwellings_to_csv, table_to_csv};
use yingshang_core::valuation::{CoefficientTable, Dwelling, DwellingDto, TableData};
use yingshang_e2e::default_db;

/// The valuation function's demo seed (`api::demo::DEMO_SEED`).
const DEMO_SEED: u64 = 2025;
const SLOTS: &str = "/api/valuation/imports/slots";
const IMPORTS: &str = "/api/valuation/imports";

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Valuation {
    /// An upload slot for `bytes` of `kind`.
    async fn slot(&self, key: &str, kind: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let r = self
            .post(SLOTS)
            .bearer_auth(key)
            .json(&json!({
                "kind": kind, "content_type": "text/csv",
                "size": bytes.len(), "sha256": hex_sha256(bytes),
            }))
            .send()
            .await
            .unwrap();
        body(r).await
    }

    /// Starts the import of an uploaded slot.
    async fn start_import(&self, key: &str, object_key: &str) -> (StatusCode, Value) {
        let r = self
            .post(IMPORTS)
            .bearer_auth(key)
            .json(&json!({ "key": object_key }))
            .send()
            .await
            .unwrap();
        body(r).await
    }

    /// Slot, PUT, import: what an agency's scheduled job does.
    async fn import_file(&self, key: &str, kind: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let (status, slot) = self.slot(key, kind, bytes).await;
        assert_eq!(status, 201, "{slot}");
        let r = presigned_put(&slot["upload"], bytes.to_vec()).await;
        assert_eq!(r.status(), 200, "PUT: {}", r.text().await.unwrap());
        self.start_import(key, slot["key"].as_str().unwrap()).await
    }

    async fn count(&self, sql: &str) -> i64 {
        let db = default_db(&self.app).await;
        sqlx::query_scalar(sql).fetch_one(&db).await.unwrap()
    }

    async fn lookup(&self, unit: &str, date: &str) -> Value {
        let path = format!("{UNIT}/{unit}?date={date}");
        let (status, a) = body(self.get(&path).bearer_auth(citizen()).send().await.unwrap()).await;
        assert_eq!(status, 200, "{a}");
        a
    }

    /// The community and building of a registered dwelling.
    async fn place_of(&self, unit: &str) -> (String, String) {
        let db = default_db(&self.app).await;
        sqlx::query_as("SELECT community_id, building_id FROM dwellings WHERE unit_code = $1")
            .bind(unit)
            .fetch_one(&db)
            .await
            .unwrap()
    }
}

/// A plain PUT to a presigned URL with exactly the signed headers.
async fn presigned_put(upload: &Value, bytes: Vec<u8>) -> reqwest::Response {
    let mut req = reqwest::Client::new().put(upload["url"].as_str().unwrap());
    for h in upload["headers"].as_array().unwrap() {
        let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        if name != "content-length" {
            req = req.header(name, value);
        }
    }
    req.body(bytes).send().await.unwrap()
}

#[tokio::test]
async fn base_price_file_is_applied_whole_and_reimport_is_idempotent() {
    let v = start().await;
    v.load_demo().await;
    let unit = v.first_unit().await;
    let (community, building) = v.place_of(&unit).await;
    let key = v.agency_key(4, "valuation:import").await;
    let csv = format!(
        "community_id,building_id,effective_from,price_per_m2\n\
         {community},{building},2025-06-01,12345.67\n\
         {community},,2025-06-01,11000\n"
    );
    let (status, i) = v.import_file(&key, "base_prices", csv.as_bytes()).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "applied");
    assert_eq!(
        (i["rows_total"].as_i64(), i["rows_applied"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(i["sha256"], hex_sha256(csv.as_bytes()));
    assert!(
        i["object_key"]
            .as_str()
            .unwrap()
            .starts_with("agency/henan-tax/")
    );
    let id = i["id"].as_str().unwrap().to_owned();
    let source = format!("SELECT COUNT(*) FROM base_prices WHERE source = 'import:{id}'");
    assert_eq!(v.count(&source).await, 2);
    let a = v.lookup(&unit, "2025-07-01").await;
    assert_eq!(a["base_price"]["amount_fen"], 1_234_567, "{a}");
    assert_eq!(a["base_price"]["effective_from"], "2025-06-01");
    assert_eq!(
        v.count("SELECT COUNT(*) FROM audit_log WHERE action = 'valuation.import.apply'")
            .await,
        1
    );

    // The same file again, through a new slot: the first import's result, applied once.
    let (status, again) = v.import_file(&key, "base_prices", csv.as_bytes()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], id.as_str());
    assert_eq!(v.count("SELECT COUNT(*) FROM valuation_imports").await, 1);
    assert_eq!(v.count(&source).await, 2);
    // A retried request with an Idempotency-Key is replayed as answered.
    let object_key = again["object_key"].as_str().unwrap();
    for replayed in [false, true] {
        let r = v
            .post(IMPORTS)
            .bearer_auth(&key)
            .header("idempotency-key", "nightly-2025-06-01")
            .json(&json!({ "key": object_key }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers().contains_key("idempotent-replayed"), replayed);
        let (status, i) = body(r).await;
        assert_eq!(
            (status.as_u16(), i["id"].as_str()),
            (200, Some(id.as_str()))
        );
    }
    let (status, shown) = body(
        v.get(&format!("{IMPORTS}/{id}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["status"], "applied");
    assert!(shown["finished_at"].is_string());
    v.app.shutdown().await;
}

#[tokio::test]
async fn bad_rows_are_reported_per_row_and_nothing_is_applied() {
    let v = start().await;
    v.load_demo().await;
    let prices_before = v.count("SELECT COUNT(*) FROM base_prices").await;
    let key = v.agency_key(5, "valuation:import").await;
    let csv = "community_id,building_id,effective_from,price_per_m2\n\
               C410302-00000,,2025-06-01,9000\n\
               C410302-00000,,2025-13-01,9000\n\
               C410302-00001,,2025-06-01,-5\n";
    let (status, i) = v.import_file(&key, "base_prices", csv.as_bytes()).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "rejected");
    assert_eq!(i["rows_applied"], 0);
    let report = &i["report"];
    assert_eq!(report["rows_checked"], 3);
    assert_eq!(report["rows_with_issues"], 2);
    let issues = report["issues"].as_array().unwrap();
    assert_eq!(
        (issues[0]["row"].as_i64(), issues[0]["column"].as_str()),
        (Some(3), Some("effective_from"))
    );
    assert_eq!(issues[0]["code"], "VAL_CSV_BAD_DATE");
    assert!(
        issues[0]["message"].as_str().unwrap().contains("日期"),
        "{i}"
    );
    assert_eq!(issues[1]["row"], 4);
    assert_eq!(
        v.count("SELECT COUNT(*) FROM base_prices").await,
        prices_before
    );
    assert_eq!(
        v.count("SELECT COUNT(*) FROM base_prices WHERE source LIKE 'import:%'")
            .await,
        0
    );
    // The report in English, on request.
    let r = v
        .get(&format!("{IMPORTS}/{}", i["id"].as_str().unwrap()))
        .bearer_auth(&key)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let (status, shown) = body(r).await;
    assert_eq!(status, 200);
    let message = shown["report"]["issues"][0]["message"].as_str().unwrap();
    assert!(message.contains("expected a date"), "{message}");
    v.app.shutdown().await;
}

#[tokio::test]
async fn uploads_that_do_not_match_the_slot_and_wrong_scopes_are_refused() {
    let v = start().await;
    let reader = v.agency_key(6, "valuation:read").await;
    let (status, p) = v.slot(&reader, "base_prices", b"x").await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("APIKEY_SCOPE_MISSING"))
    );
    let r = v
        .post(IMPORTS)
        .bearer_auth(&reader)
        .json(&json!({"key": "agency/x/y/z.csv"}));
    let (status, p) = body(r.send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("APIKEY_SCOPE_MISSING"))
    );

    let key = v.agency_key(7, "valuation:import").await;
    let (status, p) = v.slot(&key, "invoices", b"x").await;
    assert_eq!(status, 400, "{p}");
    let declared = b"community_id,building_id,effective_from,price_per_m2\nC1,,2025-01-01,10\n";
    let (status, slot) = v.slot(&key, "base_prices", declared).await;
    assert_eq!(status, 201, "{slot}");
    let object_key = slot["key"].as_str().unwrap();
    // Other bytes of the same length: the store or the confirmation refuses them.
    let mut other = declared.to_vec();
    other[60] = b'9';
    let r = presigned_put(&slot["upload"], other).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let (status, p) = v.start_import(&key, object_key).await;
    assert!(
        (status.as_u16(), p["code"].as_str()) == (422, Some("STORAGE_CHECKSUM_MISMATCH"))
            || (status.as_u16(), p["code"].as_str()) == (404, Some("STORAGE_OBJECT_MISSING")),
        "{status} {p}"
    );
    // A slot issued to another agency is not this one's to import.
    let stranger = v.agency_key(8, "valuation:import").await;
    let db = default_db(&v.app).await;
    sqlx::query("UPDATE api_keys SET agency_id = 'other-agency' WHERE key_id = $1")
        .bind(super::key_from(8).key_id.as_str())
        .execute(&db)
        .await
        .unwrap();
    let (status, p) = v.start_import(&stranger, object_key).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("STORAGE_NOT_OWNER")),
        "{p}"
    );
    let (status, p) = v
        .start_import(&key, "agency/henan-tax/valuation-base-prices/none.csv")
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("VAL_IMPORT_SLOT_NOT_FOUND"))
    );
    assert_eq!(v.count("SELECT COUNT(*) FROM valuation_imports").await, 0);
    assert_eq!(v.count("SELECT COUNT(*) FROM base_prices").await, 0);
    v.app.shutdown().await;
}

#[tokio::test]
async fn coefficient_table_import_publishes_a_new_version_used_by_lookups() {
    let v = start().await;
    v.load_demo().await;
    let unit = v.first_unit().await;
    let key = v.agency_key(9, "valuation:import").await;
    let mut data = TableData::from(CoefficientTable::luoyang_illustrative());
    data.version = "luoyang-import-2026.1".into();
    data.effective_from = time::macros::date!(2026 - 01 - 01);
    let csv = table_to_csv(&CoefficientTable::new(data.clone()).unwrap());
    let (status, i) = v
        .import_file(&key, "coefficient_table", csv.as_bytes())
        .await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "applied");
    assert_eq!(i["table_version"], "luoyang-import-2026.1");
    assert_eq!(v.count("SELECT COUNT(*) FROM coefficient_tables").await, 2);
    let a = v.lookup(&unit, "2026-02-01").await;
    assert_eq!(a["table_version"], "luoyang-import-2026.1", "{a}");
    let a = v.lookup(&unit, "2025-06-30").await;
    assert_eq!(a["table_version"], "luoyang-illustrative-2024.1");

    // A changed table under a published version is refused: versions are immutable.
    data.effective_from = time::macros::date!(2026 - 03 - 01);
    let csv = table_to_csv(&CoefficientTable::new(data).unwrap());
    let (status, i) = v
        .import_file(&key, "coefficient_table", csv.as_bytes())
        .await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "rejected");
    assert_eq!(i["report"]["issues"][0]["code"], "VAL_TABLE_VERSION_EXISTS");
    assert_eq!(v.count("SELECT COUNT(*) FROM coefficient_tables").await, 2);
    v.app.shutdown().await;
}

#[tokio::test]
async fn dwelling_register_import_updates_the_register() {
    let v = start().await;
    v.load_demo().await;
    let key = v.agency_key(10, "valuation:import").await;
    let mut rows: Vec<_> = DemoRegister::new(DEMO_SEED, DemoScale::Small)
        .dwellings()
        .take(20)
        .collect();
    let mut changed = DwellingDto::from(&rows[0]);
    changed.area_m2 = "123.45".into();
    rows[0] = Dwelling::try_from(changed).unwrap();
    let unit = rows[0].unit_code().to_string();
    let csv = dwellings_to_csv(&rows);
    let (status, i) = v.import_file(&key, "dwellings", csv.as_bytes()).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(
        (i["status"].as_str(), i["rows_applied"].as_i64()),
        (Some("applied"), Some(20))
    );
    let id = i["id"].as_str().unwrap();
    assert_eq!(v.count("SELECT COUNT(*) FROM dwellings").await, 5000);
    let sql = format!("SELECT COUNT(*) FROM dwellings WHERE source = 'import:{id}'");
    assert_eq!(v.count(&sql).await, 20);
    let a = v.lookup(&unit, "2025-06-30").await;
    assert_eq!(a["area_m2"], "123.45", "{a}");
    v.app.shutdown().await;
}

#[tokio::test]
async fn large_register_is_staged_in_chunks_then_promoted_whole() {
    let v = start().await;
    v.load_demo().await;
    let key = v.agency_key(11, "valuation:import").await;
    // Dwellings 5,000..7,500 of the full register: new to the small one.
    let rows = DemoRegister::new(DEMO_SEED, DemoScale::Full)
        .chunk(2, 2_500)
        .dwellings;
    let csv = dwellings_to_csv(&rows);
    let (status, i) = v.import_file(&key, "dwellings", csv.as_bytes()).await;
    assert_eq!(status, 202, "{i}");
    assert_eq!(
        (i["status"].as_str(), i["rows_total"].as_i64()),
        (Some("received"), Some(2500))
    );
    let next = format!("{}?limit=1000", i["next"].as_str().unwrap());
    for staged in [1000, 2000] {
        let (status, s) = body(v.post(&next).bearer_auth(&key).send().await.unwrap()).await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(
            (s["status"].as_str(), s["rows_staged"].as_i64()),
            (Some("received"), Some(staged))
        );
        assert_eq!(
            v.count("SELECT COUNT(*) FROM dwellings").await,
            5000,
            "nothing half-applied"
        );
    }
    let (status, s) = body(v.post(&next).bearer_auth(&key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["status"].as_str(), s["rows_applied"].as_i64()),
        (Some("applied"), Some(2500))
    );
    assert_eq!(v.count("SELECT COUNT(*) FROM dwellings").await, 7500);
    assert_eq!(
        v.count("SELECT COUNT(*) FROM valuation_import_dwellings")
            .await,
        0
    );
    // Running it again changes nothing.
    let (status, s) = body(v.post(&next).bearer_auth(&key).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), s["status"].as_str()),
        (200, Some("applied"))
    );
    assert_eq!(v.count("SELECT COUNT(*) FROM dwellings").await, 7500);
    v.app.shutdown().await;
}

#[tokio::test]
async fn full_scale_demo_loads_in_idempotent_chunks() {
    let v = start().await;
    let key = v.agency_key(12, "valuation:import").await;
    let path = "/api/valuation/demo-data?scale=full&chunk=3&size=400";
    let (status, c) = body(v.post(path).bearer_auth(&key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(
        (c["chunk"].as_u64(), c["chunks"].as_u64()),
        (Some(3), Some(1554))
    );
    assert_eq!(c["register_dwellings"], 621_400);
    assert_eq!(c["dwellings_inserted"], 400);
    assert_eq!(
        c["next"],
        "/api/valuation/demo-data?scale=full&chunk=4&size=400"
    );
    let (status, again) = body(v.post(path).bearer_auth(&key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (
            again["dwellings_inserted"].as_u64(),
            again["dwellings"].as_i64()
        ),
        (Some(0), Some(400))
    );
    // The chunk is dwellings 1,200..1,600 of the register, with their base prices.
    let expected: Vec<String> = DemoRegister::new(DEMO_SEED, DemoScale::Full)
        .dwellings()
        .skip(1200)
        .take(400)
        .map(|d| d.unit_code().to_string())
        .collect();
    let db = default_db(&v.app).await;
    let mut stored: Vec<String> = sqlx::query_scalar("SELECT unit_code FROM dwellings")
        .fetch_all(&db)
        .await
        .unwrap();
    let mut expected_sorted = expected.clone();
    stored.sort();
    expected_sorted.sort();
    assert_eq!(stored, expected_sorted);
    let a = v.lookup(&expected[0], "2025-06-30").await;
    assert!(a["unit_price_fen"].as_i64().unwrap() > 0);
    let (status, p) = body(
        v.post("/api/valuation/demo-data?scale=full&chunk=1554&size=400")
            .bearer_auth(&key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("VAL_PARAMETER_INVALID"))
    );
    v.app.shutdown().await;
}

/// Found by the check-in function's contract test, and here the same: a key that is
/// no object key (a NUL: PostgreSQL's text refuses it, as an error) names no slot.
#[tokio::test]
async fn an_import_of_a_key_that_is_no_object_key_finds_no_slot() {
    let v = start().await;
    let key = v.agency_key(41, "valuation:import").await;
    for bad in ["a\u{0}b", "/leading", "a/../b", ""] {
        let (status, p) = v.start_import(&key, bad).await;
        assert_eq!(status, 404, "{bad:?}: {p}");
        assert_eq!(p["code"], "VAL_IMPORT_SLOT_NOT_FOUND", "{bad:?}");
    }
}
