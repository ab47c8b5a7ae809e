//! The meter-billing function, end to end: the real `functions/meter-billing`
//! component on a gateway with the application's migrations, driven the way
//! operators (API keys), phones (bearer tokens), the payment channel (signed bodies)
//! and meters (signed requests) drive it. The refund endpoint is the `stand-ins`
//! component on a private route, reached over service chaining, as in `spin.toml`.

use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use yingshang_core::metering::{MilliAmp, SocketModelSpec};
use yingshang_core::security::authz::Membership;
use yingshang_core::security::channel::sign_body;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::device::sign_device_request;
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_core::security::{AgencyId, Subject};
use yingshang_e2e::test_key as key_from;
use yingshang_e2e::{TestApp, default_db, spawn};

mod batches;
mod contract;
mod dashboard;
mod devices;
mod hostile_readings;
mod idempotency;
mod jobs;
mod ownership;
mod session_flow;
mod two_gateways;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "power-e2e"
[application.tool.yingshang]
migrations = "{migrations}"
[variables]
auth_jwt_secret = { required = true, secret = true }
bootstrap_api_key = { required = true, secret = true }
payment_channel_secret = { required = true, secret = true }
payment_channel_refund_url = { default = "http://stand-ins.spin.internal/channel/refunds" }
[[trigger.http]]
route = "/api/power/..."
component = "meter-billing"
[component.meter-billing]
source = "{function:meter-billing}"
sqlite_databases = ["default"]
allowed_outbound_hosts = ["http://stand-ins.spin.internal"]
variables = { auth_jwt_secret = "{{ auth_jwt_secret }}", bootstrap_api_key = "{{ bootstrap_api_key }}", payment_channel_secret = "{{ payment_channel_secret }}", payment_channel_refund_url = "{{ payment_channel_refund_url }}" }
[[trigger.http]]
route = { private = true }
component = "stand-ins"
[component.stand-ins]
source = "{function:stand-ins}"
sqlite_databases = ["default"]
variables = { payment_channel_secret = "{{ payment_channel_secret }}" }
"#;

const TOKEN_SECRET: &str = "e2e-power-token-secret-0123456789abcdef";
const CHANNEL_SECRET: &str = "e2e-power-channel-secret-0123456789";
/// The operator agency that sets up [`SOCKET`] and its site in [`Power::setup`].
const OPERATOR_AGENCY: &str = "xuchang-power";
/// The socket every test sets up first, and its meter's secret.
const SOCKET: &str = "night-market-a-01";
const METER: &str = "123456789012";
const DEVICE_SECRET: &str = "device-secret-0123456789abcdef";

/// A gateway on the meter-billing component.
struct Power {
    app: TestApp,
    bootstrap: String,
    /// An operate key of [`OPERATOR_AGENCY`], which owns what [`Power::setup`] makes.
    operator: String,
}

async fn start() -> Power {
    let bootstrap = key_from(1).key;
    let b = bootstrap.clone();
    let app = spawn(APP, move |o| {
        o.variables
            .insert("auth_jwt_secret".into(), TOKEN_SECRET.into());
        o.variables.insert("bootstrap_api_key".into(), b);
        o.variables
            .insert("payment_channel_secret".into(), CHANNEL_SECRET.into());
        o.schedules = false;
    })
    .await;
    let operator =
        yingshang_e2e::store_agency_key(&app, OPERATOR_AGENCY, 90, "power:operate").await;
    Power {
        app,
        bootstrap,
        operator,
    }
}

/// A citizen's token.
fn citizen(sub: &str) -> String {
    let claims = Claims::new(
        Subject::parse(sub).unwrap(),
        Membership::Citizen,
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

/// An enterprise user's token: someone acting for an enterprise, whose subject may be
/// the same text as a citizen's.
fn enterprise(sub: &str) -> String {
    let claims = Claims::new(
        Subject::parse(sub).unwrap(),
        Membership::Enterprise(CreditCode::parse("91350100M000100Y43").unwrap()),
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

/// An officer's token (not a customer).
fn officer() -> String {
    let claims = Claims::new(
        Subject::parse("officer-1").unwrap(),
        Membership::Officer(AgencyId::parse("xuchang-power").unwrap()),
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

/// A healthy reading: 220 V, 2 A, 440 W, 30 °C, no leakage, relay on, now.
fn reading(seq: u64, register_wh: u64) -> Value {
    reading_at(seq, register_wh, OffsetDateTime::now_utc())
}

/// A healthy reading dated `at` by the device.
fn reading_at(seq: u64, register_wh: u64, at: OffsetDateTime) -> Value {
    let at = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    json!({
        "seq": seq, "at": at, "register": register_wh, "voltage": 2200, "current": 2000,
        "power": 440, "temperature": 300, "residual": 0, "relay": "on", "events": []
    })
}

/// The socket set-up body: a 100 A model (a grain dryer's) with default thresholds,
/// flat 0.60 CNY/kWh. The tests post kilowatt-hours within seconds of switching on,
/// which only a socket this large can plausibly deliver (see
/// `yingshang_core::metering::plausibility`); [`socket_body_rated`] sets another rating.
fn socket_body(meter: &str, secret: Option<&str>) -> Value {
    socket_body_rated(meter, secret, 100_000)
}

/// [`socket_body`] with a rated current in mA.
fn socket_body_rated(meter: &str, secret: Option<&str>, rated_ma: u32) -> Value {
    let spec = SocketModelSpec::with_defaults("S", MilliAmp(rated_ma));
    let mut body = json!({
        "site_id": "xuchang-night-market",
        "meter_id": meter,
        "models": [{ "effective_from": "2024-01-01T00:00:00Z", "model": spec }],
        "tariff": [{ "effective_from": "2024-01-01T00:00:00Z",
                     "tariff": { "kind": "flat", "price": 60_000_000 } }],
    });
    if let Some(s) = secret {
        body["device_secret"] = json!(s);
    }
    body
}

/// A signed device request, ready to send again (for replays).
struct Signed {
    path: String,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

fn sign_as(device: &str, meter_path: &str, secret: &str, body: &Value, nonce: &str) -> Signed {
    let path = format!("/api/power/meters/{meter_path}/readings");
    let body = serde_json::to_vec(body).unwrap();
    let ts = OffsetDateTime::now_utc().unix_timestamp();
    let sig = sign_device_request("POST", &path, ts, nonce, &body, secret.as_bytes()).unwrap();
    Signed {
        path,
        body,
        headers: vec![
            ("x-device-id", device.to_owned()),
            ("x-timestamp", ts.to_string()),
            ("x-nonce", nonce.to_owned()),
            ("x-signature", sig),
        ],
    }
}

static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn fresh_nonce() -> String {
    let n = NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("nonce-{:016}-{}", n, std::process::id())
}

impl Power {
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
        yingshang_e2e::store_agency_key(&self.app, "xuchang-power", seed, scopes).await
    }

    /// Sets up the site and [`SOCKET`] on [`METER`] with [`OPERATOR_AGENCY`]'s key.
    async fn setup(&self) {
        let (status, p) = body(
            self.put("/api/power/sites/xuchang-night-market")
                .bearer_auth(&self.operator)
                .json(&json!({ "name": "许昌夜市" }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(status.is_success(), "{p}");
        self.add_socket(SOCKET, METER, DEVICE_SECRET).await;
    }

    async fn add_socket(&self, socket: &str, meter: &str, secret: &str) {
        self.add_socket_with(socket, &socket_body(meter, Some(secret)))
            .await;
    }

    /// Creates a socket from a set-up body with [`OPERATOR_AGENCY`]'s key.
    async fn add_socket_with(&self, socket: &str, setup: &Value) {
        let (status, p) = self.put_socket(&self.operator, socket, setup).await;
        assert_eq!(status, 201, "{p}");
    }

    /// `PUT /sites/{site}` with `key`.
    async fn put_site(&self, key: &str, site: &str, name: &str) -> (StatusCode, Value) {
        body(
            self.put(&format!("/api/power/sites/{site}"))
                .bearer_auth(key)
                .json(&json!({ "name": name }))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// `PUT /sockets/{socket}` with `key`.
    async fn put_socket(&self, key: &str, socket: &str, setup: &Value) -> (StatusCode, Value) {
        body(
            self.put(&format!("/api/power/sockets/{socket}"))
                .bearer_auth(key)
                .json(setup)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Creates a session for `customer` and confirms its payment; answers its id.
    async fn paid_session(&self, customer: &str, prepaid: i64, txn: &str) -> String {
        self.paid_session_on(SOCKET, customer, prepaid, txn).await
    }

    /// [`Power::paid_session`] on another socket.
    async fn paid_session_on(
        &self,
        socket: &str,
        customer: &str,
        prepaid: i64,
        txn: &str,
    ) -> String {
        let (status, s) = body(
            self.post("/api/power/sessions")
                .bearer_auth(customer)
                .header("idempotency-key", format!("order-{txn}"))
                .json(&json!({ "socket_id": socket, "prepaid_fen": prepaid }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{s}");
        let id = s["session_id"].as_str().unwrap().to_owned();
        let (status, c) = body(self.confirm(txn, &id, prepaid).await).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["status"], "active");
        id
    }

    /// The payment channel's signed confirmation.
    async fn confirm(&self, txn: &str, session: &str, amount: i64) -> Response {
        let b = serde_json::to_vec(
            &json!({ "transaction_id": txn, "session_id": session, "amount_fen": amount }),
        )
        .unwrap();
        let sig = sign_body(CHANNEL_SECRET.as_bytes(), &b).unwrap();
        self.post("/api/power/payments/confirmations")
            .header("content-type", "application/json")
            .header("x-channel-signature", sig)
            .body(b)
            .send()
            .await
            .unwrap()
    }

    async fn send(&self, s: &Signed) -> (StatusCode, Value) {
        let mut r = self
            .post(&s.path)
            .header("content-type", "application/json")
            .body(s.body.clone());
        for (k, v) in &s.headers {
            r = r.header(*k, v);
        }
        body(r.send().await.unwrap()).await
    }

    /// Posts a body as [`METER`], signed with a fresh nonce.
    async fn meter_posts(&self, body: &Value) -> (StatusCode, Value) {
        let s = sign_as(METER, METER, DEVICE_SECRET, body, &fresh_nonce());
        self.send(&s).await
    }

    /// Posts a body as another meter, signed with its secret and a fresh nonce.
    async fn meter_posts_as(&self, meter: &str, secret: &str, body: &Value) -> (StatusCode, Value) {
        let s = sign_as(meter, meter, secret, body, &fresh_nonce());
        self.send(&s).await
    }

    async fn session(&self, customer: &str, id: &str) -> Value {
        let (status, v) = body(
            self.get(&format!("/api/power/sessions/{id}"))
                .bearer_auth(customer)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        v
    }
}

async fn body(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, v)
}

#[tokio::test]
async fn operator_setup_needs_the_operate_scope_and_never_shows_the_secret() {
    let p = start().await;
    let site = "/api/power/sites/xuchang-night-market";
    let name = json!({ "name": "许昌夜市" });
    let (status, v) = body(p.put(site).json(&name).send().await.unwrap()).await;
    assert_eq!(status, 401, "{v}");
    let reporter = p.agency_key(2, "power:reports").await;
    let (status, v) = body(
        p.put(site)
            .bearer_auth(&reporter)
            .json(&name)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("APIKEY_SCOPE_MISSING"))
    );
    let operator = p.agency_key(3, "power:operate").await;
    let (status, v) = body(
        p.put(site)
            .bearer_auth(&operator)
            .json(&name)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{v}");

    let socket = format!("/api/power/sockets/{SOCKET}");
    // A new socket needs its secret; an unknown site is refused.
    let (status, v) = body(
        p.put(&socket)
            .bearer_auth(&operator)
            .json(&socket_body(METER, None))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (400, Some("METER_DEVICE_SECRET_REQUIRED"))
    );
    let mut elsewhere = socket_body(METER, Some(DEVICE_SECRET));
    elsewhere["site_id"] = json!("nowhere");
    let (status, _) = body(
        p.put(&socket)
            .bearer_auth(&operator)
            .json(&elsewhere)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let r = p
        .put(&socket)
        .bearer_auth(&operator)
        .json(&socket_body(METER, Some(DEVICE_SECRET)))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(!text.contains(DEVICE_SECRET), "{text}");
    // Anyone who scans the code sees the status and the price, never the secret.
    let r = p.get(&socket).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains(DEVICE_SECRET) && !text.contains("secret"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], "available");
    assert_eq!(v["meter_id"], METER);
    assert_eq!(v["price"]["yuan_per_kwh"], "0.60");
    assert_eq!(v["price"]["period"], "flat");
    // Updating without a secret keeps the stored one; another socket cannot take the meter.
    let (status, _) = body(
        p.put(&socket)
            .bearer_auth(&operator)
            .json(&socket_body(METER, None))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = body(
        p.put("/api/power/sockets/other")
            .bearer_auth(&operator)
            .json(&socket_body(METER, Some(DEVICE_SECRET)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (409, Some("METER_ID_TAKEN"))
    );
    let db = default_db(&p.app).await;
    let stored: String =
        sqlx::query_scalar("SELECT device_secret FROM power_sockets WHERE socket_id = $1")
            .bind(SOCKET)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(stored, DEVICE_SECRET);
    let audits: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'power.%'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(audits, 3);
    p.app.shutdown().await;
}
