use super::*;
use crate::storage::{Endpoint, StoreCredentials};
use time::macros::datetime;

fn aws_example(path_style: bool) -> StoreConfig {
    StoreConfig {
        endpoint: Endpoint::parse("https://s3.amazonaws.com").unwrap(),
        region: "us-east-1".into(),
        bucket: "examplebucket".into(),
        path_style,
        credentials: StoreCredentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        },
    }
}

const NOW: OffsetDateTime = datetime!(2013-05-24 00:00:00 UTC);

fn header<'a>(r: &'a [(String, String)], name: &str) -> Option<&'a str> {
    r.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The GET-with-range example of the AWS Signature V4 documentation for S3.
#[test]
fn get_object_matches_the_aws_documentation_example() {
    let key = ObjectKey::parse("test.txt").unwrap();
    let r = aws_example(false)
        .get_object(&key, Some(ByteRange::new(0, Some(9)).unwrap()), NOW)
        .unwrap();
    assert_eq!(r.url, "https://examplebucket.s3.amazonaws.com/test.txt");
    assert_eq!(
        header(&r.headers, "authorization").unwrap(),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
    assert_eq!(header(&r.headers, "x-amz-date"), Some("20130524T000000Z"));
}

/// The presigned-URL example of the AWS documentation (GET, 86400 s).
#[test]
fn presigned_get_matches_the_aws_documentation_example() {
    let key = ObjectKey::parse("test.txt").unwrap();
    let p = aws_example(false)
        .presign_get(&key, Duration::seconds(86400), NOW)
        .unwrap();
    assert!(
        p.url
            .starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"),
        "{}",
        p.url
    );
    assert!(
        p.url.contains(
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        ),
        "{}",
        p.url
    );
    assert!(p.url.contains(
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    ));
    assert_eq!(p.expires_at, datetime!(2013-05-25 00:00:00 UTC));
}

#[test]
fn path_style_and_encoding() {
    let c = aws_example(true);
    let key = ObjectKey::parse("营商/a b+c.txt").unwrap();
    let r = c.head_object(&key, NOW).unwrap();
    assert_eq!(
        r.url,
        "https://s3.amazonaws.com/examplebucket/%E8%90%A5%E5%95%86/a%20b%2Bc.txt"
    );
    assert_eq!(r.method, "HEAD");
    assert_eq!(header(&r.headers, "x-amz-checksum-mode"), Some("ENABLED"));
    let l = c.list_objects("a b/", Some("tok+/="), 10, NOW).unwrap();
    assert_eq!(
        l.url,
        "https://s3.amazonaws.com/examplebucket?list-type=2&max-keys=10&prefix=a%20b%2F&continuation-token=tok%2B%2F%3D"
    );
    assert!(c.list_objects("", None, 0, NOW).is_err());
    assert!(c.list_objects("", None, 1001, NOW).is_err());
}

#[test]
fn put_signs_body_hash_and_checksum() {
    let c = aws_example(true);
    let key = ObjectKey::parse("a.txt").unwrap();
    let r = c
        .put_object(&key, b"hello".to_vec(), "text/plain", NOW)
        .unwrap();
    assert_eq!(
        header(&r.headers, "x-amz-content-sha256"),
        Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    assert_eq!(
        header(&r.headers, "x-amz-checksum-sha256"),
        Some("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
    );
    let auth = header(&r.headers, "authorization").unwrap();
    assert!(
        auth.contains(
            "SignedHeaders=content-type;host;x-amz-checksum-sha256;x-amz-content-sha256;x-amz-date"
        ),
        "{auth}"
    );
    // A different body signs differently.
    let other = c
        .put_object(&key, b"hellO".to_vec(), "text/plain", NOW)
        .unwrap();
    assert_ne!(header(&other.headers, "authorization"), Some(auth));
}

#[test]
fn presigned_put_signs_length_type_and_checksum() {
    let c = aws_example(true);
    let key = ObjectKey::parse("a.txt").unwrap();
    let sha = Sha256Digest::of(b"hello");
    let p = c
        .presign_put(&key, "text/plain", 5, &sha, Duration::minutes(15), NOW)
        .unwrap();
    assert_eq!(p.method, "PUT");
    assert!(
        p.url.contains(
            "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256"
        ),
        "{}",
        p.url
    );
    assert!(p.url.contains("X-Amz-Expires=900"));
    assert_eq!(header(&p.headers, "content-length"), Some("5"));
    assert!(
        c.presign_put(&key, "text/plain", 5, &sha, Duration::days(8), NOW)
            .is_err()
    );
    assert!(
        c.presign_put(&key, "text/plain", 5, &sha, Duration::ZERO, NOW)
            .is_err()
    );
}

#[test]
fn ranges() {
    assert_eq!(ByteRange::new(5, None).unwrap().header_value(), "bytes=5-");
    assert_eq!(
        ByteRange::new(0, Some(0)).unwrap().header_value(),
        "bytes=0-0"
    );
    assert!(ByteRange::new(3, Some(2)).is_err());
}
