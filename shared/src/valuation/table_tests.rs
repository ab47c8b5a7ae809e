//! Tests of coefficient tables: checks on build, lookups at the edges, serde.

use super::table::*;
use crate::money::Rate;

fn luoyang() -> TableData {
    TableData::from(CoefficientTable::luoyang_illustrative())
}

fn error_after(change: impl FnOnce(&mut TableData)) -> TableError {
    let mut data = luoyang();
    change(&mut data);
    CoefficientTable::new(data).unwrap_err()
}

fn find(data: &TableData, dimension: Dimension, key: &str) -> usize {
    data.rows
        .iter()
        .position(|r| r.dimension == dimension && r.matches == RowMatch::Key(key.into()))
        .unwrap()
}

#[test]
fn reads_and_shows_coefficients_exactly() {
    assert_eq!(parse_coefficient("1.09"), Some(Rate::from_ppm(1_090_000)));
    assert_eq!(parse_coefficient("0.855"), Some(Rate::from_ppm(855_000)));
    assert_eq!(parse_coefficient("1"), Some(Rate::from_ppm(1_000_000)));
    assert_eq!(parse_coefficient("0.000001"), Some(Rate::from_ppm(1)));
    for bad in ["", "1.", ".9", "-1", "1.0000001", "1e2", "1,09"] {
        assert_eq!(parse_coefficient(bad), None, "{bad}");
    }
    assert_eq!(format_coefficient(Rate::from_ppm(1_090_000)), "1.09");
    assert_eq!(format_coefficient(Rate::from_ppm(855_000)), "0.855");
    assert_eq!(format_coefficient(Rate::from_ppm(1_000_000)), "1.00");
    assert_eq!(format_coefficient(Rate::from_ppm(1)), "0.000001");
}

#[test]
fn rejects_incomplete_or_inconsistent_tables() {
    let data = luoyang();
    let south = find(&data, Dimension::Orientation, "south");
    let top = find(&data, Dimension::FloorPosition, "top");

    let e = error_after(|d| d.rows[south].matches = RowMatch::Key("sout".into()));
    assert_eq!((e.code(), e.row()), ("VAL_TABLE_UNKNOWN_KEY", Some(south)));
    let e = error_after(|d| d.rows[south].matches = RowMatch::Key("north".into()));
    assert_eq!(e.code(), "VAL_TABLE_DUPLICATE_KEY");
    let e = error_after(|d| {
        d.rows.remove(top);
    });
    assert_eq!(
        e,
        TableError::MissingKey {
            dimension: Dimension::FloorPosition,
            key: "top"
        }
    );
    let e = error_after(|d| d.rows[south].coefficient = Rate::ZERO);
    assert_eq!(
        (e.code(), e.row()),
        ("VAL_TABLE_COEFFICIENT_OUT_OF_RANGE", Some(south))
    );
    let e = error_after(|d| d.rows[top].matches = RowMatch::Range { from: 0, to: None });
    assert_eq!(e.code(), "VAL_TABLE_ROW_KIND");
    let e = error_after(|d| d.version = String::new());
    assert_eq!(e.code(), "VAL_TABLE_VERSION_INVALID");
    let e = error_after(|d| d.city_code = "4103".into());
    assert_eq!(e.code(), "VAL_TABLE_CITY_CODE_INVALID");
    let e = error_after(|d| d.rows.clear());
    assert_eq!(e, TableError::NoRows);
    assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
}

#[test]
fn numeric_ranges_must_cover_zero_to_infinity_once() {
    let area_rows = |d: &TableData| {
        d.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.dimension == Dimension::Area)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    let data = luoyang();
    let rows = area_rows(&data);
    // [0,60) [60,90) [90,144) [144,200) [200,∞) in 0.01 m².
    let e = error_after(|d| {
        d.rows[rows[1]].matches = RowMatch::Range {
            from: 6_100,
            to: Some(9_000),
        }
    });
    assert_eq!(
        e,
        TableError::Gap {
            dimension: Dimension::Area,
            at: 6_000
        }
    );
    let e = error_after(|d| {
        d.rows[rows[1]].matches = RowMatch::Range {
            from: 5_900,
            to: Some(9_000),
        }
    });
    assert_eq!(e.code(), "VAL_TABLE_RANGE_OVERLAP");
    let e = error_after(|d| {
        d.rows[rows[4]].matches = RowMatch::Range {
            from: 20_000,
            to: Some(90_000),
        }
    });
    assert_eq!(
        e,
        TableError::Gap {
            dimension: Dimension::Area,
            at: 90_000
        }
    );
    let e = error_after(|d| {
        d.rows[rows[0]].matches = RowMatch::Range {
            from: 100,
            to: Some(6_000),
        }
    });
    assert_eq!(
        e,
        TableError::Gap {
            dimension: Dimension::Area,
            at: 0
        }
    );
    let e = error_after(|d| {
        d.rows[rows[2]].matches = RowMatch::Range {
            from: 9_000,
            to: Some(9_000),
        }
    });
    assert_eq!((e.code(), e.row()), ("VAL_TABLE_BAD_RANGE", Some(rows[2])));
    let e = error_after(|d| {
        d.rows[rows[3]].matches = RowMatch::Range {
            from: 14_400,
            to: None,
        }
    });
    assert_eq!(e.code(), "VAL_TABLE_RANGE_OVERLAP");
    let e = error_after(|d| d.rows[rows[0]].matches = RowMatch::Key("small".into()));
    assert_eq!(e.code(), "VAL_TABLE_ROW_KIND");
}

#[test]
fn looks_up_ranges_at_their_edges() {
    let t = CoefficientTable::luoyang_illustrative();
    let at = t.dimensions().position(|d| d == Dimension::Area).unwrap();
    assert_eq!(
        t.range_coefficient(at, 5_999),
        Some(Rate::from_ppm(1_050_000))
    );
    assert_eq!(
        t.range_coefficient(at, 6_000),
        Some(Rate::from_ppm(1_020_000))
    );
    assert_eq!(
        t.range_coefficient(at, 14_400),
        Some(Rate::from_ppm(970_000))
    );
    assert_eq!(
        t.range_coefficient(at, 1_000_000),
        Some(Rate::from_ppm(950_000))
    );
    assert_eq!(t.key_coefficient(at, 0), None);
}

#[test]
fn serialises_as_its_data_and_checks_on_the_way_back() {
    let t = CoefficientTable::luoyang_illustrative();
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["effective_from"], "2024-01-01");
    assert_eq!(json["rows"][0]["match"]["key"], "bottom");
    assert_eq!(json["rows"][0]["coefficient_ppm"], 950_000);
    let back: CoefficientTable = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, t);
    let mut broken = json;
    broken["rows"].as_array_mut().unwrap().remove(0);
    assert!(serde_json::from_value::<CoefficientTable>(broken).is_err());
}

#[test]
fn every_categorical_key_has_a_chinese_label_and_numbers_have_none() {
    for d in Dimension::ALL {
        match d.keys() {
            Some(keys) => {
                for key in keys {
                    let label = d.value_label_zh(key);
                    assert!(label.is_some_and(|l| !l.is_ascii()), "{d:?} {key}");
                }
                assert_eq!(d.value_label_zh("no-such-key"), None, "{d:?}");
            }
            None => assert_eq!(d.value_label_zh("12"), None, "{d:?}"),
        }
    }
    assert_eq!(Dimension::Orientation.value_label_zh("south"), Some("南"));
}

#[test]
fn dimension_keys_are_their_serde_names() {
    // Stored factors write the key by hand where serde wrote the name (valuation store).
    for d in Dimension::ALL {
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            format!("\"{}\"", d.key())
        );
    }
}
