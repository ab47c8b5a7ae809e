//! Upload slots and bodies an attacker shapes (issue 14, "Also bound"): a slot for an
//! empty file, a content type with parameters other than a charset, and an array where
//! an object is expected are refused, and nothing is recorded.

use super::{Valuation, body, start};
use serde_json::{Value, json};

const SLOTS: &str = "/api/valuation/imports/slots";
/// A declared SHA-256 (checked against the bytes only when the file is imported).
const SHA: &str = "9d1c01fd3cd9e4a8b6d35fa9d0cd0bc1f48cee7a3a54bfc9d9a5b4bfb19a0c9a";

impl Valuation {
    async fn ask_slot(&self, key: &str, body_json: &Value) -> (u16, Value) {
        let (status, v) = body(
            self.post(SLOTS)
                .bearer_auth(key)
                .json(body_json)
                .send()
                .await
                .unwrap(),
        )
        .await;
        (status.as_u16(), v)
    }

    async fn slots(&self) -> i64 {
        let db = yingshang_e2e::default_db(&self.app).await;
        sqlx::query_scalar("SELECT COUNT(*) FROM valuation_import_slots")
            .fetch_one(&db)
            .await
            .unwrap()
    }
}

fn slot_body(content_type: &str, size: u64) -> Value {
    json!({ "kind": "base_prices", "content_type": content_type, "size": size, "sha256": SHA })
}

#[tokio::test]
async fn empty_files_and_content_type_parameters_get_no_slot() {
    let v = start().await;
    let key = v.agency_key(9, "valuation:import").await;

    let (status, p) = v.ask_slot(&key, &slot_body("text/csv", 0)).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (400, Some("STORAGE_UPLOAD_EMPTY")),
        "{p}"
    );
    for bad in [
        "text/csv; x=../../",
        "text/csv; charset=utf-8; x=../../",
        "text/csv; charset=../../",
        "text/csv; boundary=x",
    ] {
        let (status, p) = v.ask_slot(&key, &slot_body(bad, 4)).await;
        assert_eq!(
            (status, p["code"].as_str()),
            (415, Some("STORAGE_CONTENT_TYPE_NOT_ALLOWED")),
            "{bad}: {p}"
        );
    }
    // A positional array instead of the object.
    let (status, p) = v
        .ask_slot(&key, &json!(["base_prices", "text/csv", 4, SHA]))
        .await;
    assert_eq!(
        (
            status,
            p["code"].as_str(),
            p["errors"][0]["pointer"].as_str()
        ),
        (400, Some("REQ_FIELD_INVALID"), Some("")),
        "{p}"
    );
    assert_eq!(v.slots().await, 0, "no slot recorded");

    // A plain type, and one with a charset, are given slots whose key is the function's.
    for ok in ["text/csv", "text/csv; charset=utf-8"] {
        let (status, s) = v.ask_slot(&key, &slot_body(ok, 4)).await;
        assert_eq!(status, 201, "{ok}: {s}");
        let object_key = s["key"].as_str().unwrap();
        assert!(
            object_key.starts_with("agency/") && object_key.ends_with(".csv"),
            "{s}"
        );
        assert!(!object_key.contains(".."), "{s}");
    }
    assert_eq!(v.slots().await, 2);
    v.app.shutdown().await;
}
