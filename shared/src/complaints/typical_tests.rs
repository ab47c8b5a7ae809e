//! Typical cases: anonymised publication and the "group of similar cases" rule.

use std::collections::BTreeSet;

use time::macros::{date, datetime};

use super::action::Action;
use super::actor::Actor;
use super::case::Status;
use super::codes::{CaseId, CategoryCode};
use super::fixtures::*;
use super::summary::CaseSummary;
use super::text::{Solution, Summary};
use super::typical::{PublishError, publish_suggestions, publish_typical};

fn tagged_closed() -> super::case::CaseState {
    step(
        &case_in(Status::Closed),
        Action::Tag {
            key: key("vat-refund-delay"),
        },
        &staff(LEAD),
        datetime!(2026-03-03 10:00 +8),
    )
}

#[test]
fn a_published_typical_case_carries_nothing_that_identifies_the_enterprise() {
    let case = tagged_closed();
    let summary = Summary::parse(
        "郑州某某科技有限公司（91350100M000100Y43）反映留抵退税迟迟未到账，\
         联系人张三 13812345678，身份证 110101199003074514。",
    )
    .unwrap();
    let solution = Solution::parse(
        "税务局建立留抵退税“一户一策”跟踪机制，USCC91350100M000100Y43 等企业三日内到账。",
    )
    .unwrap();
    let published = publish_typical(
        &case,
        &catalogue(),
        &summary,
        &solution,
        &["郑州某某科技有限公司", "张三"],
    )
    .unwrap();
    assert_eq!(
        published.summary,
        "[名称已隐去]（[统一社会信用代码已隐去]）反映留抵退税迟迟未到账，\
         联系人[名称已隐去] [手机号已隐去]，身份证 [身份证号已隐去]。"
    );
    // The case's own code glued to letters goes too: it is redacted literally.
    assert_eq!(
        published.solution,
        "税务局建立留抵退税“一户一策”跟踪机制，USCC[统一社会信用代码已隐去] 等企业三日内到账。"
    );
    assert_eq!(published.problem_key.as_str(), "vat-refund-delay");
    assert_eq!(published.category.as_str(), "tax-policy");
    assert_eq!(published.category_name_zh, "税费政策咨询");
    let json = serde_json::to_string(&published).unwrap();
    for secret in [
        OWN_CODE,
        "13812345678",
        "110101199003074514",
        "张三",
        "01CASE",
    ] {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fields: BTreeSet<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            "problem_key",
            "category",
            "category_name_zh",
            "category_name_en",
            "kind",
            "summary",
            "solution"
        ])
    );
}

#[test]
fn only_a_closed_tagged_case_is_published() {
    let summary = Summary::parse("留抵退税到账慢").unwrap();
    let solution = Solution::parse("建立跟踪机制").unwrap();
    let open = case_in(Status::Replied);
    assert_eq!(
        publish_typical(&open, &catalogue(), &summary, &solution, &[]),
        Err(PublishError::NotClosed)
    );
    let untagged = case_in(Status::Closed);
    let e = publish_typical(&untagged, &catalogue(), &summary, &solution, &[]).unwrap_err();
    assert_eq!(e, PublishError::Untagged);
    assert_eq!(e.code(), "COMPLAINTS_TYPICAL_UNTAGGED");
    assert!(e.message_zh().contains("共性问题"));
}

fn closed(id: &str, category: &str, key_text: Option<&str>, status: Status) -> CaseSummary {
    CaseSummary {
        id: CaseId::parse(id).unwrap(),
        category: CategoryCode::parse(category).unwrap(),
        lead: None,
        co_handlers: Default::default(),
        received_on: date!(2026 - 03 - 02),
        status,
        transfers: 0,
        satisfaction: None,
        problem_key: key_text.map(key),
        deadlines: Default::default(),
    }
}

#[test]
fn a_group_of_closed_cases_sharing_a_key_suggests_publishing() {
    let cases = [
        closed("A1", "permits", Some("permit-docs"), Status::Closed),
        closed(
            "A2",
            "business-registration",
            Some("permit-docs"),
            Status::Closed,
        ),
        closed("A3", "permits", Some("permit-docs"), Status::Closed),
        closed("A3", "permits", Some("permit-docs"), Status::Closed), // given twice
        closed("B1", "tax-policy", Some("vat-refund-delay"), Status::Closed),
        closed("B2", "tax-policy", Some("vat-refund-delay"), Status::Closed),
        closed(
            "B3",
            "tax-policy",
            Some("vat-refund-delay"),
            Status::Replied,
        ), // not closed
        closed("C1", "utilities", Some("power-connection"), Status::Closed),
        closed("C2", "utilities", Some("power-connection"), Status::Closed),
        closed("C3", "utilities", Some("power-connection"), Status::Closed),
        closed("D1", "utilities", None, Status::Closed),
    ];
    let published = BTreeSet::from([key("power-connection")]);
    let threshold = catalogue().rules().typical_case_threshold;
    let got = publish_suggestions(&cases, threshold, &published);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].problem_key.as_str(), "permit-docs");
    let ids: Vec<_> = got[0].cases.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids, ["A1", "A2", "A3"], "A3 counted once");
    let categories: Vec<_> = got[0].categories.iter().map(|c| c.as_str()).collect();
    assert_eq!(categories, ["business-registration", "permits"]);
    // With a lower threshold, the two closed vat-refund-delay cases qualify, after
    // the larger group.
    let got = publish_suggestions(&cases, 2, &BTreeSet::new());
    let keys: Vec<_> = got
        .iter()
        .map(|s| (s.problem_key.as_str(), s.cases.len()))
        .collect();
    assert_eq!(
        keys,
        [
            ("permit-docs", 3),
            ("power-connection", 3),
            ("vat-refund-delay", 2)
        ]
    );
}

#[test]
fn tagging_needs_the_case_in_hand() {
    let received = case_in(Status::Received);
    let e = super::transition::apply(
        &received,
        Action::Tag {
            key: key("permit-docs"),
        },
        &Actor::Office,
        datetime!(2026-03-03 10:00 +8),
        &calendar(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE");
    let tagged = tagged_closed();
    assert_eq!(tagged.status, Status::Closed, "tagging keeps the status");
    assert_eq!(tagged.problem_key, Some(key("vat-refund-delay")));
}
