//! When to try an outbox delivery again. Messages that must reach another party —
//! refunds to the payment channel, paid-tax records to the registry — leave through
//! an outbox row written in the same transaction as the change that causes them, and
//! a schedule sends them with an idempotency key (so a retry after a lost answer
//! never acts twice). Failed sends are retried with exponential backoff, up to
//! [`MAX_ATTEMPTS`] tries (about a day); after the last one the message is given up
//! and an alarm raised, so that a person looks at it rather than the schedule
//! knocking for ever. A dispatcher leases a row while sending so that two
//! dispatchers running at once do not send the same message together.

/// The first retry waits this long, in seconds.
pub const FIRST_RETRY_S: u32 = 30;
/// No retry waits longer than this, in seconds (one hour).
pub const MAX_RETRY_S: u32 = 3600;
/// How long a dispatcher holds a message it is sending, in seconds.
pub const SEND_LEASE_S: u32 = 60;

/// Tries before a message is given up: 30 s, 1, 2, 4, 8, 16, 32 min, then hourly —
/// 24 tries span about 18 hours, long enough to ride out a receiver's bad day.
pub const MAX_ATTEMPTS: u32 = 24;

/// What follows a failed send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again after this many seconds.
    RetryIn(u32),
    /// That was the last try: give the message up and raise an alarm.
    GiveUp,
}

/// What follows the `failed_attempts`-th failure (≥ 1) of a message.
pub fn after_failure(failed_attempts: u32) -> AfterFailure {
    if failed_attempts >= MAX_ATTEMPTS {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryIn(retry_delay_s(failed_attempts))
    }
}

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

    #[test]
    fn the_last_try_gives_up() {
        assert_eq!(after_failure(1), AfterFailure::RetryIn(30));
        assert_eq!(after_failure(MAX_ATTEMPTS - 1), AfterFailure::RetryIn(3600));
        assert_eq!(after_failure(MAX_ATTEMPTS), AfterFailure::GiveUp);
        assert_eq!(after_failure(u32::MAX), AfterFailure::GiveUp);
        let waited: u32 = (1..MAX_ATTEMPTS).map(retry_delay_s).sum();
        assert!((12 * 3600..=24 * 3600).contains(&waited), "{waited}");
    }
}
