//! The tax boundary's errors and their statuses: the one place that maps the core's
//! tax errors to problem+json. Nothing is logged here.

use yingshang_core::problem::{ApiError, FieldError, Lang};
use yingshang_core::query::CountError;
use yingshang_core::security::credit_code::CreditCodeError;
use yingshang_core::tax::{
    AreaError, AssessmentError, CatalogueError, DividendError, HouseCountError, IdNumberError,
    RefundError, RuleSetError,
};

/// Why a tax request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxError {
    /// An ID number is invalid (400).
    IdNumber {
        /// Which field.
        field: String,
        /// Why.
        error: IdNumberError,
    },
    /// The floor area is invalid (400).
    Area(AreaError),
    /// A date is not `YYYY-MM-DD` (400).
    InvalidDate {
        /// Which field.
        field: &'static str,
    },
    /// The family or its house count cannot be formed (400).
    HouseCount(HouseCountError),
    /// The transfer cannot be assessed (400; non-residential 422).
    Assessment(AssessmentError),
    /// The caller is neither a party named in the contract nor an officer (403).
    NotAParty,
    /// The caller is an officer, but not of an agency acting for the tax authority (403).
    NotTaxOfficer,
    /// A citizen asked for an assessment without a verified ID number that is the
    /// buyer's: the registry's holdings are not disclosed to an unverified caller (403).
    BuyerNotVerified,
    /// The valuation function refused the unit on the contract date with a 4xx (its
    /// status, passed through): the client's problem, not an outage.
    ValuationRefused {
        /// Valuation's status (4xx).
        status: u16,
        /// Valuation's problem code (e.g. `VAL_TABLE_NOT_YET_EFFECTIVE`).
        code: String,
        /// Valuation's detail, in the caller's language.
        detail: String,
    },
    /// The valuation function failed or cannot be reached (503).
    ValuationUnavailable,
    /// The valuation function does not know the unit (404).
    UnitNotFound(String),
    /// The valuation function refused the unit code (400).
    UnitCodeInvalid(String),
    /// No such assessment (404).
    AssessmentNotFound,
    /// A batch is empty or too large (400).
    BatchSize,
    /// The transaction id was confirmed before for another assessment or amount (409).
    PaymentConflict,
    /// The paid amount is not the assessed total (422).
    AmountMismatch {
        /// What the assessment asks for.
        expected: i64,
        /// What the channel says was paid.
        paid: i64,
    },
    /// The assessment was already paid by another transaction (409).
    AlreadyPaid,
    /// A refund claim cannot be decided (400).
    Refund(RefundError),
    /// No rule set is in force on the date asked (400).
    RuleSet(RuleSetError),
    /// A credit code is invalid (400).
    CreditCode {
        /// Which field.
        field: String,
        /// Why.
        error: CreditCodeError,
    },
    /// A field is required (400).
    FieldRequired(String),
    /// A field does not hold what it must (400).
    InvalidField {
        /// Which field (JSON pointer).
        field: String,
        /// What it must hold, in Chinese.
        expected_zh: &'static str,
        /// What it must hold, in English.
        expected_en: &'static str,
    },
    /// A count parameter out of its range (400).
    InvalidCount(CountError),
    /// A query parameter is required (400).
    ParameterRequired(&'static str),
    /// A batch of enterprises or savings is empty or too large (400).
    Batch {
        /// Entries at most.
        max: usize,
    },
    /// The policy catalogue breaks the catalogue's rules (422).
    Catalogue(CatalogueError),
    /// The catalogue version was published with other policies (409).
    CatalogueVersionConflict(String),
    /// No policy catalogue was published yet (404).
    NoCatalogue,
    /// The tax bureau has no attributes for the enterprise (404).
    EnterpriseUnknown,
    /// A saving record id was recorded with other content (409).
    SavingConflict(String),
    /// The bill's period cannot be used (422).
    Dividend(DividendError),
}

impl ApiError for TaxError {
    fn status(&self) -> u16 {
        match self {
            Self::Assessment(AssessmentError::NonResidentialUnsupported) => 422,
            Self::IdNumber { .. }
            | Self::Area(_)
            | Self::InvalidDate { .. }
            | Self::HouseCount(_)
            | Self::Assessment(_)
            | Self::UnitCodeInvalid(_)
            | Self::BatchSize
            | Self::Refund(_)
            | Self::RuleSet(_)
            | Self::CreditCode { .. }
            | Self::FieldRequired(_)
            | Self::InvalidField { .. }
            | Self::InvalidCount(_)
            | Self::ParameterRequired(_)
            | Self::Batch { .. } => 400,
            Self::NotAParty | Self::NotTaxOfficer | Self::BuyerNotVerified => 403,
            Self::ValuationRefused { status, .. } => *status,
            Self::UnitNotFound(_)
            | Self::AssessmentNotFound
            | Self::NoCatalogue
            | Self::EnterpriseUnknown => 404,
            Self::PaymentConflict
            | Self::AlreadyPaid
            | Self::CatalogueVersionConflict(_)
            | Self::SavingConflict(_) => 409,
            Self::AmountMismatch { .. } | Self::Catalogue(_) | Self::Dividend(_) => 422,
            Self::ValuationUnavailable => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::IdNumber { error, .. } => error.code(),
            Self::Area(e) => e.code(),
            Self::InvalidDate { .. } => "TAX_DATE_INVALID",
            Self::HouseCount(e) => e.code(),
            Self::Assessment(e) => e.code(),
            Self::NotAParty => "TAX_NOT_A_PARTY",
            Self::NotTaxOfficer => "TAX_OFFICER_NOT_TAX_AUTHORITY",
            Self::BuyerNotVerified => "TAX_BUYER_NOT_VERIFIED",
            Self::ValuationRefused { .. } => "TAX_VALUATION_REFUSED",
            Self::ValuationUnavailable => "TAX_VALUATION_UNAVAILABLE",
            Self::UnitNotFound(_) => "TAX_UNIT_NOT_FOUND",
            Self::UnitCodeInvalid(_) => "TAX_UNIT_CODE_INVALID",
            Self::AssessmentNotFound => "TAX_ASSESSMENT_NOT_FOUND",
            Self::BatchSize => "TAX_BATCH_SIZE",
            Self::PaymentConflict => "TAX_PAYMENT_CONFLICT",
            Self::AmountMismatch { .. } => "TAX_PAYMENT_AMOUNT_MISMATCH",
            Self::AlreadyPaid => "TAX_ALREADY_PAID",
            Self::Refund(e) => e.code(),
            Self::RuleSet(e) => e.code(),
            Self::CreditCode { error, .. } => error.code(),
            Self::FieldRequired(_) => "TAX_FIELD_REQUIRED",
            Self::InvalidField { .. } => "TAX_FIELD_INVALID",
            Self::InvalidCount(_) => "TAX_PARAMETER_INVALID",
            Self::ParameterRequired(_) => "TAX_PARAMETER_REQUIRED",
            Self::Batch { .. } => "TAX_BATCH_SIZE",
            Self::Catalogue(e) => e.code(),
            Self::CatalogueVersionConflict(_) => "TAX_POLICY_CATALOGUE_VERSION_CONFLICT",
            Self::NoCatalogue => "TAX_POLICY_CATALOGUE_MISSING",
            Self::EnterpriseUnknown => "TAX_ENTERPRISE_UNKNOWN",
            Self::SavingConflict(_) => "TAX_POLICY_SAVING_CONFLICT",
            Self::Dividend(e) => e.code(),
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            400 => ("请求参数无效", "Invalid request"),
            403 => ("无权访问", "Forbidden"),
            404 => ("未找到", "Not found"),
            409 => ("状态冲突", "Conflict"),
            503 => ("服务暂不可用", "Service unavailable"),
            _ => ("无法处理", "Cannot process"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        let pick = |zh: &str, en: &str| lang.pick(zh, en).to_owned();
        match self {
            Self::IdNumber { field, error } => lang.pick(
                format!("{field}：{}", error.message_zh()),
                format!("{field}: {}", error.message_en()),
            ),
            Self::Area(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::HouseCount(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Assessment(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Refund(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::RuleSet(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::InvalidDate { field } => lang.pick(
                format!("{field} 应为 YYYY-MM-DD 格式的日期"),
                format!("{field} must be a date YYYY-MM-DD"),
            ),
            Self::NotAParty => pick(
                "只有合同当事人或税务人员可以办理或查看该计税",
                "only a party named in the contract or an officer may do this",
            ),
            Self::NotTaxOfficer => pick(
                "只有税务机关的工作人员可以查看该信息",
                "only officers of the tax authority may see this",
            ),
            Self::BuyerNotVerified => pick(
                "请以购房人本人经实名认证的身份登录后申请计税：不动产登记信息只向本人披露",
                "sign in as the buyer with a real-name verified identity to ask for an assessment: registry holdings are disclosed to the buyer only",
            ),
            Self::ValuationRefused { detail, .. } => lang.pick(
                format!("评估系统无法评估该不动产单元，未保存任何计税结果：{detail}"),
                format!(
                    "the valuation service cannot value this unit; nothing was stored: {detail}"
                ),
            ),
            Self::ValuationUnavailable => pick(
                "评估价格服务暂不可用，未保存任何计税结果，请稍后重试",
                "the valuation service is unavailable; nothing was stored, try again later",
            ),
            Self::UnitNotFound(code) => lang.pick(
                format!("评估系统中没有不动产单元 {code}"),
                format!("the valuation register has no unit {code}"),
            ),
            Self::UnitCodeInvalid(code) => lang.pick(
                format!("评估系统不接受不动产单元号 {code}"),
                format!("the valuation service refused the unit code {code}"),
            ),
            Self::AssessmentNotFound => pick("没有该计税记录", "no such assessment"),
            Self::BatchSize => pick(
                "批量导入应为1至500个身份证号码",
                "a batch must hold 1 to 500 ID numbers",
            ),
            Self::PaymentConflict => pick(
                "该支付流水号已用于另一笔计税或金额",
                "this transaction id was confirmed for another assessment or amount",
            ),
            Self::AmountMismatch { expected, paid } => lang.pick(
                format!("支付金额 {paid} 分与应纳税额 {expected} 分不符"),
                format!("paid {paid} fen, but the assessment totals {expected} fen"),
            ),
            Self::AlreadyPaid => pick(
                "该计税已由另一笔支付完成",
                "the assessment was already paid by another transaction",
            ),
            Self::CreditCode { field, error } => lang.pick(
                format!("{field}：{}", error.message_zh()),
                format!("{field}: {}", error.message_en()),
            ),
            Self::FieldRequired(field) => lang.pick(
                format!("缺少字段 {field}"),
                format!("the field {field} is required"),
            ),
            Self::InvalidField {
                field,
                expected_zh,
                expected_en,
            } => lang.pick(
                format!("{field} 应为{expected_zh}"),
                format!("{field} must be {expected_en}"),
            ),
            Self::InvalidCount(e) => lang.pick(
                format!("查询参数 {} 应为{}", e.name, e.expected_zh()),
                format!("the query parameter {} must be {}", e.name, e.expected_en()),
            ),
            Self::ParameterRequired(field) => lang.pick(
                format!("缺少查询参数 {field}"),
                format!("the query parameter {field} is required"),
            ),
            Self::Batch { max } => lang.pick(
                format!("批量应为1至{max}条"),
                format!("a batch must hold 1 to {max} entries"),
            ),
            Self::Catalogue(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::CatalogueVersionConflict(v) => lang.pick(
                format!("政策目录版本 {v} 已以不同内容发布，请使用新的版本号"),
                format!(
                    "catalogue version {v} was published with other policies; use a new version"
                ),
            ),
            Self::NoCatalogue => pick("尚未发布政策目录", "no policy catalogue was published yet"),
            Self::EnterpriseUnknown => pick(
                "税务机关尚无该企业的信息",
                "the tax bureau has no attributes for this enterprise",
            ),
            Self::SavingConflict(id) => lang.pick(
                format!("减免记录 {id} 已以不同内容登记"),
                format!("saving record {id} was recorded with other content"),
            ),
            Self::Dividend(e) => lang.pick(e.message_zh(), e.message_en()),
        }
    }

    fn errors(&self, _lang: Lang) -> Vec<FieldError> {
        match self {
            // Valuation's own code, so a client can tell a date before the tables from
            // another refusal.
            Self::ValuationRefused { code, detail, .. } => vec![FieldError {
                pointer: "/unit_code".to_owned(),
                code: code.clone(),
                message: detail.clone(),
            }],
            _ => Vec::new(),
        }
    }
}
