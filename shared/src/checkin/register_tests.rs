use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

const HEADER: &str = "credit_code,name,address,division_code,industry_code";

/// Two valid codes (the GB 32100 example and a Shenzhen company).
const CODE_A: &str = "91350100M000100Y43";
const CODE_B: &str = "914403001922038216";

fn issues(report: &RegisterReport) -> Vec<(usize, Option<&str>, &str)> {
    report
        .issues
        .iter()
        .map(|i| (i.row, i.column.as_deref(), i.code.as_str()))
        .collect()
}

fn parse(text: &str) -> Result<Vec<Enterprise>, RegisterReport> {
    parse_register_csv(text.as_bytes())
}

fn good_row(code: &str) -> String {
    format!("{code},济源市豫丰钢铁有限公司,河南省济源市沁园街道济水大街1号,419001,C3120")
}

#[test]
fn reads_a_good_file() {
    let text = format!(
        "{HEADER}\n{}\n{},\"Foo, \"\"Bar\"\" Ltd\",  河南省济源市天坛街道  ,410100,F\n",
        good_row(CODE_A),
        CODE_B.to_ascii_lowercase(),
    );
    let rows = parse(&text).unwrap();
    assert_eq!(
        rows,
        vec![
            Enterprise {
                credit_code: CreditCode::parse(CODE_A).unwrap(),
                name: "济源市豫丰钢铁有限公司".into(),
                address: "河南省济源市沁园街道济水大街1号".into(),
                division_code: "419001".into(),
                industry_code: "C3120".into(),
            },
            Enterprise {
                // Lower case is accepted and stored upper case.
                credit_code: CreditCode::parse(CODE_B).unwrap(),
                name: "Foo, \"Bar\" Ltd".into(),
                // Trimmed.
                address: "河南省济源市天坛街道".into(),
                // The division need not be the credit code's region (440300).
                division_code: "410100".into(),
                industry_code: "F".into(),
            },
        ]
    );
}

#[test]
fn columns_in_any_order_bom_crlf_blank_lines_and_no_trailing_newline() {
    let text = format!(
        "\u{feff}industry_code,division_code,address,name,credit_code\r\n\
         \r\n\
         C13,419001,\"河南省济源市,北海街道\",甲公司,{CODE_A}\r\n\
         \r\n\
         \"C1310\",\"419001\",地址,\"乙\"\"公司\"\"\",{CODE_B}"
    );
    let rows = parse_register_csv(text.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].address, "河南省济源市,北海街道");
    assert_eq!(rows[0].industry_code, "C13");
    assert_eq!(rows[1].name, "乙\"公司\"");
    assert_eq!(rows[1].industry_code, "C1310");
    assert_eq!(rows[1].credit_code.as_str(), CODE_B);
}

#[test]
fn each_rule_has_its_code_row_and_column() {
    // Rows are lines of the file: the header is row 1; the blank line is row 3.
    let long_name = "名".repeat(101);
    let long_address = "址".repeat(201);
    let text = format!(
        "{HEADER}\n\
         {}\n\
         \n\
         91350100M000100Y44,甲,地址,419001,C\n\
         {CODE_B},{long_name},{long_address},41900,C1\n\
         ,\"a\tb\",\"x\ny\",41900a,c13\n\
         {CODE_B},  ,地址,419001,U13\n\
         {CODE_A},甲,地址\n\
         {CODE_A},\"甲\"x,地址,419001,C\n\
         913501A0M000100Y43,甲,地址,419001,C12345\n",
        good_row(CODE_A)
    );
    let r = parse(&text).unwrap_err();
    assert_eq!(
        issues(&r),
        vec![
            (4, Some("credit_code"), "REGISTER_CREDIT_CODE_INVALID"),
            (5, Some("name"), "REGISTER_NAME_INVALID"),
            (5, Some("address"), "REGISTER_ADDRESS_INVALID"),
            (5, Some("division_code"), "REGISTER_DIVISION_CODE_INVALID"),
            (5, Some("industry_code"), "REGISTER_INDUSTRY_CODE_INVALID"),
            (6, Some("credit_code"), "REGISTER_EMPTY_FIELD"),
            (6, Some("name"), "REGISTER_NAME_INVALID"),
            (6, Some("address"), "REGISTER_ADDRESS_INVALID"),
            (6, Some("division_code"), "REGISTER_DIVISION_CODE_INVALID"),
            (6, Some("industry_code"), "REGISTER_INDUSTRY_CODE_INVALID"),
            // The quoted line break moved the next record to line 8.
            (8, Some("name"), "REGISTER_EMPTY_FIELD"),
            (8, Some("industry_code"), "REGISTER_INDUSTRY_CODE_INVALID"),
            (8, Some("credit_code"), "REGISTER_DUPLICATE_CREDIT_CODE"),
            (9, None, "REGISTER_FIELD_COUNT"),
            (10, None, "REGISTER_MISPLACED_QUOTE"),
            (11, Some("credit_code"), "REGISTER_CREDIT_CODE_INVALID"),
            (11, Some("industry_code"), "REGISTER_INDUSTRY_CODE_INVALID"),
        ]
    );
    assert_eq!(r.rows_checked, 8);
    assert_eq!(r.rows_with_issues, 7);
    assert_eq!(r.total_issues, 17);
    let m = &r.issues;
    assert!(m[0].message_zh.contains("校验位"));
    assert!(m[0].message_en.contains("check character"));
    assert!(m[1].message_zh.contains("不能超过100个字符，实际为101个"));
    assert!(m[2].message_en.contains("has 201 characters; at most 200"));
    assert!(
        m[6].message_en
            .contains("Character 2 of the enterprise name")
    );
    assert!(m[7].message_zh.contains("地址的第2个字符是控制字符"));
    assert!(m[8].message_en.contains("found \"41900a\""));
    assert!(m[9].message_zh.contains("实际为“c13”"));
    // The duplicate names the first row (where CODE_B appears first: row 5).
    assert!(m[12].message_zh.contains("已在第5行出现"));
    assert!(m[12].message_en.contains("already appears on row 5"));
    assert!(
        m[13]
            .message_en
            .contains("The row has 3 fields, the header 5")
    );
    assert!(m[15].message_en.contains("positions 3-8"));
    for i in &r.issues {
        assert!(i.message_zh.ends_with('。'), "{}", i.message_zh);
        assert!(i.message_en.ends_with('.'), "{}", i.message_en);
    }
}

#[test]
fn industry_and_division_shapes() {
    for good in ["A", "C", "T", "C13", "C131", "C1310", "A01", "T9900"] {
        assert!(is_industry_code(good), "{good}");
    }
    for bad in [
        "", "c", "U", "Z13", "C1", "C13100", "CC13", "C1a", "13", "Ｃ13",
    ] {
        assert!(!is_industry_code(bad), "{bad}");
    }
    assert!(is_division_code("419001"));
    for bad in ["41900", "4190011", "41900a", "４19001", ""] {
        assert!(!is_division_code(bad), "{bad}");
    }
}

#[test]
fn the_same_enterprise_twice_names_the_first_row() {
    // Lower case and spaces are the same code.
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        good_row(CODE_A),
        good_row(CODE_B),
        good_row(&format!(" {} ", CODE_A.to_ascii_lowercase()))
    );
    let r = parse(&text).unwrap_err();
    assert_eq!(
        issues(&r),
        vec![(4, Some("credit_code"), "REGISTER_DUPLICATE_CREDIT_CODE")]
    );
    assert_eq!(
        r.issues[0].message_en,
        format!(
            "The credit code {CODE_A} already appears on row 2: an enterprise may appear only once in a file."
        )
    );
    assert_eq!(r.rows_checked, 3);
}

#[test]
fn checks_the_header() {
    let r = parse(&format!(
        "credit_code,name,name,division,industry_code\n{}\n",
        good_row(CODE_A)
    ))
    .unwrap_err();
    assert_eq!(
        issues(&r),
        vec![
            (1, Some("name"), "REGISTER_DUPLICATE_COLUMN"),
            (1, Some("division"), "REGISTER_UNKNOWN_COLUMN"),
            (1, Some("address"), "REGISTER_MISSING_COLUMN"),
            (1, Some("division_code"), "REGISTER_MISSING_COLUMN"),
        ]
    );
    // Header problems end the check: no row is read.
    assert_eq!(r.rows_checked, 0);
    assert_eq!(r.rows_with_issues, 1);
    assert!(r.issues[1].message_zh.contains("“division”"));
    assert_eq!(
        r.issues[2].message_en,
        "The header lacks the column address."
    );

    // Header names are trimmed; an extra empty column is unknown.
    let r = parse(&format!(" {HEADER} ,\n{},\n", good_row(CODE_A))).unwrap_err();
    assert_eq!(issues(&r), vec![(1, Some(""), "REGISTER_UNKNOWN_COLUMN")]);
    assert!(
        parse(&format!(
            " credit_code , name,address,division_code,industry_code\n{}",
            good_row(CODE_A)
        ))
        .is_ok()
    );

    let r = parse("\"credit_code,name\n").unwrap_err();
    assert_eq!(issues(&r), vec![(1, None, "REGISTER_UNTERMINATED_QUOTE")]);
}

#[test]
fn empty_file_and_header_only() {
    for empty in ["", "\u{feff}", "\n\r\n"] {
        let r = parse(empty).unwrap_err();
        assert_eq!(
            issues(&r),
            vec![(0, None, "REGISTER_NO_HEADER")],
            "{empty:?}"
        );
        assert_eq!(r.rows_checked, 0);
        assert_eq!(r.rows_with_issues, 0);
    }
    for header_only in [HEADER.to_owned(), format!("{HEADER}\r\n\r\n")] {
        let r = parse(&header_only).unwrap_err();
        assert_eq!(issues(&r), vec![(0, None, "REGISTER_NO_DATA_ROWS")]);
        assert_eq!(r.total_issues, 1);
    }
}

#[test]
fn invalid_utf8_is_a_file_issue() {
    let mut bytes = format!("{HEADER}\n{}\n", good_row(CODE_A)).into_bytes();
    let at = bytes.len() - 3;
    bytes[at] = 0xFF;
    let r = parse_register_csv(&bytes).unwrap_err();
    assert_eq!(issues(&r), vec![(0, None, "REGISTER_NOT_UTF8")]);
    assert!(r.issues[0].message_en.contains(&format!("offset {at}")));
    // GBK text, as an old spreadsheet saves it, with a BOM-counted offset.
    let mut gbk = b"\xEF\xBB\xBF".to_vec();
    gbk.extend_from_slice(b"credit_code,name\n\xBC\xC3\xD4\xB4");
    let r = parse_register_csv(&gbk).unwrap_err();
    assert_eq!(issues(&r), vec![(0, None, "REGISTER_NOT_UTF8")]);
    assert!(
        r.issues[0]
            .message_zh
            .contains(&format!("第{}字节", 3 + 17))
    );
}

#[test]
fn the_report_lists_1000_issues_and_counts_all() {
    // 1,200 rows, each with two issues.
    let mut text = format!("{HEADER}\n");
    for _ in 0..1200 {
        text.push_str("91350100M000100Y44,甲,地址,41900,C\n");
    }
    let r = parse(&text).unwrap_err();
    assert_eq!(r.issues.len(), MAX_REPORTED_ISSUES);
    assert_eq!(r.total_issues, 2400);
    assert_eq!(r.rows_with_issues, 1200);
    assert_eq!(r.rows_checked, 1200);
    assert_eq!(r.issues[999].row, 2 + 499);
}

#[test]
fn too_many_rows_is_listed_first() {
    let rows = demo_register(MAX_REGISTER_ROWS + 1);
    let ok = register_to_csv(&rows[..MAX_REGISTER_ROWS]);
    assert_eq!(parse(&ok).unwrap().len(), MAX_REGISTER_ROWS);

    // Many bad rows and one too many: the file issue stays in the capped list.
    let mut text = register_to_csv(&rows);
    text = text.replacen(",419001,", ",41900,", 2000);
    let r = parse(&text).unwrap_err();
    assert_eq!(r.issues[0].row, 0);
    assert_eq!(r.issues[0].code, "REGISTER_TOO_MANY_ROWS");
    assert!(r.issues[0].message_zh.contains("50000"));
    assert_eq!(r.issues.len(), MAX_REPORTED_ISSUES);
    assert_eq!(r.total_issues, 2001);
    assert_eq!(r.rows_checked, MAX_REGISTER_ROWS);
    assert_eq!(r.issues[1].row, 2);
}

#[test]
fn report_serialises_with_its_fields() {
    let r = parse(&format!("{HEADER}\n")).unwrap_err();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["rows_checked"], 0);
    assert_eq!(json["total_issues"], 1);
    assert_eq!(json["issues"][0]["code"], "REGISTER_NO_DATA_ROWS");
    assert_eq!(json["issues"][0]["column"], serde_json::Value::Null);
    assert!(json["issues"][0]["message_zh"].is_string());
    let e = serde_json::to_value(&demo_register(1)[0]).unwrap();
    assert_eq!(e["division_code"], "419001");
    assert_eq!(e["credit_code"].as_str().unwrap().len(), 18);
}

#[test]
fn for_file_makes_a_row_zero_report() {
    let r = RegisterReport::for_file(&RegisterError::TooManyRows { max: 10 }, 3);
    assert_eq!(issues(&r), vec![(0, None, "REGISTER_TOO_MANY_ROWS")]);
    assert_eq!(r.rows_checked, 3);
    assert_eq!(r.rows_with_issues, 0);
}

#[test]
fn the_writer_quotes_only_when_needed() {
    let mut rows = demo_register(2);
    rows[1].name = "A, \"B\"".into();
    let text = register_to_csv(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert!(!lines[1].contains('"'));
    assert!(lines[2].contains(",\"A, \"\"B\"\"\","));
    assert!(text.ends_with('\n'));
    assert_eq!(parse(&text).unwrap(), rows);
}

#[test]
fn demo_register_is_valid_distinct_and_reads_back() {
    let rows = demo_register(14_000);
    assert_eq!(rows.len(), 14_000);
    let codes: HashSet<&str> = rows.iter().map(|e| e.credit_code.as_str()).collect();
    assert_eq!(codes.len(), rows.len());
    let names: HashSet<&str> = rows.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), rows.len());
    for e in &rows {
        assert_eq!(e.credit_code.region(), JIYUAN_DIVISION_CODE);
        assert_eq!(e.division_code, JIYUAN_DIVISION_CODE);
        assert!(e.name.starts_with("济源市") && e.name.ends_with("公司"));
        assert!(e.address.starts_with("河南省济源市"));
        assert!(is_industry_code(&e.industry_code));
    }
    assert_eq!(rows[0].credit_code, demo_credit_code(0));
    assert_eq!(demo_register(3)[..], rows[..3]);
    assert_eq!(parse(&register_to_csv(&rows)).unwrap(), rows);
}

#[test]
fn demo_codes_do_not_collide_up_to_20000() {
    let codes: HashSet<CreditCode> = (0..20_000).map(demo_credit_code).collect();
    assert_eq!(codes.len(), 20_000);
    for elsewhere in ["91350100M000100Y43", "91411502MA4000000H"] {
        // Parsed or not, no demo code has that text.
        assert!(!codes.iter().any(|c| c.as_str() == elsewhere));
    }
    // Past the name combinations, names get a branch suffix and stay distinct.
    let many = demo_register(54_001);
    assert_eq!(many[54_000].name, format!("{}第1分公司", many[0].name));
}

/// Names and addresses: often with commas, quotes and spaces that trim, else anything
/// but control characters; trimmed and not blank, as the parser keeps them.
fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    let specials = format!("[a-zA-Z0-9 ,\"济源市有限公司　\u{2028}]{{1,{max}}}");
    let any = format!("[^\\p{{Cc}}]{{1,{max}}}");
    let regex = |r: &str| proptest::string::string_regex(r).expect("a valid regex");
    prop_oneof![regex(&specials), regex(&any)]
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

fn enterprise_strategy() -> impl Strategy<Value = Enterprise> {
    (
        "[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{9}",
        text_strategy(MAX_NAME_CHARS),
        text_strategy(MAX_ADDRESS_CHARS),
        "[0-9]{6}",
        "[A-T]([0-9]{2}|[0-9]{3}|[0-9]{4})?",
    )
        .prop_map(
            |(first17, name, address, division_code, industry_code)| Enterprise {
                credit_code: CreditCode::complete(&first17).unwrap(),
                name,
                address,
                division_code,
                industry_code,
            },
        )
}

proptest! {
    #[test]
    fn parse_reads_back_what_register_to_csv_writes(
        rows in proptest::collection::vec(enterprise_strategy(), 1..20)
    ) {
        let mut seen = HashSet::new();
        let rows: Vec<Enterprise> =
            rows.into_iter().filter(|e| seen.insert(e.credit_code.clone())).collect();
        let text = register_to_csv(&rows);
        prop_assert_eq!(parse(&text), Ok(rows));
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_register_csv(&bytes);
    }
}
