//! What can go wrong with object storage, as the caller of a function sees it.

use crate::problem::{ApiError, Lang};

/// An object-storage failure, with a stable code and texts in zh-CN and English.
/// Texts never carry credentials, URLs or the store's own messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// A storage variable is missing or invalid (an operator's mistake).
    #[error("object storage is not configured: {variable} {why}")]
    NotConfigured {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The store could not be reached (connection refused, DNS, timeout, 5xx).
    #[error("object storage is unreachable")]
    Unreachable,
    /// The store refused the credentials or the signature.
    #[error("object storage denied access")]
    AccessDenied,
    /// No object under the key (or no upload arrived for a slot).
    #[error("object missing: {key}")]
    ObjectMissing {
        /// The key.
        key: String,
    },
    /// An upload is, or declares, more bytes than allowed.
    #[error("upload exceeds the size limit ({limit:?} bytes)")]
    UploadTooLarge {
        /// The limit, when this service set it (`None`: the store's own limit).
        limit: Option<u64>,
    },
    /// An upload declares no bytes at all.
    #[error("an upload has at least one byte")]
    UploadEmpty,
    /// The stored object's SHA-256 is missing or differs from the declared one.
    #[error("checksum mismatch")]
    ChecksumMismatch,
    /// The stored object's size differs from the declared one.
    #[error("size mismatch: expected {expected}, found {actual}")]
    SizeMismatch {
        /// Declared size.
        expected: u64,
        /// Stored size.
        actual: u64,
    },
    /// An object key (or a part of one) is not acceptable.
    #[error("invalid object key: {why}")]
    KeyInvalid {
        /// What is wrong.
        why: &'static str,
    },
    /// The key belongs to another owner.
    #[error("the object belongs to another owner")]
    NotOwner,
    /// The upload slot expired before an object arrived.
    #[error("the upload slot has expired")]
    SlotExpired,
    /// The content type is not one the purpose accepts.
    #[error("content type not allowed: {content_type}")]
    ContentTypeNotAllowed {
        /// The declared type.
        content_type: String,
    },
    /// A byte range or an expiry outside what the store accepts.
    #[error("invalid range or expiry: {why}")]
    InvalidArgument {
        /// What is wrong.
        why: &'static str,
    },
    /// The requested range lies outside the object.
    #[error("requested range not satisfiable")]
    RangeNotSatisfiable,
    /// An object already exists where a new one was to be written.
    #[error("object already exists")]
    ObjectExists,
    /// Any other failure the store reported (its status and S3 code, for logs only).
    #[error("object storage failed: HTTP {status} {code}")]
    Upstream {
        /// HTTP status from the store.
        status: u16,
        /// The S3 error code, if any.
        code: String,
    },
    /// The store answered something that is not valid S3.
    #[error("object storage answered an invalid response: {why}")]
    InvalidResponse {
        /// What is wrong with it.
        why: &'static str,
    },
}

impl StorageError {
    /// Every `(status, codes)` a [`StorageError`] answers (for the OpenAPI
    /// descriptions of the operations that reach object storage).
    pub const PROBLEMS: &'static [(u16, &'static [&'static str])] = &[
        (
            400,
            &[
                "STORAGE_KEY_INVALID",
                "STORAGE_INVALID_ARGUMENT",
                "STORAGE_UPLOAD_EMPTY",
            ],
        ),
        (403, &["STORAGE_NOT_OWNER"]),
        (404, &["STORAGE_OBJECT_MISSING"]),
        (409, &["STORAGE_OBJECT_EXISTS"]),
        (410, &["STORAGE_SLOT_EXPIRED"]),
        (413, &["STORAGE_UPLOAD_TOO_LARGE"]),
        (415, &["STORAGE_CONTENT_TYPE_NOT_ALLOWED"]),
        (416, &["STORAGE_RANGE_NOT_SATISFIABLE"]),
        (422, &["STORAGE_CHECKSUM_MISMATCH", "STORAGE_SIZE_MISMATCH"]),
        (500, &["STORAGE_NOT_CONFIGURED"]),
        (
            502,
            &[
                "STORAGE_ACCESS_DENIED",
                "STORAGE_UPSTREAM_FAILED",
                "STORAGE_INVALID_RESPONSE",
            ],
        ),
        (503, &["STORAGE_UNREACHABLE"]),
    ];
}

impl ApiError for StorageError {
    fn status(&self) -> u16 {
        match self {
            Self::NotConfigured { .. } => 500,
            Self::Unreachable => 503,
            Self::AccessDenied | Self::Upstream { .. } | Self::InvalidResponse { .. } => 502,
            Self::ObjectMissing { .. } => 404,
            Self::UploadTooLarge { .. } => 413,
            Self::ChecksumMismatch | Self::SizeMismatch { .. } => 422,
            Self::KeyInvalid { .. } | Self::InvalidArgument { .. } | Self::UploadEmpty => 400,
            Self::NotOwner => 403,
            Self::SlotExpired => 410,
            Self::ContentTypeNotAllowed { .. } => 415,
            Self::RangeNotSatisfiable => 416,
            Self::ObjectExists => 409,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured { .. } => "STORAGE_NOT_CONFIGURED",
            Self::Unreachable => "STORAGE_UNREACHABLE",
            Self::AccessDenied => "STORAGE_ACCESS_DENIED",
            Self::ObjectMissing { .. } => "STORAGE_OBJECT_MISSING",
            Self::UploadTooLarge { .. } => "STORAGE_UPLOAD_TOO_LARGE",
            Self::UploadEmpty => "STORAGE_UPLOAD_EMPTY",
            Self::ChecksumMismatch => "STORAGE_CHECKSUM_MISMATCH",
            Self::SizeMismatch { .. } => "STORAGE_SIZE_MISMATCH",
            Self::KeyInvalid { .. } => "STORAGE_KEY_INVALID",
            Self::NotOwner => "STORAGE_NOT_OWNER",
            Self::SlotExpired => "STORAGE_SLOT_EXPIRED",
            Self::ContentTypeNotAllowed { .. } => "STORAGE_CONTENT_TYPE_NOT_ALLOWED",
            Self::InvalidArgument { .. } => "STORAGE_INVALID_ARGUMENT",
            Self::RangeNotSatisfiable => "STORAGE_RANGE_NOT_SATISFIABLE",
            Self::ObjectExists => "STORAGE_OBJECT_EXISTS",
            Self::Upstream { .. } => "STORAGE_UPSTREAM_FAILED",
            Self::InvalidResponse { .. } => "STORAGE_INVALID_RESPONSE",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            Self::NotConfigured { .. } => ("文件存储未配置", "Object storage is not configured"),
            Self::Unreachable => ("文件存储暂时无法访问", "Object storage is unreachable"),
            Self::AccessDenied => ("文件存储拒绝访问", "Object storage denied access"),
            Self::ObjectMissing { .. } => ("文件不存在", "File not found"),
            Self::UploadTooLarge { .. } => ("上传文件过大", "Upload too large"),
            Self::UploadEmpty => ("上传文件为空", "Empty upload"),
            Self::ChecksumMismatch => ("文件校验值不符", "Checksum mismatch"),
            Self::SizeMismatch { .. } => ("文件大小不符", "Size mismatch"),
            Self::KeyInvalid { .. } => ("文件路径无效", "Invalid object key"),
            Self::NotOwner => ("无权操作该文件", "Not the owner of this file"),
            Self::SlotExpired => ("上传凭证已过期", "Upload slot expired"),
            Self::ContentTypeNotAllowed { .. } => ("文件类型不允许", "Content type not allowed"),
            Self::InvalidArgument { .. } => ("参数无效", "Invalid argument"),
            Self::RangeNotSatisfiable => ("请求的范围无效", "Range not satisfiable"),
            Self::ObjectExists => ("文件已存在", "File already exists"),
            Self::Upstream { .. } => ("文件存储出错", "Object storage failed"),
            Self::InvalidResponse { .. } => ("文件存储应答无效", "Invalid storage response"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::NotConfigured { .. } => lang.pick(
                "文件存储配置不完整，请联系运维人员。".to_owned(),
                "Object storage is not fully configured; please contact the operators.".to_owned(),
            ),
            Self::Unreachable => lang.pick(
                "暂时无法连接文件存储，请稍后重试。".to_owned(),
                "Object storage cannot be reached right now; please retry later.".to_owned(),
            ),
            Self::AccessDenied => lang.pick(
                "文件存储拒绝了本服务的访问，请联系运维人员。".to_owned(),
                "Object storage refused this service's credentials; please contact the operators.".to_owned(),
            ),
            Self::ObjectMissing { .. } => lang.pick(
                "找不到该文件；如为上传，请先完成上传再确认。".to_owned(),
                "No such file; if you are uploading, finish the upload before confirming.".to_owned(),
            ),
            Self::UploadTooLarge { limit: Some(limit) } => lang.pick(
                format!("文件超过大小上限，最多允许 {limit} 字节。"),
                format!("The file is too large; at most {limit} bytes are allowed."),
            ),
            Self::UploadTooLarge { limit: None } => lang.pick(
                "文件超过存储允许的大小。".to_owned(),
                "The file is larger than the storage accepts.".to_owned(),
            ),
            Self::UploadEmpty => lang.pick(
                "上传文件不能为空，请声明文件的实际字节数。".to_owned(),
                "An upload needs at least one byte; declare the file's actual size.".to_owned(),
            ),
            Self::ChecksumMismatch => lang.pick(
                "上传文件的 SHA-256 校验值与申请时不符，文件未被接收，请重新上传。".to_owned(),
                "The uploaded file's SHA-256 differs from the declared one; it was not accepted, please upload again.".to_owned(),
            ),
            Self::SizeMismatch { expected, actual } => lang.pick(
                format!("上传文件为 {actual} 字节，申请时声明为 {expected} 字节，文件未被接收。"),
                format!("The uploaded file has {actual} bytes but {expected} were declared; it was not accepted."),
            ),
            Self::KeyInvalid { .. } => lang.pick(
                "文件路径包含不允许的内容。".to_owned(),
                "The object key contains something that is not allowed.".to_owned(),
            ),
            Self::NotOwner => lang.pick(
                "该文件属于其他用户。".to_owned(),
                "This file belongs to someone else.".to_owned(),
            ),
            Self::SlotExpired => lang.pick(
                "上传凭证已过期且未收到文件，请重新申请。".to_owned(),
                "The upload slot expired before a file arrived; please request a new one.".to_owned(),
            ),
            Self::ContentTypeNotAllowed { content_type } => lang.pick(
                format!("不接受类型为 {content_type} 的文件。"),
                format!("Files of type {content_type} are not accepted."),
            ),
            Self::InvalidArgument { .. } => lang.pick(
                "范围或有效期参数无效。".to_owned(),
                "The range or expiry is invalid.".to_owned(),
            ),
            Self::RangeNotSatisfiable => lang.pick(
                "请求的字节范围超出文件长度。".to_owned(),
                "The requested byte range lies outside the file.".to_owned(),
            ),
            Self::ObjectExists => lang.pick(
                "该位置已有文件，不能覆盖。".to_owned(),
                "A file already exists there and cannot be overwritten.".to_owned(),
            ),
            Self::Upstream { .. } | Self::InvalidResponse { .. } => lang.pick(
                "文件存储处理请求失败，请稍后重试。".to_owned(),
                "Object storage failed to handle the request; please retry later.".to_owned(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn codes_statuses_and_texts() {
        let all = [
            StorageError::NotConfigured {
                variable: "object_store_bucket",
                why: "has no value",
            },
            StorageError::Unreachable,
            StorageError::AccessDenied,
            StorageError::ObjectMissing { key: "k".into() },
            StorageError::UploadTooLarge { limit: Some(8) },
            StorageError::UploadEmpty,
            StorageError::ChecksumMismatch,
            StorageError::SizeMismatch {
                expected: 1,
                actual: 2,
            },
            StorageError::KeyInvalid { why: "x" },
            StorageError::NotOwner,
            StorageError::SlotExpired,
            StorageError::ContentTypeNotAllowed {
                content_type: "a/b".into(),
            },
            StorageError::InvalidArgument { why: "x" },
            StorageError::RangeNotSatisfiable,
            StorageError::ObjectExists,
            StorageError::Upstream {
                status: 500,
                code: "InternalError".into(),
            },
            StorageError::InvalidResponse { why: "x" },
        ];
        let mut codes = std::collections::HashSet::new();
        for e in &all {
            assert!(codes.insert(e.code()), "duplicate code {}", e.code());
            assert!(e.code().starts_with("STORAGE_"));
            assert!((400..600).contains(&e.status()));
            let zh = Problem::from_error(e, Lang::ZhCn, None);
            let en = Problem::from_error(e, Lang::En, Some("r1"));
            assert_ne!(zh.detail, en.detail);
            assert!(
                !en.detail.contains("InternalError"),
                "no internals: {}",
                en.detail
            );
        }
        assert_eq!(StorageError::Unreachable.status(), 503);
        assert_eq!(
            StorageError::UploadTooLarge { limit: Some(8) }.status(),
            413
        );
        assert_eq!(
            Problem::from_error(
                &StorageError::UploadTooLarge { limit: Some(8) },
                Lang::En,
                None
            )
            .detail,
            "The file is too large; at most 8 bytes are allowed."
        );
    }
}
