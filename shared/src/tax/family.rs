//! The buyer's family (家庭) and its house count (房屋套次), rule 3: buyer, spouse and
//! children under 18 on the contract date. Homes are counted from the housing
//! registry; when the registry has no answer, from the buyer's signed pledge.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use super::id_number::IdNumber;
use super::types::{HomeRank, ymd};

/// The buyer's family on the contract date. Adult children are left out, and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Family {
    buyer: IdNumber,
    spouse: Option<IdNumber>,
    minor_children: Vec<IdNumber>,
    adult_children: Vec<IdNumber>,
    #[serde(with = "ymd")]
    contract_date: Date,
}

impl Family {
    /// Forms the family on `contract_date`; children aged 18 or more that day are not
    /// members (an 18th birthday on the contract date makes the child an adult).
    pub fn on(
        contract_date: Date,
        buyer: IdNumber,
        spouse: Option<IdNumber>,
        children: Vec<IdNumber>,
    ) -> Result<Family, HouseCountError> {
        if spouse.as_ref() == Some(&buyer) {
            return Err(HouseCountError::SpouseIsBuyer);
        }
        let mut minor_children = Vec::new();
        let mut adult_children = Vec::new();
        let mut seen = BTreeSet::new();
        for child in children {
            if child == buyer || Some(&child) == spouse.as_ref() {
                return Err(HouseCountError::ChildIsParent(child));
            }
            if child.birth_date() > contract_date {
                return Err(HouseCountError::ChildBornAfterContract(child));
            }
            if !seen.insert(child.clone()) {
                continue;
            }
            if child.is_minor_on(contract_date) {
                minor_children.push(child);
            } else {
                adult_children.push(child);
            }
        }
        Ok(Family {
            buyer,
            spouse,
            minor_children,
            adult_children,
            contract_date,
        })
    }

    /// The buyer.
    pub fn buyer(&self) -> &IdNumber {
        &self.buyer
    }

    /// The spouse, if any.
    pub fn spouse(&self) -> Option<&IdNumber> {
        self.spouse.as_ref()
    }

    /// Children under 18 on the contract date.
    pub fn minor_children(&self) -> &[IdNumber] {
        &self.minor_children
    }

    /// Children left out because they were adults on the contract date.
    pub fn adult_children(&self) -> &[IdNumber] {
        &self.adult_children
    }

    /// Every member: buyer, spouse, minor children.
    pub fn members(&self) -> Vec<IdNumber> {
        let mut all = vec![self.buyer.clone()];
        all.extend(self.spouse.iter().cloned());
        all.extend(self.minor_children.iter().cloned());
        all
    }

    /// True when `id` is a member.
    pub fn contains(&self, id: &IdNumber) -> bool {
        self.buyer == *id || self.spouse.as_ref() == Some(id) || self.minor_children.contains(id)
    }
}

/// One registered property of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Holding {
    /// The registry's unit code; a unit shared by spouses appears under both.
    pub unit_code: String,
    /// True for housing; non-housing is not counted.
    pub residential: bool,
}

/// The holdings the registry reports for one ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonHoldings {
    /// Whose holdings.
    pub id: IdNumber,
    /// What they hold.
    pub holdings: Vec<Holding>,
}

/// The registry's answer for a family query; a person not listed holds nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryAnswer {
    /// Holdings per ID number.
    pub persons: Vec<PersonHoldings>,
}

/// The buyer's signed pledge (诚信保证) of how many homes the family owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pledge {
    /// Who signed: the buyer or the spouse.
    pub signed_by: IdNumber,
    /// When.
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub signed_on: Date,
    /// Homes the family owns before this purchase, as pledged.
    pub homes_owned: u32,
}

/// Where the house count came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountSource {
    /// The housing registry answered.
    Registry,
    /// The registry had no answer; the buyer's pledge was used.
    Pledge,
}

/// The house count of the buyer's family before this purchase. When read from JSON the
/// `rank` may be left out (it follows from `homes_owned`); if given it must agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawHouseCount")]
pub struct HouseCount {
    /// Homes owned before this purchase.
    pub homes_owned: u32,
    /// Which home this purchase is.
    pub rank: HomeRank,
    /// Registry or pledge.
    pub source: CountSource,
    /// Units counted (registry only), sorted.
    pub counted_units: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawHouseCount {
    homes_owned: u32,
    #[serde(default)]
    rank: Option<HomeRank>,
    source: CountSource,
    #[serde(default)]
    counted_units: Vec<String>,
}

impl TryFrom<RawHouseCount> for HouseCount {
    type Error = HouseCountError;
    fn try_from(raw: RawHouseCount) -> Result<Self, Self::Error> {
        let rank = HomeRank::from_owned(raw.homes_owned);
        if raw.rank.is_some_and(|r| r != rank) {
            return Err(HouseCountError::RankMismatch {
                homes_owned: raw.homes_owned,
            });
        }
        Ok(HouseCount {
            homes_owned: raw.homes_owned,
            rank,
            source: raw.source,
            counted_units: raw.counted_units,
        })
    }
}

impl HouseCount {
    /// A count as stated (e.g. carried over from an earlier decision).
    pub fn stated(homes_owned: u32, source: CountSource) -> HouseCount {
        HouseCount {
            homes_owned,
            rank: HomeRank::from_owned(homes_owned),
            source,
            counted_units: Vec::new(),
        }
    }
}

/// Counts the family's homes before buying `purchased_unit`: distinct residential units
/// held by any member per the registry (the purchased unit itself is never counted);
/// without a registry answer, the pledge.
pub fn count_houses(
    family: &Family,
    registry: Option<&RegistryAnswer>,
    pledge: Option<&Pledge>,
    purchased_unit: &str,
) -> Result<HouseCount, HouseCountError> {
    if let Some(answer) = registry {
        let units: BTreeSet<&str> = answer
            .persons
            .iter()
            .filter(|p| family.contains(&p.id))
            .flat_map(|p| p.holdings.iter())
            .filter(|h| h.residential && h.unit_code.trim() != purchased_unit.trim())
            .map(|h| h.unit_code.trim())
            .collect();
        let homes_owned = u32::try_from(units.len()).unwrap_or(u32::MAX);
        return Ok(HouseCount {
            homes_owned,
            rank: HomeRank::from_owned(homes_owned),
            source: CountSource::Registry,
            counted_units: units.into_iter().map(str::to_owned).collect(),
        });
    }
    let pledge = pledge.ok_or(HouseCountError::NoSource)?;
    if pledge.signed_by != family.buyer && Some(&pledge.signed_by) != family.spouse.as_ref() {
        return Err(HouseCountError::PledgeNotByFamily(pledge.signed_by.clone()));
    }
    Ok(HouseCount::stated(pledge.homes_owned, CountSource::Pledge))
}

/// Of the units `count` counted, those `holder` holds per the registry answer, sorted:
/// what may be shown to the holder. A unit only the spouse or a child holds is counted
/// all the same, but its code is theirs, not the holder's, to see.
pub fn units_held_by(
    count: &HouseCount,
    registry: Option<&RegistryAnswer>,
    holder: &IdNumber,
) -> Vec<String> {
    let Some(answer) = registry else {
        return Vec::new();
    };
    let own: BTreeSet<&str> = answer
        .persons
        .iter()
        .filter(|p| p.id == *holder)
        .flat_map(|p| p.holdings.iter())
        .map(|h| h.unit_code.trim())
        .collect();
    count
        .counted_units
        .iter()
        .filter(|u| own.contains(u.as_str()))
        .cloned()
        .collect()
}

/// Why a family or its house count cannot be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HouseCountError {
    /// The spouse has the buyer's ID number.
    #[error("the spouse has the buyer's ID number")]
    SpouseIsBuyer,
    /// A child has the buyer's or the spouse's ID number.
    #[error("child {0} has the ID number of a parent")]
    ChildIsParent(IdNumber),
    /// A child was born after the contract date.
    #[error("child {0} was born after the contract date")]
    ChildBornAfterContract(IdNumber),
    /// Neither a registry answer nor a pledge.
    #[error("no registry answer and no pledge: the house count cannot be determined")]
    NoSource,
    /// A stated rank disagrees with the number of homes owned.
    #[error("the rank does not match {homes_owned} home(s) owned")]
    RankMismatch {
        /// Homes owned as stated.
        homes_owned: u32,
    },
    /// The pledge was signed by someone outside the couple.
    #[error("the pledge was signed by {0}, who is neither the buyer nor the spouse")]
    PledgeNotByFamily(IdNumber),
}

impl HouseCountError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "TAX_FAMILY_SPOUSE_IS_BUYER",
        "TAX_FAMILY_CHILD_IS_PARENT",
        "TAX_FAMILY_CHILD_NOT_BORN",
        "TAX_HOUSE_COUNT_NO_SOURCE",
        "TAX_HOUSE_COUNT_RANK_MISMATCH",
        "TAX_PLEDGE_NOT_BY_FAMILY",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            HouseCountError::SpouseIsBuyer => "TAX_FAMILY_SPOUSE_IS_BUYER",
            HouseCountError::ChildIsParent(_) => "TAX_FAMILY_CHILD_IS_PARENT",
            HouseCountError::ChildBornAfterContract(_) => "TAX_FAMILY_CHILD_NOT_BORN",
            HouseCountError::NoSource => "TAX_HOUSE_COUNT_NO_SOURCE",
            HouseCountError::RankMismatch { .. } => "TAX_HOUSE_COUNT_RANK_MISMATCH",
            HouseCountError::PledgeNotByFamily(_) => "TAX_PLEDGE_NOT_BY_FAMILY",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            HouseCountError::SpouseIsBuyer => "配偶身份证号码与购房人相同".to_owned(),
            HouseCountError::ChildIsParent(id) => format!("子女{id}的身份证号码与父母相同"),
            HouseCountError::ChildBornAfterContract(id) => {
                format!("子女{id}的出生日期晚于合同签订日期")
            }
            HouseCountError::NoSource => {
                "不动产登记无查询结果且购房人未签署诚信保证，无法确定房屋套次".to_owned()
            }
            HouseCountError::RankMismatch { homes_owned } => {
                format!("房屋套次与已拥有住房{homes_owned}套不一致")
            }
            HouseCountError::PledgeNotByFamily(id) => {
                format!("诚信保证签署人{id}不是购房人或其配偶")
            }
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::id_number::tests::make_id;
    use super::*;
    use time::macros::date;

    const CONTRACT: Date = date!(2026 - 03 - 10);

    fn adult(seq: u16) -> IdNumber {
        make_id("410302", date!(1985 - 05 - 20), seq)
    }

    fn holding(unit: &str) -> Holding {
        Holding {
            unit_code: unit.to_owned(),
            residential: true,
        }
    }

    #[test]
    fn a_child_turning_18_on_the_contract_date_is_not_counted() {
        let eighteen = make_id("410302", date!(2008 - 03 - 10), 31);
        let seventeen = make_id("410302", date!(2008 - 03 - 11), 41);
        let family = Family::on(
            CONTRACT,
            adult(11),
            Some(adult(22)),
            vec![eighteen.clone(), seventeen.clone()],
        )
        .unwrap();
        assert_eq!(family.minor_children(), std::slice::from_ref(&seventeen));
        assert_eq!(family.adult_children(), std::slice::from_ref(&eighteen));
        assert_eq!(family.members().len(), 3);

        let registry = RegistryAnswer {
            persons: vec![
                PersonHoldings {
                    id: eighteen,
                    holdings: vec![holding("U-ADULT")],
                },
                PersonHoldings {
                    id: seventeen,
                    holdings: vec![holding("U-MINOR")],
                },
            ],
        };
        let count = count_houses(&family, Some(&registry), None, "U-NEW").unwrap();
        assert_eq!(count.homes_owned, 1);
        assert_eq!(count.rank, HomeRank::Second);
        assert_eq!(count.counted_units, vec!["U-MINOR".to_owned()]);
        assert_eq!(count.source, CountSource::Registry);
    }

    #[test]
    fn shared_units_count_once_and_non_housing_and_the_purchase_not_at_all() {
        let (buyer, spouse) = (adult(11), adult(22));
        let family = Family::on(CONTRACT, buyer.clone(), Some(spouse.clone()), vec![]).unwrap();
        let registry = RegistryAnswer {
            persons: vec![
                PersonHoldings {
                    id: buyer,
                    holdings: vec![
                        holding("U-1"),
                        holding("U-NEW"),
                        Holding {
                            unit_code: "SHOP-9".to_owned(),
                            residential: false,
                        },
                    ],
                },
                PersonHoldings {
                    id: spouse,
                    holdings: vec![holding("U-1"), holding("U-2")],
                },
                PersonHoldings {
                    id: adult(33),
                    holdings: vec![holding("U-STRANGER")],
                },
            ],
        };
        let count = count_houses(&family, Some(&registry), None, "U-NEW").unwrap();
        assert_eq!(count.homes_owned, 2);
        assert_eq!(count.rank, HomeRank::ThirdOrLater);
        let empty = RegistryAnswer { persons: vec![] };
        let first = count_houses(&family, Some(&empty), None, "U-NEW").unwrap();
        assert_eq!(first.rank, HomeRank::First);
    }

    #[test]
    fn the_pledge_is_used_only_without_a_registry_answer() {
        let buyer = adult(11);
        let family = Family::on(CONTRACT, buyer.clone(), None, vec![]).unwrap();
        let pledge = Pledge {
            signed_by: buyer,
            signed_on: CONTRACT,
            homes_owned: 1,
        };
        let count = count_houses(&family, None, Some(&pledge), "U-NEW").unwrap();
        assert_eq!(
            (count.rank, count.source),
            (HomeRank::Second, CountSource::Pledge)
        );
        let registry = RegistryAnswer { persons: vec![] };
        let count = count_houses(&family, Some(&registry), Some(&pledge), "U-NEW").unwrap();
        assert_eq!(
            (count.rank, count.source),
            (HomeRank::First, CountSource::Registry)
        );
        assert_eq!(
            count_houses(&family, None, None, "U-NEW")
                .unwrap_err()
                .code(),
            "TAX_HOUSE_COUNT_NO_SOURCE"
        );
        let stranger = Pledge {
            signed_by: adult(44),
            ..pledge
        };
        assert_eq!(
            count_houses(&family, None, Some(&stranger), "U-NEW")
                .unwrap_err()
                .code(),
            "TAX_PLEDGE_NOT_BY_FAMILY"
        );
    }

    #[test]
    fn a_holder_sees_only_the_counted_units_it_holds() {
        let (buyer, spouse) = (adult(11), adult(22));
        let child = make_id("410302", date!(2012 - 01 - 01), 51);
        let family = Family::on(
            CONTRACT,
            buyer.clone(),
            Some(spouse.clone()),
            vec![child.clone()],
        )
        .unwrap();
        let registry = RegistryAnswer {
            persons: vec![
                PersonHoldings {
                    id: buyer.clone(),
                    holdings: vec![holding("U-SHARED"), holding("U-NEW")],
                },
                PersonHoldings {
                    id: spouse.clone(),
                    holdings: vec![holding("U-SHARED"), holding("U-SPOUSE")],
                },
                PersonHoldings {
                    id: child.clone(),
                    holdings: vec![holding("U-CHILD")],
                },
            ],
        };
        let count = count_houses(&family, Some(&registry), None, "U-NEW").unwrap();
        assert_eq!(count.counted_units, ["U-CHILD", "U-SHARED", "U-SPOUSE"]);
        assert_eq!(units_held_by(&count, Some(&registry), &buyer), ["U-SHARED"]);
        assert_eq!(
            units_held_by(&count, Some(&registry), &spouse),
            ["U-SHARED", "U-SPOUSE"]
        );
        assert_eq!(units_held_by(&count, Some(&registry), &child), ["U-CHILD"]);
        assert!(units_held_by(&count, Some(&registry), &adult(99)).is_empty());
        assert!(units_held_by(&count, None, &buyer).is_empty());
    }

    #[test]
    fn a_stated_count_must_agree_with_its_rank() {
        let ok: HouseCount =
            serde_json::from_str(r#"{"homes_owned": 2, "source": "pledge"}"#).unwrap();
        assert_eq!(ok.rank, HomeRank::ThirdOrLater);
        let bad = serde_json::from_str::<HouseCount>(
            r#"{"homes_owned": 1, "rank": "first", "source": "registry"}"#,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("does not match 1 home")
        );
    }

    #[test]
    fn rejects_impossible_families() {
        let b = adult(11);
        assert_eq!(
            Family::on(CONTRACT, b.clone(), Some(b.clone()), vec![]).unwrap_err(),
            HouseCountError::SpouseIsBuyer
        );
        assert_eq!(
            Family::on(CONTRACT, b.clone(), None, vec![b.clone()])
                .unwrap_err()
                .code(),
            "TAX_FAMILY_CHILD_IS_PARENT"
        );
        let unborn = make_id("410302", date!(2026 - 05 - 01), 51);
        assert_eq!(
            Family::on(CONTRACT, b, None, vec![unborn])
                .unwrap_err()
                .code(),
            "TAX_FAMILY_CHILD_NOT_BORN"
        );
    }
}
