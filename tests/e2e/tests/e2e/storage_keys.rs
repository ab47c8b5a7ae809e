//! The embedded object store keeps every key inside its bucket: a signed request
//! whose key has `.`, `..` or empty segments, or a percent-encoded `/`, is S3's 400
//! — it neither reads nor overwrites another bucket's object — and the store goes on
//! serving.

use crate::storage::{BUCKET, manifest, s3_client};
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::{BoxError, ProvideErrorMetadata, SdkError};
use yingshang_e2e::{S3Target, TestApp, spawn};

/// Another bucket in the same store, holding an object the tests try to reach.
const OTHER: &str = "yingshang-other";
const SECRET_KEY: &str = "secret.txt";
const SECRET: &[u8] = b"the other bucket's report";

/// A gateway whose embedded store has [`BUCKET`] and [`OTHER`] (with its secret),
/// and a native client on the store.
async fn spawn_two_buckets() -> (TestApp, aws_sdk_s3::Client) {
    let app = spawn(&manifest("\"{{ object_store_endpoint }}\""), |_| {}).await;
    let s3 = s3_client(&S3Target::embedded(&app, BUCKET));
    s3.create_bucket().bucket(OTHER).send().await.unwrap();
    s3.put_object()
        .bucket(OTHER)
        .key(SECRET_KEY)
        .body(SECRET.to_vec().into())
        .send()
        .await
        .unwrap();
    (app, s3)
}

/// The status and S3 error code of a refused request.
fn refusal<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E, HttpResponse>>,
) -> (u16, String) {
    let e = result.expect_err("the store refuses the request");
    let status = e.raw_response().map(|r| r.status().as_u16());
    let code = e.code().map(str::to_owned);
    match (status, code) {
        (Some(status), Some(code)) => (status, code),
        _ => panic!("not an answer from the store: {e:?}"),
    }
}

async fn get(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Vec<u8> {
    let o = s3.get_object().bucket(bucket).key(key).send().await;
    let o = o.unwrap_or_else(|e| panic!("GET {bucket}/{key}: {e:?}"));
    o.body.collect().await.unwrap().into_bytes().to_vec()
}

/// The store still reads and writes ordinary keys.
async fn still_serving(s3: &aws_sdk_s3::Client) {
    s3.put_object()
        .bucket(BUCKET)
        .key("dir/ok.txt")
        .body(b"fine".to_vec().into())
        .send()
        .await
        .expect("an ordinary PUT after the refusals");
    assert_eq!(get(s3, BUCKET, "dir/ok.txt").await, b"fine");
    assert_eq!(get(s3, OTHER, SECRET_KEY).await, SECRET, "untouched");
}

#[tokio::test]
async fn dot_dot_keys_neither_read_nor_overwrite_another_bucket() {
    let (app, s3) = spawn_two_buckets().await;
    let escape = format!("../{OTHER}/{SECRET_KEY}");
    let deeper = format!("a/../../{OTHER}/{SECRET_KEY}");
    for key in [escape.as_str(), deeper.as_str()] {
        let read = s3.get_object().bucket(BUCKET).key(key).send().await;
        assert_eq!(refusal(read), (400, "InvalidArgument".to_owned()), "{key}");
        let write = s3
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(b"overwritten".to_vec().into())
            .send()
            .await;
        assert_eq!(refusal(write), (400, "InvalidArgument".to_owned()), "{key}");
        let delete = s3.delete_object().bucket(BUCKET).key(key).send().await;
        assert_eq!(refusal(delete).0, 400, "{key}");
    }
    let copy = s3
        .copy_object()
        .bucket(BUCKET)
        .key("stolen.txt")
        .copy_source(format!("{BUCKET}/{escape}"))
        .send()
        .await;
    assert_eq!(refusal(copy), (400, "InvalidArgument".to_owned()));
    still_serving(&s3).await;
    app.shutdown().await;
}

#[tokio::test]
async fn the_bucket_itself_is_not_an_object_and_the_store_keeps_serving() {
    let (app, s3) = spawn_two_buckets().await;
    // `GET /<bucket>/..` once opened the objects folder itself as an object.
    for key in ["..", ".", "./", "a//b", "a/./b", "a/"] {
        let read = s3.get_object().bucket(BUCKET).key(key).send().await;
        assert_eq!(refusal(read), (400, "InvalidArgument".to_owned()), "{key}");
        let write = s3
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(b"x".to_vec().into())
            .send()
            .await;
        assert_eq!(refusal(write).0, 400, "{key}");
        still_serving(&s3).await;
    }
    assert!(
        !app.state
            .path()
            .join("state/objects")
            .join(BUCKET)
            .join("a")
            .exists(),
        "nothing was written for a refused key"
    );
    app.shutdown().await;
}

/// Encodes the key's separators in the path after the request is signed, as the
/// store canonicalises a path: decoded, then encoded again with `/` kept. The
/// signature stays good; the separators the store sees are not those of the key.
#[derive(Debug)]
struct EncodeAfterSigning {
    signed: String,
    sent: String,
}

impl Intercept for EncodeAfterSigning {
    fn name(&self) -> &'static str {
        "EncodeAfterSigning"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let uri = request.uri().replace(&self.signed, &self.sent);
        request.set_uri(uri)?;
        Ok(())
    }
}

#[tokio::test]
async fn percent_encoded_separators_and_bad_buckets_are_400() {
    let (app, s3) = spawn_two_buckets().await;
    let escape = format!("x/../../{OTHER}/{SECRET_KEY}");
    for (signed, sent) in [
        (escape.as_str(), escape.replace('/', "%2F")),
        ("a/b", "a%2fb".to_owned()),
        // The SDK sends a backslash encoded, as `%5C`.
        ("a\\b", "a%5Cb".to_owned()),
    ] {
        let read = s3
            .get_object()
            .bucket(BUCKET)
            .key(signed)
            .customize()
            .interceptor(EncodeAfterSigning {
                signed: format!("/{BUCKET}/{signed}"),
                sent: format!("/{BUCKET}/{sent}"),
            })
            .send()
            .await;
        assert_eq!(refusal(read), (400, "InvalidArgument".to_owned()), "{sent}");
    }
    let copy = s3
        .copy_object()
        .bucket(BUCKET)
        .key("copy.txt")
        .copy_source(format!("Not_A_Bucket/{SECRET_KEY}"))
        .send()
        .await;
    assert_eq!(refusal(copy).0, 400);
    let listed = s3.list_objects_v2().bucket("Not_A_Bucket").send().await;
    assert_eq!(refusal(listed).0, 400);
    still_serving(&s3).await;
    app.shutdown().await;
}
