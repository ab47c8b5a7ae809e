//! The valuation function, end to end: the real `functions/valuation` component on a
//! gateway with the application's migrations, driven the way phones (bearer tokens)
//! and agency systems (API keys, the bootstrap key) drive it.

use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn};

mod bounds;
mod contract;
mod dashboard;
mod imports;
mod lanes;
mod places;
mod reassessment;
mod what_if;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "valuation-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "valuation-e2e" }
object_store_access_key_id = { default = "" }
object_store_secret_access_key = { default = "", secret = true }
object_store_path_style = { default = "true" }
[[trigger.http]]
route = "/api/valuation/..."
component = "valuation"
[component.valuation]
source = "{function:valuation}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["{{ object_store_endpoint }}"]
[component.valuation.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
object_store_endpoint = "{{ object_store_endpoint }}"
object_store_region = "{{ object_store_region }}"
object_store_bucket = "{{ object_store_bucket }}"
object_store_access_key_id = "{{ object_store_access_key_id }}"
object_store_secret_access_key = "{{ object_store_secret_access_key }}"
object_store_path_style = "{{ object_store_path_style }}"
"#;

const SECRET: &str = "e2e-valuation-token-secret-0123456789abcdef";
const UNIT: &str = "/api/valuation/units";
/// A well-formed unit code that the demo register does not hold.
const UNKNOWN_UNIT: &str = "410302999009GB99999F99999999";

/// A gateway on the valuation component, and the bootstrap key it was given.
struct Valuation {
    app: TestApp,
    bootstrap: String,
}

async fn start() -> Valuation {
    let bootstrap = key_from(1).key;
    let b = bootstrap.clone();
    let app = spawn(APP, move |o| {
        o.variables.insert("auth_jwt_secret".into(), SECRET.into());
        o.variables.insert("bootstrap_api_key".into(), b);
        o.schedules = false;
    })
    .await;
    Valuation { app, bootstrap }
}

fn token(membership: Membership) -> String {
    let claims = Claims::new(
        Subject::parse("u-e2e-1").unwrap(),
        membership,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(&claims, &SigningKey::hs256(SECRET.as_bytes()).unwrap())
}

fn officer() -> String {
    token(Membership::Officer(AgencyId::parse("luoyang-tax").unwrap()))
}

fn citizen() -> String {
    token(Membership::Citizen)
}

impl Valuation {
    fn get(&self, path: &str) -> RequestBuilder {
        self.app.client.get(format!("{}{path}", self.app.base))
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.app.client.post(format!("{}{path}", self.app.base))
    }

    /// Stores an agency API key with these scopes; answers the key.
    async fn agency_key(&self, seed: u8, scopes: &str) -> String {
        yingshang_e2e::store_agency_key(&self.app, "henan-tax", seed, scopes).await
    }

    async fn load_demo(&self) -> Value {
        let r = self
            .post("/api/valuation/demo-data")
            .bearer_auth(&self.bootstrap)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "demo-data: {}", r.status());
        r.json().await.unwrap()
    }

    async fn first_unit(&self) -> String {
        let db = default_db(&self.app).await;
        sqlx::query_scalar("SELECT unit_code FROM dwellings ORDER BY unit_code LIMIT 1")
            .fetch_one(&db)
            .await
            .unwrap()
    }
}

async fn body(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, v)
}

#[tokio::test]
async fn demo_data_needs_the_import_scope_and_loads_once() {
    let v = start().await;
    let url = "/api/valuation/demo-data";
    let (status, p) = body(v.post(url).send().await.unwrap()).await;
    assert_eq!(status, 401, "{p}");
    let reader = v.agency_key(2, "valuation:read").await;
    let (status, p) = body(v.post(url).bearer_auth(&reader).send().await.unwrap()).await;
    assert_eq!(status, 403, "{p}");
    assert_eq!(p["code"], "APIKEY_SCOPE_MISSING");
    // A user token is no agency key.
    let (status, p) = body(v.post(url).bearer_auth(officer()).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("AUTHZ_SCOPE_MISSING"))
    );

    let importer = v.agency_key(3, "valuation:read valuation:import").await;
    let r = v
        .post(url)
        .header("x-api-key", &importer)
        .send()
        .await
        .unwrap();
    let (status, first) = body(r).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["loaded"], true);
    assert_eq!(first["dwellings"], 5000);
    assert_eq!(first["dwellings_inserted"], 5000);
    assert!(first["base_prices_inserted"].as_u64().unwrap() > 0);

    // Second call (and the bootstrap key): nothing changes, and the answer says so.
    for key in [&importer, &v.bootstrap] {
        let (status, again) = body(v.post(url).bearer_auth(key).send().await.unwrap()).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["loaded"], false);
        assert_eq!(again["dwellings"], 5000);
    }
    let db = default_db(&v.app).await;
    let (dwellings, tables): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM dwellings), (SELECT COUNT(*) FROM coefficient_tables)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((dwellings, tables), (5000, 1));
    let audits: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, action FROM audit_log ORDER BY at")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(audits.len(), 1);
    assert!(audits[0].0.starts_with("agency:henan-tax/"), "{audits:?}");
    assert_eq!(audits[0].1, "valuation.demo_data.load");
    let used: Option<i64> =
        sqlx::query_scalar("SELECT last_used_at FROM api_keys WHERE key_id = $1")
            .bind(key_from(3).key_id.as_str())
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(used.is_some_and(|ms| ms > 0));
    v.app.shutdown().await;
}

#[tokio::test]
async fn unit_lookup_answers_the_assessed_price_with_every_factor() {
    let v = start().await;
    v.load_demo().await;
    let unit = v.first_unit().await;
    let path = format!("{UNIT}/{unit}?date=2025-06-30");
    let (status, a) = body(v.get(&path).bearer_auth(citizen()).send().await.unwrap()).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["unit_code"], unit.as_str());
    assert_eq!(a["assessed_on"], "2025-06-30");
    assert_eq!(a["table_version"], "luoyang-illustrative-2024.1");
    let factors = a["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 10);
    for f in factors {
        assert!(f["dimension"].is_string() && f["value"].is_string(), "{f}");
        assert!(f["coefficient_ppm"].as_i64().unwrap() > 0);
    }
    let unit_price = a["unit_price_fen"].as_i64().unwrap();
    let total = a["total_value_fen"].as_i64().unwrap();
    assert!(unit_price > 0 && total > unit_price, "{a}");
    assert_eq!(
        a["unit_price_yuan"],
        format!("{}.{:02}", unit_price / 100, unit_price % 100)
    );
    let base_date = a["base_price"]["effective_from"].as_str().unwrap();
    assert!(["2025-01-01", "2024-07-01"].contains(&base_date), "{a}");

    // An agency system with the read scope sees the same; default date is today.
    let reader = v.agency_key(2, "valuation:read").await;
    let r = v
        .get(&path)
        .header("x-api-key", &reader)
        .send()
        .await
        .unwrap();
    let (status, same) = body(r).await;
    assert_eq!((status.as_u16(), &same), (200, &a));
    let (status, today) = body(
        v.get(&format!("{UNIT}/{unit}"))
            .bearer_auth(citizen())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{today}");
    assert!(today["assessed_on"].as_str().unwrap() >= "2025-06-30");
    v.app.shutdown().await;
}

#[tokio::test]
async fn unit_lookup_refusals_say_what_is_wrong() {
    let v = start().await;
    v.load_demo().await;
    let unit = v.first_unit().await;
    let ok = format!("{UNIT}/{unit}");

    // Unknown unit: 404.
    let r = v
        .get(&format!("{UNIT}/{UNKNOWN_UNIT}"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("VAL_UNIT_NOT_FOUND"))
    );

    // Malformed: position 14 must be a parcel feature; Chinese by default, English on request.
    let bad = "410302001001GQ00001F00010101";
    let r = v
        .get(&format!("{UNIT}/{bad}"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(status, 400, "{p}");
    assert_eq!(p["code"], "VAL_UNIT_CODE_PARCEL_FEATURE");
    assert!(p["detail"].as_str().unwrap().contains("第14位"), "{p}");
    let r = v
        .get(&format!("{UNIT}/{bad}"))
        .bearer_auth(citizen())
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-language"], "en");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (_, p) = body(r).await;
    assert!(p["detail"].as_str().unwrap().contains("position 14"), "{p}");
    assert_eq!(p["title"], "Invalid request");
    assert!(p["instance"].as_str().is_some_and(|id| !id.is_empty()));

    // A date before the table and the base prices: 422; a date that is no date: 400.
    let r = v
        .get(&format!("{ok}?date=2023-06-30"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (422, Some("VAL_TABLE_NOT_YET_EFFECTIVE"))
    );
    let r = v
        .get(&format!("{ok}?date=2025-13-01"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("VAL_DATE_INVALID"))
    );

    // A dwelling whose community's first base price comes later than the date: 422.
    let db = default_db(&v.app).await;
    let late = "410311009009GB00001F00010101";
    sqlx::query(
        "INSERT INTO dwellings SELECT $1, '410311', 'C-LATE', 'C-LATE-B01', floor, total_storeys, \
         has_lift, orientation, layout, view_key, build_year, decoration, area_centi_m2, end_unit, \
         structure, 'test', 0 FROM dwellings WHERE unit_code = $2",
    )
    .bind(late)
    .bind(&unit)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO base_prices VALUES ('C-LATE', '', '2025-03-01', 900000, 'test', 0)")
        .execute(&db)
        .await
        .unwrap();
    let r = v
        .get(&format!("{UNIT}/{late}?date=2025-02-01"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["code"], "VAL_BASE_PRICE_NOT_YET_EFFECTIVE");
    let r = v
        .get(&format!("{UNIT}/{late}?date=2025-03-01"))
        .bearer_auth(citizen())
        .send()
        .await;
    let (status, p) = body(r.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["base_price"]["amount_fen"].as_i64()),
        (200, Some(900_000))
    );

    // No token, a tampered token, a token signed with another secret: 401.
    let (status, p) = body(v.get(&ok).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (401, Some("AUTH_TOKEN_MISSING"))
    );
    let mut tampered = citizen();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (status, p) = body(v.get(&ok).bearer_auth(&tampered).send().await.unwrap()).await;
    assert_eq!(status, 401, "{p}");
    assert!(
        p["code"].as_str().unwrap().starts_with("AUTH_TOKEN_"),
        "{p}"
    );
    let claims = Claims::new(
        Subject::parse("u2").unwrap(),
        Membership::Citizen,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    let forged = issue(&claims, &SigningKey::hs256(&[7u8; 48]).unwrap());
    let (status, p) = body(v.get(&ok).bearer_auth(&forged).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (401, Some("AUTH_TOKEN_BAD_SIGNATURE"))
    );
    // An unknown API key: 401, never a hint which part was wrong.
    let stranger = key_from(9).key;
    let (status, p) = body(
        v.get(&ok)
            .header("x-api-key", stranger)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (401, Some("APIKEY_UNKNOWN"))
    );
    // A wrong method names the allowed one.
    let r = v.post(&ok).bearer_auth(citizen()).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET");
    v.app.shutdown().await;
}
