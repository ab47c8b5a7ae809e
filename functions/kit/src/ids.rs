//! Identifiers: ULIDs (time-ordered, 26 Crockford base32 characters) made from the
//! clock and WASI randomness.

use time::OffsetDateTime;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a ULID in characters.
pub const ULID_LEN: usize = 26;

/// `n` random bytes from the host's cryptographic source (`wasi:random`).
pub fn random_bytes(n: usize) -> Vec<u8> {
    spin_sdk::wasip3::random::random::get_random_bytes(n as u64)
}

/// A new ULID for instant `at`: 48 bits of milliseconds, then 80 random bits.
pub fn ulid(at: OffsetDateTime) -> String {
    let ms = u128::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0) & ((1 << 48) - 1);
    let mut value = ms << 80;
    let random = random_bytes(10);
    for (i, b) in random.iter().take(10).enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    let mut out = [0u8; ULID_LEN];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (ULID_LEN - 1 - i);
        *slot = CROCKFORD[((value >> shift) & 0x1f) as usize];
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a text looks like a ULID (26 Crockford characters, upper case).
pub fn is_ulid(text: &str) -> bool {
    text.len() == ULID_LEN && text.bytes().all(|b| CROCKFORD.contains(&b))
}
