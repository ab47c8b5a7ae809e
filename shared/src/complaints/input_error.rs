//! Bad input to the complaints domain: every parser's refusal names the field it
//! refuses, carries a stable code, and reads in zh-CN and English. No message echoes
//! the untrusted value itself (it could be long, or personal data).

use crate::problem::{FieldError, Lang};
use crate::security::credit_code::CreditCodeError;

use super::attachment::AttachmentKind;
use super::channel::Channel;

/// One refused input, naming its field (a JSON member name or path such as
/// `attachments/2`, without the leading `/`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The enterprise's unified social credit code is not valid.
    #[error("{field}: {error}")]
    CreditCode {
        /// The field.
        field: String,
        /// Why the code is not valid.
        error: CreditCodeError,
    },
    /// Not one of the channels `qr`, `online`, `phone`, `letter`, `visit`.
    #[error("{field}: unknown channel")]
    ChannelUnknown {
        /// The field.
        field: String,
    },
    /// Not the code of a category in the catalogue.
    #[error("{field}: unknown category")]
    CategoryUnknown {
        /// The field.
        field: String,
    },
    /// Not the code of a department in the catalogue.
    #[error("{field}: unknown department")]
    DepartmentUnknown {
        /// The field.
        field: String,
    },
    /// The supervising office supervises; it is not assigned cases to handle.
    #[error("{field}: the supervising office cannot be a handling department")]
    NotHandlingDepartment {
        /// The field.
        field: String,
    },
    /// A department named twice in one assignment (lead and co-handler, or twice).
    #[error("{field}: department named twice")]
    DepartmentRepeated {
        /// The field.
        field: String,
    },
    /// More co-handling departments than an assignment may have.
    #[error("{field}: at most {max} co-handling departments")]
    TooManyCoHandlers {
        /// The field.
        field: String,
        /// The most allowed.
        max: usize,
    },
    /// A text shorter or longer than its bounds (in characters, after trimming).
    #[error("{field}: must have {min} to {max} characters, found {found}")]
    TextLength {
        /// The field.
        field: String,
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
        /// Characters found.
        found: usize,
    },
    /// A text holding a control character other than a line break or a tab.
    #[error("{field}: contains a control character")]
    TextControl {
        /// The field.
        field: String,
    },
    /// Not a problem key (a lower-case slug such as `permit-renewal-docs`).
    #[error("{field}: a problem key is a lower-case slug such as permit-renewal-docs")]
    ProblemKeyInvalid {
        /// The field.
        field: String,
    },
    /// Not a case id.
    #[error("{field}: not a case id")]
    CaseIdInvalid {
        /// The field.
        field: String,
    },
    /// Not a month written `YYYY-MM`.
    #[error("{field}: a month is written YYYY-MM")]
    MonthMalformed {
        /// The field.
        field: String,
    },
    /// A month whose year is outside the accepted range.
    #[error("{field}: year {year} is outside {min}-{max}")]
    MonthOutOfRange {
        /// The field.
        field: String,
        /// The year given.
        year: i32,
        /// The earliest year accepted.
        min: i32,
        /// The latest year accepted.
        max: i32,
    },
    /// The file's bytes are not a JPEG, PNG, WebP or MP4, whatever its name says.
    #[error("{field}: only JPEG, PNG and WebP photos and MP4 videos are accepted")]
    AttachmentType {
        /// The field.
        field: String,
    },
    /// The file is larger than its kind allows.
    #[error("{field}: a {kind} file may have at most {limit} bytes")]
    AttachmentTooLarge {
        /// The field.
        field: String,
        /// What the bytes are.
        kind: AttachmentKind,
        /// The most bytes allowed for that kind.
        limit: u64,
    },
    /// The file is empty.
    #[error("{field}: the file is empty")]
    AttachmentEmpty {
        /// The field.
        field: String,
    },
    /// The attachment's id is empty, too long or holds a control character.
    #[error("{field}: not an attachment id")]
    AttachmentIdInvalid {
        /// The field.
        field: String,
    },
    /// The same attachment attached twice.
    #[error("{field}: attachment attached twice")]
    AttachmentRepeated {
        /// The field.
        field: String,
    },
    /// More attachments than a case may have.
    #[error("{field}: at most {max} attachments, found {found}")]
    TooManyAttachments {
        /// The field.
        field: String,
        /// The most allowed.
        max: usize,
        /// How many were given.
        found: usize,
    },
    /// A receipt time in the future, too far back, or given for a channel where the
    /// filing itself is the receipt.
    #[error(
        "{field}: the receipt time must lie within the last {max_days} days, and only staff give it"
    )]
    ReceivedAtInvalid {
        /// The field.
        field: String,
        /// How many days back a receipt may be entered.
        max_days: i64,
    },
    /// This caller may not file through this channel (enterprises file `qr` and
    /// `online`; staff enter `phone`, `letter` and `visit`).
    #[error("{field}: this caller may not file through the {channel} channel")]
    FilerNotAllowed {
        /// The field.
        field: String,
        /// The channel.
        channel: Channel,
    },
    /// An enterprise filing for another enterprise.
    #[error("{field}: an enterprise files only its own cases")]
    NotOwnEnterprise {
        /// The field.
        field: String,
    },
}

impl InputError {
    /// The field the error names.
    pub fn field(&self) -> &str {
        match self {
            Self::CreditCode { field, .. }
            | Self::ChannelUnknown { field }
            | Self::CategoryUnknown { field }
            | Self::DepartmentUnknown { field }
            | Self::NotHandlingDepartment { field }
            | Self::DepartmentRepeated { field }
            | Self::TooManyCoHandlers { field, .. }
            | Self::TextLength { field, .. }
            | Self::TextControl { field }
            | Self::ProblemKeyInvalid { field }
            | Self::CaseIdInvalid { field }
            | Self::MonthMalformed { field }
            | Self::MonthOutOfRange { field, .. }
            | Self::AttachmentType { field }
            | Self::AttachmentTooLarge { field, .. }
            | Self::AttachmentEmpty { field }
            | Self::AttachmentIdInvalid { field }
            | Self::AttachmentRepeated { field }
            | Self::TooManyAttachments { field, .. }
            | Self::ReceivedAtInvalid { field, .. }
            | Self::FilerNotAllowed { field, .. }
            | Self::NotOwnEnterprise { field } => field,
        }
    }

    /// The field as a JSON Pointer (`/description`, `/attachments/2`).
    pub fn pointer(&self) -> String {
        format!("/{}", self.field())
    }

    /// Every code an [`InputError`] answers (for the OpenAPI descriptions).
    pub const CODES: &'static [&'static str] = &[
        "COMPLAINTS_CREDIT_CODE_INVALID",
        "COMPLAINTS_CHANNEL_UNKNOWN",
        "COMPLAINTS_CATEGORY_UNKNOWN",
        "COMPLAINTS_DEPARTMENT_UNKNOWN",
        "COMPLAINTS_DEPARTMENT_NOT_HANDLING",
        "COMPLAINTS_DEPARTMENT_REPEATED",
        "COMPLAINTS_CO_HANDLERS_TOO_MANY",
        "COMPLAINTS_TEXT_LENGTH",
        "COMPLAINTS_TEXT_CONTROL_CHARACTER",
        "COMPLAINTS_PROBLEM_KEY_INVALID",
        "COMPLAINTS_CASE_ID_INVALID",
        "COMPLAINTS_MONTH_MALFORMED",
        "COMPLAINTS_MONTH_OUT_OF_RANGE",
        "COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED",
        "COMPLAINTS_ATTACHMENT_TOO_LARGE",
        "COMPLAINTS_ATTACHMENT_EMPTY",
        "COMPLAINTS_ATTACHMENT_ID_INVALID",
        "COMPLAINTS_ATTACHMENT_REPEATED",
        "COMPLAINTS_ATTACHMENTS_TOO_MANY",
        "COMPLAINTS_RECEIVED_AT_INVALID",
        "COMPLAINTS_FILER_NOT_ALLOWED",
        "COMPLAINTS_NOT_OWN_ENTERPRISE",
    ];

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CreditCode { .. } => "COMPLAINTS_CREDIT_CODE_INVALID",
            Self::ChannelUnknown { .. } => "COMPLAINTS_CHANNEL_UNKNOWN",
            Self::CategoryUnknown { .. } => "COMPLAINTS_CATEGORY_UNKNOWN",
            Self::DepartmentUnknown { .. } => "COMPLAINTS_DEPARTMENT_UNKNOWN",
            Self::NotHandlingDepartment { .. } => "COMPLAINTS_DEPARTMENT_NOT_HANDLING",
            Self::DepartmentRepeated { .. } => "COMPLAINTS_DEPARTMENT_REPEATED",
            Self::TooManyCoHandlers { .. } => "COMPLAINTS_CO_HANDLERS_TOO_MANY",
            Self::TextLength { .. } => "COMPLAINTS_TEXT_LENGTH",
            Self::TextControl { .. } => "COMPLAINTS_TEXT_CONTROL_CHARACTER",
            Self::ProblemKeyInvalid { .. } => "COMPLAINTS_PROBLEM_KEY_INVALID",
            Self::CaseIdInvalid { .. } => "COMPLAINTS_CASE_ID_INVALID",
            Self::MonthMalformed { .. } => "COMPLAINTS_MONTH_MALFORMED",
            Self::MonthOutOfRange { .. } => "COMPLAINTS_MONTH_OUT_OF_RANGE",
            Self::AttachmentType { .. } => "COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED",
            Self::AttachmentTooLarge { .. } => "COMPLAINTS_ATTACHMENT_TOO_LARGE",
            Self::AttachmentEmpty { .. } => "COMPLAINTS_ATTACHMENT_EMPTY",
            Self::AttachmentIdInvalid { .. } => "COMPLAINTS_ATTACHMENT_ID_INVALID",
            Self::AttachmentRepeated { .. } => "COMPLAINTS_ATTACHMENT_REPEATED",
            Self::TooManyAttachments { .. } => "COMPLAINTS_ATTACHMENTS_TOO_MANY",
            Self::ReceivedAtInvalid { .. } => "COMPLAINTS_RECEIVED_AT_INVALID",
            Self::FilerNotAllowed { .. } => "COMPLAINTS_FILER_NOT_ALLOWED",
            Self::NotOwnEnterprise { .. } => "COMPLAINTS_NOT_OWN_ENTERPRISE",
        }
    }

    /// The HTTP status: 403 for who may file, 413/415 for files, else 400.
    pub fn status(&self) -> u16 {
        match self {
            Self::FilerNotAllowed { .. } | Self::NotOwnEnterprise { .. } => 403,
            Self::AttachmentTooLarge { .. } => 413,
            Self::AttachmentType { .. } => 415,
            _ => 400,
        }
    }

    /// The message in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        let f = self.field();
        match self {
            Self::CreditCode { error, .. } => format!("{f}：{}", error.message_zh()),
            Self::ChannelUnknown { .. } => {
                format!("{f}：诉求渠道应为 qr、online、phone、letter、visit 之一。")
            }
            Self::CategoryUnknown { .. } => format!("{f}：诉求类别不在目录中。"),
            Self::DepartmentUnknown { .. } => format!("{f}：部门不在目录中。"),
            Self::NotHandlingDepartment { .. } => {
                format!("{f}：营商环境办负责督办，不能作为承办部门。")
            }
            Self::DepartmentRepeated { .. } => format!("{f}：同一部门不能重复指定。"),
            Self::TooManyCoHandlers { max, .. } => format!("{f}：协办部门最多 {max} 个。"),
            Self::TextLength {
                min, max, found, ..
            } => format!("{f}：应为 {min} 至 {max} 个字，实际 {found} 个字。"),
            Self::TextControl { .. } => format!("{f}：含有不允许的控制字符。"),
            Self::ProblemKeyInvalid { .. } => format!(
                "{f}：问题标识应为小写字母、数字和连字符组成的短语，如 permit-renewal-docs。"
            ),
            Self::CaseIdInvalid { .. } => format!("{f}：诉求编号格式不正确。"),
            Self::MonthMalformed { .. } => format!("{f}：月份格式应为 YYYY-MM。"),
            Self::MonthOutOfRange { year, min, max, .. } => {
                format!("{f}：年份 {year} 超出可接受范围 {min}–{max}。")
            }
            Self::AttachmentType { .. } => {
                format!("{f}：仅接受 JPEG、PNG、WebP 图片和 MP4 视频（按文件内容识别）。")
            }
            Self::AttachmentTooLarge { kind, limit, .. } => format!(
                "{f}：{} 文件不能超过 {} MB。",
                kind.label(),
                limit / (1024 * 1024)
            ),
            Self::AttachmentEmpty { .. } => format!("{f}：文件为空。"),
            Self::AttachmentIdInvalid { .. } => format!("{f}：附件标识无效。"),
            Self::AttachmentRepeated { .. } => format!("{f}：同一附件重复提交。"),
            Self::TooManyAttachments { max, found, .. } => {
                format!("{f}：附件最多 {max} 个，实际 {found} 个。")
            }
            Self::ReceivedAtInvalid { max_days, .. } => format!(
                "{f}：收件时间只能由工作人员填写，且应在最近 {max_days} 天内、不晚于当前时间。"
            ),
            Self::FilerNotAllowed { channel, .. } => format!(
                "{f}：{} 渠道的诉求{}。",
                channel.as_str(),
                if channel.filed_by_enterprise() {
                    "由企业本身提交"
                } else {
                    "由工作人员录入"
                }
            ),
            Self::NotOwnEnterprise { .. } => format!("{f}：企业只能提交本企业的诉求。"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::CreditCode { field, error } => format!("{field}: {}", error.message_en()),
            Self::AttachmentTooLarge { field, kind, limit } => format!(
                "{field}: a {} file may be at most {} MB.",
                kind.label(),
                limit / (1024 * 1024)
            ),
            _ => self.to_string(),
        }
    }

    /// A field-level error for a problem answer.
    pub fn field_error(&self, lang: Lang) -> FieldError {
        FieldError {
            pointer: self.pointer(),
            code: self.code().to_owned(),
            message: lang.pick(self.message_zh(), self.message_en()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_names_its_field_in_both_languages() {
        let all = [
            InputError::ChannelUnknown {
                field: "channel".into(),
            },
            InputError::CategoryUnknown {
                field: "category".into(),
            },
            InputError::MonthOutOfRange {
                field: "month".into(),
                year: 1999,
                min: 2000,
                max: 2100,
            },
            InputError::AttachmentTooLarge {
                field: "attachments/1".into(),
                kind: AttachmentKind::Mp4,
                limit: 50 * 1024 * 1024,
            },
            InputError::FilerNotAllowed {
                field: "channel".into(),
                channel: Channel::Phone,
            },
        ];
        for e in &all {
            assert!(e.message_zh().starts_with(e.field()), "{e:?}");
            assert!(e.message_en().starts_with(e.field()), "{e:?}");
            assert!(e.code().starts_with("COMPLAINTS_"));
        }
        assert!(all[3].message_en().contains("50 MB"));
        assert_eq!(all[3].status(), 413);
        assert_eq!(all[4].status(), 403);
        assert!(all[4].message_zh().contains("工作人员"));
    }
}
