//! The tax function, end to end: the real `functions/tax` component beside the real
//! `functions/valuation` on a gateway with the application's migrations. The assessed
//! price comes from valuation over service chaining; registry systems import holdings
//! with API keys; the payment channel confirms with signed bodies; the registry
//! hand-off reaches the `stand-ins` component over chaining, as in `spin.toml`.
//!
//! Tokens are signed as the identity provider would: the demo citizens `buyer-1` and
//! `seller-1` are real-name verified (their tokens carry `id_number`), others are not;
//! officers belong to `luoyang-tax`, the manifest's tax authority.

use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use yingshang_core::security::authz::Membership;
use yingshang_core::security::token::{Claims, SigningKey, VerifiedIdNumber, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn};

mod bounds;
mod contract;
mod declaration;
mod failures;
mod family;
mod flow;
mod namespaces;
mod officers;
mod payments;
mod policies;
mod privacy;
mod refunds;
mod risk;

/// The application: valuation and tax. `{tax_hosts}` is tax's allowed_outbound_hosts.
const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "tax-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
payment_channel_secret = { required = true, secret = true }
registry_handoff_secret = { required = true, secret = true }
registry_handoff_url = { default = "http://stand-ins.spin.internal/registry/records" }
tax_officer_agencies = { default = "luoyang-tax" }
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "tax-e2e" }
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
variables = { auth_jwt_secret = "{{ auth_jwt_secret }}", bootstrap_api_key = "{{ bootstrap_api_key }}" }
[[trigger.http]]
route = "/api/tax/..."
component = "tax"
[component.tax]
source = "{function:tax}"
sqlite_databases = ["default"]
allowed_outbound_hosts = [TAX_HOSTS]
[component.tax.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
payment_channel_secret = "{{ payment_channel_secret }}"
registry_handoff_url = "{{ registry_handoff_url }}"
registry_handoff_secret = "{{ registry_handoff_secret }}"
tax_officer_agencies = "{{ tax_officer_agencies }}"
object_store_endpoint = "{{ object_store_endpoint }}"
object_store_region = "{{ object_store_region }}"
object_store_bucket = "{{ object_store_bucket }}"
object_store_access_key_id = "{{ object_store_access_key_id }}"
object_store_secret_access_key = "{{ object_store_secret_access_key }}"
object_store_path_style = "{{ object_store_path_style }}"
[[trigger.http]]
route = { private = true }
component = "stand-ins"
[component.stand-ins]
source = "{function:stand-ins}"
sqlite_databases = ["default"]
variables = { registry_handoff_secret = "{{ registry_handoff_secret }}" }
"#;

/// Tax may reach valuation, the registry's stand-in and the object store.
const HOSTS: &str = r#""http://valuation.spin.internal", "http://stand-ins.spin.internal", "{{ object_store_endpoint }}""#;

const TOKEN_SECRET: &str = "e2e-tax-token-secret-0123456789abcdef";
const CHANNEL_SECRET: &str = "e2e-tax-channel-secret-0123456789";
const REGISTRY_SECRET: &str = "e2e-tax-registry-secret-0123456789";
/// A well-formed unit code that the demo register does not hold.
const UNKNOWN_UNIT: &str = "410302999009GB99999F99999999";
/// The contract date of every test contract.
const CONTRACT_DATE: Date = time::macros::date!(2026 - 03 - 01);

/// A gateway on valuation and tax.
struct Tax {
    app: TestApp,
    bootstrap: String,
}

/// The manifest with tax's allowed hosts.
fn manifest(hosts: &str) -> String {
    APP.replace("TAX_HOSTS", hosts)
}

/// The variables every gateway gets, plus `extra`.
fn variables(bootstrap: &str, extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut v = vec![
        ("auth_jwt_secret".to_owned(), TOKEN_SECRET.to_owned()),
        ("bootstrap_api_key".to_owned(), bootstrap.to_owned()),
        (
            "payment_channel_secret".to_owned(),
            CHANNEL_SECRET.to_owned(),
        ),
        (
            "registry_handoff_secret".to_owned(),
            REGISTRY_SECRET.to_owned(),
        ),
    ];
    v.extend(extra.iter().map(|(k, x)| ((*k).to_owned(), x.clone())));
    v
}

async fn start_with(hosts: &str) -> Tax {
    start_configured(hosts, &[]).await
}

/// A gateway whose variables include `extra` (e.g. another `tax_officer_agencies`).
async fn start_configured(hosts: &str, extra: &[(&str, String)]) -> Tax {
    let bootstrap = key_from(1).key;
    let vars = variables(&bootstrap, extra);
    let app = spawn(&manifest(hosts), move |o| {
        o.variables.extend(vars);
        o.schedules = false;
    })
    .await;
    Tax { app, bootstrap }
}

async fn start() -> Tax {
    start_with(HOSTS).await
}

fn token(sub: &str, membership: Membership) -> String {
    token_verified(sub, membership, None)
}

/// A token whose holder's ID number the identity provider verified, if `id_number`.
fn token_verified(sub: &str, membership: Membership, id_number: Option<&str>) -> String {
    let mut claims = Claims::new(
        Subject::parse(sub).unwrap(),
        membership,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    if let Some(id) = id_number {
        claims = claims.with_id_number(VerifiedIdNumber::parse(id).unwrap());
    }
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

/// A citizen's token; the demo citizens `buyer-1` and `seller-1` are real-name
/// verified, so their tokens carry their ID numbers.
fn citizen(sub: &str) -> String {
    let id = match sub {
        "buyer-1" => Some(buyer_id()),
        "seller-1" => Some(seller_id()),
        _ => None,
    };
    token_verified(sub, Membership::Citizen, id.as_deref())
}

/// A citizen verified with `id_number`.
fn verified_citizen(sub: &str, id_number: &str) -> String {
    token_verified(sub, Membership::Citizen, Some(id_number))
}

/// An officer of `agency`.
fn officer_of(agency: &str) -> String {
    token(
        "officer-1",
        Membership::Officer(AgencyId::parse(agency).unwrap()),
    )
}

/// A tax officer's token.
fn officer() -> String {
    officer_of("luoyang-tax")
}

/// A valid resident ID number (GB 11643 check character) born on `birth`.
fn id_number(birth: Date, seq: u16) -> String {
    let body = format!(
        "410302{:04}{:02}{:02}{seq:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day()
    );
    let sum: u64 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u64::from(b - b'0') * ((1u64 << (17 - i)) % 11))
        .sum();
    let check = (12 - (sum % 11)) % 11;
    let c = if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    };
    format!("{body}{c}")
}

/// The buyer, the buyer's spouse and the seller of every test contract.
fn buyer_id() -> String {
    id_number(time::macros::date!(1990 - 05 - 17), 11)
}
fn spouse_id() -> String {
    id_number(time::macros::date!(1991 - 08 - 02), 22)
}
fn seller_id() -> String {
    id_number(time::macros::date!(1970 - 01 - 09), 33)
}

/// A contract for `unit` of `area_m2`: 1,200,000 CNY, seller held since 2020, no
/// documents (deemed IIT), Luoyang city district; buyer account `buyer-1`.
fn contract(unit: &str, area_m2: &str, children: &[String]) -> Value {
    json!({
        "unit_code": unit,
        "contract_price_fen": 120_000_000_i64,
        "area_m2": area_m2,
        "contract_date": "2026-03-01",
        "usage": "residential",
        "location": "city",
        "buyer": {
            "id_number": buyer_id(), "account": "buyer-1",
            "spouse_id_number": spouse_id(), "children_id_numbers": children,
        },
        "seller": {
            "id_number": seller_id(), "account": "seller-1",
            "facts": { "certificate_date": "2020-03-01", "family_only_home": false },
        },
        "documents": ["contract-2026-0001"],
    })
}

impl Tax {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }
    fn get(&self, path: &str) -> RequestBuilder {
        self.app.client.get(self.url(path))
    }
    fn post(&self, path: &str) -> RequestBuilder {
        self.app.client.post(self.url(path))
    }
    fn put(&self, path: &str) -> RequestBuilder {
        self.app.client.put(self.url(path))
    }

    /// Stores an agency API key with these scopes; answers the key.
    async fn agency_key(&self, seed: u8, scopes: &str) -> String {
        yingshang_e2e::store_agency_key(&self.app, "luoyang-registry", seed, scopes).await
    }

    /// Loads the demo register with the bootstrap key; answers (unit code, area m²).
    async fn demo_unit(&self) -> (String, String) {
        let r = self
            .post("/api/valuation/demo-data")
            .bearer_auth(&self.bootstrap)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "demo-data: {}", r.status());
        let db = default_db(&self.app).await;
        let unit: String =
            sqlx::query_scalar("SELECT unit_code FROM dwellings ORDER BY unit_code LIMIT 1")
                .fetch_one(&db)
                .await
                .unwrap();
        let (status, v) = body(
            self.get(&format!("/api/valuation/units/{unit}?date=2026-03-01"))
                .bearer_auth(citizen("buyer-1"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        (unit, v["area_m2"].as_str().unwrap().to_owned())
    }

    /// The assessed value valuation answers for `unit` on the contract date.
    async fn valuation_price(&self, unit: &str) -> i64 {
        let (status, v) = body(
            self.get(&format!("/api/valuation/units/{unit}?date=2026-03-01"))
                .bearer_auth(citizen("buyer-1"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        v["total_value_fen"].as_i64().unwrap()
    }

    /// Imports one person's holdings with a `tax:registry` key.
    async fn holdings(&self, key: &str, id: &str, units: &[&str]) {
        let holdings: Vec<Value> = units
            .iter()
            .map(|u| json!({ "unit_code": u, "residential": true }))
            .collect();
        let (status, v) = body(
            self.put(&format!("/api/tax/registry/holdings/{id}"))
                .header("x-api-key", key)
                .json(&json!({ "holdings": holdings }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{v}");
    }

    /// Posts a contract as `token`.
    async fn assess(&self, token: &str, contract: &Value) -> (StatusCode, Value) {
        body(
            self.post("/api/tax/assessments")
                .bearer_auth(token)
                .json(contract)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn count(&self, sql: &str) -> i64 {
        let db = default_db(&self.app).await;
        sqlx::query_scalar(sql).fetch_one(&db).await.unwrap()
    }
}

async fn body(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, v)
}
