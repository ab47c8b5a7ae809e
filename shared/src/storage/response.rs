//! Reading what the store answered: object heads, listings and S3 error documents.

use super::upload::Sha256Digest;
use super::xml::leaves;
use super::{ObjectKey, StorageError};

/// What `HeadObject` tells about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectHead {
    /// Size in bytes.
    pub size: u64,
    /// Its content type, if stored.
    pub content_type: Option<String>,
    /// Its ETag, without quotes.
    pub etag: Option<String>,
    /// Its SHA-256, if the store keeps one (`x-amz-checksum-sha256`).
    pub sha256: Option<Sha256Digest>,
}

impl ObjectHead {
    /// Reads a successful HEAD's headers (names in any case).
    pub fn from_headers<'a>(
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<ObjectHead, StorageError> {
        let mut head = ObjectHead {
            size: 0,
            content_type: None,
            etag: None,
            sha256: None,
        };
        let mut have_size = false;
        for (name, value) in headers {
            let Ok(value) = std::str::from_utf8(value) else {
                continue;
            };
            match name.to_ascii_lowercase().as_str() {
                "content-length" => {
                    head.size =
                        value
                            .trim()
                            .parse()
                            .map_err(|_| StorageError::InvalidResponse {
                                why: "content-length is not a number",
                            })?;
                    have_size = true;
                }
                "content-type" => head.content_type = Some(value.to_owned()),
                "etag" => head.etag = Some(value.trim_matches('"').to_owned()),
                "x-amz-checksum-sha256" => head.sha256 = Sha256Digest::from_base64(value).ok(),
                _ => {}
            }
        }
        if !have_size {
            return Err(StorageError::InvalidResponse {
                why: "no content-length",
            });
        }
        Ok(head)
    }
}

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListedObject {
    /// Its key, as the store has it.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// ETag, without quotes.
    pub etag: Option<String>,
    /// Last modification, as the store wrote it (ISO 8601).
    pub last_modified: Option<String>,
}

/// One page of `ListObjectsV2`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ListPage {
    /// The objects, in key order.
    pub objects: Vec<ListedObject>,
    /// Whether more pages follow.
    pub is_truncated: bool,
    /// The token for the next page.
    pub next_continuation_token: Option<String>,
}

/// Parses a `ListBucketResult` document.
pub fn parse_list(body: &[u8]) -> Result<ListPage, StorageError> {
    let invalid = |why| StorageError::InvalidResponse { why };
    let mut page = ListPage::default();
    let mut object: Option<ListedObject> = None;
    for (path, text) in leaves(body).map_err(|_| invalid("a listing is not valid XML"))? {
        let Some(rest) = path.strip_prefix("ListBucketResult") else {
            return Err(invalid("not a ListBucketResult"));
        };
        match rest {
            "/IsTruncated" => page.is_truncated = text.trim() == "true",
            "/NextContinuationToken" => page.next_continuation_token = Some(text),
            "/Contents/Key" => object.get_or_insert_with(empty_object).key = text,
            "/Contents/Size" => {
                object.get_or_insert_with(empty_object).size = text
                    .trim()
                    .parse()
                    .map_err(|_| invalid("a listed size is not a number"))?;
            }
            "/Contents/ETag" => {
                object.get_or_insert_with(empty_object).etag =
                    Some(text.trim_matches('"').to_owned());
            }
            "/Contents/LastModified" => {
                object.get_or_insert_with(empty_object).last_modified = Some(text);
            }
            "/Contents" => {
                let o = object.take().ok_or(invalid("an empty Contents"))?;
                if o.key.is_empty() {
                    return Err(invalid("a listed object has no key"));
                }
                page.objects.push(o);
            }
            _ => {}
        }
    }
    if page.is_truncated && page.next_continuation_token.is_none() {
        return Err(invalid("a truncated listing without a continuation token"));
    }
    Ok(page)
}

fn empty_object() -> ListedObject {
    ListedObject {
        key: String::new(),
        size: 0,
        etag: None,
        last_modified: None,
    }
}

/// The S3 error code of an `<Error>` document, if the body is one.
pub fn error_code(body: &[u8]) -> Option<String> {
    leaves(body)
        .ok()?
        .into_iter()
        .find(|(p, _)| p == "Error/Code")
        .map(|(_, code)| code)
}

/// The error for a non-2xx answer; `key` names the object asked for.
pub fn error_for(status: u16, body: &[u8], key: Option<&ObjectKey>) -> StorageError {
    let code = error_code(body);
    let missing = || StorageError::ObjectMissing {
        key: key.map(|k| k.as_str().to_owned()).unwrap_or_default(),
    };
    match code.as_deref() {
        Some("NoSuchKey") => missing(),
        Some(
            "AccessDenied"
            | "SignatureDoesNotMatch"
            | "InvalidAccessKeyId"
            | "RequestTimeTooSkewed"
            | "ExpiredToken"
            | "InvalidToken",
        ) => StorageError::AccessDenied,
        Some("EntityTooLarge") => StorageError::UploadTooLarge { limit: None },
        Some("BadDigest" | "XAmzContentSHA256Mismatch" | "InvalidDigest") => {
            StorageError::ChecksumMismatch
        }
        Some("InvalidRange") => StorageError::RangeNotSatisfiable,
        Some("PreconditionFailed") => StorageError::ObjectExists,
        Some("SlowDown" | "ServiceUnavailable") => StorageError::Unreachable,
        Some(other) => StorageError::Upstream {
            status,
            code: other.to_owned(),
        },
        // HEAD answers carry no body: go by the status.
        None => match status {
            404 if key.is_some() => missing(),
            401 | 403 => StorageError::AccessDenied,
            412 => StorageError::ObjectExists,
            416 => StorageError::RangeNotSatisfiable,
            502..=504 => StorageError::Unreachable,
            _ => StorageError::Upstream {
                status,
                code: String::new(),
            },
        },
    }
}

/// `Ok` for a 2xx answer, else the error it stands for.
pub fn check(status: u16, body: &[u8], key: Option<&ObjectKey>) -> Result<(), StorageError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(error_for(status, body, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>files</Name><Prefix>a/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>a/1 &amp; 2.txt</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>a/2.txt</Key><Size>0</Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>"#;

    #[test]
    fn listings_parse() {
        let page = parse_list(LIST.as_bytes()).unwrap();
        assert_eq!(page.objects.len(), 2);
        assert_eq!(page.objects[0].key, "a/1 & 2.txt");
        assert_eq!(page.objects[0].size, 5);
        assert_eq!(
            page.objects[0].etag.as_deref(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        assert_eq!(page.objects[1].size, 0);
        assert!(page.is_truncated);
        assert_eq!(
            page.next_continuation_token.as_deref(),
            Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        );
        let empty =
            parse_list(b"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
                .unwrap();
        assert!(empty.objects.is_empty() && !empty.is_truncated);
        assert!(parse_list(b"<Error><Code>x</Code></Error>").is_err());
        assert!(
            parse_list(b"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
                .is_err()
        );
        assert!(
            parse_list(b"<ListBucketResult><Contents><Size>x</Size></Contents></ListBucketResult>")
                .is_err()
        );
    }

    #[test]
    fn errors_map_to_stable_kinds() {
        let key = ObjectKey::parse("a/b").unwrap();
        let doc = |code: &str| format!("<Error><Code>{code}</Code><Message>m</Message></Error>");
        assert_eq!(
            error_for(404, doc("NoSuchKey").as_bytes(), Some(&key)),
            StorageError::ObjectMissing { key: "a/b".into() }
        );
        for c in [
            "AccessDenied",
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId",
        ] {
            assert_eq!(
                error_for(403, doc(c).as_bytes(), Some(&key)),
                StorageError::AccessDenied
            );
        }
        assert_eq!(
            error_for(400, doc("BadDigest").as_bytes(), None),
            StorageError::ChecksumMismatch
        );
        assert_eq!(
            error_for(500, doc("InternalError").as_bytes(), None),
            StorageError::Upstream {
                status: 500,
                code: "InternalError".into()
            }
        );
        assert_eq!(
            error_for(404, b"", Some(&key)),
            StorageError::ObjectMissing { key: "a/b".into() }
        );
        assert_eq!(error_for(403, b"", Some(&key)), StorageError::AccessDenied);
        assert_eq!(error_for(503, b"", None), StorageError::Unreachable);
        assert!(check(204, b"", None).is_ok());
        assert!(check(301, b"", None).is_err());
    }

    #[test]
    fn heads_parse() {
        let sha = Sha256Digest::of(b"hello").to_base64();
        let h = ObjectHead::from_headers([
            ("Content-Length", "5".as_bytes()),
            ("ETag", b"\"abc\""),
            ("content-type", b"text/plain"),
            ("x-amz-checksum-sha256", sha.as_bytes()),
        ])
        .unwrap();
        assert_eq!(h.size, 5);
        assert_eq!(h.etag.as_deref(), Some("abc"));
        assert_eq!(h.sha256, Some(Sha256Digest::of(b"hello")));
        assert!(ObjectHead::from_headers([("etag", "x".as_bytes())]).is_err());
        assert!(ObjectHead::from_headers([("content-length", "-1".as_bytes())]).is_err());
    }
}
