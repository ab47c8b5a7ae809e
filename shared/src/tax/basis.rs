//! What an assessment rests on beyond its tax lines: the house count and the family
//! it was counted over, the two prices, the notes said to the taxpayer, the pledge
//! and documents. It is stored beside the [`super::Assessment`] and answered with
//! it, and the risk screening reads the names back from it.

use serde::{Deserialize, Serialize};

use super::family::{CountSource, Family, HouseCount, Pledge};

/// The family as counted, for the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyView {
    /// Members counted: buyer, spouse, minor children.
    pub members: Vec<String>,
    /// Children left out because they were 18 or older on the contract date.
    pub adult_children_excluded: Vec<String>,
}

impl From<&Family> for FamilyView {
    fn from(f: &Family) -> FamilyView {
        FamilyView {
            members: f.members().iter().map(|m| m.as_str().to_owned()).collect(),
            adult_children_excluded: f
                .adult_children()
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
        }
    }
}

/// A note on how the answer was reached, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Stable code.
    pub code: String,
    /// Chinese.
    pub text_zh: String,
    /// English.
    pub text_en: String,
}

/// The note said when the house count rests on the buyer's pledge.
pub fn pledge_note() -> Note {
    Note {
        code: "TAX_HOUSE_COUNT_FROM_PLEDGE".to_owned(),
        text_zh: "不动产登记系统没有该家庭成员的登记信息，房屋套次依据购房人签署的诚信保证认定，已记录在案".to_owned(),
        text_en: "The housing registry has no answer for the family; the house count rests on the buyer's signed pledge, which is recorded".to_owned(),
    }
}

/// What is stored beside the core's assessment: the count, the family, the prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// The house count used.
    pub house_count: HouseCount,
    /// The family.
    pub family: FamilyView,
    /// The contract price.
    pub contract_price_fen: i64,
    /// The assessed price from valuation.
    pub assessed_price_fen: i64,
    /// Notes.
    pub notes: Vec<Note>,
    /// The pledge the count rests on, if it does.
    #[serde(default)]
    pub pledge: Option<Pledge>,
    /// Documents presented with the contract.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The buyer's name, as on the contract.
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// The seller's name, as on the contract.
    #[serde(default)]
    pub seller_name: Option<String>,
}

impl Basis {
    /// The notes for a count.
    pub fn notes_for(count: &HouseCount) -> Vec<Note> {
        match count.source {
            CountSource::Pledge => vec![pledge_note()],
            CountSource::Registry => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::id_number::tests::make_id;
    use super::*;
    use time::macros::date;

    #[test]
    fn a_pledged_count_carries_the_pledge_note() {
        let pledged = HouseCount::stated(1, CountSource::Pledge);
        let notes = Basis::notes_for(&pledged);
        assert_eq!(notes, [pledge_note()]);
        assert_eq!(notes[0].code, "TAX_HOUSE_COUNT_FROM_PLEDGE");
        assert!(Basis::notes_for(&HouseCount::stated(1, CountSource::Registry)).is_empty());
    }

    #[test]
    fn the_family_view_lists_members_and_excluded_adult_children() {
        let buyer = make_id("410302", date!(1985 - 05 - 20), 11);
        let adult = make_id("410302", date!(2008 - 03 - 10), 31);
        let minor = make_id("410302", date!(2010 - 01 - 01), 41);
        let family = Family::on(
            date!(2026 - 03 - 10),
            buyer.clone(),
            None,
            vec![adult.clone(), minor.clone()],
        )
        .unwrap();
        let view = FamilyView::from(&family);
        assert_eq!(view.members, [buyer.as_str(), minor.as_str()]);
        assert_eq!(view.adult_children_excluded, [adult.as_str()]);
    }

    #[test]
    fn reads_rows_stored_before_the_optional_fields_existed() {
        let json = r#"{"house_count":{"homes_owned":0,"source":"registry","counted_units":[]},
            "family":{"members":["x"],"adult_children_excluded":[]},
            "contract_price_fen":100,"assessed_price_fen":90,"notes":[]}"#;
        let b: Basis = serde_json::from_str(json).unwrap();
        assert_eq!(
            (&b.pledge, b.documents.len(), &b.buyer_name),
            (&None, 0, &None)
        );
        let again: Basis = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(again, b);
    }
}
