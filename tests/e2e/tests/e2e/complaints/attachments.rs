//! Issue item 2: photos and videos through upload slots into the embedded object
//! store, judged by their bytes (a text file named .jpg is refused and removed, the
//! case unchanged), readable only by the case's parties and handlers via a
//! short-lived presigned GET.

use super::*;
use sha2::{Digest as _, Sha256};
use yingshang_e2e::S3Target;

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A tiny PNG-looking file: the signature and some bytes.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend((0..120u8).map(|i| i.wrapping_mul(7)));
    b
}

/// PUTs `body` to a presigned upload exactly as a phone would.
async fn presigned_put(upload: &Value, body: Vec<u8>) -> StatusCode {
    let mut req = reqwest::Client::new().put(upload["url"].as_str().unwrap());
    for h in upload["headers"].as_array().unwrap() {
        let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        if name != "content-length" {
            req = req.header(name, value);
        }
    }
    req.body(body).send().await.unwrap().status()
}

impl Complaints {
    /// Asks for a slot and uploads `bytes` declared as `content_type`; answers the slot.
    async fn upload(&self, who: &Who, id: &str, content_type: &str, bytes: Vec<u8>) -> Value {
        let request = json!({ "content_type": content_type, "size": bytes.len(), "sha256": hex_sha256(&bytes) });
        let (s, issued) = self
            .post_as(who, &format!("/cases/{id}/attachments/slots"), &request)
            .await;
        assert_eq!(s, 201, "{issued}");
        assert!(presigned_put(&issued["upload"], bytes).await.is_success());
        issued["slot"].clone()
    }

    /// Attaches an uploaded slot.
    async fn attach_slot(&self, who: &Who, id: &str, slot: &Value) -> (StatusCode, Value) {
        self.post_as(
            who,
            &format!("/cases/{id}/attachments"),
            &json!({ "slot": slot }),
        )
        .await
    }

    /// Asks for a slot, uploads `bytes` declared as `content_type`, attaches it.
    async fn attach(
        &self,
        who: &Who,
        id: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let slot = self.upload(who, id, content_type, bytes).await;
        self.attach_slot(who, id, &slot).await
    }

    /// A native client on the gateway's embedded object store.
    fn object_store(&self) -> aws_sdk_s3::Client {
        crate::s3_client::s3_client(&S3Target::embedded(&self.app, BUCKET))
    }
}

/// The bucket of [`APP`].
const BUCKET: &str = "complaints-e2e";

/// The keys in the embedded store's bucket.
async fn stored_keys(s3: &aws_sdk_s3::Client) -> Vec<String> {
    let page = s3.list_objects_v2().bucket(BUCKET).send().await.unwrap();
    page.contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn photos_attach_by_their_bytes_and_only_parties_read_them() {
    let c = start().await;
    let acme = Who::Enterprise(ACME);
    let id = c.file_complaint(ACME).await;

    let (s, v) = c.attach(&acme, &id, "image/png", png()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["case"]["attachments"][0]["kind"], "png");
    assert_eq!(v["case"]["attachments"][0]["size"], png().len());

    let photo = v["case"]["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A text file calling itself a JPEG: refused from its bytes, the case unchanged,
    // and the uploaded object deleted from the store (it was there after the PUT).
    let s3 = c.object_store();
    let fake = b"this is not a photo, just text named photo.jpg".to_vec();
    let slot = c.upload(&acme, &id, "image/jpeg", fake).await;
    let fake_key = slot["key"].as_str().unwrap().to_owned();
    let mut before = stored_keys(&s3).await;
    before.sort();
    let mut both = vec![photo.clone(), fake_key.clone()];
    both.sort();
    assert_eq!(before, both, "the fake upload landed in the store");
    let (s, p) = c.attach_slot(&acme, &id, &slot).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (415, Some("COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED")),
        "{p}"
    );
    assert_eq!(p["errors"][0]["pointer"], "/attachments/1");
    let (_, v) = c.case(&acme, &id).await;
    assert_eq!(v["case"]["attachments"].as_array().unwrap().len(), 1);
    let gone = s3.head_object().bucket(BUCKET).key(&fake_key).send().await;
    assert_eq!(
        gone.expect_err("the refused object is deleted")
            .raw_response()
            .map(|r| r.status().as_u16()),
        Some(404)
    );
    assert_eq!(stored_keys(&s3).await, [photo]);
    // A type the policy does not take is refused at the slot.
    let (s, _) = c
        .post_as(&acme, &format!("/cases/{id}/attachments/slots"), &json!({ "content_type": "application/pdf", "size": 10, "sha256": hex_sha256(b"0123456789") }))
        .await;
    assert_eq!(s.as_u16() / 100, 4);

    // The enterprise and the office read it through a short-lived link.
    for who in [&acme, &Who::Staff(OFFICE)] {
        let (s, link) = c.get_as(who, &format!("/cases/{id}/attachments/0")).await;
        assert_eq!(s, 200, "{link}");
        assert_eq!(link["download"]["method"], "GET");
        let bytes = reqwest::get(link["download"]["url"].as_str().unwrap())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(bytes.to_vec(), png());
    }
    // Nobody else: another enterprise, a department not handling it.
    assert_eq!(
        c.get_as(
            &Who::Enterprise(BETA),
            &format!("/cases/{id}/attachments/0")
        )
        .await
        .0,
        404
    );
    assert_eq!(
        c.get_as(&Who::Staff(TAX), &format!("/cases/{id}/attachments/0"))
            .await
            .0,
        404
    );
    assert_eq!(
        c.get_as(&acme, &format!("/cases/{id}/attachments/5"))
            .await
            .0,
        404
    );
    // Another enterprise cannot attach to it either.
    let (s, _) = c
        .post_as(&Who::Enterprise(BETA), &format!("/cases/{id}/attachments/slots"), &json!({ "content_type": "image/png", "size": 10, "sha256": hex_sha256(b"0123456789") }))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn at_most_nine_attachments_per_case() {
    let c = start().await;
    let acme = Who::Enterprise(ACME);
    let id = c.file_complaint(ACME).await;
    for i in 0..9u8 {
        let mut bytes = png();
        bytes.push(i);
        let (s, v) = c.attach(&acme, &id, "image/png", bytes).await;
        assert_eq!(s, 201, "{v}");
    }
    let request =
        json!({ "content_type": "image/png", "size": 10, "sha256": hex_sha256(b"0123456789") });
    let (s, p) = c
        .post_as(&acme, &format!("/cases/{id}/attachments/slots"), &request)
        .await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/attachments")),
        "{p}"
    );
}
