//! `#[serde(with = "…")]` for plain [`time::Date`] fields of DTOs: written as
//! `YYYY-MM-DD`, read through [`IsoDate`] — so a date a caller sends is a real day in
//! [`MIN_YEAR`](super::MIN_YEAR)..=[`MAX_YEAR`](super::MAX_YEAR), never `9999-12-31`
//! or a negative year that later date arithmetic would trap on.

use super::iso::{IsoDate, iso};
use serde::{Deserialize, Deserializer, Serializer};
use time::Date;

/// Writes the date as `YYYY-MM-DD`.
pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&iso(*date))
}

/// Reads a `YYYY-MM-DD` date in the accepted range.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    IsoDate::deserialize(deserializer).map(IsoDate::date)
}

/// The same for `Option<Date>` fields (`null` or absent is `None`).
pub mod option {
    use super::{IsoDate, iso};
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes the date as `YYYY-MM-DD`, or `null`.
    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => serializer.collect_str(&iso(*d)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` or a `YYYY-MM-DD` date in the accepted range.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        Option::<IsoDate>::deserialize(deserializer).map(|d| d.map(IsoDate::date))
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Dto {
        #[serde(with = "super")]
        on: time::Date,
    }

    #[test]
    fn round_trips_and_refuses_absurd_years() {
        let dto: Dto = serde_json::from_str(r#"{"on":"2026-02-14"}"#).unwrap();
        assert_eq!(dto.on, time::macros::date!(2026 - 02 - 14));
        assert_eq!(
            serde_json::to_string(&dto).unwrap(),
            r#"{"on":"2026-02-14"}"#
        );
        for bad in ["9999-12-31", "-0001-01-01", "2026-02-30", "2026-2-14"] {
            let text = format!(r#"{{"on":"{bad}"}}"#);
            assert!(serde_json::from_str::<Dto>(&text).is_err(), "{bad}");
        }
    }
}
