//! The current time. The shell reads the clock; the core is handed `now`.

use time::OffsetDateTime;

/// The current time from the WASI wall clock (`wasi:clocks/system-clock`).
pub fn now() -> OffsetDateTime {
    let instant = spin_sdk::wasip3::clocks::system_clock::now();
    let nanos = i128::from(instant.seconds) * 1_000_000_000 + i128::from(instant.nanoseconds);
    // The wall clock is within time's range for any real date; the epoch is the
    // only sensible fallback for a broken host clock.
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Milliseconds since the Unix epoch, as timestamps are stored in SQL.
pub fn unix_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The instant of a stored millisecond timestamp.
pub fn from_unix_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339, as timestamps are shown in JSON.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
