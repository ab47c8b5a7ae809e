use super::*;
use crate::money::Fen;
use crate::valuation::demo::{DemoRegister, DemoScale};
use crate::valuation::{CoefficientTable, Orientation};
use time::macros::date;

fn issues(report: &ImportReport) -> Vec<(usize, Option<&str>, &str)> {
    report
        .issues
        .iter()
        .map(|i| (i.row, i.column.as_deref(), i.code.as_str()))
        .collect()
}

#[test]
fn reads_a_good_base_price_file() {
    let text = "community_id,building_id,effective_from,price_per_m2\n\
                C1,,2024-01-01,8000\n\
                C1,B2,2024-07-01,8500.50\n\
                \"C2\", ,2025-01-01, 6000.5\n";
    let rows = parse_base_prices_csv(text).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].price_per_m2, Fen(800_000));
    assert_eq!(rows[0].building_id, None);
    assert_eq!(rows[1].building_id.as_ref().unwrap().as_str(), "B2");
    assert_eq!(rows[1].price_per_m2, Fen(850_050));
    assert_eq!(rows[2].effective_from, date!(2025 - 01 - 01));
    assert_eq!(rows[2].price_per_m2, Fen(600_050));
}

#[test]
fn reports_every_bad_base_price_row_and_keeps_nothing() {
    // Column order is free.
    let text = "price_per_m2,effective_from,community_id,building_id\n\
                8000,2024-01-01,C1,\n\
                80a0,2024-13-01,C 1,\n\
                0,2024-01-01,C3,\n\
                7000,2024-01-01,C1,\n\
                1,2\n\
                9000,2024-02-01,,B1\n";
    let report = parse_base_prices_csv(text).unwrap_err();
    assert_eq!(
        issues(&report),
        vec![
            (3, Some("community_id"), "VAL_CSV_BAD_ID"),
            (3, Some("effective_from"), "VAL_CSV_BAD_DATE"),
            (3, Some("price_per_m2"), "VAL_CSV_BAD_AMOUNT"),
            (4, Some("price_per_m2"), "VAL_BASE_PRICE_OUT_OF_RANGE"),
            (5, Some("effective_from"), "VAL_BASE_PRICE_DUPLICATE"),
            (6, None, "VAL_CSV_FIELD_COUNT"),
            (7, Some("community_id"), "VAL_CSV_EMPTY_FIELD"),
        ]
    );
    assert_eq!(report.rows_checked, 6);
    assert_eq!(report.rows_with_issues, 5);
    assert_eq!(report.total_issues, 7);
    assert!(
        report
            .issues
            .iter()
            .all(|i| !i.message_zh.is_empty() && !i.message_en.is_empty())
    );
}

#[test]
fn checks_the_header() {
    let r = parse_base_prices_csv("").unwrap_err();
    assert_eq!(issues(&r), vec![(0, None, "VAL_CSV_NO_HEADER")]);
    let r = parse_base_prices_csv("community_id,building_id,effective_from,price_per_m2\n")
        .unwrap_err();
    assert_eq!(issues(&r), vec![(0, None, "VAL_CSV_NO_DATA_ROWS")]);
    let r = parse_base_prices_csv(
        "community_id,community_id,effective_from,price,x\nC1,C1,2024-01-01,1,2",
    )
    .unwrap_err();
    assert_eq!(
        issues(&r),
        vec![
            (1, Some("community_id"), "VAL_CSV_DUPLICATE_COLUMN"),
            (1, Some("price"), "VAL_CSV_UNKNOWN_COLUMN"),
            (1, Some("x"), "VAL_CSV_UNKNOWN_COLUMN"),
            (1, Some("building_id"), "VAL_CSV_MISSING_COLUMN"),
            (1, Some("price_per_m2"), "VAL_CSV_MISSING_COLUMN"),
        ]
    );
    let r = parse_base_prices_csv("\"community_id,building_id\n").unwrap_err();
    assert_eq!(issues(&r), vec![(1, None, "VAL_CSV_UNTERMINATED_QUOTE")]);
}

#[test]
fn reads_back_the_illustrative_table() {
    let table = CoefficientTable::luoyang_illustrative();
    let text = table_to_csv(&table);
    assert!(
        text.contains("luoyang-illustrative-2024.1,410300,2024-01-01,orientation,south,,,1.09\n")
    );
    assert!(text.contains(",area,,90.00,144.00,1.00\n"));
    assert!(text.contains(",building_age,,30,,0.85\n"));
    assert_eq!(parse_coefficient_table_csv(&text).unwrap(), table);
}

#[test]
fn reports_bad_table_rows() {
    let good = table_to_csv(&CoefficientTable::luoyang_illustrative());
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    // Row numbers are line index + 1.
    let row_of =
        |lines: &[String], needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap();
    let south = row_of(&lines, ",orientation,south,");
    let area90 = row_of(&lines, ",area,,90.00,");
    let shell = row_of(&lines, ",decoration,shell,");
    lines[south] = lines[south].replace(",1.09", ",1,09");
    lines[area90] = lines[area90].replace(",area,,90.00,", ",area,big,9O.00,");
    lines[shell] = lines[shell]
        .replace("luoyang-illustrative-2024.1,", "v2,")
        .replace(",decoration,", ",decor,");
    let r = parse_coefficient_table_csv(&(lines.join("\n") + "\n")).unwrap_err();
    assert_eq!(
        issues(&r),
        vec![
            (south + 1, None, "VAL_CSV_FIELD_COUNT"),
            (shell + 1, Some("version"), "VAL_CSV_TABLE_HEADER_DIFFERS"),
            (shell + 1, Some("dimension"), "VAL_CSV_UNKNOWN_DIMENSION"),
            (area90 + 1, Some("key"), "VAL_CSV_FIELD_NOT_EMPTY"),
            (area90 + 1, Some("from"), "VAL_CSV_BAD_AREA"),
        ]
    );
}

#[test]
fn reports_table_level_errors_at_their_row() {
    let good = table_to_csv(&CoefficientTable::luoyang_illustrative());
    // A duplicate key: reported on the second row with it.
    let dup = good.replace(
        ",orientation,north_east,,,1.02",
        ",orientation,north,,,1.02",
    );
    let r = parse_coefficient_table_csv(&dup).unwrap_err();
    let line = good
        .lines()
        .position(|l| l.contains(",orientation,north_east,"))
        .unwrap();
    assert_eq!(
        issues(&r),
        vec![(line + 1, Some("key"), "VAL_TABLE_DUPLICATE_KEY")]
    );
    // A missing key: the file as a whole.
    let missing: String = good
        .lines()
        .filter(|l| !l.contains(",view,park,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let r = parse_coefficient_table_csv(&missing).unwrap_err();
    assert_eq!(issues(&r), vec![(0, Some("key"), "VAL_TABLE_MISSING_KEY")]);
}

#[test]
fn round_trips_a_demo_register() {
    let register = DemoRegister::new(7, DemoScale::Small);
    let dwellings: Vec<_> = register.dwellings().take(400).collect();
    let text = dwellings_to_csv(&dwellings);
    assert_eq!(parse_dwellings_csv(&text).unwrap(), dwellings);
    let prices = register.base_prices();
    assert_eq!(
        parse_base_prices_csv(&base_prices_to_csv(&prices)).unwrap(),
        prices
    );
}

#[test]
fn reads_labels_and_reports_bad_dwelling_rows() {
    let header = DWELLING_COLUMNS.join(",");
    let good = "410305001002GB00012F00031201,C1,B3,12,18,是,南,三室,普通,2015,精装,120.00,否,钢混";
    let text = format!(
        "{header}\n{good}\n\
         410305001002GB00012F00031202,C1,B3,19,18,true,south,two_bedroom,ordinary,2015,fine,89.5,0,steel_concrete\n\
         410305001002GB00012F00031203,C1,B3,x,18,maybe,south,two_bedroom,ordinary,2015,fine,89.5,0,steel_concrete\n\
         410305001002GB00012F0003120,C1,B3,3,18,1,south,two_bedroom,ordinary,2015,fine,89.5,0,steel_concrete\n\
         {good}\n\
         410305001002GB00012F00031204,C1,B3,3,18,1,up,two_bedroom,ordinary,2015,fine,89.5,0,steel_concrete\n"
    );
    let r = parse_dwellings_csv(&text).unwrap_err();
    assert_eq!(
        issues(&r),
        vec![
            (3, Some("floor"), "VAL_DWELLING_FLOOR_OUT_OF_RANGE"),
            (4, Some("floor"), "VAL_CSV_BAD_INTEGER"),
            (4, Some("has_lift"), "VAL_CSV_BAD_BOOL"),
            (5, Some("unit_code"), "VAL_UNIT_CODE_LENGTH"),
            (6, Some("unit_code"), "VAL_CSV_DUPLICATE_UNIT_CODE"),
            (7, Some("orientation"), "VAL_DWELLING_UNKNOWN_VALUE"),
        ]
    );
    assert!(r.issues[4].message_en.contains("row 2"));
    let ok = parse_dwellings_csv(&format!("{header}\r\n{good}\r\n")).unwrap();
    assert_eq!(ok[0].orientation(), Orientation::South);
    assert!(ok[0].has_lift() && !ok[0].end_unit());
}

#[test]
fn caps_the_listed_issues_but_counts_them_all() {
    let mut text = String::from("community_id,building_id,effective_from,price_per_m2\n");
    for _ in 0..1_500 {
        text.push_str("C1,,2024-01-01,-1\n");
    }
    let r = parse_base_prices_csv(&text).unwrap_err();
    assert_eq!(r.issues.len(), MAX_REPORTED_ISSUES);
    assert_eq!(r.total_issues, 1_500);
    assert_eq!(r.rows_with_issues, 1_500);
    assert_eq!(r.rows_checked, 1_500);
}
