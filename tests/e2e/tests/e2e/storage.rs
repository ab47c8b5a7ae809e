//! Object storage: a component speaks S3 over outbound HTTP to the gateway's embedded
//! store (or to an external endpoint, `YINGSHANG_TEST_S3_*`); the AWS SDK checks
//! natively what it wrote; phones' presigned uploads go through plain reqwest.

use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use yingshang_e2e::{S3Target, TestApp, spawn};

/// The bucket the storage component is configured with.
pub(crate) const BUCKET: &str = "yingshang-e2e";

/// The storage application, reaching its store through `allowed_hosts`.
pub(crate) fn manifest(allowed_hosts: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "storage"
[variables]
object_store_endpoint = {{ default = "" }}
object_store_region = {{ default = "cn-central-1" }}
object_store_bucket = {{ default = "{BUCKET}" }}
object_store_access_key_id = {{ default = "" }}
object_store_secret_access_key = {{ default = "", secret = true }}
object_store_path_style = {{ default = "true" }}
[[trigger.http]]
route = "/storage/..."
component = "storage"
[[trigger.http]]
route = "/denied/..."
component = "denied"
[component.storage]
source = "{{wasm:storage}}"
allowed_outbound_hosts = [{allowed_hosts}]
key_value_stores = ["default"]
[component.storage.variables]
object_store_endpoint = "{{{{ object_store_endpoint }}}}"
object_store_region = "{{{{ object_store_region }}}}"
object_store_bucket = "{{{{ object_store_bucket }}}}"
object_store_access_key_id = "{{{{ object_store_access_key_id }}}}"
object_store_secret_access_key = "{{{{ object_store_secret_access_key }}}}"
object_store_path_style = "{{{{ object_store_path_style }}}}"
[component.denied]
source = "{{wasm:storage}}"
allowed_outbound_hosts = [{allowed_hosts}]
[component.denied.variables]
object_store_endpoint = "{{{{ object_store_endpoint }}}}"
object_store_region = "{{{{ object_store_region }}}}"
object_store_bucket = "{{{{ object_store_bucket }}}}"
object_store_access_key_id = "{{{{ object_store_access_key_id }}}}"
object_store_secret_access_key = "not-the-secret-at-all-0000000000"
object_store_path_style = "{{{{ object_store_path_style }}}}"
"#
    )
}

/// A gateway with the storage component, its store, and a native S3 client on it.
async fn spawn_storage() -> (TestApp, S3Target, aws_sdk_s3::Client) {
    let external = S3Target::external();
    let allowed = external
        .as_ref()
        .map(S3Target::allowed_hosts)
        .unwrap_or_else(|| "\"{{ object_store_endpoint }}\"".to_owned());
    let vars = external
        .as_ref()
        .map(S3Target::variables)
        .unwrap_or_default();
    let app = spawn(&manifest(&allowed), |o| o.variables = vars).await;
    let target = external.unwrap_or_else(|| S3Target::embedded(&app, BUCKET));
    let client = s3_client(&target);
    (app, target, client)
}

pub(crate) use crate::s3_client::s3_client;

/// A prefix no other test run uses (external buckets are shared).
fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}{nanos:x}")
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn native_get(s3: &aws_sdk_s3::Client, t: &S3Target, key: &str) -> Option<Vec<u8>> {
    match s3.get_object().bucket(&t.bucket).key(key).send().await {
        Ok(o) => Some(o.body.collect().await.unwrap().into_bytes().to_vec()),
        Err(e) => {
            let service = e.into_service_error();
            assert!(service.is_no_such_key(), "unexpected S3 error: {service:?}");
            None
        }
    }
}

async fn native_put(s3: &aws_sdk_s3::Client, t: &S3Target, key: &str, body: &[u8]) {
    s3.put_object()
        .bucket(&t.bucket)
        .key(key)
        .content_type("text/plain")
        .body(body.to_vec().into())
        .send()
        .await
        .expect("native put");
}

async fn problem_code(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status().as_u16(), status);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    r.json().await.unwrap()
}

/// Asks for an upload slot as `owner` for `body` declared as text/plain.
async fn slot(
    app: &TestApp,
    owner: &str,
    size: usize,
    sha: &str,
    query: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/storage/slots{query}", app.base))
        .header("x-owner", owner)
        .json(&json!({"content_type": "text/plain", "size": size, "sha256": sha}))
        .send()
        .await
        .unwrap()
}

async fn confirm(app: &TestApp, owner: &str, key: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/storage/slots/confirm", app.base))
        .header("x-owner", owner)
        .json(&json!({ "key": key }))
        .send()
        .await
        .unwrap()
}

/// PUTs `body` to a presigned upload exactly as a phone would.
async fn presigned_put(upload: &Value, body: Vec<u8>) -> reqwest::Response {
    let mut req = reqwest::Client::new().put(upload["url"].as_str().unwrap());
    for h in upload["headers"].as_array().unwrap() {
        let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        if name != "content-length" {
            req = req.header(name, value);
        }
    }
    req.body(body).send().await.unwrap()
}

#[tokio::test]
async fn component_round_trip_checked_natively() {
    let (app, t, s3) = spawn_storage().await;
    if S3Target::external().is_none() {
        assert!(app.state.path().join("state/objects").join(BUCKET).is_dir());
    }
    let prefix = unique("rt-");
    let key = format!("{prefix}/a.txt");

    let r = app
        .client
        .put(format!("{}/storage/objects/{key}", app.base))
        .header("content-type", "text/plain")
        .body("hello world")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    assert_eq!(
        native_get(&s3, &t, &key).await.as_deref(),
        Some(&b"hello world"[..])
    );

    let r = app.get(&format!("/storage/objects/{key}?range=0-4")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"hello");
    let r = app.get(&format!("/storage/objects/{key}?range=6-")).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"world");

    let head: Value = app
        .get(&format!("/storage/head/{key}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(head["size"], 11);
    assert_eq!(
        head["sha256"],
        hex_sha256(b"hello world"),
        "the PUT carried its SHA-256"
    );

    // Objects written natively are listed page by page by the component.
    for i in 0..4 {
        native_put(
            &s3,
            &t,
            &format!("{prefix}/n{i}.txt"),
            format!("n{i}").as_bytes(),
        )
        .await;
    }
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/storage/list?prefix={prefix}/&max=2");
        if let Some(t) = &token {
            path.push_str(&format!("&token={}", urlencode(t)));
        }
        let page: Value = app.get(&path).await.json().await.unwrap();
        pages += 1;
        for o in page["objects"].as_array().unwrap() {
            keys.push(o["key"].as_str().unwrap().to_owned());
        }
        match page["next_continuation_token"].as_str() {
            Some(next) if page["is_truncated"] == true => token = Some(next.to_owned()),
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(keys.len(), 5, "{keys:?}");
    assert_eq!(keys[0], key);

    let r = app
        .client
        .delete(format!("{}/storage/objects/{key}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(native_get(&s3, &t, &key).await, None);
    let p = problem_code(app.get(&format!("/storage/objects/{key}")).await, 404).await;
    assert_eq!(p["code"], "STORAGE_OBJECT_MISSING");
    let p = problem_code(app.get("/storage/objects/a%2F..%2Fb").await, 400).await;
    assert_eq!(p["code"], "STORAGE_KEY_INVALID");
    for i in 0..4 {
        s3.delete_object()
            .bucket(&t.bucket)
            .key(format!("{prefix}/n{i}.txt"))
            .send()
            .await
            .unwrap();
    }
    app.shutdown().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn presigned_upload_by_a_plain_client_then_confirmed() {
    let (app, t, s3) = spawn_storage().await;
    let owner = format!("citizen/{}", unique("u"));
    let body = b"a photo, honestly".to_vec();
    let r = slot(&app, &owner, body.len(), &hex_sha256(&body), "").await;
    assert_eq!(r.status(), 201);
    let issued: Value = r.json().await.unwrap();
    let key = issued["key"].as_str().unwrap().to_owned();
    assert!(
        key.starts_with(&format!("{owner}/photo/")) && key.ends_with(".txt"),
        "{key}"
    );

    // Confirming before the upload: nothing there yet.
    let p = problem_code(confirm(&app, &owner, &key).await, 404).await;
    assert_eq!(p["code"], "STORAGE_OBJECT_MISSING");

    let r = presigned_put(&issued["upload"], body.clone()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(native_get(&s3, &t, &key).await, Some(body.clone()));

    // Someone else cannot confirm (and so cannot claim) the object.
    let p = problem_code(confirm(&app, "citizen/intruder", &key).await, 403).await;
    assert_eq!(p["code"], "STORAGE_NOT_OWNER");
    assert_eq!(
        app.get(&format!("/storage/records/{key}")).await.status(),
        404
    );

    let r = confirm(&app, &owner, &key).await;
    assert_eq!(r.status(), 201);
    let record: Value = app
        .get(&format!("/storage/records/{key}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["size"], body.len());
    assert_eq!(record["sha256"], hex_sha256(&body));

    // The stored checksum is the one the phone declared.
    let head = s3
        .head_object()
        .bucket(&t.bucket)
        .key(&key)
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.checksum_sha256(),
        Some(
            base64::engine::general_purpose::STANDARD
                .encode(Sha256::digest(&body))
                .as_str()
        )
    );
    s3.delete_object()
        .bucket(&t.bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    app.shutdown().await;
}

#[tokio::test]
async fn tampered_expired_and_oversized_presigned_requests_are_refused() {
    let (app, t, s3) = spawn_storage().await;
    let key = format!("{}/doc.txt", unique("ps-"));
    native_put(&s3, &t, &key, b"secret report").await;
    let client = reqwest::Client::new();

    let signed: Value = app
        .get(&format!("/storage/presign-get/{key}?expires=60"))
        .await
        .json()
        .await
        .unwrap();
    let url = signed["url"].as_str().unwrap().to_owned();
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"secret report");

    // Tampering: another signature, another key, another method.
    let last = url.chars().last().unwrap();
    let forged = format!(
        "{}{}",
        &url[..url.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    assert_eq!(client.get(&forged).send().await.unwrap().status(), 403);
    let other_key = url.replacen("/doc.txt?", "/doc2.txt?", 1);
    assert_eq!(client.get(&other_key).send().await.unwrap().status(), 403);
    let longer = url.replacen("X-Amz-Expires=60", "X-Amz-Expires=6000", 1);
    assert_eq!(client.get(&longer).send().await.unwrap().status(), 403);
    assert_eq!(
        client
            .put(&url)
            .body("overwritten")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        native_get(&s3, &t, &key).await.as_deref(),
        Some(&b"secret report"[..])
    );

    // Expiry: a one-second URL is refused once the second has passed.
    let short: Value = app
        .get(&format!("/storage/presign-get/{key}?expires=1"))
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        client
            .get(short["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // An upload slot refuses more bytes, or other bytes, than were declared.
    let owner = format!("citizen/{}", unique("u"));
    let body = b"twelve bytes".to_vec();
    let issued: Value = slot(&app, &owner, body.len(), &hex_sha256(&body), "")
        .await
        .json()
        .await
        .unwrap();
    let ukey = issued["key"].as_str().unwrap().to_owned();
    let r = presigned_put(
        &issued["upload"],
        b"twelve bytes and then some more".to_vec(),
    )
    .await;
    assert_eq!(
        r.status(),
        403,
        "a longer body breaks the signed content-length"
    );
    assert_eq!(native_get(&s3, &t, &ukey).await, None);
    let r = presigned_put(&issued["upload"], b"twelve bytez".to_vec()).await;
    assert_eq!(r.status(), 400, "the store checks the signed SHA-256");
    // s3s-fs keeps the refused bytes (without a checksum), S3 keeps nothing: either
    // way the confirmation refuses, and nothing stays behind.
    let r = confirm(&app, &owner, &ukey).await;
    let status = r.status().as_u16();
    let p: Value = r.json().await.unwrap();
    assert!(
        (status, p["code"].as_str()) == (422, Some("STORAGE_CHECKSUM_MISMATCH"))
            || (status, p["code"].as_str()) == (404, Some("STORAGE_OBJECT_MISSING")),
        "{status} {p}"
    );
    assert_eq!(
        app.get(&format!("/storage/records/{ukey}")).await.status(),
        404
    );
    assert_eq!(
        native_get(&s3, &t, &ukey).await,
        None,
        "a wrong upload is removed"
    );

    // A slot that expires before anything arrives.
    let issued: Value = slot(&app, &owner, body.len(), &hex_sha256(&body), "?expires=1")
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let r = presigned_put(&issued["upload"], body.clone()).await;
    assert_eq!(r.status(), 403);
    let p = problem_code(
        confirm(&app, &owner, issued["key"].as_str().unwrap()).await,
        410,
    )
    .await;
    assert_eq!(p["code"], "STORAGE_SLOT_EXPIRED");
    s3.delete_object()
        .bucket(&t.bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    app.shutdown().await;
}

#[tokio::test]
async fn oversized_or_mismatched_uploads_are_not_recorded() {
    let (app, t, s3) = spawn_storage().await;
    let owner = format!("citizen/{}", unique("u"));

    let p = problem_code(slot(&app, &owner, 4096, &hex_sha256(b"x"), "").await, 413).await;
    assert_eq!(p["code"], "STORAGE_UPLOAD_TOO_LARGE");

    // Bytes that reached the store some other way are checked before recording.
    let declared = b"0123456789".to_vec();
    for (stored, status, code) in [
        (vec![b'x'; 2000], 413, "STORAGE_UPLOAD_TOO_LARGE"),
        (b"9876543210".to_vec(), 422, "STORAGE_CHECKSUM_MISMATCH"),
        (b"01234".to_vec(), 422, "STORAGE_SIZE_MISMATCH"),
    ] {
        let issued: Value = slot(&app, &owner, declared.len(), &hex_sha256(&declared), "")
            .await
            .json()
            .await
            .unwrap();
        let key = issued["key"].as_str().unwrap().to_owned();
        native_put(&s3, &t, &key, &stored).await;
        let r = app
            .client
            .post(format!("{}/storage/slots/confirm", app.base))
            .header("x-owner", &owner)
            .header("accept-language", "en")
            .json(&json!({ "key": key }))
            .send()
            .await
            .unwrap();
        let p = problem_code(r, status).await;
        assert_eq!(p["code"], code);
        assert!(
            p["detail"].as_str().unwrap().is_ascii(),
            "English detail: {p}"
        );
        assert_eq!(
            app.get(&format!("/storage/records/{key}")).await.status(),
            404
        );
        assert_eq!(
            native_get(&s3, &t, &key).await,
            None,
            "{code}: the object is removed"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_access_denied() {
    let (app, _t, _s3) = spawn_storage().await;
    let p = problem_code(app.get("/denied/head/anything.txt").await, 502).await;
    assert_eq!(p["code"], "STORAGE_ACCESS_DENIED");
    app.shutdown().await;
}

#[tokio::test]
async fn unreachable_storage_is_a_503_problem() {
    // Port 1: never handed out as an ephemeral port, so no other test's embedded
    // store can be listening there. (A port taken and released here could be, and
    // once was: the request then met another test's store and got a 404.)
    let endpoint = "http://127.0.0.1:1".to_owned();
    let target = S3Target {
        endpoint,
        region: "cn-central-1".into(),
        bucket: BUCKET.into(),
        access_key_id: "AKIDCLOSEDPORT".into(),
        secret_access_key: "closed-port-secret-000000000000".into(),
        path_style: true,
    };
    let vars = target.variables();
    let app = spawn(&manifest("\"{{ object_store_endpoint }}\""), |o| {
        o.variables = vars
    })
    .await;
    assert!(
        app.running.as_ref().unwrap().object_store_addr.is_none(),
        "no embedded store"
    );
    let r = app
        .client
        .get(format!("{}/storage/head/a.txt", app.base))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let p = problem_code(r, 503).await;
    assert_eq!(p["code"], "STORAGE_UNREACHABLE");
    assert_eq!(p["title"], "Object storage is unreachable");
    let p = problem_code(app.get("/storage/list").await, 503).await;
    assert_eq!(p["code"], "STORAGE_UNREACHABLE");
    app.shutdown().await;
}
