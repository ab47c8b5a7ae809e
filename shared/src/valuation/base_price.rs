//! Base prices (小区/楼栋基准价): dated series per community and per building, and the
//! rule that picks the one in force on an assessment date.
//!
//! Rule: on date `d`, the building's latest price dated on or before `d` applies; if the
//! building has none, the community's latest price dated on or before `d` applies. A
//! building price therefore overrides the community price from its own date on, even
//! when the community price is newer. If neither series has a price on or before `d`,
//! the assessment fails.

use super::ids::{BuildingId, CommunityId};
use super::iso_date;
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::Date;

/// Highest accepted base price: 10,000,000.00 yuan per m², in fen.
pub const MAX_BASE_PRICE_FEN: i64 = 1_000_000_000;

/// Whether a base price belongs to a whole community or to one building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BasePriceLevel {
    /// 小区基准价.
    Community,
    /// 楼栋基准价.
    Building,
}

/// One dated base price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasePrice {
    /// The community.
    pub community_id: CommunityId,
    /// The building, for a building-level price; none for the community's price.
    pub building_id: Option<BuildingId>,
    /// First day on which the price applies.
    #[serde(with = "iso_date")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub effective_from: Date,
    /// Price per m² of building area, in fen.
    pub price_per_m2: Fen,
}

impl BasePrice {
    /// The level of this price.
    pub fn level(&self) -> BasePriceLevel {
        match self.building_id {
            Some(_) => BasePriceLevel::Building,
            None => BasePriceLevel::Community,
        }
    }
}

/// The base price an assessment used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedBasePrice {
    /// Price per m², in fen.
    pub amount: Fen,
    /// The date the price took effect.
    #[serde(with = "iso_date")]
    pub effective_from: Date,
    /// Community or building level.
    pub level: BasePriceLevel,
}

/// Why a set of base prices cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BasePriceError {
    /// A price that is not above 0 or above the maximum.
    #[error("price {price} per m² is out of range (above 0, at most 10000000.00)")]
    PriceOutOfRange {
        /// The price found.
        price: Fen,
    },
    /// Two prices for the same community/building and date.
    #[error("two base prices for {community_id}/{} on {effective_from}", building_id.as_ref().map_or("-", |b| b.as_str()))]
    Duplicate {
        /// The community.
        community_id: CommunityId,
        /// The building, if building-level.
        building_id: Option<BuildingId>,
        /// The date.
        effective_from: Date,
    },
}

impl BasePriceError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] =
        &["VAL_BASE_PRICE_OUT_OF_RANGE", "VAL_BASE_PRICE_DUPLICATE"];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PriceOutOfRange { .. } => "VAL_BASE_PRICE_OUT_OF_RANGE",
            Self::Duplicate { .. } => "VAL_BASE_PRICE_DUPLICATE",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::PriceOutOfRange { price } => {
                format!("基准价{price}元/平方米超出范围（应大于0且不超过10000000.00）")
            }
            Self::Duplicate {
                community_id,
                building_id,
                effective_from,
            } => format!(
                "小区{community_id}{}在{effective_from}有两条基准价",
                building_id
                    .as_ref()
                    .map_or(String::new(), |b| format!("楼栋{b}"))
            ),
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// A series sorted by date, with distinct dates.
type Series = Vec<(Date, Fen)>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CommunitySeries {
    community: Series,
    buildings: HashMap<BuildingId, Series>,
}

/// All base prices, indexed for lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasePrices {
    by_community: HashMap<CommunityId, CommunitySeries>,
    count: usize,
}

/// Why no base price applies (both answer 422 at the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LookupMiss {
    /// Neither the building nor the community has any price.
    None,
    /// Prices exist, but the earliest is after the date.
    NotYet {
        /// The earliest date of any applicable price.
        earliest: Date,
    },
}

fn latest_on(series: &Series, on: Date) -> Option<(Date, Fen)> {
    // Sorted by date: the last entry not after `on`.
    let n = series.partition_point(|(d, _)| *d <= on);
    n.checked_sub(1).map(|i| series[i])
}

impl BasePrices {
    /// Indexes a list of prices, rejecting out-of-range prices and duplicates.
    pub fn new(prices: impl IntoIterator<Item = BasePrice>) -> Result<BasePrices, BasePriceError> {
        let mut out = BasePrices::default();
        for p in prices {
            let amount = p.price_per_m2;
            if amount.get() <= 0 || amount.get() > MAX_BASE_PRICE_FEN {
                return Err(BasePriceError::PriceOutOfRange { price: amount });
            }
            let entry = out.by_community.entry(p.community_id.clone()).or_default();
            let series = match &p.building_id {
                Some(b) => entry.buildings.entry(b.clone()).or_default(),
                None => &mut entry.community,
            };
            match series.binary_search_by_key(&p.effective_from, |(d, _)| *d) {
                Ok(_) => {
                    return Err(BasePriceError::Duplicate {
                        community_id: p.community_id,
                        building_id: p.building_id,
                        effective_from: p.effective_from,
                    });
                }
                Err(at) => series.insert(at, (p.effective_from, amount)),
            }
            out.count += 1;
        }
        Ok(out)
    }

    /// Number of prices held.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no price is held.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The base price in force for a building of a community on a date (rule above).
    pub(super) fn lookup(
        &self,
        community: &CommunityId,
        building: &BuildingId,
        on: Date,
    ) -> Result<AppliedBasePrice, LookupMiss> {
        let Some(c) = self.by_community.get(community.as_str()) else {
            return Err(LookupMiss::None);
        };
        let b = c.buildings.get(building.as_str());
        if let Some((d, amount)) = b.and_then(|s| latest_on(s, on)) {
            return Ok(AppliedBasePrice {
                amount,
                effective_from: d,
                level: BasePriceLevel::Building,
            });
        }
        if let Some((d, amount)) = latest_on(&c.community, on) {
            return Ok(AppliedBasePrice {
                amount,
                effective_from: d,
                level: BasePriceLevel::Community,
            });
        }
        let earliest = [b.and_then(|s| s.first()), c.community.first()]
            .into_iter()
            .flatten()
            .map(|(d, _)| *d)
            .min();
        Err(earliest.map_or(LookupMiss::None, |earliest| LookupMiss::NotYet { earliest }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn price(c: &str, b: Option<&str>, d: Date, yuan: i64) -> BasePrice {
        BasePrice {
            community_id: CommunityId::parse(c).unwrap(),
            building_id: b.map(|b| BuildingId::parse(b).unwrap()),
            effective_from: d,
            price_per_m2: Fen::from_yuan(yuan),
        }
    }

    fn sample() -> BasePrices {
        BasePrices::new([
            price("C1", None, date!(2025 - 01 - 01), 6_500),
            price("C1", None, date!(2024 - 01 - 01), 6_000),
            price("C1", Some("B2"), date!(2024 - 07 - 01), 7_000),
            price("C2", Some("B1"), date!(2024 - 03 - 01), 9_000),
        ])
        .unwrap()
    }

    fn at(c: &str, b: &str, on: Date) -> Result<AppliedBasePrice, LookupMiss> {
        sample().lookup(
            &CommunityId::parse(c).unwrap(),
            &BuildingId::parse(b).unwrap(),
            on,
        )
    }

    #[test]
    fn picks_the_latest_price_on_or_before_the_date() {
        let p = at("C1", "B1", date!(2024 - 12 - 31)).unwrap();
        assert_eq!(
            (p.amount, p.effective_from),
            (Fen::from_yuan(6_000), date!(2024 - 01 - 01))
        );
        assert_eq!(p.level, BasePriceLevel::Community);
        let p = at("C1", "B1", date!(2025 - 01 - 01)).unwrap();
        assert_eq!(p.amount, Fen::from_yuan(6_500));
    }

    #[test]
    fn building_price_overrides_community_price_from_its_date() {
        // Before the building price: the community's.
        let p = at("C1", "B2", date!(2024 - 06 - 30)).unwrap();
        assert_eq!(
            (p.amount, p.level),
            (Fen::from_yuan(6_000), BasePriceLevel::Community)
        );
        // From its date, even after a newer community price: the building's.
        let p = at("C1", "B2", date!(2025 - 06 - 01)).unwrap();
        assert_eq!(
            (p.amount, p.level),
            (Fen::from_yuan(7_000), BasePriceLevel::Building)
        );
        assert_eq!(p.effective_from, date!(2024 - 07 - 01));
    }

    #[test]
    fn a_date_before_any_price_or_no_price_at_all_is_a_miss() {
        assert_eq!(
            at("C1", "B1", date!(2023 - 12 - 31)),
            Err(LookupMiss::NotYet {
                earliest: date!(2024 - 01 - 01)
            })
        );
        assert_eq!(
            at("C2", "B1", date!(2024 - 01 - 01)),
            Err(LookupMiss::NotYet {
                earliest: date!(2024 - 03 - 01)
            })
        );
        assert_eq!(at("C2", "B9", date!(2025 - 01 - 01)), Err(LookupMiss::None));
        assert_eq!(at("C9", "B1", date!(2025 - 01 - 01)), Err(LookupMiss::None));
    }

    #[test]
    fn rejects_duplicates_and_bad_prices() {
        let d = date!(2024 - 01 - 01);
        let e = BasePrices::new([price("C1", None, d, 1), price("C1", None, d, 2)]).unwrap_err();
        assert_eq!(e.code(), "VAL_BASE_PRICE_DUPLICATE");
        // Same date at another level is fine.
        assert!(BasePrices::new([price("C1", None, d, 1), price("C1", Some("B"), d, 2)]).is_ok());
        let e = BasePrices::new([price("C1", None, d, 0)]).unwrap_err();
        assert_eq!(e.code(), "VAL_BASE_PRICE_OUT_OF_RANGE");
        assert!(!e.message_zh().is_empty());
        assert_eq!(sample().len(), 4);
    }
}
