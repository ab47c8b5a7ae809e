//! The complaints function (接诉即办), end to end: the real `functions/complaints`
//! component on a gateway with the application's migrations, driven the way
//! enterprises (tokens with their credit code), department staff (tokens whose `org`
//! is their department), the supervising office and the scheduler (API keys) drive it.

use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn};

mod attachments;
mod contract;
mod deadlines;
mod isolation;
mod open311;
mod publication;
mod the_loop;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "complaints-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
object_store_endpoint = { default = "" }
object_store_region = { default = "cn-central-1" }
object_store_bucket = { default = "complaints-e2e" }
object_store_access_key_id = { default = "" }
object_store_secret_access_key = { default = "", secret = true }
object_store_path_style = { default = "true" }
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

const TOKEN_SECRET: &str = "e2e-complaints-token-secret-0123456789";
/// Two enterprises.
const ACME: &str = "91350100M000100Y43";
const BETA: &str = "91411502MA4000000H";
/// Departments of the catalogue.
const MARKET: &str = "market-regulation";
const TAX: &str = "tax-bureau";
const OFFICE: &str = "yingshang-office";

/// Who calls.
#[derive(Clone)]
enum Who {
    /// A user of the enterprise with this credit code.
    Enterprise(&'static str),
    /// Staff of this department (agency staff token, `org` = the department).
    Staff(&'static str),
    /// The scheduler's / office's bootstrap key.
    Bootstrap,
    /// A citizen (no part in the loop).
    Citizen,
}

/// A gateway on the complaints component.
struct Complaints {
    app: TestApp,
    bootstrap: String,
    keys: std::sync::atomic::AtomicU64,
}

async fn start() -> Complaints {
    let bootstrap = key_from(1).key;
    let b = bootstrap.clone();
    let app = spawn(APP, move |o| {
        o.variables
            .insert("auth_jwt_secret".into(), TOKEN_SECRET.into());
        o.variables.insert("bootstrap_api_key".into(), b);
        o.schedules = false;
    })
    .await;
    Complaints {
        app,
        bootstrap,
        keys: std::sync::atomic::AtomicU64::new(1),
    }
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

/// An answer's status and JSON body (`Null` when it has none).
async fn body(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A filing body.
fn filing(channel: &str, enterprise: &str, category: &str) -> Value {
    json!({
        "channel": channel, "enterprise": enterprise, "category": category,
        "description": "办理营业执照变更时被要求重复提交材料，已跑了三趟。",
    })
}

impl Complaints {
    fn url(&self, path: &str) -> String {
        format!("{}/api/complaints{path}", self.app.base)
    }

    fn auth(&self, rb: RequestBuilder, who: &Who) -> RequestBuilder {
        match who {
            Who::Enterprise(code) => rb.bearer_auth(token(
                "ent-user",
                Membership::Enterprise(CreditCode::parse(code).unwrap()),
            )),
            Who::Staff(dept) => rb.bearer_auth(token(
                "staff-1",
                Membership::AgencyStaff(AgencyId::parse(dept).unwrap()),
            )),
            Who::Bootstrap => rb.header("x-api-key", &self.bootstrap),
            Who::Citizen => rb.bearer_auth(token("alice", Membership::Citizen)),
        }
    }

    async fn get_as(&self, who: &Who, path: &str) -> (StatusCode, Value) {
        body(
            self.auth(self.app.client.get(self.url(path)), who)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post_as(&self, who: &Who, path: &str, v: &Value) -> (StatusCode, Value) {
        let rb = self.app.client.post(self.url(path)).json(v);
        body(self.auth(rb, who).send().await.unwrap()).await
    }

    /// Files a case with a fresh Idempotency-Key: status and answer.
    async fn try_file(&self, who: &Who, v: &Value) -> (StatusCode, Value) {
        let n = self.keys.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let rb = self
            .app
            .client
            .post(self.url("/cases"))
            .header("idempotency-key", format!("file-{n}"))
            .json(v);
        body(self.auth(rb, who).send().await.unwrap()).await
    }

    /// An enterprise files online about business registration; answers the case id.
    async fn file_complaint(&self, enterprise: &'static str) -> String {
        let (s, v) = self
            .try_file(
                &Who::Enterprise(enterprise),
                &filing("online", enterprise, "business-registration"),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        v["case"]["id"].as_str().unwrap().to_owned()
    }

    /// Applies an action: status and answer.
    async fn act(&self, who: &Who, id: &str, action: Value) -> (StatusCode, Value) {
        self.post_as(who, &format!("/cases/{id}/actions"), &action)
            .await
    }

    /// Applies an action that must succeed; answers the case view.
    async fn must(&self, who: &Who, id: &str, action: Value) -> Value {
        let (s, v) = self.act(who, id, action.clone()).await;
        assert_eq!(s, 200, "{action} → {v}");
        v
    }

    async fn accept(&self, who: &Who, id: &str) -> Value {
        self.must(who, id, json!({ "action": "accept" })).await
    }

    async fn assign(&self, id: &str, lead: &str, co: &[&str]) -> Value {
        self.must(
            &Who::Staff(OFFICE),
            id,
            json!({ "action": "assign", "lead": lead, "co_handlers": co }),
        )
        .await
    }

    async fn reply(&self, dept: &'static str, id: &str) -> Value {
        self.must(
            &Who::Staff(dept),
            id,
            json!({ "action": "reply", "text": "已协调窗口一次性告知材料清单，可于明日办结。" }),
        )
        .await
    }

    /// Runs a filed case through the whole loop to closed, tagged with `key`.
    async fn close_case(&self, id: &str, key: &str) {
        let office = Who::Staff(OFFICE);
        self.must(&office, id, json!({ "action": "log" })).await;
        self.accept(&office, id).await;
        self.assign(id, MARKET, &[]).await;
        self.must(
            &Who::Staff(MARKET),
            id,
            json!({ "action": "tag", "key": key }),
        )
        .await;
        self.reply(MARKET, id).await;
        self.must(
            &Who::Enterprise(ACME),
            id,
            json!({ "action": "feedback", "satisfaction": "satisfied" }),
        )
        .await;
        self.must(
            &office,
            id,
            json!({ "action": "callback", "note": "回访满意。" }),
        )
        .await;
        self.must(&office, id, json!({ "action": "close" })).await;
    }

    async fn case(&self, who: &Who, id: &str) -> (StatusCode, Value) {
        self.get_as(who, &format!("/cases/{id}")).await
    }

    async fn ids(&self, who: &Who, query: &str) -> Vec<String> {
        let (s, v) = self.get_as(who, &format!("/cases{query}")).await;
        assert_eq!(s, 200, "{v}");
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn sweep(&self) -> Value {
        let (s, v) = self.post_as(&Who::Bootstrap, "/sweep", &json!({})).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    /// Moves a case's receipt to `at` (column and stored state), as if filed then.
    async fn received_at(&self, id: &str, at: OffsetDateTime) {
        let db = default_db(&self.app).await;
        let text = at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        // The one place the tests' SQL differs: each backend's JSON update.
        let sql = if self.app.database_url.is_some() {
            "UPDATE complaints_cases SET received_at = $1, \
             state = jsonb_set(state::jsonb, '{received_at}', to_jsonb($2::text))::text \
             WHERE id = $3"
        } else {
            "UPDATE complaints_cases SET received_at = $1, \
             state = json_set(state, '$.received_at', $2) WHERE id = $3"
        };
        sqlx::query(sql)
            .bind(at.unix_timestamp() * 1000)
            .bind(text)
            .bind(id)
            .execute(&db)
            .await
            .unwrap();
        db.close().await;
    }

    async fn audit_actions(&self, id: &str) -> Vec<(String, String)> {
        let db = default_db(&self.app).await;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY at, id",
        )
        .bind(format!("complaints/case/{id}"))
        .fetch_all(&db)
        .await
        .unwrap();
        db.close().await;
        rows
    }
}
