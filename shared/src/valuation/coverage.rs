//! How much of the register the re-assessment runs cover, per district: dwellings
//! registered and dwellings with an assessed price, named after
//! [`LUOYANG_DISTRICTS`]. The operator dashboard's coverage chart.

use super::demo::LUOYANG_DISTRICTS;
use serde::Serialize;
use std::collections::BTreeMap;

/// One district's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DistrictCoverage {
    /// The county-level division code (GB/T 2260), e.g. `410302`.
    pub division_code: String,
    /// Its name in Chinese (the code itself for a division outside Luoyang's list).
    pub name_zh: String,
    /// Dwellings registered.
    pub registered: u64,
    /// Of those, dwellings with an assessed price from some run.
    pub assessed: u64,
    /// `assessed / registered` in thousandths, rounded down (`None` without dwellings).
    pub coverage_permille: Option<u32>,
}

/// The coverage rows for counts `(division, registered, assessed)`: every Luoyang
/// district in the list's order (with zeros where nothing is registered), then other
/// divisions by code. A division counted twice is summed.
pub fn district_coverage(counts: &[(String, u64, u64)]) -> Vec<DistrictCoverage> {
    let mut by_code: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (code, registered, assessed) in counts {
        let e = by_code.entry(code.as_str()).or_default();
        e.0 += registered;
        e.1 += assessed;
    }
    let row = |code: &str, name: &str, (registered, assessed): (u64, u64)| DistrictCoverage {
        division_code: code.to_owned(),
        name_zh: name.to_owned(),
        registered,
        assessed,
        coverage_permille: (registered > 0)
            .then(|| (assessed.min(registered) * 1000 / registered) as u32),
    };
    let mut out: Vec<DistrictCoverage> = LUOYANG_DISTRICTS
        .iter()
        .map(|(code, name, _)| row(code, name, by_code.remove(code).unwrap_or_default()))
        .collect();
    out.extend(by_code.into_iter().map(|(code, n)| row(code, code, n)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_district_is_named_in_order_with_its_share() {
        let rows = district_coverage(&[
            ("410303".into(), 400, 100),
            ("410302".into(), 3, 2),
            ("410302".into(), 0, 0),
            ("419999".into(), 10, 10),
        ]);
        assert_eq!(rows.len(), LUOYANG_DISTRICTS.len() + 1);
        assert_eq!(
            (
                rows[0].name_zh.as_str(),
                rows[0].registered,
                rows[0].assessed
            ),
            ("老城区", 3, 2)
        );
        assert_eq!(rows[0].coverage_permille, Some(666), "rounded down");
        assert_eq!(
            (rows[1].name_zh.as_str(), rows[1].coverage_permille),
            ("西工区", Some(250))
        );
        // A district without dwellings has no share, not 0 ‰.
        assert_eq!((rows[2].registered, rows[2].coverage_permille), (0, None));
        let last = rows.last().unwrap();
        assert_eq!(
            (last.division_code.as_str(), last.name_zh.as_str()),
            ("419999", "419999")
        );
        assert_eq!(last.coverage_permille, Some(1000));
    }

    #[test]
    fn more_assessed_than_registered_is_full_coverage() {
        // Results of dwellings since removed from the register never count above 100 %.
        let rows = district_coverage(&[("410311".into(), 5, 9)]);
        let luolong = rows.iter().find(|r| r.division_code == "410311").unwrap();
        assert_eq!(luolong.coverage_permille, Some(1000));
    }
}
