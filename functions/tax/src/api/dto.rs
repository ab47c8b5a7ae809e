//! Request and response bodies of the tax API, and their conversion to core types at
//! the edge: after [`Contract::try_from`], every ID number, area and date is valid.

use super::error::TaxError;
use serde::{Deserialize, Serialize};
use time::Date;
use yingshang_core::money::Fen;
use yingshang_core::tax::{
    Area, Assessment, CountSource, Family, Holding, HouseCount, IdNumber, LocationClass, Pledge,
    PropertyUse, SellerFacts,
};

/// Reads a `YYYY-MM-DD` date; `field` names it in the error.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date, TaxError> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| TaxError::InvalidDate { field })
}

/// `YYYY-MM-DD`.
pub fn iso(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

fn id(field: &str, text: &str) -> Result<IdNumber, TaxError> {
    IdNumber::parse(text).map_err(|error| TaxError::IdNumber {
        field: field.to_owned(),
        error,
    })
}

/// The buyer and the family members the buyer declares.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyerDto {
    /// The buyer's resident ID number.
    pub id_number: String,
    /// The buyer's account (token subject), so the buyer may read the assessment.
    #[serde(default)]
    pub account: Option<String>,
    /// The buyer's name, as on the contract.
    #[serde(default)]
    pub name: Option<String>,
    /// The spouse's ID number.
    #[serde(default)]
    pub spouse_id_number: Option<String>,
    /// The children's ID numbers (adults are listed but not counted).
    #[serde(default)]
    pub children_id_numbers: Vec<String>,
}

/// The seller and the seller's acquisition facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SellerDto {
    /// The seller's resident ID number.
    pub id_number: String,
    /// The seller's account (token subject).
    #[serde(default)]
    pub account: Option<String>,
    /// The seller's name, as on the contract.
    #[serde(default)]
    pub name: Option<String>,
    /// Acquisition facts and documented costs.
    pub facts: SellerFacts,
}

/// `POST /assessments`: the signed contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// The registry unit code (as the valuation register knows it).
    pub unit_code: String,
    /// The contract price, VAT included, in fen.
    pub contract_price_fen: i64,
    /// Floor area in m², at most two decimals (`"89.50"`).
    pub area_m2: String,
    /// Contract date `YYYY-MM-DD`.
    pub contract_date: String,
    /// Tax-liability date; the contract date when absent.
    #[serde(default)]
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
            buyer_account: r.buyer.account,
            seller: id("/seller/id_number", &r.seller.id_number)?,
            seller_account: r.seller.account,
            seller_facts: r.seller.facts,
            pledge: r.pledge,
            documents: r.documents,
            names,
        })
    }
}

/// The family as counted, for the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyView {
    /// Members counted: buyer, spouse, minor children.
    pub members: Vec<String>,
    /// Children left out because they were 18 or older on the contract date.
    pub adult_children_excluded: Vec<String>,
}

impl From<&Family> for FamilyView {
    fn from(f: &Family) -> FamilyView {
        FamilyView {
            members: f.members().iter().map(|m| m.as_str().to_owned()).collect(),
            adult_children_excluded: f
                .adult_children()
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
        }
    }
}

/// A note on how the answer was reached, in both languages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    /// Stable code.
    pub code: String,
    /// Chinese.
    pub text_zh: String,
    /// English.
    pub text_en: String,
}

/// The note said when the house count rests on the buyer's pledge.
pub fn pledge_note() -> Note {
    Note {
        code: "TAX_HOUSE_COUNT_FROM_PLEDGE".to_owned(),
        text_zh: "不动产登记系统没有该家庭成员的登记信息，房屋套次依据购房人签署的诚信保证认定，已记录在案".to_owned(),
        text_en: "The housing registry has no answer for the family; the house count rests on the buyer's signed pledge, which is recorded".to_owned(),
    }
}

/// What is stored beside the core's assessment: the count, the family, the prices.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Basis {
    /// The house count used.
    pub house_count: HouseCount,
    /// The family.
    pub family: FamilyView,
    /// The contract price.
    pub contract_price_fen: i64,
    /// The assessed price from valuation.
    pub assessed_price_fen: i64,
    /// Notes.
    pub notes: Vec<Note>,
    /// The pledge the count rests on, if it does.
    #[serde(default)]
    pub pledge: Option<Pledge>,
    /// Documents presented with the contract.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The buyer's name, as on the contract.
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// The seller's name, as on the contract.
    #[serde(default)]
    pub seller_name: Option<String>,
}

impl Basis {
    /// The notes for a count.
    pub fn notes_for(count: &HouseCount) -> Vec<Note> {
        match count.source {
            CountSource::Pledge => vec![pledge_note()],
            CountSource::Registry => Vec::new(),
        }
    }
}

/// An assessment as answered, built from stored rows only.
#[derive(Debug, Serialize)]
pub struct AssessmentView {
    /// The id.
    pub id: String,
    /// assessed | paid.
    pub status: String,
    /// When it was made, RFC 3339.
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldingsRequest {
    /// What the person holds (may be empty: registered, holds nothing).
    pub holdings: Vec<Holding>,
}

/// One person in a batch import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonHoldingsDto {
    /// The ID number.
    pub id_number: String,
    /// What the person holds.
    pub holdings: Vec<Holding>,
}

/// `POST /registry/holdings`: a batch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldingsBatch {
    /// Persons.
    pub persons: Vec<PersonHoldingsDto>,
}

/// `POST /payments/confirmations`: the channel's confirmation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    /// The channel's transaction id.
    pub transaction_id: String,
    /// Our assessment id.
    pub assessment_id: String,
    /// Amount paid in fen.
    pub amount_fen: i64,
}
