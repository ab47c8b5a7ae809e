//! When to try an outbox delivery again. Messages that must reach another party —
//! refunds to the payment channel, paid-tax records to the registry — leave through
//! an outbox row written in the same transaction as the change that causes them, and
//! a schedule sends them with an idempotency key (so a retry after a lost answer
//! never acts twice). Failed sends are retried with exponential backoff and never
//! given up, only spaced out; a dispatcher leases a row while sending so that two
//! dispatchers running at once do not send the same message together.

/// The first retry waits this long, in seconds.
pub const FIRST_RETRY_S: u32 = 30;
/// No retry waits longer than this, in seconds (one hour).
pub const MAX_RETRY_S: u32 = 3600;
/// How long a dispatcher holds a message it is sending, in seconds.
pub const SEND_LEASE_S: u32 = 60;

/// The wait before the next attempt after `failed_attempts` failures (≥ 1):
/// 30 s, 60 s, 120 s, … capped at one hour.
pub fn retry_delay_s(failed_attempts: u32) -> u32 {
    let doublings = failed_attempts.saturating_sub(1).min(16);
    FIRST_RETRY_S
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_S)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay_s(0), 30);
        assert_eq!(retry_delay_s(1), 30);
        assert_eq!(retry_delay_s(2), 60);
        assert_eq!(retry_delay_s(3), 120);
        assert_eq!(retry_delay_s(7), 1920);
        assert_eq!(retry_delay_s(8), 3600);
        assert_eq!(retry_delay_s(u32::MAX), 3600);
    }
}
