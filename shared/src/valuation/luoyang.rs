//! An ILLUSTRATIVE coefficient table for Luoyang (洛阳, 410300). These are not official
//! numbers: there is no public standard. Floor, orientation, decoration, age and the
//! area span come from the appraisal-practice figures in the domain note; the values
//! marked "assumed" below were chosen for the demo and must be replaced by the city's
//! own table before any real use.

use super::table::{CoefficientRow, CoefficientTable, Dimension, RowMatch, TableData};
use crate::money::Rate;
use time::macros::date;

/// The version label of the illustrative table.
pub const LUOYANG_ILLUSTRATIVE_VERSION: &str = "luoyang-illustrative-2024.1";

/// Categorical rows: (dimension, key, coefficient in ppm).
const KEY_ROWS: &[(Dimension, &str, i64)] = &[
    // Floor (domain note).
    (Dimension::FloorPosition, "bottom", 950_000),
    (Dimension::FloorPosition, "low", 980_000),
    (Dimension::FloorPosition, "middle", 1_000_000),
    (Dimension::FloorPosition, "upper", 1_030_000),
    (Dimension::FloorPosition, "high", 1_010_000),
    (Dimension::FloorPosition, "top", 970_000),
    // Orientation (domain note; north-east/north-west assumed, east-west as east/west).
    (Dimension::Orientation, "north", 1_000_000),
    (Dimension::Orientation, "north_east", 1_020_000),
    (Dimension::Orientation, "east", 1_050_000),
    (Dimension::Orientation, "south_east", 1_090_000),
    (Dimension::Orientation, "south", 1_090_000),
    (Dimension::Orientation, "south_west", 1_090_000),
    (Dimension::Orientation, "west", 1_050_000),
    (Dimension::Orientation, "north_west", 1_020_000),
    (Dimension::Orientation, "north_south", 1_090_000),
    (Dimension::Orientation, "east_west", 1_050_000),
    // Layout (assumed).
    (Dimension::Layout, "studio", 970_000),
    (Dimension::Layout, "one_bedroom", 990_000),
    (Dimension::Layout, "two_bedroom", 1_000_000),
    (Dimension::Layout, "three_bedroom", 1_020_000),
    (Dimension::Layout, "four_plus_bedroom", 1_010_000),
    (Dimension::Layout, "duplex", 980_000),
    // View (assumed).
    (Dimension::View, "obstructed", 970_000),
    (Dimension::View, "ordinary", 1_000_000),
    (Dimension::View, "garden", 1_020_000),
    (Dimension::View, "park", 1_030_000),
    (Dimension::View, "river", 1_050_000),
    // Decoration (domain note).
    (Dimension::Decoration, "shell", 920_000),
    (Dimension::Decoration, "simple", 1_000_000),
    (Dimension::Decoration, "fine", 1_050_000),
    (Dimension::Decoration, "luxury", 1_100_000),
    // Lift (assumed).
    (Dimension::Lift, "with_lift", 1_000_000),
    (Dimension::Lift, "no_lift", 980_000),
    // End unit (assumed).
    (Dimension::EndUnit, "end", 1_010_000),
    (Dimension::EndUnit, "inner", 1_000_000),
    // Structure (assumed).
    (Dimension::Structure, "steel_concrete", 1_000_000),
    (Dimension::Structure, "steel", 1_000_000),
    (Dimension::Structure, "brick_concrete", 970_000),
    (Dimension::Structure, "brick_wood", 900_000),
    (Dimension::Structure, "other", 950_000),
];

/// Area brackets in 0.01 m²: (from, to, coefficient in ppm). The span 0.95–1.05 is from
/// the domain note; the bracket edges 90 m² and 144 m² follow the housing tax thresholds.
const AREA_ROWS: &[(i64, Option<i64>, i64)] = &[
    (0, Some(6_000), 1_050_000),
    (6_000, Some(9_000), 1_020_000),
    (9_000, Some(14_400), 1_000_000),
    (14_400, Some(20_000), 970_000),
    (20_000, None, 950_000),
];

/// Age rule (domain note): −0.5% a year from 1.00, bounded to 1.00 ± 15%.
const AGE_PER_YEAR_PPM: i64 = -5_000;
const AGE_BOUND_PPM: i64 = 150_000;

/// Expands a linear age rule into one row per year until the bound is reached, then
/// one open-ended row at the bound.
fn age_rows(per_year_ppm: i64, bound_ppm: i64) -> Vec<CoefficientRow> {
    let (low, high) = (Rate::ONE_PPM - bound_ppm, Rate::ONE_PPM + bound_ppm);
    let mut rows = Vec::new();
    let mut year = 0_i64;
    loop {
        let c = Rate::ONE_PPM + per_year_ppm * year;
        if c <= low || c >= high || per_year_ppm == 0 {
            rows.push(CoefficientRow {
                dimension: Dimension::BuildingAge,
                matches: RowMatch::Range {
                    from: year,
                    to: None,
                },
                coefficient: Rate::from_ppm(c.clamp(low, high)),
            });
            return rows;
        }
        rows.push(CoefficientRow {
            dimension: Dimension::BuildingAge,
            matches: RowMatch::Range {
                from: year,
                to: Some(year + 1),
            },
            coefficient: Rate::from_ppm(c),
        });
        year += 1;
    }
}

impl CoefficientTable {
    /// The ILLUSTRATIVE Luoyang table (city 410300, effective 2024-01-01, version
    /// [`LUOYANG_ILLUSTRATIVE_VERSION`]), built from the data above. Not official.
    pub fn luoyang_illustrative() -> CoefficientTable {
        let mut rows: Vec<CoefficientRow> = KEY_ROWS
            .iter()
            .map(|&(dimension, key, ppm)| CoefficientRow {
                dimension,
                matches: RowMatch::Key(key.to_owned()),
                coefficient: Rate::from_ppm(ppm),
            })
            .collect();
        rows.extend(age_rows(AGE_PER_YEAR_PPM, AGE_BOUND_PPM));
        rows.extend(AREA_ROWS.iter().map(|&(from, to, ppm)| CoefficientRow {
            dimension: Dimension::Area,
            matches: RowMatch::Range { from, to },
            coefficient: Rate::from_ppm(ppm),
        }));
        let data = TableData {
            version: LUOYANG_ILLUSTRATIVE_VERSION.to_owned(),
            city_code: "410300".to_owned(),
            effective_from: date!(2024 - 01 - 01),
            rows,
        };
        // The data above is complete and consistent; the tests below prove it.
        CoefficientTable::new(data).unwrap_or_else(|e| panic!("illustrative table: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_carries_every_dimension() {
        let t = CoefficientTable::luoyang_illustrative();
        assert_eq!(t.dimensions().collect::<Vec<_>>(), Dimension::ALL.to_vec());
        assert_eq!(t.version(), LUOYANG_ILLUSTRATIVE_VERSION);
        assert!(t.covers_division("410311"));
        assert!(!t.covers_division("410102"));
    }

    #[test]
    fn age_rule_steps_half_a_percent_and_stops_at_85_percent() {
        let rows = age_rows(AGE_PER_YEAR_PPM, AGE_BOUND_PPM);
        // Years 0..=29 one row each, then 30+ at 0.85.
        assert_eq!(rows.len(), 31);
        assert_eq!(rows[0].coefficient, Rate::from_ppm(1_000_000));
        assert_eq!(rows[10].coefficient, Rate::from_ppm(950_000));
        assert_eq!(rows[29].coefficient, Rate::from_ppm(855_000));
        assert_eq!(rows[30].matches, RowMatch::Range { from: 30, to: None });
        assert_eq!(rows[30].coefficient, Rate::from_ppm(850_000));
        // A rising rule stops at 1.15.
        let up = age_rows(10_000, 150_000);
        assert_eq!(up.last().unwrap().coefficient, Rate::from_ppm(1_150_000));
        assert_eq!(up.len(), 16);
    }
}
