//! The paid-tax record handed to the real-estate registry (不动产登记) once the taxes of
//! a transfer are paid, and when to try the hand-off again. Records leave through an
//! outbox written in the transaction that records the payment; a schedule delivers
//! them with the assessment id as idempotency key (a retry after a lost answer never
//! registers twice) and backs off exponentially while the registry is unreachable.

use serde::{Deserialize, Serialize};

use super::assessment::Assessment;
use super::types::{Payer, TaxKind};
use crate::money::Fen;

/// The first retry waits this long, in seconds.
pub const FIRST_RETRY_S: u32 = 30;
/// No retry waits longer than this (one hour): a record is never given up.
pub const MAX_RETRY_S: u32 = 3600;
/// How long a dispatcher holds a record it is sending, in seconds.
pub const SEND_LEASE_S: u32 = 60;

/// The wait before the next attempt after `failed_attempts` failures (≥ 1):
/// 30 s, 60 s, 120 s, … capped at one hour.
pub fn retry_delay_s(failed_attempts: u32) -> u32 {
    let doublings = failed_attempts.saturating_sub(1).min(16);
    FIRST_RETRY_S
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_S)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay_s(1), 30);
        assert_eq!(retry_delay_s(2), 60);
        assert_eq!(retry_delay_s(3), 120);
        assert_eq!(retry_delay_s(8), 3600);
        assert_eq!(retry_delay_s(u32::MAX), 3600);
    }
}
