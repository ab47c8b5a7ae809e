//! The register's places, for finding a dwelling by pickers rather than by its
//! 28-character unit number: the districts (named after [`LUOYANG_DISTRICTS`]) with
//! their dwelling counts, and a dwelling's room label as a person reads it.

use super::demo::LUOYANG_DISTRICTS;
use super::unit_code::UnitCode;
use serde::Serialize;
use std::collections::BTreeMap;

/// One county-level division of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DivisionEntry {
    /// The county-level division code (GB/T 2260), e.g. `410302`.
    pub division_code: String,
    /// Its name in Chinese (the code itself for a division outside Luoyang's list).
    pub name_zh: String,
    /// Dwellings registered in it.
    pub dwellings: u64,
}

/// The divisions for counts `(division, dwellings)`: the Luoyang districts that hold
/// dwellings in the list's order, then other divisions by code. Divisions without
/// dwellings are left out (nothing to pick there); a division counted twice is summed.
pub fn divisions(counts: &[(String, u64)]) -> Vec<DivisionEntry> {
    let mut by_code: BTreeMap<&str, u64> = BTreeMap::new();
    for (code, n) in counts {
        *by_code.entry(code.as_str()).or_default() += n;
    }
    let entry = |code: &str, name: &str, dwellings: u64| DivisionEntry {
        division_code: code.to_owned(),
        name_zh: name.to_owned(),
        dwellings,
    };
    let mut out: Vec<DivisionEntry> = LUOYANG_DISTRICTS
        .iter()
        .filter_map(|(code, name, _)| by_code.remove(code).map(|n| entry(code, name, n)))
        .collect();
    out.extend(by_code.into_iter().map(|(code, n)| entry(code, code, n)));
    out.retain(|d| d.dwellings > 0);
    out
}

/// The room label of a dwelling: its household number (户号, positions 25–28 of the
/// unit number) without leading zeros, as written on a door (`…F00010101` → `101`;
/// `0000` → `0`).
pub fn room_label(unit: &UnitCode) -> String {
    let trimmed = unit.unit_number().trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luoyang_districts_come_first_in_order_then_others_by_code() {
        let rows = divisions(&[
            ("419999".into(), 4),
            ("410311".into(), 7),
            ("410302".into(), 3),
            ("410302".into(), 2),
            ("410100".into(), 1),
            ("410303".into(), 0),
        ]);
        let codes: Vec<&str> = rows.iter().map(|d| d.division_code.as_str()).collect();
        assert_eq!(codes, ["410302", "410311", "410100", "419999"]);
        assert_eq!((rows[0].name_zh.as_str(), rows[0].dwellings), ("老城区", 5));
        assert_eq!(rows[1].name_zh, "洛龙区");
        assert_eq!(rows[2].name_zh, "410100", "no name outside the list");
    }

    #[test]
    fn nothing_counted_is_no_division() {
        assert!(divisions(&[]).is_empty());
    }

    #[test]
    fn a_room_is_its_household_number_without_leading_zeros() {
        let label = |code: &str| room_label(&UnitCode::parse(code).unwrap());
        assert_eq!(label("410302001001GB00001F00010101"), "101");
        assert_eq!(label("410302001001GB00001F00011203"), "1203");
        assert_eq!(label("410302001001GB00001F00010000"), "0");
    }
}
