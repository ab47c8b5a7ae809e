//! What an assessment rests on beyond its tax lines: the house count and the family
//! it was counted over, the two prices, the notes said to the taxpayer, the pledge
//! and documents. It is stored beside the [`super::Assessment`] and answered with
//! it, and the risk screening reads the names back from it.
//!
//! Registry holdings are personal data: [`Basis::shown_to`] shows a tax officer every
//! counted unit, and the parties only the units the buyer holds — a spouse's or a
//! child's homes are counted, but their unit codes are not shown.

use serde::{Deserialize, Serialize};

use super::family::{CountSource, Family, HouseCount, Pledge};

/// The family as counted, for the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// The note said when units held only by other family members are counted but not shown.
pub fn withheld_units_note(withheld: usize) -> Note {
    Note {
        code: "TAX_FAMILY_UNITS_WITHHELD".to_owned(),
        text_zh: format!(
            "家庭其他成员名下的{withheld}套住房已计入房屋套次，其不动产单元号仅向税务人员显示"
        ),
        text_en: format!(
            "{withheld} home(s) held only by other family members are counted; their unit codes are shown to tax officers only"
        ),
    }
}

/// Who reads an assessment's basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// An officer of the tax authority: every counted unit.
    TaxOfficer,
    /// A party to the contract (or the user who asked for the assessment): the counted
    /// units the buyer holds, and a note saying how many others were counted.
    Party,
}

/// What is stored beside the core's assessment: the count, the family, the prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Of the counted units, those the parties may be shown: the buyer's own
    /// ([`super::units_held_by`]). Stored, never answered (see [`Basis::shown_to`]);
    /// `None` on rows stored before it existed, whose parties are shown no unit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_shown_to_parties: Option<Vec<String>>,
}

impl Basis {
    /// The notes for a count.
    pub fn notes_for(count: &HouseCount) -> Vec<Note> {
        match count.source {
            CountSource::Pledge => vec![pledge_note()],
            CountSource::Registry => Vec::new(),
        }
    }

    /// The basis as `reader` is shown it. A party sees only the counted units stored as
    /// shown to parties, with [`withheld_units_note`] when others were counted too.
    pub fn shown_to(&self, reader: Reader) -> Basis {
        let mut shown = self.clone();
        shown.units_shown_to_parties = None;
        if reader == Reader::Party {
            let allowed = self.units_shown_to_parties.as_deref().unwrap_or_default();
            let counted = &mut shown.house_count.counted_units;
            let before = counted.len();
            counted.retain(|u| allowed.contains(u));
            let withheld = before - counted.len();
            if withheld > 0 {
                shown.notes.push(withheld_units_note(withheld));
            }
        }
        shown
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

    fn counted(units: &[&str]) -> Basis {
        Basis {
            house_count: HouseCount {
                homes_owned: units.len() as u32,
                rank: super::super::HomeRank::from_owned(units.len() as u32),
                source: CountSource::Registry,
                counted_units: units.iter().map(|u| (*u).to_owned()).collect(),
            },
            family: FamilyView {
                members: vec![],
                adult_children_excluded: vec![],
            },
            contract_price_fen: 100,
            assessed_price_fen: 90,
            notes: vec![],
            pledge: None,
            documents: vec![],
            buyer_name: None,
            seller_name: None,
            units_shown_to_parties: Some(vec!["U-BUYER".to_owned()]),
        }
    }

    #[test]
    fn parties_see_the_buyers_units_and_officers_see_all() {
        let b = counted(&["U-BUYER", "U-SPOUSE", "U-CHILD"]);
        let officer = b.shown_to(Reader::TaxOfficer);
        assert_eq!(officer.house_count.counted_units.len(), 3);
        assert!(officer.notes.is_empty());
        let party = b.shown_to(Reader::Party);
        assert_eq!(party.house_count.counted_units, ["U-BUYER"]);
        assert_eq!(party.house_count.homes_owned, 3, "still counted");
        assert_eq!(party.notes, [withheld_units_note(2)]);
        assert!(party.notes[0].text_en.starts_with("2 home(s)"));
        // Neither answer carries the stored disclosure itself.
        for shown in [&officer, &party] {
            let v = serde_json::to_value(shown).unwrap();
            assert!(v.get("units_shown_to_parties").is_none(), "{v}");
        }
        // Nothing withheld: both see the same.
        let own = counted(&["U-BUYER"]);
        assert_eq!(
            own.shown_to(Reader::Party),
            own.shown_to(Reader::TaxOfficer)
        );
        // A row from before the disclosure was stored shows parties no unit code.
        let old = Basis {
            units_shown_to_parties: None,
            ..counted(&["U-BUYER"])
        };
        assert!(
            old.shown_to(Reader::Party)
                .house_count
                .counted_units
                .is_empty()
        );
        // The stored form keeps it.
        let stored: Basis = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(stored, b);
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
