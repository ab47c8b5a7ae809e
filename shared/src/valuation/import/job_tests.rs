use super::*;
use crate::valuation::CoefficientTable;
use crate::valuation::demo::{DemoRegister, DemoScale};

#[test]
fn kinds_and_statuses_round_trip() {
    for k in ImportKind::ALL {
        assert_eq!(ImportKind::parse(k.as_str()), Some(k));
        assert!(k.purpose().len() <= 32);
        assert!(k.max_size() >= 1 << 20);
    }
    assert_eq!(ImportKind::parse("dwelling"), None);
    for s in [
        ImportStatus::Received,
        ImportStatus::Applied,
        ImportStatus::Rejected,
    ] {
        assert_eq!(ImportStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(
        serde_json::to_value(ImportKind::CoefficientTable).unwrap(),
        "coefficient_table"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_as_a_whole() {
    let report = parse_import(ImportKind::BasePrices, b"community_id\xff,x\n").unwrap_err();
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].row, 0);
    assert_eq!(report.issues[0].code, "VAL_CSV_NOT_UTF8");
    assert!(report.issues[0].message_en.contains("offset 12"));
}

#[test]
fn each_kind_parses_with_its_own_parser() {
    let prices = "community_id,building_id,effective_from,price_per_m2\nC1,,2024-01-01,8000\n";
    let rows = parse_import(ImportKind::BasePrices, prices.as_bytes()).unwrap();
    assert!(matches!(&rows, ImportRows::BasePrices(p) if p.len() == 1));
    assert_eq!(rows.plan(), ApplyPlan::Whole);
    // A base-price file is not a register.
    let report = parse_import(ImportKind::Dwellings, prices.as_bytes()).unwrap_err();
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.code == "VAL_CSV_MISSING_COLUMN")
    );

    let table = table_to_csv(&CoefficientTable::luoyang_illustrative());
    let rows = parse_import(ImportKind::CoefficientTable, table.as_bytes()).unwrap();
    assert!(rows.len() > 10);
    assert_eq!(rows.plan(), ApplyPlan::Whole);
}

#[test]
fn large_registers_are_staged_small_ones_applied_at_once() {
    let all: Vec<_> = DemoRegister::new(7, DemoScale::Small).dwellings().collect();
    let small = dwellings_to_csv(&all[..DIRECT_APPLY_MAX_ROWS]);
    let rows = parse_import(ImportKind::Dwellings, small.as_bytes()).unwrap();
    assert_eq!(rows.plan(), ApplyPlan::Whole);
    let large = dwellings_to_csv(&all[..=DIRECT_APPLY_MAX_ROWS]);
    let rows = parse_import(ImportKind::Dwellings, large.as_bytes()).unwrap();
    assert_eq!(rows.plan(), ApplyPlan::Staged);
}

#[test]
fn chunks_cover_every_row_once() {
    assert_eq!(next_chunk(10, 0, 4), 0..4);
    assert_eq!(next_chunk(10, 8, 4), 8..10);
    assert_eq!(next_chunk(10, 10, 4), 10..10);
    assert_eq!(next_chunk(10, 12, 4), 10..10);
    let mut staged = 0;
    let mut seen = 0;
    while staged < 10_001 {
        let r = next_chunk(10_001, staged, 3_000);
        seen += r.len();
        staged = r.end;
    }
    assert_eq!(seen, 10_001);
}

#[test]
fn a_whole_file_report_names_row_zero() {
    let e = ImportError::TableVersionExists {
        version: "v1".into(),
    };
    let report = ImportReport::for_file(&e, 42);
    assert_eq!(report.rows_checked, 42);
    assert_eq!(report.rows_with_issues, 1);
    assert_eq!(report.issues[0].code, "VAL_TABLE_VERSION_EXISTS");
    assert!(report.issues[0].message_zh.contains("v1"));
}
