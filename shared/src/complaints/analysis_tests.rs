//! The monthly analysis on a small ledger whose every figure was computed by hand,
//! and its CSV, byte for byte.

use std::collections::BTreeMap;

use time::Date;
use time::macros::{date, datetime};

use super::analysis::{MonthlyReport, OnTime, monthly_analysis};
use super::case::{Satisfaction, Status};
use super::codes::{CaseId, CategoryCode, DepartmentCode};
use super::deadline::{DeadlineKind, DeadlineStatus};
use super::fixtures::*;
use super::month::Month;
use super::rate::Permille;
use super::summary::CaseSummary;

use DeadlineKind::{Decide, Log, Reply, Rereply, Respond};
use DeadlineStatus::{Met, Missed, Pending};

#[allow(clippy::too_many_arguments)]
fn summary(
    id: &str,
    category: &str,
    lead: Option<&str>,
    received_on: Date,
    status: Status,
    transfers: u32,
    satisfaction: Option<Satisfaction>,
    problem_key: Option<&str>,
    deadlines: &[(DeadlineKind, DeadlineStatus)],
) -> CaseSummary {
    CaseSummary {
        id: CaseId::parse(id).unwrap(),
        category: CategoryCode::parse(category).unwrap(),
        lead: lead.map(|d| DepartmentCode::parse(d).unwrap()),
        co_handlers: Default::default(),
        received_on,
        status,
        transfers,
        satisfaction,
        problem_key: problem_key.map(key),
        deadlines: deadlines.iter().copied().collect(),
    }
}

/// Five cases in March 2026 and two outside it.
fn ledger() -> Vec<CaseSummary> {
    vec![
        summary(
            "S1",
            "tax-policy",
            Some("tax-bureau"),
            date!(2026 - 03 - 02),
            Status::Closed,
            0,
            Some(Satisfaction::Satisfied),
            Some("vat-refund-delay"),
            &[(Log, Met), (Decide, Met), (Respond, Met), (Reply, Met)],
        ),
        summary(
            "S2",
            "tax-policy",
            Some("tax-bureau"),
            date!(2026 - 03 - 10),
            Status::Closed,
            1,
            Some(Satisfaction::NotSatisfied),
            Some("vat-refund-delay"),
            &[
                (Log, Met),
                (Decide, Met),
                (Respond, Missed),
                (Reply, Missed),
                (Rereply, Met),
            ],
        ),
        summary(
            "S3",
            "permits",
            Some("administrative-approval"),
            date!(2026 - 03 - 15),
            Status::Assigned,
            0,
            None,
            Some("permit-docs"),
            &[(Log, Met), (Decide, Missed), (Reply, Pending)],
        ),
        summary(
            "S4",
            "permits",
            None,
            date!(2026 - 03 - 20),
            Status::Refused,
            0,
            None,
            None,
            &[(Log, Met), (Decide, Met)],
        ),
        summary(
            "S5",
            "unlawful-fees",
            Some("market-regulation"),
            date!(2026 - 03 - 31),
            Status::Replied,
            2,
            None,
            Some("permit-docs"),
            &[(Log, Missed), (Decide, Met), (Reply, Met)],
        ),
        summary(
            "S6",
            "tax-policy",
            Some("tax-bureau"),
            date!(2026 - 04 - 01),
            Status::Closed,
            5,
            Some(Satisfaction::Satisfied),
            Some("vat-refund-delay"),
            &[(Log, Met)],
        ),
        summary(
            "S7",
            "permits",
            None,
            date!(2026 - 02 - 28),
            Status::Refused,
            0,
            None,
            None,
            &[(Log, Missed)],
        ),
    ]
}

fn march() -> MonthlyReport {
    monthly_analysis(Month::parse("2026-03").unwrap(), &catalogue(), &ledger())
}

#[test]
fn totals_of_the_month_computed_by_hand() {
    let f = march().total.figures;
    assert_eq!((f.received, f.refused, f.closed), (5, 1, 2));
    // 2 closed of the 4 taken on.
    assert_eq!(f.closure_rate, Permille::of(500, 1000));
    let rate = |kind| f.on_time[&kind].rate.map(Permille::get);
    assert_eq!(rate(Log), Some(800)); // 4 of 5
    assert_eq!(rate(Decide), Some(800)); // 4 of 5
    assert_eq!(rate(Respond), Some(500)); // 1 of 2
    assert_eq!(rate(Reply), Some(667)); // 2 of 3 judged; 1 pending
    assert_eq!(rate(Rereply), Some(1000));
    assert_eq!(
        f.on_time[&Reply],
        OnTime {
            met: 2,
            late: 1,
            pending: 1,
            unknown: 0,
            rate: Permille::of(2, 3)
        }
    );
    assert_eq!((f.satisfied, f.not_satisfied), (1, 1));
    assert_eq!(f.satisfaction_rate.map(Permille::get), Some(500));
    assert_eq!(f.transfers, 3);
    let keys: Vec<_> = f
        .top_problem_keys
        .iter()
        .map(|k| (k.key.as_str(), k.cases))
        .collect();
    // A tie is broken by key.
    assert_eq!(keys, [("permit-docs", 2), ("vat-refund-delay", 2)]);
}

#[test]
fn rows_per_category_and_lead_department_in_catalogue_order() {
    let report = march();
    let codes =
        |rows: &[super::analysis::Row]| rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    assert_eq!(
        codes(&report.by_category),
        ["permits", "tax-policy", "unlawful-fees"]
    );
    assert_eq!(
        codes(&report.by_department),
        ["market-regulation", "administrative-approval", "tax-bureau"]
    );
    let permits = &report.by_category[0].figures;
    assert_eq!(
        (permits.received, permits.refused, permits.closed),
        (2, 1, 0)
    );
    assert_eq!(permits.closure_rate.map(Permille::get), Some(0));
    assert_eq!(permits.on_time[&Reply].rate, None, "only a pending answer");
    assert_eq!(permits.satisfaction_rate, None, "nobody rated");
    // The refused case has no lead, so it counts in no department.
    let by_lead: BTreeMap<_, _> = report
        .by_department
        .iter()
        .map(|r| (r.code.as_str(), r.figures.received))
        .collect();
    assert_eq!(by_lead.values().sum::<u32>(), 4);
}

#[test]
fn the_csv_byte_for_byte() {
    let expected = concat!(
        "month,scope,code,name_zh,name_en,received,refused,closed,closure_rate_pct,",
        "log_on_time_pct,decide_on_time_pct,respond_on_time_pct,reply_on_time_pct,",
        "rereply_on_time_pct,satisfied,not_satisfied,satisfaction_rate_pct,transfers,",
        "top_problem_keys\r\n",
        "2026-03,total,all,合计,Total,5,1,2,50.0,80.0,80.0,50.0,66.7,100.0,1,1,50.0,3,",
        "permit-docs:2;vat-refund-delay:2\r\n",
        "2026-03,category,permits,行政审批与许可,Permits and approvals,2,1,0,0.0,100.0,",
        "50.0,,,,0,0,,0,permit-docs:1\r\n",
        "2026-03,category,tax-policy,税费政策咨询,Tax policy questions,2,0,2,100.0,100.0,",
        "100.0,50.0,50.0,100.0,1,1,50.0,1,vat-refund-delay:2\r\n",
        "2026-03,category,unlawful-fees,涉企违规收费,Unlawful fees charged to enterprises,",
        "1,0,0,0.0,0.0,100.0,,100.0,,0,0,,2,permit-docs:1\r\n",
        "2026-03,department,market-regulation,市场监督管理局,",
        "Market Regulation Administration,1,0,0,0.0,0.0,100.0,,100.0,,0,0,,2,",
        "permit-docs:1\r\n",
        "2026-03,department,administrative-approval,行政审批和政务信息管理局,",
        "Administrative Approval and Government Information Bureau,1,0,0,0.0,100.0,0.0,",
        ",,,0,0,,0,permit-docs:1\r\n",
        "2026-03,department,tax-bureau,税务局,Tax Bureau,2,0,2,100.0,100.0,100.0,50.0,",
        "50.0,100.0,1,1,50.0,1,vat-refund-delay:2\r\n",
    );
    assert_eq!(march().to_csv(), expected);
}

#[test]
fn csv_quotes_names_with_commas_and_keeps_unknown_codes() {
    let cases = [
        summary(
            "L1",
            "land-and-construction",
            Some("natural-resources"),
            date!(2026 - 05 - 06),
            Status::Logged,
            0,
            None,
            None,
            &[(Log, Met)],
        ),
        summary(
            "R1",
            "retired-category",
            None,
            date!(2026 - 05 - 07),
            Status::Received,
            0,
            None,
            None,
            &[(Log, Pending)],
        ),
    ];
    let report = monthly_analysis(Month::parse("2026-05").unwrap(), &catalogue(), &cases);
    let csv = report.to_csv();
    assert!(
        csv.contains(",\"Land use, planning and construction\",1,0,0,0.0,100.0,"),
        "{csv}"
    );
    // A code the catalogue no longer has is still counted, named by its code, last.
    let last = report.by_category.last().unwrap();
    assert_eq!(
        (last.code.as_str(), last.name_zh.as_str()),
        ("retired-category", "retired-category")
    );
    assert_eq!(csv.lines().count(), 1 + 1 + 2 + 1);
    assert!(csv.ends_with("\r\n"));
}

#[test]
fn an_empty_month_has_a_total_of_zero_and_no_rates() {
    let report = monthly_analysis(Month::parse("2025-01").unwrap(), &catalogue(), &ledger());
    assert_eq!(report.total.figures.received, 0);
    assert_eq!(report.total.figures.closure_rate, None);
    assert!(report.by_category.is_empty() && report.by_department.is_empty());
    assert_eq!(
        report.to_csv().lines().nth(1),
        Some("2025-01,total,all,合计,Total,0,0,0,,,,,,,0,0,,0,")
    );
}

#[test]
fn the_report_serialises_rates_as_permille_integers() {
    let json = serde_json::to_value(march()).unwrap();
    assert_eq!(json["month"], "2026-03");
    assert_eq!(json["total"]["figures"]["closure_rate"], 500);
    assert_eq!(json["total"]["figures"]["on_time"]["reply"]["rate"], 667);
    assert_eq!(
        json["by_category"][0]["figures"]["satisfaction_rate"],
        serde_json::Value::Null
    );
}

#[test]
fn summaries_of_real_cases_feed_the_analysis() {
    let closed = case_in(Status::Closed);
    let s = CaseSummary::of(&closed, datetime!(2026-03-31 12:00 +8), &calendar());
    assert_eq!(s.status, Status::Closed);
    assert_eq!(s.received_on, date!(2026 - 03 - 02));
    assert_eq!(s.satisfaction, Some(Satisfaction::Satisfied));
    assert_eq!(s.lead.as_ref().map(|d| d.as_str()), Some(LEAD));
    assert!(s.deadlines.values().all(|d| *d == Met), "{:?}", s.deadlines);
    let back: CaseSummary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    let report = monthly_analysis(Month::parse("2026-03").unwrap(), &catalogue(), &[s]);
    assert_eq!(
        report.total.figures.closure_rate.map(Permille::get),
        Some(1000)
    );
}
