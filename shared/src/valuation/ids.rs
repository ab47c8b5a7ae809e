//! Identifiers and measures that dwellings and base prices share: community and
//! building ids, and building area in exact hundredths of a square metre.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Longest accepted community or building id.
pub const MAX_ID_LEN: usize = 64;
/// Largest accepted building area, in 0.01 m² (10,000 m²).
pub const MAX_AREA_CENTI_M2: i64 = 1_000_000;

fn valid_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses an id: 1–64 characters from `A–Z a–z 0–9 - _ .`.
            pub fn parse(text: &str) -> Option<$name> {
                valid_id(text).then(|| $name(text.to_owned()))
            }

            /// The id text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        crate::openapi::json_schema_of!($name, stringify!($name), {
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]{1,64}$"
        });

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("invalid id {text:?}"))
                })
            }
        }
    };
}

id_type! {
    /// A residential community (小区) id, as the registry assigns it.
    CommunityId
}
id_type! {
    /// A building (楼栋) id, unique within its community.
    BuildingId
}

/// A building area in hundredths of a square metre (0.01 m²). Shown as `"89.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Area(i64);

impl Area {
    /// An area from hundredths of a square metre.
    pub const fn from_centi_m2(centi: i64) -> Area {
        Area(centi)
    }

    /// Hundredths of a square metre.
    pub const fn centi_m2(self) -> i64 {
        self.0
    }

    /// Parses square metres written with at most two decimals (`"89.5"`, `"120"`).
    /// Signs, exponents and separators are rejected.
    pub fn parse_m2(text: &str) -> Option<Area> {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 12
            || frac.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (text.contains('.') && frac.is_empty())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac_centi: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse::<i64>().ok()?,
        };
        Some(Area(whole * 100 + frac_centi))
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

crate::openapi::json_schema_of!(Area, "Area", {
    "type": "string",
    "pattern": "^[0-9]{1,5}(\\.[0-9]{1,2})?$",
    "description": "Building area in m², a decimal string with at most two decimals (\"89.50\"), never a float."
});

impl Serialize for Area {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Area {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Area::parse_m2(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid area {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_areas_exactly() {
        assert_eq!(Area::parse_m2("89.5"), Some(Area::from_centi_m2(8_950)));
        assert_eq!(Area::parse_m2("120"), Some(Area::from_centi_m2(12_000)));
        assert_eq!(Area::parse_m2("0.07"), Some(Area::from_centi_m2(7)));
        assert_eq!(Area::parse_m2("89."), None);
        assert_eq!(Area::parse_m2(".5"), None);
        assert_eq!(Area::parse_m2("+8"), None);
        assert_eq!(Area::from_centi_m2(8_950).to_string(), "89.50");
        assert_eq!(Area::from_centi_m2(-5).to_string(), "-0.05");
    }

    #[test]
    fn ids_take_a_safe_alphabet() {
        assert!(CommunityId::parse("C410305-0012").is_some());
        assert!(BuildingId::parse("B.3_a").is_some());
        assert!(CommunityId::parse("").is_none());
        assert!(CommunityId::parse("a b").is_none());
        assert!(BuildingId::parse(&"x".repeat(65)).is_none());
        assert!(serde_json::from_str::<CommunityId>("\"3号\"").is_err());
    }
}
