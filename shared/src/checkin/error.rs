//! Every refusal of the check-in rules: a stable code naming the rule, an HTTP status,
//! and the message in Chinese and English.

/// A rule of check-in refused the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A field is empty, too long, out of range or malformed.
    #[error("field {field} is invalid")]
    Field {
        /// JSON pointer of the field.
        field: String,
        /// Its bound (length or value), 0 when it is an order.
        max: usize,
    },
    /// A code or id appears twice where it must be unique.
    #[error("field {field} repeats an earlier entry")]
    Duplicate {
        /// JSON pointer of the second entry.
        field: String,
    },
    /// The scanning user is not an officer of the agency's list.
    #[error("not a registered officer of the agency")]
    OfficerUnknown,
    /// The officer's certificate is not valid on the day of the inspection.
    #[error("the enforcement certificate is not valid on that day")]
    CertificateInvalid,
    /// The item is not one the agency publishes.
    #[error("the agency does not publish item {0}")]
    ItemNotPublished(String),
    /// The same officer scanned again: a second officer of the agency must scan.
    #[error("one officer only: a second officer of the agency must scan")]
    OneOfficerOnly,
    /// The second officer declared another inspection than the first.
    #[error("the second scan declares another inspection than the first")]
    ScanMismatch,
    /// A routine inspection over the agency's annual cap for this enterprise.
    #[error("routine inspections of this enterprise reached the agency's cap of {cap} this year")]
    RoutineCapReached {
        /// The cap.
        cap: u32,
    },
    /// A special inspection names no campaign of the agency running on that day.
    #[error("no campaign {0} of the agency runs on that day")]
    CampaignInactive(String),
    /// The campaign's quota for this enterprise is used up.
    #[error("campaign quota of {quota} reached for this enterprise")]
    CampaignQuotaReached {
        /// The quota.
        quota: u32,
    },
    /// A late scan more than 10 calendar days after the arrival.
    #[error("a late scan must come within {days} calendar days of the arrival")]
    LateWindowPassed {
        /// The window.
        days: i64,
    },
    /// A late scan with an arrival in the future.
    #[error("the arrival time is in the future")]
    ArrivalInFuture,
    /// A late scan without its reason.
    #[error("a late scan needs its reason")]
    LateReasonRequired,
    /// No approval reference (required except for an emergency, approved afterwards).
    #[error("the approval reference is required")]
    ApprovalRequired,
    /// The inspection was already closed by a check-out.
    #[error("the inspection has already been checked out")]
    AlreadyLeft,
    /// The caller is not one of the inspection's officers.
    #[error("not an officer of this inspection")]
    NotAMember,
    /// Leaving before arriving.
    #[error("the leaving time is before the arrival")]
    LeftBeforeArrival,
    /// A rating before the officers checked out.
    #[error("an inspection is rated after the check-out")]
    RatingBeforeLeaving,
    /// The enterprise rated this inspection already.
    #[error("the inspection has been rated already")]
    AlreadyRated,
}

impl RuleError {
    /// The codes answered with 403 (who may not).
    pub const CODES_403: &[&str] = &[
        "CHECKIN_OFFICER_UNKNOWN",
        "CHECKIN_CERTIFICATE_INVALID",
        "CHECKIN_NOT_AN_OFFICER_OF_THIS_INSPECTION",
    ];
    /// The codes answered with 409 (a state that forbids it).
    pub const CODES_409: &[&str] = &[
        "CHECKIN_ONE_OFFICER_ONLY",
        "CHECKIN_SCAN_MISMATCH",
        "CHECKIN_ROUTINE_CAP_REACHED",
        "CHECKIN_CAMPAIGN_QUOTA_REACHED",
        "CHECKIN_ALREADY_LEFT",
        "CHECKIN_RATING_BEFORE_LEAVING",
        "CHECKIN_ALREADY_RATED",
    ];
    /// The codes answered with 422 (what is wrong with the request itself).
    pub const CODES_422: &[&str] = &[
        "CHECKIN_FIELD_INVALID",
        "CHECKIN_DUPLICATE",
        "CHECKIN_ITEM_NOT_PUBLISHED",
        "CHECKIN_CAMPAIGN_INACTIVE",
        "CHECKIN_LATE_WINDOW_PASSED",
        "CHECKIN_ARRIVAL_IN_FUTURE",
        "CHECKIN_LATE_REASON_REQUIRED",
        "CHECKIN_APPROVAL_REQUIRED",
        "CHECKIN_LEFT_BEFORE_ARRIVAL",
    ];

    /// The stable problem code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::Field { .. } => "CHECKIN_FIELD_INVALID",
            RuleError::Duplicate { .. } => "CHECKIN_DUPLICATE",
            RuleError::OfficerUnknown => "CHECKIN_OFFICER_UNKNOWN",
            RuleError::CertificateInvalid => "CHECKIN_CERTIFICATE_INVALID",
            RuleError::ItemNotPublished(_) => "CHECKIN_ITEM_NOT_PUBLISHED",
            RuleError::OneOfficerOnly => "CHECKIN_ONE_OFFICER_ONLY",
            RuleError::ScanMismatch => "CHECKIN_SCAN_MISMATCH",
            RuleError::RoutineCapReached { .. } => "CHECKIN_ROUTINE_CAP_REACHED",
            RuleError::CampaignInactive(_) => "CHECKIN_CAMPAIGN_INACTIVE",
            RuleError::CampaignQuotaReached { .. } => "CHECKIN_CAMPAIGN_QUOTA_REACHED",
            RuleError::LateWindowPassed { .. } => "CHECKIN_LATE_WINDOW_PASSED",
            RuleError::ArrivalInFuture => "CHECKIN_ARRIVAL_IN_FUTURE",
            RuleError::LateReasonRequired => "CHECKIN_LATE_REASON_REQUIRED",
            RuleError::ApprovalRequired => "CHECKIN_APPROVAL_REQUIRED",
            RuleError::AlreadyLeft => "CHECKIN_ALREADY_LEFT",
            RuleError::NotAMember => "CHECKIN_NOT_AN_OFFICER_OF_THIS_INSPECTION",
            RuleError::LeftBeforeArrival => "CHECKIN_LEFT_BEFORE_ARRIVAL",
            RuleError::RatingBeforeLeaving => "CHECKIN_RATING_BEFORE_LEAVING",
            RuleError::AlreadyRated => "CHECKIN_ALREADY_RATED",
        }
    }

    /// The HTTP status: 403 for who may not, 409 for a state that forbids it, 422 for
    /// what is wrong with the request itself.
    pub fn status(&self) -> u16 {
        match self {
            RuleError::OfficerUnknown | RuleError::CertificateInvalid | RuleError::NotAMember => {
                403
            }
            RuleError::OneOfficerOnly
            | RuleError::ScanMismatch
            | RuleError::RoutineCapReached { .. }
            | RuleError::CampaignQuotaReached { .. }
            | RuleError::AlreadyLeft
            | RuleError::RatingBeforeLeaving
            | RuleError::AlreadyRated => 409,
            _ => 422,
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            RuleError::Field { field, .. } => {
                format!("字段 {field} 缺失、超长、越界或格式不正确。")
            }
            RuleError::Duplicate { field } => format!("字段 {field} 与前面的条目重复。"),
            RuleError::OfficerUnknown => "您不在本机关的执法人员名录中，不能扫码入企。".into(),
            RuleError::CertificateInvalid => {
                "您的行政执法证在检查当日不在有效期内，不能扫码入企。".into()
            }
            RuleError::ItemNotPublished(item) => {
                format!("检查事项 {item} 不在本机关公布的检查事项清单中。")
            }
            RuleError::OneOfficerOnly => {
                "入企检查须由本机关两名以上执法人员分别扫码，请另一名执法人员扫码。".into()
            }
            RuleError::ScanMismatch => "两名执法人员登记的检查类型、事项或审批文号不一致。".into(),
            RuleError::RoutineCapReached { cap } => format!(
                "本机关今年对该企业的常规检查已达 {cap} 次上限（依申请、投诉举报等案件检查不计入）。"
            ),
            RuleError::CampaignInactive(c) => {
                format!("专项检查 {c} 不存在或不在检查当日的开展期内。")
            }
            RuleError::CampaignQuotaReached { quota } => {
                format!("该专项检查对本企业的 {quota} 次额度已用完。")
            }
            RuleError::LateWindowPassed { days } => {
                format!("补扫码须在到达之日起 {days} 个自然日内完成，已超过期限。")
            }
            RuleError::ArrivalInFuture => "到达时间不能晚于现在。".into(),
            RuleError::LateReasonRequired => "补扫码须说明原因。".into(),
            RuleError::ApprovalRequired => "须填写检查审批文号（紧急情况可事后补批）。".into(),
            RuleError::AlreadyLeft => "该检查已离企登记。".into(),
            RuleError::NotAMember => "您不是该检查的执法人员。".into(),
            RuleError::LeftBeforeArrival => "离企时间早于到达时间。".into(),
            RuleError::RatingBeforeLeaving => "执法人员离企登记后才能评价。".into(),
            RuleError::AlreadyRated => "该检查已评价过。".into(),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            RuleError::Field { field, .. } => {
                format!("Field {field} is missing, too long, out of range or malformed.")
            }
            other => {
                let mut s = other.to_string();
                if let Some(first) = s.get(0..1) {
                    let upper = first.to_ascii_uppercase();
                    s.replace_range(0..1, &upper);
                }
                s.push('.');
                s
            }
        }
    }
}
