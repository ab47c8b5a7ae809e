//! The check-in boundary's own errors (the core's `RuleError` and `CodeError` answer
//! for themselves): statuses, stable codes, zh-CN and en.

use yingshang_core::problem::{ApiError, FieldError, Lang};

/// Why a check-in request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinError {
    /// No such enterprise in the register (404).
    EnterpriseNotFound,
    /// No such inspection, or not one the caller may see (404).
    InspectionNotFound,
    /// No such import (404).
    ImportNotFound,
    /// No such upload slot (404).
    SlotNotFound,
    /// The agency has published no rules (404).
    AgencyNotFound,
    /// No such survey, or not one for this enterprise (404).
    SurveyNotFound,
    /// An officer or staff token is needed (403).
    OfficersOnly,
    /// Only the justice bureau may see this (403).
    JusticeOnly,
    /// The enterprise answered this survey already (409).
    AlreadyAnswered,
    /// A query parameter or body field is invalid (400).
    Field {
        /// The field.
        field: &'static str,
        /// What it should be, zh-CN.
        zh: &'static str,
        /// The same in English.
        en: &'static str,
    },
    /// A complaint about this inspection was raised already (409).
    AlreadyComplained,
    /// The complaints function refused the case (its status and code passed on).
    ComplaintRefused {
        /// Its status.
        status: u16,
        /// Its code.
        code: String,
    },
    /// The complaints function could not be reached (503).
    ComplaintsUnavailable,
    /// The secret for codes is not configured (500-class: 503 so that it is retried).
    CodeSecretMissing,
    /// Writing needs an `Idempotency-Key` (400).
    IdempotencyKeyRequired,
}

impl ApiError for CheckinError {
    fn status(&self) -> u16 {
        match self {
            Self::EnterpriseNotFound
            | Self::InspectionNotFound
            | Self::ImportNotFound
            | Self::SlotNotFound
            | Self::AgencyNotFound
            | Self::SurveyNotFound => 404,
            Self::OfficersOnly | Self::JusticeOnly => 403,
            Self::AlreadyAnswered | Self::AlreadyComplained => 409,
            Self::Field { .. } | Self::IdempotencyKeyRequired => 400,
            Self::ComplaintRefused { status, .. } => *status,
            Self::ComplaintsUnavailable | Self::CodeSecretMissing => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::EnterpriseNotFound => "CHECKIN_ENTERPRISE_NOT_FOUND",
            Self::InspectionNotFound => "CHECKIN_INSPECTION_NOT_FOUND",
            Self::ImportNotFound => "CHECKIN_IMPORT_NOT_FOUND",
            Self::SlotNotFound => "CHECKIN_IMPORT_SLOT_NOT_FOUND",
            Self::AgencyNotFound => "CHECKIN_AGENCY_NOT_FOUND",
            Self::SurveyNotFound => "CHECKIN_SURVEY_NOT_FOUND",
            Self::OfficersOnly => "CHECKIN_OFFICERS_ONLY",
            Self::JusticeOnly => "CHECKIN_JUSTICE_BUREAU_ONLY",
            Self::AlreadyAnswered => "CHECKIN_SURVEY_ALREADY_ANSWERED",
            Self::Field { .. } => "CHECKIN_FIELD_INVALID",
            Self::AlreadyComplained => "CHECKIN_ALREADY_COMPLAINED",
            Self::ComplaintRefused { .. } => "CHECKIN_COMPLAINT_REFUSED",
            Self::ComplaintsUnavailable => "CHECKIN_COMPLAINTS_UNAVAILABLE",
            Self::CodeSecretMissing => "CHECKIN_CODE_SECRET_MISSING",
            Self::IdempotencyKeyRequired => "CHECKIN_IDEMPOTENCY_KEY_REQUIRED",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            404 => ("未找到", "Not found"),
            403 => ("无权操作", "Not allowed"),
            409 => ("与当前状态冲突", "Conflicts with the current state"),
            503 => ("暂时无法办理", "Temporarily unavailable"),
            _ => ("输入有误", "Invalid input"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::EnterpriseNotFound => lang.pick(
                "企业名录中没有这家企业。",
                "The enterprise is not in the register.",
            ),
            Self::InspectionNotFound => lang.pick(
                "没有这次检查，或您无权查看。",
                "There is no such inspection, or you may not see it.",
            ),
            Self::ImportNotFound => lang.pick("没有这次导入。", "There is no such import."),
            Self::SlotNotFound => lang.pick(
                "没有这个上传位置，请先申请上传。",
                "There is no such upload slot; ask for one first.",
            ),
            Self::AgencyNotFound => lang.pick(
                "该机关尚未公布检查事项。",
                "The agency has published no inspection items.",
            ),
            Self::SurveyNotFound => lang.pick(
                "没有这项问卷，或它不面向贵企业。",
                "There is no such survey for your enterprise.",
            ),
            Self::OfficersOnly => lang.pick(
                "仅执法机关工作人员可以操作。",
                "Only staff of an enforcement agency may do this.",
            ),
            Self::JusticeOnly => lang.pick(
                "仅司法局可以查看。",
                "Only the justice bureau may see this.",
            ),
            Self::AlreadyAnswered => lang.pick(
                "贵企业已填写过这项问卷。",
                "Your enterprise answered this survey already.",
            ),
            Self::Field { field, zh, en } => {
                return lang.pick(format!("{field}：{zh}"), format!("{field}: {en}"));
            }
            Self::AlreadyComplained => lang.pick(
                "已就这次检查提出过投诉。",
                "A complaint about this inspection was raised already.",
            ),
            Self::ComplaintRefused { code, .. } => {
                return lang.pick(
                    format!("诉求平台未受理（{code}）。"),
                    format!("The complaints platform refused the case ({code})."),
                );
            }
            Self::ComplaintsUnavailable => lang.pick(
                "诉求平台暂时无法访问，请稍后再试。",
                "The complaints platform cannot be reached; try again later.",
            ),
            Self::CodeSecretMissing => lang.pick(
                "企业码签名密钥未配置。",
                "The enterprise code secret is not configured.",
            ),
            Self::IdempotencyKeyRequired => lang.pick(
                "此操作须带 Idempotency-Key 请求头。",
                "This request needs an Idempotency-Key header.",
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
