//! Slow clients: requests whose bodies trickle in one byte a second hold nothing a
//! database route needs — the real meter webhook reads (and authenticates) its body
//! before the function takes a database connection — and a body that does not
//! arrive in time is cut off with 408, while one that keeps flowing is not.

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use yingshang_e2e::{TestApp, spawn};
use yingshang_gateway::app::UpOptions;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "slow-clients"
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
variables = { auth_jwt_secret = "{{ auth_jwt_secret }}", bootstrap_api_key = "{{ bootstrap_api_key }}", payment_channel_secret = "{{ payment_channel_secret }}", payment_channel_refund_url = "{{ payment_channel_refund_url }}" }
[[trigger.http]]
route = "/db/..."
component = "db"
[component.db]
source = "{wasm:late-work}"
sqlite_databases = ["default"]
"#;

/// The meter webhook: a signed request, so the function reads the body first.
const READINGS: &str = "/api/power/meters/123456789012/readings";

async fn start(tweak: impl FnOnce(&mut UpOptions)) -> TestApp {
    spawn(APP, |o| {
        for (name, value) in [
            ("auth_jwt_secret", "e2e-slow-token-secret-0123456789abcdef"),
            ("bootstrap_api_key", "e2e-slow-bootstrap-key-0123456789ab"),
            (
                "payment_channel_secret",
                "e2e-slow-channel-secret-0123456789",
            ),
        ] {
            o.variables.insert(name.into(), value.into());
        }
        o.schedules = false;
        tweak(o);
    })
    .await
}

fn addr(app: &TestApp) -> SocketAddr {
    app.running.as_ref().expect("running").addr
}

/// Connects and sends a request head announcing a body of `length` bytes, and
/// nothing of the body.
async fn open_slow(addr: SocketAddr, path: &str, length: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.set_nodelay(true).expect("nodelay");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("send the head");
    s
}

/// Reads one response: status, headers (names lower-cased) and body.
async fn read_response(s: &mut TcpStream) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut buf).await.expect("read the response");
        assert!(
            n > 0,
            "closed before a response: {:?}",
            String::from_utf8_lossy(&data)
        );
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .expect("a content length");
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = s.read(&mut buf).await.expect("read the body");
        assert!(n > 0, "closed inside the body");
        body.extend_from_slice(&buf[..n]);
    }
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The function's own answer for a socket it does not know: it read the database.
async fn assert_function_reads_the_database(client: &reqwest::Client, app: &TestApp) {
    let r = client
        .get(format!("{}/api/power/sockets/no-such-socket", app.base))
        .send()
        .await
        .expect("the database route answers");
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    let code = v["code"].as_str().unwrap_or_default();
    assert!(!code.is_empty() && !code.starts_with("GATEWAY_"), "{v}");
}

#[tokio::test]
async fn sixty_four_slow_clients_leave_database_routes_answering() {
    // A body timeout far beyond the test, so that the slow clients stay.
    let app = start(|o| o.body_timeout = Duration::from_secs(600)).await;
    let mut slow = Vec::new();
    for _ in 0..64 {
        slow.push(open_slow(addr(&app), READINGS, 1000).await);
    }
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let trickling = tokio::spawn(async move {
        loop {
            for s in &mut slow {
                // A write may fail if the gateway gave up on the client; the
                // check below tells.
                let _sent = s.write_all(b" ").await;
            }
            tokio::select! {
                _ = stopped.changed() => return slow,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    });
    // Every slow request reaches an instance of the function and waits for its body.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    assert_function_reads_the_database(&client, &app).await;
    let r = client
        .post(format!("{}/db/", app.base))
        .json(&json!({"steps": [
            {"sql": "CREATE TABLE probe (x TEXT)"},
            {"sql": "INSERT INTO probe (x) VALUES ('written')"},
            {"sql": "SELECT x FROM probe"},
        ]}))
        .send()
        .await
        .expect("the database route answers");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["results"],
        json!([{"rows": 0}, {"rows": 0}, {"rows": 1}]),
        "{v}"
    );

    let _sent = stop.send(true);
    let slow = trickling.await.unwrap();
    for s in &slow {
        let mut buf = [0u8; 64];
        match s.try_read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("a slow client was answered or closed meanwhile: {other:?}"),
        }
    }
    drop(slow);
    app.shutdown().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    let app = start(|o| o.body_timeout = Duration::from_secs(2)).await;
    let mut s = open_slow(addr(&app), READINGS, 100).await;
    // One byte every half second, then nothing more.
    for _ in 0..3 {
        s.write_all(b" ").await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (status, headers, body) =
        tokio::time::timeout(Duration::from_secs(60), read_response(&mut s))
            .await
            .expect("an answer");
    assert_eq!(status, 408);
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/problem+json")
    );
    assert_eq!(header(&headers, "connection"), Some("close"));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["code"], "GATEWAY_BODY_TIMEOUT", "{v}");
    assert_eq!(v["status"], 408);
    assert_eq!(v["title"], "请求体超时");
    assert_eq!(
        v["instance"].as_str(),
        header(&headers, "x-request-id"),
        "{v}"
    );
    // The gateway goes on serving the same function.
    assert_function_reads_the_database(&app.client, &app).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_large_body_that_keeps_flowing_is_not_cut_off() {
    let app = start(|o| o.body_timeout = Duration::from_secs(1)).await;
    // 64 KiB over about three seconds: three times the timeout, at some 20 KiB/s.
    let mut s = open_slow(addr(&app), READINGS, 64 << 10).await;
    for _ in 0..16 {
        s.write_all(&[b' '; 4096]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, _, body) = tokio::time::timeout(Duration::from_secs(60), read_response(&mut s))
        .await
        .expect("an answer");
    // The function read it all and refused it as unsigned.
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 401, "{v}");
    assert!(!v["code"].as_str().unwrap().starts_with("GATEWAY_"), "{v}");
    app.shutdown().await;
}
