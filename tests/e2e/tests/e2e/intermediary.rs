//! The intermediary marketplace (网上中介超市), end to end: the real
//! `functions/intermediary` beside `functions/complaints` and the `stand-ins` (the SMS
//! gateway and the approval system) on a gateway with the application's migrations.
//! Agencies and owners are enterprise users (tokens with their credit code), staff
//! hold an `intermediary:admin` key, the schedule the bootstrap key. Time passes by
//! moving a round's deadline or a contract's dates in the database.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::security::Subject;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn, store_agency_key};

mod contract;
mod flow;
mod hostile_text;
mod ocds;
mod sanctions;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "intermediary-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
intermediary_webhook_secret = { required = true, secret = true }
sms_gateway_url = { default = "http://stand-ins.spin.internal/sms/messages" }
approval_system_url = { default = "http://stand-ins.spin.internal/approvals/results" }
intermediary_admin_agencies = { default = "airport-approval" }
intermediary_evaluation_rules = { default = "" }
calendar_years = { default = "" }
intermediary_reminder_days = { default = "3,1" }
intermediary_ocid_prefix = { default = "ocds-ysmkt1-" }
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "intermediary-e2e" }
object_store_access_key_id = { default = "" }
object_store_secret_access_key = { default = "", secret = true }
object_store_path_style = { default = "true" }
[[trigger.http]]
route = "/api/intermediary/..."
component = "intermediary"
[component.intermediary]
source = "{function:intermediary}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["http://stand-ins.spin.internal", "http://complaints.spin.internal"]
[component.intermediary.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
sms_gateway_url = "{{ sms_gateway_url }}"
approval_system_url = "{{ approval_system_url }}"
intermediary_webhook_secret = "{{ intermediary_webhook_secret }}"
intermediary_admin_agencies = "{{ intermediary_admin_agencies }}"
intermediary_evaluation_rules = "{{ intermediary_evaluation_rules }}"
intermediary_reminder_days = "{{ intermediary_reminder_days }}"
intermediary_ocid_prefix = "{{ intermediary_ocid_prefix }}"
calendar_years = "{{ calendar_years }}"
[[trigger.http]]
route = "/api/complaints/..."
component = "complaints"
[component.complaints]
source = "{function:complaints}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["{{ object_store_endpoint }}"]
[component.complaints.variables]
auth_jwt_secret = "{{ auth_jwt_secret }}"
calendar_years = "{{ calendar_years }}"
bootstrap_api_key = "{{ bootstrap_api_key }}"
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
variables = { intermediary_webhook_secret = "{{ intermediary_webhook_secret }}" }
"#;

const TOKEN_SECRET: &str = "e2e-intermediary-token-secret-0123456789";
const WEBHOOK_SECRET: &str = "e2e-intermediary-webhook-secret-0123456789";

/// A gateway on the marketplace, complaints and the stand-ins.
struct Market {
    app: TestApp,
    bootstrap: String,
    staff: String,
}

/// The test's own calendar for the years after the built-in ones up to next year,
/// plain weekdays (no holidays): deadlines counted from today reach into them, as an
/// operator's `calendar_years` would let them. Not the published holidays.
fn years_after_the_built_in() -> String {
    let last_built_in = yingshang_core::calendar::CHINA_YEARS
        .last()
        .map_or(2026, |y| y.year);
    let next = OffsetDateTime::now_utc().year() + 1;
    let years: Vec<serde_json::Value> = (last_built_in + 1..=next.max(last_built_in + 1))
        .map(|year| json!({ "year": year, "days_off": [], "make_up_days": [] }))
        .collect();
    serde_json::Value::Array(years).to_string()
}

async fn start() -> Market {
    let bootstrap = key_from(1).key;
    let b = bootstrap.clone();
    let app = spawn(APP, move |o| {
        o.variables
            .insert("auth_jwt_secret".into(), TOKEN_SECRET.into());
        o.variables
            .insert("intermediary_webhook_secret".into(), WEBHOOK_SECRET.into());
        o.variables.insert("bootstrap_api_key".into(), b);
        o.variables
            .insert("calendar_years".into(), years_after_the_built_in());
        o.schedules = false;
    })
    .await;
    let staff = store_agency_key(&app, "airport-approval", 7, "intermediary:admin").await;
    Market {
        app,
        bootstrap,
        staff,
    }
}

/// Who calls.
#[derive(Clone, Debug)]
enum Who {
    /// A user of the enterprise with this credit code.
    Enterprise(String),
    /// Marketplace staff (an `intermediary:admin` key).
    Staff,
    /// The schedule (the bootstrap key).
    Schedule,
    /// Nobody.
    Anonymous,
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

/// The `n`th of a run of valid credit codes (Zhengzhou, 410100).
fn agency_code(n: usize) -> String {
    let first17 = format!("91410100MA{n:07}");
    CreditCode::complete(&first17).unwrap().as_str().to_owned()
}

/// An answer's status and JSON body (`Null` when it has none).
async fn body(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Market {
    fn url(&self, path: &str) -> String {
        format!("{}/api/intermediary{path}", self.app.base)
    }

    fn auth(&self, rb: reqwest::RequestBuilder, who: &Who) -> reqwest::RequestBuilder {
        match who {
            Who::Enterprise(code) => rb.bearer_auth(token(
                "user-1",
                Membership::Enterprise(CreditCode::parse(code).unwrap()),
            )),
            Who::Staff => rb.header("x-api-key", &self.staff),
            Who::Schedule => rb.header("x-api-key", &self.bootstrap),
            Who::Anonymous => rb,
        }
    }

    async fn get_as(&self, who: &Who, path: &str) -> (StatusCode, Value) {
        body(
            self.auth(reqwest::Client::new().get(self.url(path)), who)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post_as(&self, who: &Who, path: &str, b: &Value) -> (StatusCode, Value) {
        body(
            self.auth(reqwest::Client::new().post(self.url(path)), who)
                .json(b)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// An item of the catalogue that needs exactly one qualification: (item, qualification).
    async fn simple_item(&self) -> (String, String) {
        let (s, items) = self.get_as(&Who::Anonymous, "/items").await;
        assert_eq!(s, 200, "{items}");
        let item = items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["qualifications"].as_array().unwrap().len() == 1)
            .expect("an item with one qualification");
        (
            item["code"].as_str().unwrap().to_owned(),
            item["qualifications"][0].as_str().unwrap().to_owned(),
        )
    }

    /// Registers agency `n` holding `qualification` valid until `until`, approved.
    async fn qualified_agency(&self, n: usize, qualification: &str, until: &str) -> String {
        let code = agency_code(n);
        let (s, reg) = self
            .post_as(
                &Who::Enterprise(code.clone()),
                "/providers",
                &json!({
                    "name": format!("郑州第{n}测绘评估有限公司"), "phone": format!("1380000{n:04}"),
                    "qualifications": [{ "qualification": qualification, "certificate": format!("CERT-{n}"), "valid_until": until }],
                }),
            )
            .await;
        assert_eq!(s, 201, "{reg}");
        let (s, decided) = self
            .post_as(
                &Who::Staff,
                &format!("/providers/{code}/qualifications/{qualification}/decision"),
                &json!({ "approve": true }),
            )
            .await;
        assert_eq!(s, 200, "{decided}");
        code
    }

    /// Publishes a project as `owner`.
    async fn publish(&self, owner: &str, item: &str, selection: Value) -> Value {
        let deadline = (OffsetDateTime::now_utc() + time::Duration::days(5))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let (s, p) = self
            .post_as(
                &Who::Enterprise(owner.to_owned()),
                "/projects",
                &json!({
                    "title": "航空港区物流园二期环评", "owner_name": "郑州航空港物流园有限公司",
                    "owner_phone": "13900000001", "item": item, "budget_cap_fen": 50_000_000,
                    "selection": selection, "bid_deadline": deadline,
                    "statutory_working_days": 20, "contractual_days": 15,
                }),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        p
    }

    /// Moves a project's bid deadline into the past.
    async fn pass_deadline(&self, id: &str) {
        let db = default_db(&self.app).await;
        let past = (OffsetDateTime::now_utc() - time::Duration::minutes(1)).unix_timestamp() * 1000;
        sqlx::query("UPDATE intermediary_projects SET bid_deadline = $1 WHERE id = $2")
            .bind(past)
            .bind(id)
            .execute(&db)
            .await
            .unwrap();
        db.close().await;
    }

    async fn count(&self, sql: &str) -> i64 {
        let db = default_db(&self.app).await;
        let n = sqlx::query_scalar(sql).fetch_one(&db).await.unwrap();
        db.close().await;
        n
    }
}
