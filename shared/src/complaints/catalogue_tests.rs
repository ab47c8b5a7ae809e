//! The built-in catalogue loads and says what the issue asks; a broken one is
//! refused with the reason.

use super::catalogue::{Catalogue, ProblemKind};
use super::codes::is_slug;

const BUILTIN: &str = include_str!("catalogue.json");

#[test]
fn the_builtin_catalogue_is_valid_and_complete() {
    let c = Catalogue::builtin().unwrap();
    assert_eq!(c.version(), "2026-12-01");
    assert_eq!(c.supervising_office().as_str(), "yingshang-office");
    let rules = c.rules();
    assert_eq!(
        (
            rules.log_within_working_days,
            rules.decide_within_working_days,
            rules.typical_case_threshold
        ),
        (1, 3, 3)
    );
    for code in [
        "business-registration",
        "permits",
        "tax-policy",
        "enforcement",
        "government-arrears",
        "utilities",
    ] {
        let category = c.category(code).unwrap();
        assert!(is_slug(category.code.as_str()));
        assert!(category.code.as_str().is_ascii(), "Open311 service_code");
    }
    // The deadlines the seeds name: policy questions 1 + 3, individual problems 15,
    // common problems 30.
    for category in c.categories() {
        let expected = match category.kind {
            ProblemKind::PolicyQuestion => (Some(1), 3),
            ProblemKind::IndividualProblem => (None, 15),
            ProblemKind::CommonProblem => (None, 30),
        };
        assert_eq!(
            (
                category.respond_within_working_days,
                category.reply_within_working_days
            ),
            expected,
            "{}",
            category.code
        );
        assert!(c.department_by_code(&category.lead).is_some());
    }
    for kind in [
        ProblemKind::PolicyQuestion,
        ProblemKind::IndividualProblem,
        ProblemKind::CommonProblem,
    ] {
        assert!(
            c.categories().iter().any(|cat| cat.kind == kind),
            "{kind:?}"
        );
    }
    assert_eq!(
        c.department("yingshang-office", "department")
            .unwrap()
            .name_zh,
        "营商环境办"
    );
}

#[test]
fn a_serialised_catalogue_reads_back_the_same() {
    let c = Catalogue::builtin().unwrap();
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(Catalogue::from_json(&json).unwrap(), c);
    let via_serde: Catalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(via_serde, c);
}

/// The built-in JSON with one edit.
fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN.contains(from), "fixture out of date: {from}");
    BUILTIN.replacen(from, to, 1)
}

#[test]
fn broken_catalogues_are_refused_with_the_reason() {
    let cases = [
        (
            edited(r#""version": "2026-12-01""#, r#""version": " ""#),
            "COMPLAINTS_CATALOGUE_NO_VERSION",
        ),
        (
            edited(r#""code": "permits""#, r#""code": "tax-policy""#),
            "COMPLAINTS_CATALOGUE_CODE_DUPLICATE",
        ),
        (
            edited(r#""lead": "market-regulation""#, r#""lead": "nowhere""#),
            "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
        ),
        (
            edited(
                r#""lead": "market-regulation""#,
                r#""lead": "yingshang-office""#,
            ),
            "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
        ),
        (
            edited(r#""group": "market-access","#, r#""group": "nowhere","#),
            "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
        ),
        (
            edited(
                r#""reply_within_working_days": 30"#,
                r#""reply_within_working_days": 300"#,
            ),
            "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
        ),
        (
            edited(
                r#""respond_within_working_days": 1"#,
                r#""respond_within_working_days": 4"#,
            ),
            "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
        ),
        (
            edited(
                r#""decide_within_working_days": 3"#,
                r#""decide_within_working_days": 0"#,
            ),
            "COMPLAINTS_CATALOGUE_RULES_INVALID",
        ),
        (
            edited(
                r#""typical_case_threshold": 3"#,
                r#""typical_case_threshold": 1"#,
            ),
            "COMPLAINTS_CATALOGUE_RULES_INVALID",
        ),
        (
            edited(
                r#""supervising_office": "yingshang-office""#,
                r#""supervising_office": "tax-office""#,
            ),
            "COMPLAINTS_CATALOGUE_OFFICE_UNKNOWN",
        ),
        (
            edited(r#""name_zh": "税务局""#, r#""name_zh": """#),
            "COMPLAINTS_CATALOGUE_NAME_INVALID",
        ),
        (
            edited(r#""code": "permits""#, r#""code": "Permits""#),
            "COMPLAINTS_CATALOGUE_MALFORMED",
        ),
        (
            edited(r#""kind": "common_problem""#, r#""kind": "urgent""#),
            "COMPLAINTS_CATALOGUE_MALFORMED",
        ),
        (
            edited(r#""version""#, r#""surprise": 1, "version""#),
            "COMPLAINTS_CATALOGUE_MALFORMED",
        ),
    ];
    for (json, code) in cases {
        let e = Catalogue::from_json(&json).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(!e.message_zh().is_empty());
    }
}

#[test]
fn the_typical_case_threshold_defaults_to_three() {
    let json = edited(
        r#",
    "typical_case_threshold": 3"#,
        "",
    );
    assert_eq!(
        Catalogue::from_json(&json)
            .unwrap()
            .rules()
            .typical_case_threshold,
        3
    );
    let json = edited(
        r#""typical_case_threshold": 3"#,
        r#""typical_case_threshold": 5"#,
    );
    assert_eq!(
        Catalogue::from_json(&json)
            .unwrap()
            .rules()
            .typical_case_threshold,
        5
    );
}
