//! Property-transfer taxes (不动产交易涉税) for individuals transferring housing in
//! Henan, and the 免申即享 policy catalogue.
//!
//! - [`rules`]: the dated [`RuleSet`] — every rate, threshold and legal basis as data;
//!   [`RuleSet::select`] picks the set in force on the tax date. Weak values are
//!   [`Assumed`] and reported in each answer's `assumptions`.
//! - [`id_number`] and [`family`]: resident ID numbers (GB 11643 check character, birth
//!   date), the buyer's family on the contract date and its house count (registry or
//!   pledge).
//! - [`assessment`] and [`compute`]: one transfer in, every tax line out (payer, base,
//!   rate, amount, legal basis, relief), the reduction/exemption declaration, totals.
//! - [`basis`]: what is stored and answered beside an assessment (count, family,
//!   prices, notes), and what of it each reader is shown.
//! - [`authority`]: which agencies' officers act for the tax authority.
//! - [`declaration`]: the printable reduction/exemption declaration.
//! - [`handoff`]: the paid-tax record for the registry.
//! - [`refund`]: the sell-then-buy IIT refund.
//! - [`risk`]: after-the-fact risk screening of completed transfers.
//! - [`policy`] and [`dividend`]: the 免申即享 catalogue as data, the matcher, and the
//!   dividend bill (红利账单); [`industry`]: the GB/T 4754 industry code enterprises
//!   carry (their division code is the shared [`crate::codes::DivisionCode`]).
//!
//! Money is integer fen ([`crate::money::Fen`]); every line is rounded to the fen,
//! half-up, on its own.

pub mod assessment;
pub mod authority;
pub mod basis;
pub mod compute;
pub mod declaration;
pub mod dividend;
pub mod family;
pub mod handoff;
pub mod id_number;
pub mod industry;
pub mod policy;
pub mod refund;
pub mod risk;
pub mod rules;
pub mod types;

#[cfg(test)]
mod codes_tests;
#[cfg(test)]
mod examples_tests;

pub use assessment::{
    Assessment, AssessmentError, BaseSource, DeclarationLine, HoldingFacts, IitDetail, IitMethod,
    OriginalValue, Relief, ReliefKind, SellerFacts, TaxLine, Totals, TransferInput,
};
pub use authority::{TaxAuthority, TaxAuthorityError};
pub use basis::{Basis, FamilyView, Note, Reader, pledge_note, withheld_units_note};
pub use compute::{assess, assess_with_history};
pub use declaration::{DeclarationParties, render_declaration};
pub use dividend::{
    BillLine, BillPeriod, DividendBill, DividendError, SavingRecord, dividend_bill,
};
pub use family::{
    CountSource, Family, Holding, HouseCount, HouseCountError, PersonHoldings, Pledge,
    RegistryAnswer, count_houses, units_held_by,
};
pub use handoff::{HEADER_REGISTRY_SIGNATURE, PaidLine, PaidTaxRecord};
pub use id_number::{IdNumber, IdNumberError};
pub use industry::{INDUSTRY_CODE_MAX_LEN, IndustryCode, IndustryCodeError};
pub use policy::{
    CatalogueError, Condition, Enterprise, KeyGroup, Policy, PolicyCatalogue, PolicyGroup,
    PolicyMatch, match_policies,
};
pub use refund::{
    NoRefundReason, RefundClaim, RefundDecision, RefundError, RefundOutcome, sell_then_buy_refund,
};
pub use risk::{
    CertificateRecord, Party, RefundRecord, RiskCode, RiskFlag, RiskRecords, TransferRecord, screen,
};
pub use rules::{Assumed, Assumption, RuleSet, RuleSetError};
pub use types::{Area, AreaError, HomeRank, LocationClass, Payer, PropertyUse, TaxKind};
