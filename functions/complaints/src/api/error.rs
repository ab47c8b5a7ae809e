//! The complaints boundary's own errors (the core's `InputErrors`, `LoopError` and
//! `CatalogueError` answer for themselves): statuses, stable codes, zh-CN and en.

use yingshang_core::problem::{ApiError, FieldError, Lang};

/// Why a complaints request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintsError {
    /// No such case, or not one the caller may see (404: a stranger learns nothing).
    CaseNotFound,
    /// Filing needs an `Idempotency-Key` (400).
    IdempotencyKeyRequired,
    /// The caller's organisation is no department of the catalogue (403).
    NotADepartment,
    /// Only the supervising office may do this (403).
    OfficeOnly,
    /// A query parameter or body field is invalid (400).
    Field {
        /// The field.
        field: &'static str,
        /// What it should be, zh-CN.
        zh: &'static str,
        /// The same in English.
        en: &'static str,
    },
    /// Others changed the same case at the same moment; retry (409).
    Contended,
    /// The case is refused or closed: nothing more joins it (409).
    CaseEnded,
    /// The case has no attachment of that number (404).
    AttachmentNotFound,
    /// The case was published as a typical case before (409).
    AlreadyPublished,
}

impl ApiError for ComplaintsError {
    fn status(&self) -> u16 {
        match self {
            Self::CaseNotFound | Self::AttachmentNotFound => 404,
            Self::IdempotencyKeyRequired | Self::Field { .. } => 400,
            Self::NotADepartment | Self::OfficeOnly => 403,
            Self::Contended | Self::CaseEnded | Self::AlreadyPublished => 409,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::CaseNotFound => "COMPLAINTS_CASE_NOT_FOUND",
            Self::IdempotencyKeyRequired => "COMPLAINTS_IDEMPOTENCY_KEY_REQUIRED",
            Self::NotADepartment => "COMPLAINTS_NOT_A_DEPARTMENT",
            Self::OfficeOnly => "COMPLAINTS_OFFICE_ONLY",
            Self::Field { .. } => "COMPLAINTS_FIELD_INVALID",
            Self::Contended => "COMPLAINTS_CONTENDED",
            Self::CaseEnded => "COMPLAINTS_CASE_ENDED",
            Self::AttachmentNotFound => "COMPLAINTS_ATTACHMENT_NOT_FOUND",
            Self::AlreadyPublished => "COMPLAINTS_TYPICAL_ALREADY_PUBLISHED",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            404 => ("未找到", "Not found"),
            403 => ("无权操作", "Not allowed"),
            409 => ("与诉求当前状态冲突", "Conflicts with the case's state"),
            _ => ("输入有误", "Invalid input"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::CaseNotFound => lang.pick(
                "没有这件诉求，或您无权查看。",
                "There is no such case, or you may not see it.",
            ),
            Self::IdempotencyKeyRequired => lang.pick(
                "提交诉求须带 Idempotency-Key 请求头。",
                "Filing a case needs an Idempotency-Key header.",
            ),
            Self::NotADepartment => lang.pick(
                "您所在单位不是诉求办理部门。",
                "Your organisation is not a handling department.",
            ),
            Self::OfficeOnly => lang.pick(
                "仅营商环境办可以查看。",
                "Only the supervising office may see this.",
            ),
            Self::Field { field, zh, en } => {
                return lang.pick(format!("{field}：{zh}"), format!("{field}: {en}"));
            }
            Self::Contended => lang.pick(
                "其他人同时修改了这件诉求，请重试。",
                "Someone changed the case at the same moment; try again.",
            ),
            Self::CaseEnded => lang.pick(
                "诉求已办结或不予受理，不能再添加附件。",
                "The case has ended; nothing more can be attached.",
            ),
            Self::AttachmentNotFound => lang.pick("没有这个附件。", "There is no such attachment."),
            Self::AlreadyPublished => lang.pick(
                "这件诉求已发布为典型案例。",
                "This case was published as a typical case before.",
            ),
        }
        .to_owned()
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        match self {
            Self::Field { field, zh, en } => vec![FieldError {
                pointer: format!("/{field}"),
                code: self.code().to_owned(),
                message: lang.pick(*zh, *en).to_owned(),
            }],
            _ => Vec::new(),
        }
    }
}
