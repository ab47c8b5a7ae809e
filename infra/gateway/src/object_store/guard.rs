//! What the embedded store lets reach its folder. s3s-fs joins bucket and key into a
//! path under the objects folder, so a key with `..` segments reads and overwrites
//! another bucket's objects, and `GET /<bucket>/..` opens the bucket's own folder as
//! an object. Every request's bucket and key — in the path, in a copy source, in a
//! multi-object delete — is checked here, after the signature and before s3s-fs
//! sees it; a bad one is S3's 400 (`InvalidArgument`, or `InvalidBucketName`), as
//! S3 answers a request it cannot take.
//!
//! A key follows the core's one rule ([`ObjectKey::parse`]: no empty, `.` or `..`
//! segment, no leading `/`, no `\` or control character, 1–1024 bytes), and its
//! path may not carry a percent-encoded `/` or `\`, which would change the segments
//! the signature covered once decoded. A bucket is a valid S3 bucket name.

use s3s::access::{S3Access, S3AccessContext};
use s3s::dto::{CopyObjectInput, CopySource, DeleteObjectsInput, UploadPartCopyInput};
use s3s::path::S3Path;
use s3s::{S3Error, S3Request, S3Result, s3_error};
use std::future::{Future, ready};
use std::pin::Pin;
use yingshang_core::storage::{ObjectKey, StorageError};

/// The embedded store's access check: signed requests only (s3s's default), and
/// only keys and buckets that stay inside their bucket's folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyGuard;

/// The future s3s's (`async_trait`) access methods return; the checks are
/// synchronous, so it is always ready.
type Checked<'a> = Pin<Box<dyn Future<Output = S3Result<()>> + Send + 'a>>;

/// Refuses a bucket name S3 would not accept.
pub fn check_bucket(bucket: &str) -> S3Result<()> {
    if super::valid_bucket_name(bucket) && s3s::path::check_bucket_name(bucket) {
        Ok(())
    } else {
        Err(s3_error!(
            InvalidBucketName,
            "The bucket name is not a valid S3 bucket name."
        ))
    }
}

/// Refuses a (decoded) key that could leave its bucket's folder.
pub fn check_key(key: &str) -> S3Result<()> {
    match ObjectKey::parse(key) {
        Ok(_) => Ok(()),
        Err(StorageError::KeyInvalid { why }) => Err(invalid_key(why)),
        Err(_) => Err(invalid_key("the key is not valid")),
    }
}

/// Refuses a request path (as sent, before decoding) with a percent-encoded `/` or
/// `\`.
pub fn check_raw_path(raw_path: &str) -> S3Result<()> {
    let encoded_separator = raw_path.as_bytes().windows(3).any(|w| {
        w[0] == b'%' && (w[1..].eq_ignore_ascii_case(b"2f") || w[1..].eq_ignore_ascii_case(b"5c"))
    });
    if encoded_separator {
        Err(invalid_key(
            "a key must not contain a percent-encoded '/' or '\\'",
        ))
    } else {
        Ok(())
    }
}

/// Checks a path's bucket and key.
pub fn check_path(path: &S3Path) -> S3Result<()> {
    match path {
        S3Path::Root => Ok(()),
        S3Path::Bucket { bucket } => check_bucket(bucket),
        S3Path::Object { bucket, key } => {
            check_bucket(bucket)?;
            check_key(key)
        }
    }
}

fn invalid_key(why: &str) -> S3Error {
    s3_error!(InvalidArgument, "Invalid object key: {why}.")
}

fn check_copy_source(source: &CopySource) -> S3Result<()> {
    match source {
        CopySource::Bucket { bucket, key, .. } => {
            check_bucket(bucket)?;
            check_key(key)
        }
        // s3s-fs answers these NotImplemented; they name no folder.
        _ => Ok(()),
    }
}

// The methods are s3s's `async_trait` ones, written out so that the gateway needs no
// proc-macro of its own for them.
impl S3Access for KeyGuard {
    fn check<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        cx: &'life1 mut S3AccessContext<'life2>,
    ) -> Checked<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        let checked = match cx.credentials() {
            // s3s's default check, which this one replaces.
            None => Err(s3_error!(AccessDenied, "Signature is required")),
            Some(_) => check_raw_path(cx.uri().path()).and_then(|()| check_path(cx.s3_path())),
        };
        Box::pin(ready(checked))
    }

    fn copy_object<'life0, 'life1, 'async_trait>(
        &'life0 self,
        req: &'life1 mut S3Request<CopyObjectInput>,
    ) -> Checked<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(ready(check_copy_source(&req.input.copy_source)))
    }

    fn upload_part_copy<'life0, 'life1, 'async_trait>(
        &'life0 self,
        req: &'life1 mut S3Request<UploadPartCopyInput>,
    ) -> Checked<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(ready(check_copy_source(&req.input.copy_source)))
    }

    fn delete_objects<'life0, 'life1, 'async_trait>(
        &'life0 self,
        req: &'life1 mut S3Request<DeleteObjectsInput>,
    ) -> Checked<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        let checked = req
            .input
            .delete
            .objects
            .iter()
            .try_for_each(|o| check_key(&o.key));
        Box::pin(ready(checked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3s::S3ErrorCode;

    fn code(r: S3Result<()>) -> Option<S3ErrorCode> {
        r.err().map(|e| e.code().clone())
    }

    #[test]
    fn keys_stay_inside_their_bucket() {
        for good in [
            "a.txt",
            "citizen/u1/photo/x.jpg",
            "a/b.c/d",
            "..a/b..",
            "营/文件",
        ] {
            assert_eq!(code(check_key(good)), None, "{good}");
        }
        for bad in [
            "..",
            ".",
            "../other/x",
            "a/../../other/x",
            "a/./b",
            "a//b",
            "/a",
            "a/",
            "a\\..\\b",
            "",
            "a\u{0}b",
        ] {
            assert_eq!(
                code(check_key(bad)),
                Some(S3ErrorCode::InvalidArgument),
                "{bad:?}"
            );
        }
        assert!(check_key(&"k".repeat(1025)).is_err());
    }

    #[test]
    fn encoded_separators_are_refused_in_the_raw_path() {
        assert!(check_raw_path("/bucket/a/b%20c.txt").is_ok());
        assert!(check_raw_path("/bucket/%E8%90%A5").is_ok());
        for bad in [
            "/bucket/a%2F..%2Fb",
            "/bucket/a%2fb",
            "/bucket/..%5Cother",
            "/bucket/a%5cb",
        ] {
            assert_eq!(
                code(check_raw_path(bad)),
                Some(S3ErrorCode::InvalidArgument),
                "{bad}"
            );
        }
    }

    #[test]
    fn paths_check_bucket_and_key() {
        assert!(check_path(&S3Path::root()).is_ok());
        assert!(check_path(&S3Path::bucket("yingshang")).is_ok());
        assert!(check_path(&S3Path::object("yingshang", "a/b.txt")).is_ok());
        assert_eq!(
            code(check_path(&S3Path::object("yingshang", ".."))),
            Some(S3ErrorCode::InvalidArgument)
        );
        for bucket in ["..", "ab", "Upper", "a..b", "192.168.0.1", "xn--abc"] {
            assert_eq!(
                code(check_path(&S3Path::object(bucket, "a"))),
                Some(S3ErrorCode::InvalidBucketName),
                "{bucket}"
            );
        }
    }

    #[test]
    fn copy_sources_are_checked() {
        let source = |bucket: &str, key: &str| CopySource::Bucket {
            bucket: bucket.into(),
            key: key.into(),
            version_id: None,
        };
        assert!(check_copy_source(&source("yingshang", "a/b")).is_ok());
        assert_eq!(
            code(check_copy_source(&source("yingshang", "../other/x"))),
            Some(S3ErrorCode::InvalidArgument)
        );
        assert_eq!(
            code(check_copy_source(&source("..", "x"))),
            Some(S3ErrorCode::InvalidBucketName)
        );
    }
}
