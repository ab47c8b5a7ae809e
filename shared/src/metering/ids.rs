//! Identifiers: the meter (DL/T 645 address) and the site a socket stands at.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::error::MeteringInputError;

/// A meter id: 12 decimal digits, as a DL/T 645 communication address is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeterId(String);

impl MeterId {
    /// Parses exactly 12 ASCII digits (surrounding whitespace is ignored).
    pub fn parse(text: &str) -> Result<MeterId, MeteringInputError> {
        let t = text.trim();
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(MeterId(t.to_owned()))
        } else {
            Err(MeteringInputError::MeterIdInvalid {
                input: text.to_owned(),
            })
        }
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as six BCD bytes, low byte first (A0..A5), as a frame carries it:
    /// `123456789012` → `12 90 78 56 34 12`.
    pub fn to_bcd_le(&self) -> [u8; 6] {
        let d = self.0.as_bytes();
        let mut out = [0u8; 6];
        for (i, byte) in out.iter_mut().enumerate() {
            // A0 holds the last two digits.
            let hi = d[10 - 2 * i] - b'0';
            let lo = d[11 - 2 * i] - b'0';
            *byte = (hi << 4) | lo;
        }
        out
    }

    /// The address from six BCD bytes, low byte first; `None` if a nibble is not 0–9.
    pub fn from_bcd_le(bytes: [u8; 6]) -> Option<MeterId> {
        let mut s = String::with_capacity(12);
        for &b in bytes.iter().rev() {
            let (hi, lo) = (b >> 4, b & 0x0F);
            if hi > 9 || lo > 9 {
                return None;
            }
            s.push(char::from(b'0' + hi));
            s.push(char::from(b'0' + lo));
        }
        Some(MeterId(s))
    }
}

impl TryFrom<String> for MeterId {
    type Error = MeteringInputError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MeterId::parse(&value)
    }
}

impl From<MeterId> for String {
    fn from(value: MeterId) -> String {
        value.0
    }
}

impl fmt::Display for MeterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A site (a night market, a village fair, a pump station) where sockets stand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteId(String);

impl SiteId {
    /// Parses 1–64 ASCII letters, digits, `-` or `_`.
    pub fn parse(text: &str) -> Result<SiteId, MeteringInputError> {
        let ok = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(SiteId(text.to_owned()))
        } else {
            Err(MeteringInputError::SiteIdInvalid {
                input: text.to_owned(),
            })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::openapi::json_schema_of!(SiteId, "SiteId", {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]{1,64}$",
    "description": "A site: 1-64 letters, digits, '-' or '_'. 站点编号。"
});

impl TryFrom<String> for SiteId {
    type Error = MeteringInputError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        SiteId::parse(&value)
    }
}

impl From<SiteId> for String {
    fn from(value: SiteId) -> String {
        value.0
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_id_is_twelve_digits() {
        assert_eq!(
            MeterId::parse(" 123456789012 ").unwrap().as_str(),
            "123456789012"
        );
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "１２３４５６７８９０１２",
        ] {
            assert!(MeterId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn meter_id_bcd_is_low_byte_first() {
        let id = MeterId::parse("123456789012").unwrap();
        assert_eq!(id.to_bcd_le(), [0x12, 0x90, 0x78, 0x56, 0x34, 0x12]);
        assert_eq!(MeterId::from_bcd_le(id.to_bcd_le()), Some(id));
        assert_eq!(MeterId::from_bcd_le([0xAA; 6]), None);
    }

    #[test]
    fn ids_round_trip_through_json() {
        let id: MeterId = serde_json::from_str("\"000000000001\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"000000000001\"");
        assert!(serde_json::from_str::<MeterId>("\"1\"").is_err());
        assert!(SiteId::parse("xuchang-night-market_01").is_ok());
        assert!(SiteId::parse("许昌").is_err());
        assert!(SiteId::parse("").is_err());
    }
}
