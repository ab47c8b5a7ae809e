//! The check-in function (码上服务 · 入企扫码), end to end: the real `functions/checkin`
//! beside the real `functions/tax` and `functions/complaints` on a gateway with the
//! application's migrations. Agencies import the register and their rules with API
//! keys; officers scan with their own tokens (`org` = their agency); enterprises read,
//! rate and complain with theirs; the landing and complaints reach tax and complaints
//! over service chaining, as in `spin.toml`.

use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn, store_agency_key};

mod code_refusals;
mod codes;
mod contract;
mod enterprise_side;
mod landing;
mod oversight;
mod register;
mod scanning;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "checkin-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
checkin_code_secret = { required = true, secret = true }
checkin_justice_agencies = { default = "jy-justice" }
payment_channel_secret = { required = true, secret = true }
registry_handoff_secret = { required = true, secret = true }
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "checkin-e2e" }
object_store_access_key_id = { default = "" }
object_store_secret_access_key = { default = "", secret = true }
object_store_path_style = { default = "true" }
[[trigger.http]]
route = "/api/checkin/..."
component = "checkin"
[component.checkin]
source = "{function:checkin}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["{{ object_store_endpoint }}", "http://tax.spin.internal", "http://complaints.spin.internal"]
[component.checkin.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
checkin_code_secret = "{{ checkin_code_secret }}"
checkin_justice_agencies = "{{ checkin_justice_agencies }}"
object_store_endpoint = "{{ object_store_endpoint }}"
object_store_region = "{{ object_store_region }}"
object_store_bucket = "{{ object_store_bucket }}"
object_store_access_key_id = "{{ object_store_access_key_id }}"
object_store_secret_access_key = "{{ object_store_secret_access_key }}"
object_store_path_style = "{{ object_store_path_style }}"
[[trigger.http]]
route = "/api/tax/..."
component = "tax"
[component.tax]
source = "{function:tax}"
sqlite_databases = ["default"]
[component.tax.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
payment_channel_secret = "{{ payment_channel_secret }}"
registry_handoff_secret = "{{ registry_handoff_secret }}"
[[trigger.http]]
route = "/api/complaints/..."
component = "complaints"
[component.complaints]
source = "{function:complaints}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["{{ object_store_endpoint }}"]
[component.complaints.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
object_store_endpoint = "{{ object_store_endpoint }}"
object_store_region = "{{ object_store_region }}"
object_store_bucket = "{{ object_store_bucket }}"
object_store_access_key_id = "{{ object_store_access_key_id }}"
object_store_secret_access_key = "{{ object_store_secret_access_key }}"
object_store_path_style = "{{ object_store_path_style }}"
"#;

const TOKEN_SECRET: &str = "e2e-checkin-token-secret-0123456789";
const CODE_SECRET: &str = "e2e-checkin-code-secret-0123456789ab";
/// The tax function's demo enterprise (policies matched by its demo data).
const XINYANG: &str = "91411502MA4000000H";
/// Demo agencies and officers (`/demo-data`).
const MARKET: &str = "jy-market";
const FIRE: &str = "jy-fire";
const JUSTICE: &str = "jy-justice";

/// A gateway on check-in, tax and complaints, with the demo data loaded.
struct Checkin {
    app: TestApp,
    bootstrap: String,
    seed: std::sync::atomic::AtomicU8,
}

async fn start() -> Checkin {
    let bootstrap = key_from(1).key;
    let b = bootstrap.clone();
    let app = spawn(APP, move |o| {
        for (k, v) in [
            ("auth_jwt_secret", TOKEN_SECRET),
            ("checkin_code_secret", CODE_SECRET),
            (
                "payment_channel_secret",
                "e2e-checkin-channel-secret-0123456789",
            ),
            (
                "registry_handoff_secret",
                "e2e-checkin-registry-secret-0123456789",
            ),
        ] {
            o.variables.insert(k.into(), v.into());
        }
        o.variables.insert("bootstrap_api_key".into(), b);
        o.schedules = false;
    })
    .await;
    let c = Checkin {
        app,
        bootstrap,
        seed: std::sync::atomic::AtomicU8::new(10),
    };
    let (status, seeded) = c.post_as(&Who::Bootstrap, "/demo-data", &json!({})).await;
    assert_eq!(status, 200, "{seeded}");
    c
}

fn token(sub: &str, membership: Membership) -> String {
    let claims = Claims::new(
        Subject::parse(sub).unwrap(),
        membership,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

/// Who calls.
#[derive(Clone, Debug)]
enum Who {
    /// An officer (`sub`) of an agency.
    Officer(&'static str, &'static str),
    /// Staff of an agency.
    Staff(&'static str),
    /// A user of the enterprise with this credit code.
    Enterprise(String),
    /// A citizen.
    Citizen,
    /// Nobody signed in.
    Anonymous,
    /// The bootstrap key.
    Bootstrap,
    /// An agency key.
    Key(String),
}

/// An answer's status and JSON body (`Null` when it has none).
async fn body(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The `n`th enterprise of the demo register (the core's deterministic list).
fn demo_enterprise(n: usize) -> String {
    yingshang_core::checkin::register::demo_register(n + 1)[n]
        .credit_code
        .as_str()
        .to_owned()
}

/// What an officer declares for a routine food inspection.
fn routine(code: &str) -> Value {
    json!({
        "code": code, "kind": "routine", "item": "SC-FOOD-01",
        "approval_ref": "济市监检〔2026〕12号",
    })
}

impl Checkin {
    fn url(&self, path: &str) -> String {
        format!("{}/api/checkin{path}", self.app.base)
    }

    fn auth(&self, rb: RequestBuilder, who: &Who) -> RequestBuilder {
        match who {
            Who::Officer(agency, sub) => rb.bearer_auth(token(
                sub,
                Membership::Officer(AgencyId::parse(agency).unwrap()),
            )),
            Who::Staff(agency) => rb.bearer_auth(token(
                "staff-1",
                Membership::AgencyStaff(AgencyId::parse(agency).unwrap()),
            )),
            Who::Enterprise(code) => rb.bearer_auth(token(
                "ent-user",
                Membership::Enterprise(CreditCode::parse(code).unwrap()),
            )),
            Who::Citizen => rb.bearer_auth(token("alice", Membership::Citizen)),
            Who::Anonymous => rb,
            Who::Bootstrap => rb.header("x-api-key", &self.bootstrap),
            Who::Key(k) => rb.header("x-api-key", k),
        }
    }

    async fn get_as(&self, who: &Who, path: &str) -> (StatusCode, Value) {
        let rb = self.auth(reqwest::Client::new().get(self.url(path)), who);
        body(rb.send().await.unwrap()).await
    }

    async fn post_as(&self, who: &Who, path: &str, b: &Value) -> (StatusCode, Value) {
        let rb = self.auth(reqwest::Client::new().post(self.url(path)), who);
        body(rb.json(b).send().await.unwrap()).await
    }

    async fn put_as(&self, who: &Who, path: &str, b: &Value) -> (StatusCode, Value) {
        let rb = self.auth(reqwest::Client::new().put(self.url(path)), who);
        body(rb.json(b).send().await.unwrap()).await
    }

    /// A fresh agency key for `agency` with `scopes`.
    async fn key(&self, agency: &str, scopes: &str) -> String {
        let seed = self.seed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        store_agency_key(&self.app, agency, seed, scopes).await
    }

    /// The URL an enterprise's current code carries (read as the enterprise).
    async fn code_url(&self, enterprise: &str) -> String {
        let (status, code) = self
            .get_as(
                &Who::Enterprise(enterprise.to_owned()),
                &format!("/enterprises/{enterprise}/code"),
            )
            .await;
        assert_eq!(status, 200, "{code}");
        code["url"].as_str().unwrap().to_owned()
    }

    /// An officer's scan.
    async fn scan(
        &self,
        agency: &'static str,
        officer: &'static str,
        plan: &Value,
    ) -> (StatusCode, Value) {
        self.post_as(&Who::Officer(agency, officer), "/scans", plan)
            .await
    }

    /// Two market officers scan the enterprise: the inspection started.
    async fn inspect(&self, enterprise: &str) -> Value {
        let url = self.code_url(enterprise).await;
        let (s, first) = self.scan(MARKET, "officer-zhang", &routine(&url)).await;
        assert_eq!(s, 202, "{first}");
        let (s, started) = self.scan(MARKET, "officer-li", &routine(&url)).await;
        assert_eq!(s, 201, "{started}");
        started
    }

    /// Checks an inspection out as its first officer.
    async fn leave(&self, id: &str) -> Value {
        let (s, left) = self
            .post_as(
                &Who::Officer(MARKET, "officer-zhang"),
                &format!("/inspections/{id}/leave"),
                &json!({ "outcome": "no_issues", "result_note": "未发现问题" }),
            )
            .await;
        assert_eq!(s, 200, "{left}");
        left
    }

    async fn count(&self, sql: &str) -> i64 {
        let db = default_db(&self.app).await;
        let n = sqlx::query_scalar(sql).fetch_one(&db).await.unwrap();
        db.close().await;
        n
    }

    /// Moves an inspection's arrival back by `days` (the way time passes for warnings).
    async fn age(&self, id: &str, days: i64) {
        let db = default_db(&self.app).await;
        let ms = days * 24 * 3600 * 1000;
        sqlx::query("UPDATE checkin_inspections SET arrival_at = arrival_at - $1, started_at = started_at - $2 WHERE id = $3")
            .bind(ms)
            .bind(ms)
            .bind(id)
            .execute(&db)
            .await
            .unwrap();
        db.close().await;
    }
}
