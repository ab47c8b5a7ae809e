//! What goes into a transfer assessment and what comes out: the input facts, the tax
//! lines with payer, base, rate, amount and legal basis, the reduction/exemption
//! declaration (减免税申报表) lines, totals and assumptions. The computation is in
//! `compute.rs`.

use serde::{Deserialize, Serialize};
use time::Date;

use super::family::{CountSource, HouseCount};
use super::rules::{Assumption, RuleSetError};
use super::types::{Area, HomeRank, LocationClass, Payer, PropertyUse, TaxKind, ymd};
use crate::money::{Fen, Rate};

/// The seller's documented original value (房屋原值): old price plus old deed tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OriginalValue {
    /// Price paid when the seller acquired the home.
    pub price: Fen,
    /// Deed tax the seller paid then.
    pub deed_tax: Fen,
}

impl OriginalValue {
    /// Price plus deed tax.
    pub fn total(self) -> Fen {
        self.price + self.deed_tax
    }
}

/// Facts about the seller and the seller's holding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SellerFacts {
    /// Date on the seller's ownership certificate.
    #[serde(default, with = "ymd::option")]
    #[schemars(with = "Option<crate::calendar::IsoDate>")]
    pub certificate_date: Option<Date>,
    /// Date the seller paid deed tax on acquiring the home.
    #[serde(default, with = "ymd::option")]
    #[schemars(with = "Option<crate::calendar::IsoDate>")]
    pub old_deed_tax_paid_on: Option<Date>,
    /// True when this home is the seller family's only home.
    pub family_only_home: bool,
    /// Documented original value; `None` when the seller has no purchase documents.
    #[serde(default)]
    pub original_value: Option<OriginalValue>,
    /// Documented renovation costs (capped by the rules).
    #[serde(default)]
    pub renovation_costs: Fen,
    /// Former public housing or affordable housing (higher renovation cap).
    #[serde(default)]
    pub former_public_housing: bool,
    /// Documented housing-loan interest.
    #[serde(default)]
    pub loan_interest: Fen,
    /// Documented transaction fees.
    #[serde(default)]
    pub fees: Fen,
}

impl SellerFacts {
    /// Start of the holding period: the earlier of certificate date and old deed-tax
    /// payment date (rule 9).
    pub fn acquired_on(&self) -> Option<Date> {
        match (self.certificate_date, self.old_deed_tax_paid_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// One property transfer to assess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInput {
    /// The registry unit code.
    pub unit_code: String,
    /// Price in the signed contract (VAT included).
    pub contract_price: Fen,
    /// Assessed price from the valuation function for the contract date.
    pub assessed_price: Fen,
    /// Floor area.
    pub area: Area,
    /// Contract signing date.
    #[serde(with = "ymd")]
    pub contract_date: Date,
    /// Tax-liability date; selects the rule set.
    #[serde(with = "ymd")]
    pub tax_date: Date,
    /// Residential or not.
    pub usage: PropertyUse,
    /// Location class for the urban maintenance tax.
    pub location: LocationClass,
    /// The buyer family's house count before this purchase.
    pub buyer_house_count: HouseCount,
    /// Seller facts.
    pub seller: SellerFacts,
}

/// Which price became the tax base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaseSource {
    /// The contract price (also when both are equal).
    ContractPrice,
    /// The assessed price, higher than the contract price.
    AssessedPrice,
}

/// How the IIT was determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IitMethod {
    /// 20% of the gain, the original value documented.
    Actual,
    /// A deemed rate of the income, the original value undocumented.
    Deemed,
}

/// Full exemption or partial reduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReliefKind {
    /// 免征: nothing is payable.
    Exemption,
    /// 减征: part is payable.
    Reduction,
}

/// The relief on a tax line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Relief {
    /// Exemption or reduction.
    pub kind: ReliefKind,
    /// Amount relieved; `None` when it cannot be quantified from the inputs (land VAT).
    pub amount: Option<Fen>,
    /// Legal basis of the relief, with the document number.
    pub basis_zh: String,
}

/// One tax line of the assessment.
///
/// `base` and `rate` are what the levy applies: the amount before relief is
/// `base × rate` (VAT: `base / (1 + rate) × rate`), rounded half-up to the fen; for
/// halved surcharges the full rate is shown and the halving is the `relief`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaxLine {
    /// Which tax.
    pub tax: TaxKind,
    /// Who pays.
    pub payer: Payer,
    /// Base.
    pub base: Fen,
    /// Rate.
    pub rate: Rate,
    /// Amount payable.
    pub amount: Fen,
    /// True when the line is fully exempt.
    pub exempt: bool,
    /// The relief, if any; relieved lines make the declaration.
    pub relief: Option<Relief>,
    /// Legal basis of the levy, with the document number.
    pub basis_zh: String,
}

/// A line of the reduction/exemption declaration (减免税申报表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeclarationLine {
    /// The taxpayer.
    pub taxpayer: Payer,
    /// The tax.
    pub tax: TaxKind,
    /// Exemption or reduction.
    pub kind: ReliefKind,
    /// Legal basis.
    pub basis_zh: String,
    /// Amount exempted or reduced; `None` when not quantifiable.
    pub amount: Option<Fen>,
}

/// Holding facts of the seller, as determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HoldingFacts {
    /// Start of the holding period.
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub acquired_on: Date,
    /// Held at least the VAT exemption period (2 years) on the tax date.
    pub vat_period_reached: bool,
    /// Held at least the IIT exemption period (5 years) on the tax date.
    pub five_years_reached: bool,
}

/// How the IIT figure was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IitDetail {
    /// Actual or deemed.
    pub method: IitMethod,
    /// Income: the tax base net of VAT.
    pub income: Fen,
    /// Original value deducted (actual only).
    pub original_value: Fen,
    /// Taxes paid on this transfer deducted: the surcharges (the VAT is already out of
    /// the income).
    pub taxes_paid: Fen,
    /// Renovation costs claimed.
    pub renovation_claimed: Fen,
    /// Renovation costs allowed after the cap.
    pub renovation_allowed: Fen,
    /// Loan interest deducted.
    pub loan_interest: Fen,
    /// Fees deducted.
    pub fees: Fen,
    /// Taxable amount (actual: gain floored at 0; deemed: the income).
    pub taxable: Fen,
    /// True when 满五唯一 exempts it.
    pub exempt: bool,
}

/// Totals per payer and overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Totals {
    /// Payable by the buyer.
    pub buyer: Fen,
    /// Payable by the seller.
    pub seller: Fen,
    /// Payable overall.
    pub overall: Fen,
}

/// The result of assessing one transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assessment {
    /// The rule set used.
    pub rule_set_version: String,
    /// The unit.
    pub unit_code: String,
    /// The tax date.
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub tax_date: Date,
    /// Tax base B = max(contract, assessed).
    pub tax_base: Fen,
    /// Which price won.
    pub base_source: BaseSource,
    /// N = B − VAT: the deed-tax and IIT base.
    pub net_of_vat: Fen,
    /// The buyer family's rank.
    pub buyer_rank: HomeRank,
    /// Where that rank came from.
    pub house_count_source: CountSource,
    /// Seller holding facts.
    pub holding: HoldingFacts,
    /// IIT working.
    pub iit: IitDetail,
    /// All lines, exempt ones included.
    pub lines: Vec<TaxLine>,
    /// The reduction/exemption declaration.
    pub declaration: Vec<DeclarationLine>,
    /// Totals.
    pub totals: Totals,
    /// Weak-confidence values used.
    pub assumptions: Vec<Assumption>,
}

impl Assessment {
    /// The payable amount of one tax, summed over payers.
    pub fn amount_of(&self, tax: TaxKind) -> Fen {
        self.lines
            .iter()
            .filter(|l| l.tax == tax)
            .map(|l| l.amount)
            .sum()
    }

    /// The line of a tax for a payer.
    pub fn line(&self, tax: TaxKind, payer: Payer) -> Option<&TaxLine> {
        self.lines.iter().find(|l| l.tax == tax && l.payer == payer)
    }
}

/// Why a transfer cannot be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    /// No unit code.
    #[error("the unit code is empty")]
    UnitCodeEmpty,
    /// A price is zero or negative.
    #[error("{field} must be positive")]
    PriceNotPositive {
        /// Which price.
        field: &'static str,
    },
    /// A deductible amount is negative.
    #[error("{field} must not be negative")]
    NegativeAmount {
        /// Which amount.
        field: &'static str,
    },
    /// An amount exceeds one trillion yuan.
    #[error("{field} is implausibly large")]
    AmountTooLarge {
        /// Which amount.
        field: &'static str,
    },
    /// The tax date precedes the contract date.
    #[error("the tax date {tax_date} is before the contract date {contract_date}")]
    TaxDateBeforeContract {
        /// Tax date.
        tax_date: Date,
        /// Contract date.
        contract_date: Date,
    },
    /// Neither a certificate date nor an old deed-tax date.
    #[error(
        "the seller's acquisition date is unknown: give the certificate date or the old deed-tax payment date"
    )]
    AcquisitionDateMissing,
    /// The seller acquired the home after the tax date.
    #[error("the seller's acquisition date {0} is after the tax date")]
    AcquiredAfterTaxDate(Date),
    /// Non-residential transfers are out of scope of these rules.
    #[error(
        "non-residential transfers need a manual assessment: VAT, land VAT and stamp duty on non-housing are outside these rules"
    )]
    NonResidentialUnsupported,
    /// The rule set passed was not in force on the tax date.
    #[error("rule set {version} is not in force on {tax_date}")]
    RuleSetNotInForce {
        /// The version passed.
        version: String,
        /// The tax date.
        tax_date: Date,
    },
    /// No rule set in the history.
    #[error(transparent)]
    RuleSet(#[from] RuleSetError),
}

impl AssessmentError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "TAX_UNIT_CODE_EMPTY",
        "TAX_PRICE_NOT_POSITIVE",
        "TAX_AMOUNT_NEGATIVE",
        "TAX_AMOUNT_TOO_LARGE",
        "TAX_DATE_BEFORE_CONTRACT",
        "TAX_ACQUISITION_DATE_MISSING",
        "TAX_ACQUIRED_AFTER_TAX_DATE",
        "TAX_NON_RESIDENTIAL_MANUAL",
        "TAX_RULE_SET_NOT_IN_FORCE",
        "TAX_RULE_SET_NONE_IN_FORCE",
        "TAX_RULE_SET_MALFORMED",
        "TAX_RULE_SET_OUT_OF_RANGE",
        "TAX_RULE_SET_NO_VERSION",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AssessmentError::UnitCodeEmpty => "TAX_UNIT_CODE_EMPTY",
            AssessmentError::PriceNotPositive { .. } => "TAX_PRICE_NOT_POSITIVE",
            AssessmentError::NegativeAmount { .. } => "TAX_AMOUNT_NEGATIVE",
            AssessmentError::AmountTooLarge { .. } => "TAX_AMOUNT_TOO_LARGE",
            AssessmentError::TaxDateBeforeContract { .. } => "TAX_DATE_BEFORE_CONTRACT",
            AssessmentError::AcquisitionDateMissing => "TAX_ACQUISITION_DATE_MISSING",
            AssessmentError::AcquiredAfterTaxDate(_) => "TAX_ACQUIRED_AFTER_TAX_DATE",
            AssessmentError::NonResidentialUnsupported => "TAX_NON_RESIDENTIAL_MANUAL",
            AssessmentError::RuleSetNotInForce { .. } => "TAX_RULE_SET_NOT_IN_FORCE",
            AssessmentError::RuleSet(e) => e.code(),
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            AssessmentError::UnitCodeEmpty => "不动产单元号为空".to_owned(),
            AssessmentError::PriceNotPositive { field } => format!("{field} 必须大于零"),
            AssessmentError::NegativeAmount { field } => format!("{field} 不能为负数"),
            AssessmentError::AmountTooLarge { field } => format!("{field} 金额超出合理范围"),
            AssessmentError::TaxDateBeforeContract {
                tax_date,
                contract_date,
            } => format!("纳税义务发生日期{tax_date}早于合同签订日期{contract_date}"),
            AssessmentError::AcquisitionDateMissing => {
                "无法确定卖方取得房屋的时间：请提供不动产权证书日期或原契税完税日期".to_owned()
            }
            AssessmentError::AcquiredAfterTaxDate(d) => {
                format!("卖方取得房屋的日期{d}晚于纳税义务发生日期")
            }
            AssessmentError::NonResidentialUnsupported => {
                "非住房转让的增值税、土地增值税和印花税不在本规则范围内，需人工核定".to_owned()
            }
            AssessmentError::RuleSetNotInForce { version, tax_date } => {
                format!("税收规则集{version}在{tax_date}未生效")
            }
            AssessmentError::RuleSet(e) => e.message_zh(),
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}
