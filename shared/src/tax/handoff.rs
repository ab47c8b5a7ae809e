//! The paid-tax record handed to the real-estate registry (不动产登记) once the taxes of
//! a transfer are paid, and when to try the hand-off again. Records leave through an
//! outbox written in the transaction that records the payment; a schedule delivers
//! them with the assessment id as idempotency key (a retry after a lost answer never
//! registers twice) and backs off while the registry is unreachable ([`crate::outbox`]).

use serde::{Deserialize, Serialize};

/// The header carrying the body's HMAC-SHA256 (the core's `security::channel` rule,
/// with the secret shared with the registry) on records sent to the registry.
pub const HEADER_REGISTRY_SIGNATURE: &str = "x-registry-signature";

use super::assessment::Assessment;
use super::types::{Payer, TaxKind};
use crate::money::Fen;

/// One paid tax as the registry needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidLine {
    /// The tax.
    pub tax: TaxKind,
    /// Who paid.
    pub payer: Payer,
    /// Amount paid.
    pub amount: Fen,
}

/// The completed-tax record (完税信息) for one transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidTaxRecord {
    /// Our assessment id (also the idempotency key of the hand-off).
    pub assessment_id: String,
    /// The registry unit.
    pub unit_code: String,
    /// Buyer's ID number.
    pub buyer_id_number: String,
    /// Seller's ID number.
    pub seller_id_number: String,
    /// The rule set the taxes were computed with.
    pub rule_set_version: String,
    /// The tax base.
    pub tax_base: Fen,
    /// Payable lines (amount > 0) and exempt lines are both summarised by the total;
    /// only lines with an amount are listed.
    pub lines: Vec<PaidLine>,
    /// Total paid.
    pub total_paid: Fen,
    /// The payment channel's transaction id.
    pub payment_transaction_id: String,
    /// When it was paid, RFC 3339.
    pub paid_at: String,
}

impl PaidTaxRecord {
    /// The record of a paid assessment.
    pub fn of(
        assessment_id: &str,
        assessment: &Assessment,
        buyer_id_number: &str,
        seller_id_number: &str,
        payment_transaction_id: &str,
        paid_at: &str,
    ) -> PaidTaxRecord {
        PaidTaxRecord {
            assessment_id: assessment_id.to_owned(),
            unit_code: assessment.unit_code.clone(),
            buyer_id_number: buyer_id_number.to_owned(),
            seller_id_number: seller_id_number.to_owned(),
            rule_set_version: assessment.rule_set_version.clone(),
            tax_base: assessment.tax_base,
            lines: assessment
                .lines
                .iter()
                .filter(|l| l.amount > Fen::ZERO)
                .map(|l| PaidLine {
                    tax: l.tax,
                    payer: l.payer,
                    amount: l.amount,
                })
                .collect(),
            total_paid: assessment.totals.overall,
            payment_transaction_id: payment_transaction_id.to_owned(),
            paid_at: paid_at.to_owned(),
        }
    }
}
