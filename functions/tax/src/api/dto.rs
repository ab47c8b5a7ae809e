//! Request and response bodies of the tax API, and their conversion to core types at
//! the edge: after [`Contract::try_from`], every ID number, area and date is valid.

use super::error::TaxError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use yingshang_core::calendar::IsoDate;
use yingshang_core::codes::DivisionCode;
use yingshang_core::money::Fen;
use yingshang_core::security::{CreditCode, Subject};
use yingshang_core::tax::{
    Area, Assessment, Basis, Enterprise, Family, Holding, IdNumber, IndustryCode, KeyGroup,
    LocationClass, Pledge, PropertyUse, SavingRecord, SellerFacts,
};

/// Reads a `YYYY-MM-DD` date (the core's [`IsoDate`]: a real day in a sane year);
/// `field` names it in the error.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date, TaxError> {
    IsoDate::parse(text)
        .map(IsoDate::date)
        .map_err(|_| TaxError::InvalidDate { field })
}

pub use yingshang_core::calendar::iso;

fn id(field: &str, text: &str) -> Result<IdNumber, TaxError> {
    IdNumber::parse(text).map_err(|error| TaxError::IdNumber {
        field: field.to_owned(),
        error,
    })
}

/// What a contract account is: a user's subject.
const ACCOUNT_PATTERN: &str = "^[A-Za-z0-9._:@-]{1,128}$";

/// The buyer and the family members the buyer declares.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerDto {
    /// The buyer's resident ID number.
    #[schemars(with = "IdNumber")]
    pub id_number: String,
    /// The buyer's account (token subject), so the buyer may read the assessment.
    #[serde(default)]
    #[schemars(extend("pattern" = ACCOUNT_PATTERN))]
    pub account: Option<String>,
    /// The buyer's name, as on the contract.
    #[serde(default)]
    pub name: Option<String>,
    /// The spouse's ID number.
    #[serde(default)]
    #[schemars(with = "Option<IdNumber>")]
    pub spouse_id_number: Option<String>,
    /// The children's ID numbers (adults are listed but not counted).
    #[serde(default)]
    #[schemars(with = "Vec<IdNumber>")]
    pub children_id_numbers: Vec<String>,
}

/// The seller and the seller's acquisition facts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SellerDto {
    /// The seller's resident ID number.
    #[schemars(with = "IdNumber")]
    pub id_number: String,
    /// The seller's account (token subject).
    #[serde(default)]
    #[schemars(extend("pattern" = ACCOUNT_PATTERN))]
    pub account: Option<String>,
    /// The seller's name, as on the contract.
    #[serde(default)]
    pub name: Option<String>,
    /// Acquisition facts and documented costs.
    pub facts: SellerFacts,
}

/// `POST /assessments`: the signed contract.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// The registry unit code (as the valuation register knows it).
    pub unit_code: String,
    /// The contract price, VAT included, in fen.
    pub contract_price_fen: i64,
    /// Floor area in m², at most two decimals (`"89.50"`).
    #[schemars(extend("pattern" = r"^\s*[0-9]{1,9}(\.[0-9]{0,2})?\s*$"))]
    pub area_m2: String,
    /// Contract date `YYYY-MM-DD`.
    #[schemars(with = "IsoDate")]
    pub contract_date: String,
    /// Tax-liability date; the contract date when absent.
    #[serde(default)]
    #[schemars(with = "Option<IsoDate>")]
    pub tax_date: Option<String>,
    /// Residential or not.
    pub usage: PropertyUse,
    /// Location class.
    pub location: LocationClass,
    /// The buyer and family.
    pub buyer: BuyerDto,
    /// The seller.
    pub seller: SellerDto,
    /// The buyer's signed pledge, used only when the registry has no answer.
    #[serde(default)]
    pub pledge: Option<Pledge>,
    /// References of the documents presented (certificates, invoices).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// The contract, parsed.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Unit code, trimmed.
    pub unit_code: String,
    /// Contract price.
    pub contract_price: Fen,
    /// Area.
    pub area: Area,
    /// Contract date.
    pub contract_date: Date,
    /// Tax date.
    pub tax_date: Date,
    /// Use.
    pub usage: PropertyUse,
    /// Location class.
    pub location: LocationClass,
    /// The buyer's family on the contract date.
    pub family: Family,
    /// Buyer's account.
    pub buyer_account: Option<String>,
    /// Seller.
    pub seller: IdNumber,
    /// Seller's account.
    pub seller_account: Option<String>,
    /// Seller facts.
    pub seller_facts: SellerFacts,
    /// The pledge, if signed.
    pub pledge: Option<Pledge>,
    /// Documents presented.
    pub documents: Vec<String>,
    /// Names as on the contract: (buyer, seller).
    pub names: (Option<String>, Option<String>),
}

impl TryFrom<AssessmentRequest> for Contract {
    type Error = TaxError;
    fn try_from(r: AssessmentRequest) -> Result<Contract, TaxError> {
        let contract_date = parse_date("/contract_date", &r.contract_date)?;
        let tax_date = match &r.tax_date {
            Some(t) => parse_date("/tax_date", t)?,
            None => contract_date,
        };
        let buyer = id("/buyer/id_number", &r.buyer.id_number)?;
        let spouse = r
            .buyer
            .spouse_id_number
            .as_deref()
            .map(|s| id("/buyer/spouse_id_number", s))
            .transpose()?;
        let children = r
            .buyer
            .children_id_numbers
            .iter()
            .enumerate()
            .map(|(i, c)| id(&format!("/buyer/children_id_numbers/{i}"), c))
            .collect::<Result<Vec<_>, _>>()?;
        let names = (r.buyer.name.clone(), r.seller.name.clone());
        let family =
            Family::on(contract_date, buyer, spouse, children).map_err(TaxError::HouseCount)?;
        Ok(Contract {
            unit_code: r.unit_code.trim().to_owned(),
            contract_price: Fen(r.contract_price_fen),
            area: Area::parse_m2(&r.area_m2).map_err(TaxError::Area)?,
            contract_date,
            tax_date,
            usage: r.usage,
            location: r.location,
            family,
            buyer_account: account("/buyer/account", r.buyer.account)?,
            seller: id("/seller/id_number", &r.seller.id_number)?,
            seller_account: account("/seller/account", r.seller.account)?,
            seller_facts: r.seller.facts,
            pledge: r.pledge,
            documents: r.documents,
            names,
        })
    }
}

/// An assessment as answered, built from stored rows only.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AssessmentView {
    /// The id.
    pub id: String,
    /// assessed | paid.
    #[schemars(extend("enum" = ["assessed", "paid"]))]
    pub status: String,
    /// When it was made, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
    /// The unit.
    pub unit_code: String,
    /// The rule set used.
    pub rule_set_version: String,
    /// Prices, family, house count and notes.
    #[serde(flatten)]
    pub basis: Basis,
    /// Every line, the declaration, totals and assumptions, as computed then.
    pub assessment: Assessment,
    /// The payment's transaction id, once paid.
    pub payment_transaction_id: Option<String>,
}

/// `PUT /registry/holdings/{id_number}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingsRequest {
    /// What the person holds (may be empty: registered, holds nothing).
    pub holdings: Vec<Holding>,
}

/// One person in a batch import.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonHoldingsDto {
    /// The ID number.
    #[schemars(with = "IdNumber")]
    pub id_number: String,
    /// What the person holds.
    pub holdings: Vec<Holding>,
}

/// `POST /registry/holdings`: a batch.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingsBatch {
    /// Persons.
    pub persons: Vec<PersonHoldingsDto>,
}

/// `POST /payments/confirmations`: the channel's confirmation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    /// The channel's transaction id (1 to 64 printable ASCII characters).
    #[schemars(extend("pattern" = RECORD_ID_PATTERN))]
    pub transaction_id: String,
    /// Our assessment id.
    pub assessment_id: String,
    /// Amount paid in fen.
    pub amount_fen: i64,
}

/// An enterprise's attributes as an agency sends them (`PUT /enterprises/{code}`
/// may leave the code out; a batch names it in every entry).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseDto {
    /// Unified social credit code.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// Industry code, GB/T 4754 (a section letter and up to four digits); parsed in
    /// [`enterprise_of`] so a bad one names its field.
    #[schemars(extend("pattern" = "^[A-T][0-9]{0,4}$"))]
    pub industry_code: String,
    /// 6-digit division code of the registered address; parsed in [`enterprise_of`].
    #[schemars(extend("pattern" = "^[0-9]{6}$"))]
    pub region_code: String,
    /// Employees.
    pub employees: u32,
    /// Annual revenue, fen.
    pub annual_revenue: Fen,
    /// 小型微利企业.
    pub small_micro: bool,
    /// Hires in the year per key group.
    #[serde(default)]
    #[schemars(schema_with = "key_group_hires")]
    pub key_group_hires: std::collections::BTreeMap<KeyGroup, u32>,
}

/// Hires per key group: an object whose keys are [`KeyGroup`]s.
fn key_group_hires(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let key = generator.subschema_for::<KeyGroup>();
    let count = generator.subschema_for::<u32>();
    schemars::json_schema!({
        "type": "object",
        "propertyNames": key,
        "additionalProperties": count,
        "default": {},
        "description": "Hires in the year per key group. 本年招用重点群体人数。"
    })
}

/// `POST /enterprises`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseBatch {
    /// 1 to 1,000 enterprises.
    pub enterprises: Vec<EnterpriseDto>,
}

/// One saving the tax system recorded.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavingDto {
    /// The sender's id of the record: the same id is recorded once.
    #[schemars(extend("pattern" = RECORD_ID_PATTERN))]
    pub record_id: String,
    /// Enterprise credit code.
    pub credit_code: String,
    /// Policy id.
    #[schemars(extend("pattern" = RECORD_ID_PATTERN))]
    pub policy_id: String,
    /// Date of the tax event, `YYYY-MM-DD`.
    #[schemars(with = "IsoDate")]
    pub on: String,
    /// Amount saved, fen (a correction may be negative).
    pub saved: Fen,
}

/// `POST /policies/savings`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavingsBatch {
    /// 1 to 1,000 records.
    pub records: Vec<SavingDto>,
}

/// The demo enterprises file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoEnterprises {
    /// Enterprises.
    pub enterprises: Vec<EnterpriseDto>,
    /// Their savings.
    pub savings: Vec<SavingDto>,
}

/// An id chosen by the sender: 1–64 printable ASCII characters (the catalogue's rule
/// for policy ids; a NUL or a control character could not be stored).
pub use yingshang_core::tax::policy::printable_id as record_id_ok;

/// The JSON Schema of [`record_id_ok`].
pub const RECORD_ID_PATTERN: &str = "^[!-~]{1,64}$";

/// A contract account is a user's subject (a token's `sub`).
fn account(field: &str, text: Option<String>) -> Result<Option<String>, TaxError> {
    match text {
        Some(t) if Subject::parse(&t).is_err() => Err(TaxError::InvalidField {
            field: field.to_owned(),
            expected_zh: "用户账号（1至128个字母、数字或 . _ : @ -）",
            expected_en: "a user account (1 to 128 of A-Z a-z 0-9 . _ : @ -)",
        }),
        other => Ok(other),
    }
}

fn credit_code(field: String, text: &str) -> Result<CreditCode, TaxError> {
    CreditCode::parse(text).map_err(|error| TaxError::CreditCode { field, error })
}

/// Checks an enterprise at the edge; `at` is the JSON pointer of the entry, `path_code`
/// the code named in the URL, which a code in the body must repeat.
pub fn enterprise_of(
    dto: EnterpriseDto,
    at: &str,
    path_code: Option<&CreditCode>,
) -> Result<Enterprise, TaxError> {
    let field = |name: &str| format!("{at}/{name}");
    let code = match (dto.credit_code, path_code) {
        (None, Some(p)) => p.clone(),
        (None, None) => return Err(TaxError::FieldRequired(field("credit_code"))),
        (Some(text), path) => {
            let code = credit_code(field("credit_code"), &text)?;
            if path.is_some_and(|p| *p != code) {
                return Err(TaxError::InvalidField {
                    field: field("credit_code"),
                    expected_zh: "与路径中的统一社会信用代码一致",
                    expected_en: "the credit code in the path",
                });
            }
            code
        }
    };
    let industry_code =
        IndustryCode::parse(&dto.industry_code).map_err(|_| TaxError::InvalidField {
            field: field("industry_code"),
            expected_zh: "国民经济行业分类代码（门类字母加至多4位数字）",
            expected_en: "a GB/T 4754 industry code (a section letter and up to 4 digits)",
        })?;
    let region_code =
        DivisionCode::parse(&dto.region_code).map_err(|_| TaxError::InvalidField {
            field: field("region_code"),
            expected_zh: "6位行政区划代码",
            expected_en: "a 6-digit division code",
        })?;
    if dto.annual_revenue < Fen::ZERO {
        return Err(TaxError::InvalidField {
            field: field("annual_revenue"),
            expected_zh: "不小于0的金额（分）",
            expected_en: "an amount in fen, not negative",
        });
    }
    Ok(Enterprise {
        credit_code: code.as_str().to_owned(),
        industry_code,
        region_code,
        employees: dto.employees,
        annual_revenue: dto.annual_revenue,
        small_micro: dto.small_micro,
        key_group_hires: dto.key_group_hires,
    })
}

/// Checks a saving at the edge; `at` is the JSON pointer of the entry.
pub fn saving_of(dto: SavingDto, at: &str) -> Result<(String, SavingRecord), TaxError> {
    let field = |name: &str| format!("{at}/{name}");
    if !record_id_ok(&dto.record_id) {
        return Err(TaxError::InvalidField {
            field: field("record_id"),
            expected_zh: "1至64个可见ASCII字符",
            expected_en: "1 to 64 printable ASCII characters",
        });
    }
    if !record_id_ok(&dto.policy_id) {
        return Err(TaxError::InvalidField {
            field: field("policy_id"),
            expected_zh: "政策编号（1至64个可见ASCII字符）",
            expected_en: "a policy id of 1 to 64 printable ASCII characters",
        });
    }
    let code = credit_code(field("credit_code"), &dto.credit_code)?;
    let on = IsoDate::parse(&dto.on)
        .map(IsoDate::date)
        .map_err(|_| TaxError::InvalidField {
            field: field("on"),
            expected_zh: "YYYY-MM-DD 格式的日期",
            expected_en: "a date YYYY-MM-DD",
        })?;
    Ok((
        dto.record_id,
        SavingRecord {
            credit_code: code.as_str().to_owned(),
            policy_id: dto.policy_id,
            on,
            saved: dto.saved,
        },
    ))
}
