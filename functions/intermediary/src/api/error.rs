//! The marketplace boundary's errors: statuses, stable codes, zh-CN and en.

use yingshang_core::intermediary::selection::{BidRefusal, SelectionError};
use yingshang_core::problem::{ApiError, FieldError, Lang};

/// Why a marketplace request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketError {
    /// No such project (404).
    ProjectNotFound,
    /// No such provider (404).
    ProviderNotFound,
    /// No such item in the catalogue (422).
    ItemUnknown,
    /// Not the project's owner (403).
    NotOwner,
    /// Not the project's winner (403).
    NotWinner,
    /// Only marketplace staff (403).
    StaffOnly,
    /// The project is not in a state that allows this (409).
    WrongState {
        /// Its status.
        status: String,
    },
    /// The agency is not in a state that allows this (409, the same code as a
    /// project's): why, in both languages.
    AgencyState {
        /// zh-CN.
        zh: &'static str,
        /// en.
        en: &'static str,
    },
    /// The agency registered already (409).
    AlreadyRegistered,
    /// The agency's entry is frozen by a sanction (403).
    EntryFrozen,
    /// No pending qualification to decide (409).
    NothingPending,
    /// The project was evaluated already (409).
    AlreadyEvaluated,
    /// No evidence is due (409).
    NoEvidenceDue,
    /// A body field or query parameter is invalid (400).
    Field {
        /// The field.
        field: &'static str,
        /// zh-CN.
        zh: &'static str,
        /// en.
        en: &'static str,
    },
    /// A bid refused by the rules.
    Bid(BidRefusal),
    /// The selection cannot run as asked (422).
    Selection(SelectionError),
    /// The complaints function refused (status and code passed on).
    ComplaintRefused {
        /// Status.
        status: u16,
        /// Code.
        code: String,
    },
    /// The complaints function could not be reached (503).
    ComplaintsUnavailable,
    /// Someone changed the project at the same moment (409).
    Contended,
}

impl ApiError for MarketError {
    fn status(&self) -> u16 {
        match self {
            Self::ProjectNotFound | Self::ProviderNotFound => 404,
            Self::ItemUnknown | Self::Selection(_) => 422,
            Self::NotOwner | Self::NotWinner | Self::StaffOnly | Self::EntryFrozen => 403,
            Self::WrongState { .. }
            | Self::AgencyState { .. }
            | Self::AlreadyRegistered
            | Self::NothingPending
            | Self::AlreadyEvaluated
            | Self::NoEvidenceDue
            | Self::Contended => 409,
            Self::Field { .. } => 400,
            Self::Bid(b) => match b {
                BidRefusal::Closed | BidRefusal::AlreadyBid => 409,
                BidRefusal::Price { .. } => 422,
                _ => 403,
            },
            Self::ComplaintRefused { status, .. } => *status,
            Self::ComplaintsUnavailable => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::ProjectNotFound => "INTERMEDIARY_PROJECT_NOT_FOUND",
            Self::ProviderNotFound => "INTERMEDIARY_PROVIDER_NOT_FOUND",
            Self::ItemUnknown => "INTERMEDIARY_ITEM_UNKNOWN",
            Self::NotOwner => "INTERMEDIARY_NOT_OWNER",
            Self::NotWinner => "INTERMEDIARY_NOT_WINNER",
            Self::StaffOnly => "INTERMEDIARY_STAFF_ONLY",
            Self::WrongState { .. } | Self::AgencyState { .. } => "INTERMEDIARY_WRONG_STATE",
            Self::AlreadyRegistered => "INTERMEDIARY_ALREADY_REGISTERED",
            Self::EntryFrozen => "INTERMEDIARY_ENTRY_FROZEN",
            Self::NothingPending => "INTERMEDIARY_NOTHING_PENDING",
            Self::AlreadyEvaluated => "INTERMEDIARY_ALREADY_EVALUATED",
            Self::NoEvidenceDue => "INTERMEDIARY_NO_EVIDENCE_DUE",
            Self::Field { .. } => "INTERMEDIARY_FIELD_INVALID",
            Self::Bid(b) => b.code(),
            Self::Selection(_) => "INTERMEDIARY_SELECTION_INVALID",
            Self::ComplaintRefused { .. } => "INTERMEDIARY_COMPLAINT_REFUSED",
            Self::ComplaintsUnavailable => "INTERMEDIARY_COMPLAINTS_UNAVAILABLE",
            Self::Contended => "INTERMEDIARY_CONTENDED",
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
            Self::ProjectNotFound => lang
                .pick("没有这个项目。", "There is no such project.")
                .to_owned(),
            Self::ProviderNotFound => lang
                .pick("没有这家中介机构。", "There is no such agency.")
                .to_owned(),
            Self::ItemUnknown => lang
                .pick(
                    "中介服务事项不在清单中。",
                    "The item is not in the catalogue.",
                )
                .to_owned(),
            Self::NotOwner => lang
                .pick(
                    "仅项目业主可以操作。",
                    "Only the project's owner may do this.",
                )
                .to_owned(),
            Self::NotWinner => lang
                .pick(
                    "仅中选机构可以操作。",
                    "Only the selected agency may do this.",
                )
                .to_owned(),
            Self::StaffOnly => lang
                .pick(
                    "仅中介超市管理人员可以操作。",
                    "Only marketplace staff may do this.",
                )
                .to_owned(),
            Self::WrongState { status } => lang.pick(
                format!("项目当前状态为 {status}，不能进行此操作。"),
                format!("The project is {status}; this cannot be done now."),
            ),
            Self::AgencyState { zh, en } => lang.pick(*zh, *en).to_owned(),
            Self::AlreadyRegistered => lang
                .pick("该机构已入驻。", "The agency is registered already.")
                .to_owned(),
            Self::EntryFrozen => lang
                .pick(
                    "该机构因失信被冻结入驻资格。",
                    "The agency's entry is frozen by a sanction.",
                )
                .to_owned(),
            Self::NothingPending => lang
                .pick("没有待审核的资质。", "There is no pending qualification.")
                .to_owned(),
            Self::AlreadyEvaluated => lang
                .pick("该项目已评价。", "The project was evaluated already.")
                .to_owned(),
            Self::NoEvidenceDue => lang
                .pick("无需举证或已举证。", "No evidence is due, or it was given.")
                .to_owned(),
            Self::Field { field, zh, en } => {
                lang.pick(format!("{field}：{zh}"), format!("{field}: {en}"))
            }
            Self::Bid(b) => lang.pick(bid_zh(b), b.to_string()),
            Self::Selection(s) => lang.pick(
                format!("无法选取：{s}"),
                format!("The selection cannot run: {s}"),
            ),
            Self::ComplaintRefused { code, .. } => lang.pick(
                format!("诉求平台未受理（{code}）。"),
                format!("The complaints platform refused the case ({code})."),
            ),
            Self::ComplaintsUnavailable => lang
                .pick(
                    "诉求平台暂时无法访问。",
                    "The complaints platform cannot be reached.",
                )
                .to_owned(),
            Self::Contended => lang
                .pick(
                    "他人同时修改了该项目，请重试。",
                    "Someone changed the project at the same moment; try again.",
                )
                .to_owned(),
        }
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

fn bid_zh(b: &BidRefusal) -> String {
    match b {
        BidRefusal::Closed => "报名已截止。".into(),
        BidRefusal::NotQualified => "贵机构不具备该事项所需的已审核资质。".into(),
        BidRefusal::QualificationExpired => "贵机构该事项的资质已过有效期。".into(),
        BidRefusal::Sanctioned => "贵机构因失信惩戒被禁止参与项目。".into(),
        BidRefusal::AlreadyBid => "每家机构每轮只能报价一次。".into(),
        BidRefusal::Price { cap } => format!("报价须大于零且不超过最高限价 {cap} 分。"),
    }
}

impl From<BidRefusal> for MarketError {
    fn from(b: BidRefusal) -> Self {
        MarketError::Bid(b)
    }
}

impl From<SelectionError> for MarketError {
    fn from(s: SelectionError) -> Self {
        MarketError::Selection(s)
    }
}

/// Whether a free text (a proposal, a summary, evidence) is `min`–`max` characters
/// once trimmed, with no control character but line breaks and tabs: a NUL in
/// particular, which no database text column holds.
pub fn free_text(t: &str, min: usize, max: usize) -> bool {
    let n = t.trim().chars().count();
    (min..=max).contains(&n)
        && !t
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// A field error.
pub fn field(field: &'static str, zh: &'static str, en: &'static str) -> MarketError {
    MarketError::Field { field, zh, en }
}
