//! The payment channel's confirmation, decided once for every function that is paid
//! through it (a tax assessment, a charging session's prepay).
//!
//! A confirmation names the channel's transaction id, what it pays for (the
//! target) and the amount. The channel may send the same confirmation again (a
//! retry), so the transaction id is the idempotency key: the adapter looks up what
//! is recorded under it and loads the target, and [`decide_payment`] answers whether
//! to apply the confirmation, answer it again, or refuse it and why. The adapter
//! then persists (recording the payment under its id and marking the target paid in
//! one transaction); each function maps a [`PaymentRefusal`] to its own error code.
//!
//! The checks run in this order, and the first that fails answers:
//!
//! 1. a payment recorded under the transaction id: the same target and amount is a
//!    replay, anything else [`PaymentRefusal::TxnUsedElsewhere`];
//! 2. the target does not exist: [`PaymentRefusal::UnknownTarget`];
//! 3. the amount is not what is due: [`PaymentRefusal::AmountMismatch`];
//! 4. the target was paid already (by a payment not recorded under this transaction
//!    id): [`PaymentRefusal::AlreadyPaidByOther`].
//!
//! Anything a function checks beyond these (a cancelled session, a busy socket)
//! comes after [`PaymentDecision::Apply`].

use crate::money::Fen;

/// A payment recorded earlier under the confirmation's transaction id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedPayment<'a> {
    /// The target it paid for.
    pub target_id: &'a str,
    /// The amount recorded.
    pub amount: Fen,
}

/// The target of a confirmation as it stands: what it asks for, and whether it is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payable {
    /// The amount due.
    pub due: Fen,
    /// Paid already (by whichever transaction).
    pub paid: bool,
}

/// What the channel confirms, besides the transaction id the adapter looked the
/// recorded payment up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmation<'a> {
    /// The target paid for.
    pub target_id: &'a str,
    /// The amount paid.
    pub amount: Fen,
}

/// What to do with a confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentDecision {
    /// A new payment: record it under its transaction id and mark the target paid.
    Apply,
    /// The same confirmation was applied before: change nothing, answer as then.
    Replay,
    /// Refuse it, saying why.
    Refuse(PaymentRefusal),
}

/// Why a confirmation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentRefusal {
    /// The transaction id was recorded for another target or another amount.
    TxnUsedElsewhere,
    /// No such target.
    UnknownTarget,
    /// The amount paid is not the amount due.
    AmountMismatch {
        /// What the target asks for.
        due: Fen,
        /// What the channel says was paid.
        got: Fen,
    },
    /// The target was paid already, and not under this transaction id (had it been,
    /// a payment would be recorded under it and the confirmation a replay).
    AlreadyPaidByOther,
}

/// Decides a confirmation `c` given the payment recorded under its transaction id
/// (if any) and its target as loaded by `c.target_id` (`None`: no such target).
pub fn decide_payment(
    recorded: Option<RecordedPayment<'_>>,
    target: Option<Payable>,
    c: &Confirmation<'_>,
) -> PaymentDecision {
    use PaymentDecision::{Apply, Refuse, Replay};
    if let Some(r) = recorded {
        return if r.target_id == c.target_id && r.amount == c.amount {
            Replay
        } else {
            Refuse(PaymentRefusal::TxnUsedElsewhere)
        };
    }
    let Some(target) = target else {
        return Refuse(PaymentRefusal::UnknownTarget);
    };
    if c.amount != target.due {
        return Refuse(PaymentRefusal::AmountMismatch {
            due: target.due,
            got: c.amount,
        });
    }
    if target.paid {
        return Refuse(PaymentRefusal::AlreadyPaidByOther);
    }
    Apply
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentDecision::{Apply, Refuse, Replay};

    const C: Confirmation<'static> = Confirmation {
        target_id: "A",
        amount: Fen(1000),
    };
    const DUE: Payable = Payable {
        due: Fen(1000),
        paid: false,
    };
    const PAID: Payable = Payable {
        due: Fen(1000),
        paid: true,
    };

    fn recorded(target_id: &str, amount: i64) -> Option<RecordedPayment<'_>> {
        Some(RecordedPayment {
            target_id,
            amount: Fen(amount),
        })
    }

    #[test]
    fn a_new_confirmation_of_the_amount_due_applies() {
        assert_eq!(decide_payment(None, Some(DUE), &C), Apply);
    }

    #[test]
    fn the_same_confirmation_again_is_a_replay() {
        assert_eq!(decide_payment(recorded("A", 1000), Some(PAID), &C), Replay);
        // The target is not needed to recognise a replay.
        assert_eq!(decide_payment(recorded("A", 1000), None, &C), Replay);
    }

    #[test]
    fn a_transaction_recorded_for_another_target_or_amount_is_refused_first() {
        let elsewhere = Refuse(PaymentRefusal::TxnUsedElsewhere);
        assert_eq!(
            decide_payment(recorded("B", 1000), Some(DUE), &C),
            elsewhere
        );
        assert_eq!(
            decide_payment(recorded("A", 999), Some(PAID), &C),
            elsewhere
        );
        // Before the target is looked at: unknown, another amount due, paid.
        assert_eq!(decide_payment(recorded("B", 1000), None, &C), elsewhere);
        let other_due = Payable {
            due: Fen(5),
            paid: true,
        };
        assert_eq!(
            decide_payment(recorded("B", 5), Some(other_due), &C),
            elsewhere
        );
    }

    #[test]
    fn an_unknown_target_is_refused() {
        assert_eq!(
            decide_payment(None, None, &C),
            Refuse(PaymentRefusal::UnknownTarget)
        );
    }

    #[test]
    fn an_amount_not_due_is_refused_before_an_earlier_payment() {
        let wrong = Confirmation {
            amount: Fen(999),
            ..C
        };
        let mismatch = Refuse(PaymentRefusal::AmountMismatch {
            due: Fen(1000),
            got: Fen(999),
        });
        assert_eq!(decide_payment(None, Some(DUE), &wrong), mismatch);
        assert_eq!(decide_payment(None, Some(PAID), &wrong), mismatch);
    }

    #[test]
    fn a_target_paid_by_another_transaction_is_refused() {
        // No payment is recorded under this transaction id, so another paid it.
        assert_eq!(
            decide_payment(None, Some(PAID), &C),
            Refuse(PaymentRefusal::AlreadyPaidByOther)
        );
    }
}
