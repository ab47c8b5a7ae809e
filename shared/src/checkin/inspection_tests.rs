use super::*;
use crate::checkin::agency::{Campaign, InspectionItem};
use time::macros::{date, datetime};

fn agency() -> AgencyRules {
    AgencyRules {
        name_zh: "济源市市场监督管理局".into(),
        routine_cap_per_year: 2,
        items: vec![InspectionItem {
            code: "SC-FOOD-01".into(),
            name_zh: "食品生产经营监督检查".into(),
            legal_basis_zh: "《食品安全法》第一百一十条".into(),
        }],
        campaigns: vec![Campaign {
            id: "2026-fire".into(),
            name_zh: "冬季消防专项".into(),
            quota_per_enterprise: 1,
            from: date!(2026 - 11 - 01),
            until: date!(2026 - 12 - 31),
        }],
    }
}

fn officer(sub: &str) -> Officer {
    Officer {
        subject: Subject::parse(sub).unwrap(),
        name_zh: "张三".into(),
        certificate_number: "41900120230001".into(),
        valid_from: date!(2024 - 01 - 01),
        valid_until: date!(2027 - 12 - 31),
    }
}

fn plan(kind: Kind) -> Plan {
    Plan {
        kind,
        item: "SC-FOOD-01".into(),
        approval_ref: "济市监检〔2026〕12号".into(),
        late: None,
    }
}

const NOW: OffsetDateTime = datetime!(2026-12-03 10:00 +08:00);

struct Case {
    agency: AgencyRules,
    officer: Option<Officer>,
    scanner: Subject,
    plan: Plan,
    pending: Option<Pending>,
    started: Option<Started>,
    routine: u32,
    campaign: u32,
    now: OffsetDateTime,
}

impl Case {
    fn new(sub: &str) -> Case {
        Case {
            agency: agency(),
            officer: Some(officer(sub)),
            scanner: Subject::parse(sub).unwrap(),
            plan: plan(Kind::Routine),
            pending: None,
            started: None,
            routine: 0,
            campaign: 0,
            now: NOW,
        }
    }

    fn after(mut self, first: &str, minutes: i64) -> Case {
        self.pending = Some(Pending {
            officer: Subject::parse(first).unwrap(),
            scanned_at: self.now - Duration::minutes(minutes),
            plan: self.plan.clone(),
        });
        self
    }

    fn decide(&self) -> Result<Decision, RuleError> {
        decide(&ScanFacts {
            now: self.now,
            scanner: &self.scanner,
            officer: self.officer.as_ref(),
            agency: &self.agency,
            plan: &self.plan,
            pending: self.pending.as_ref(),
            started: self.started.as_ref(),
            routine_this_year: self.routine,
            campaign_count: self.campaign,
        })
    }
}

#[test]
fn the_first_officer_waits_and_a_second_of_the_agency_starts_the_inspection() {
    assert_eq!(
        Case::new("zhang").decide(),
        Ok(Decision::Wait {
            expires_at: NOW + PAIRING_WINDOW
        })
    );
    let second = Case::new("li").after("zhang", 4);
    assert_eq!(
        second.decide(),
        Ok(Decision::Start {
            arrival: NOW - Duration::minutes(4),
            late: false
        })
    );
}

#[test]
fn one_officer_scanning_twice_is_one_officer_only() {
    let c = Case::new("zhang").after("zhang", 1);
    assert_eq!(c.decide(), Err(RuleError::OneOfficerOnly));
    assert_eq!(RuleError::OneOfficerOnly.code(), "CHECKIN_ONE_OFFICER_ONLY");
}

#[test]
fn a_second_scan_after_ten_minutes_waits_again_instead_of_starting() {
    let c = Case::new("li").after("zhang", 11);
    assert!(matches!(c.decide(), Ok(Decision::Wait { .. })));
    let edge = Case::new("li").after("zhang", 10);
    assert!(matches!(edge.decide(), Ok(Decision::Start { .. })));
}

#[test]
fn the_second_officer_must_declare_the_same_inspection() {
    let mut c = Case::new("li").after("zhang", 2);
    c.plan.approval_ref = "另一个文号".into();
    assert_eq!(c.decide(), Err(RuleError::ScanMismatch));
}

#[test]
fn unknown_officers_and_certificates_out_of_date_are_refused() {
    let mut c = Case::new("zhang");
    c.officer = None;
    assert_eq!(c.decide(), Err(RuleError::OfficerUnknown));
    let mut c = Case::new("zhang");
    c.officer.as_mut().unwrap().valid_until = date!(2026 - 12 - 02);
    assert_eq!(c.decide(), Err(RuleError::CertificateInvalid));
    // Valid until today, inclusive.
    c.officer.as_mut().unwrap().valid_until = date!(2026 - 12 - 03);
    assert!(c.decide().is_ok());
    let mut c = Case::new("zhang");
    c.officer.as_mut().unwrap().valid_from = date!(2026 - 12 - 04);
    assert_eq!(c.decide(), Err(RuleError::CertificateInvalid));
}

#[test]
fn only_published_items_are_inspected() {
    let mut c = Case::new("zhang");
    c.plan.item = "SC-DRUG-09".into();
    assert_eq!(
        c.decide(),
        Err(RuleError::ItemNotPublished("SC-DRUG-09".into()))
    );
}

#[test]
fn routine_inspections_stop_at_the_cap_and_case_driven_ones_do_not_count() {
    let mut c = Case::new("zhang");
    c.routine = 1;
    assert!(c.decide().is_ok());
    c.routine = 2;
    assert_eq!(c.decide(), Err(RuleError::RoutineCapReached { cap: 2 }));
    for reason in CaseReason::ALL {
        c.plan.kind = Kind::Case(reason);
        assert!(c.decide().is_ok(), "{reason:?}");
    }
    // The cap applies at the start too, not only to the first scan.
    let mut second = Case::new("li").after("zhang", 1);
    second.routine = 2;
    assert_eq!(
        second.decide(),
        Err(RuleError::RoutineCapReached { cap: 2 })
    );
}

#[test]
fn special_campaigns_count_against_their_own_quota_on_their_dates() {
    let mut c = Case::new("zhang");
    c.plan.kind = Kind::Special("2026-fire".into());
    c.routine = 2;
    assert!(c.decide().is_ok(), "the routine cap does not apply");
    c.campaign = 1;
    assert_eq!(
        c.decide(),
        Err(RuleError::CampaignQuotaReached { quota: 1 })
    );
    c.campaign = 0;
    c.now = datetime!(2027-01-01 09:00 +08:00);
    c.officer.as_mut().unwrap().valid_until = date!(2027 - 12 - 31);
    assert_eq!(
        c.decide(),
        Err(RuleError::CampaignInactive("2026-fire".into()))
    );
    c.plan.kind = Kind::Special("no-such".into());
    assert!(matches!(c.decide(), Err(RuleError::CampaignInactive(_))));
}

#[test]
fn late_scans_are_accepted_within_ten_calendar_days_and_flagged() {
    for mode in [LateMode::Emergency, LateMode::Outage] {
        let mut first = Case::new("zhang");
        first.plan.late = Some(Late {
            mode,
            reason: "系统故障，无法扫码".into(),
            arrived_at: datetime!(2026-11-23 08:00 +08:00),
        });
        assert!(matches!(first.decide(), Ok(Decision::Wait { .. })));
        let mut second = Case::new("li");
        second.plan = first.plan.clone();
        second.plan.late.as_mut().unwrap().reason = "另一种说法".into();
        second = second.after("zhang", 3);
        second.pending.as_mut().unwrap().plan = first.plan.clone();
        assert_eq!(
            second.decide(),
            Ok(Decision::Start {
                arrival: datetime!(2026-11-23 08:00 +08:00),
                late: true
            })
        );
        // The 22nd is eleven calendar days before the 3rd: refused.
        first.plan.late.as_mut().unwrap().arrived_at = datetime!(2026-11-22 23:59 +08:00);
        assert_eq!(
            first.decide(),
            Err(RuleError::LateWindowPassed { days: 10 })
        );
    }
}

#[test]
fn late_scans_need_a_reason_and_a_past_arrival() {
    let mut c = Case::new("zhang");
    c.plan.late = Some(Late {
        mode: LateMode::Outage,
        reason: "  ".into(),
        arrived_at: NOW - Duration::hours(2),
    });
    assert_eq!(c.decide(), Err(RuleError::LateReasonRequired));
    c.plan.late.as_mut().unwrap().reason = "断网".into();
    c.plan.late.as_mut().unwrap().arrived_at = NOW + Duration::hours(1);
    assert_eq!(c.decide(), Err(RuleError::ArrivalInFuture));
}

#[test]
fn an_approval_is_required_except_in_an_emergency() {
    let mut c = Case::new("zhang");
    c.plan.approval_ref = String::new();
    assert_eq!(c.decide(), Err(RuleError::ApprovalRequired));
    c.plan.late = Some(Late {
        mode: LateMode::Emergency,
        reason: "群众举报燃气泄漏".into(),
        arrived_at: NOW - Duration::hours(1),
    });
    assert!(c.decide().is_ok());
    c.plan.late.as_mut().unwrap().mode = LateMode::Outage;
    assert_eq!(c.decide(), Err(RuleError::ApprovalRequired));
}

#[test]
fn a_third_officer_joins_a_started_inspection_within_the_window() {
    let mut c = Case::new("wang");
    c.started = Some(Started {
        officers: vec![
            Subject::parse("zhang").unwrap(),
            Subject::parse("li").unwrap(),
        ],
        started_at: NOW - Duration::minutes(5),
        plan: c.plan.clone(),
        left: false,
    });
    assert_eq!(c.decide(), Ok(Decision::Join));
    c.scanner = Subject::parse("li").unwrap();
    c.officer = Some(officer("li"));
    assert_eq!(c.decide(), Err(RuleError::OneOfficerOnly));
}

#[test]
fn leaving_and_rating_follow_the_inspection() {
    let zhang = Subject::parse("zhang").unwrap();
    let wang = Subject::parse("wang").unwrap();
    let officers = [zhang.clone(), Subject::parse("li").unwrap()];
    let arrival = NOW - Duration::hours(1);
    assert_eq!(
        leave(&officers, &zhang, arrival, false, NOW, "未发现问题", ""),
        Ok(())
    );
    assert_eq!(
        leave(&officers, &wang, arrival, false, NOW, "", ""),
        Err(RuleError::NotAMember)
    );
    assert_eq!(
        leave(&officers, &zhang, arrival, true, NOW, "", ""),
        Err(RuleError::AlreadyLeft)
    );
    assert_eq!(
        leave(
            &officers,
            &zhang,
            NOW + Duration::hours(1),
            false,
            NOW,
            "",
            ""
        ),
        Err(RuleError::LeftBeforeArrival)
    );
    assert!(
        leave(
            &officers,
            &zhang,
            arrival,
            false,
            NOW,
            &"长".repeat(501),
            ""
        )
        .is_err()
    );
    assert_eq!(rate(5, "", true, false), Ok(()));
    assert_eq!(
        rate(0, "", true, false).unwrap_err().code(),
        "CHECKIN_FIELD_INVALID"
    );
    assert_eq!(
        rate(6, "", true, false).unwrap_err().code(),
        "CHECKIN_FIELD_INVALID"
    );
    assert_eq!(
        rate(4, "", false, false),
        Err(RuleError::RatingBeforeLeaving)
    );
    assert_eq!(rate(4, "", true, true), Err(RuleError::AlreadyRated));
}

#[test]
fn kinds_parse_only_with_their_own_detail() {
    assert_eq!(Kind::parse("routine", None, None), Ok(Kind::Routine));
    assert_eq!(
        Kind::parse("case", Some("hotline_12345"), None),
        Ok(Kind::Case(CaseReason::Hotline12345))
    );
    assert_eq!(
        Kind::parse("special", None, Some("2026-fire")),
        Ok(Kind::Special("2026-fire".into()))
    );
    for (k, r, c) in [
        ("routine", Some("complaint"), None),
        ("case", None, None),
        ("case", Some("gossip"), None),
        ("special", None, None),
        ("special", Some("complaint"), Some("x")),
        ("special", None, Some("a\u{0}b")),
        ("special", None, Some("冬季专项")),
        ("raid", None, None),
    ] {
        assert!(Kind::parse(k, r, c).is_err(), "{k} {r:?} {c:?}");
    }
}

#[test]
fn every_refusal_has_a_code_a_status_and_both_messages() {
    let all = [
        RuleError::OfficerUnknown,
        RuleError::CertificateInvalid,
        RuleError::ItemNotPublished("X".into()),
        RuleError::OneOfficerOnly,
        RuleError::ScanMismatch,
        RuleError::RoutineCapReached { cap: 2 },
        RuleError::CampaignInactive("c".into()),
        RuleError::CampaignQuotaReached { quota: 1 },
        RuleError::LateWindowPassed { days: 10 },
        RuleError::ArrivalInFuture,
        RuleError::LateReasonRequired,
        RuleError::ApprovalRequired,
        RuleError::AlreadyLeft,
        RuleError::NotAMember,
        RuleError::LeftBeforeArrival,
        RuleError::RatingBeforeLeaving,
        RuleError::AlreadyRated,
    ];
    let mut codes = std::collections::HashSet::new();
    for e in all {
        assert!(codes.insert(e.code()), "{} twice", e.code());
        assert!([403, 409, 422].contains(&e.status()));
        assert!(!e.message_zh().is_empty());
        assert!(e.message_en().ends_with('.'));
    }
}

#[test]
fn agency_rules_are_checked_as_published() {
    assert_eq!(agency().check(), Ok(()));
    let mut a = agency();
    a.items.push(a.items[0].clone());
    assert_eq!(
        a.check(),
        Err(RuleError::Duplicate {
            field: "/items/1/code".into()
        })
    );
    let mut a = agency();
    a.routine_cap_per_year = 13;
    assert!(a.check().is_err());
    let mut a = agency();
    a.campaigns[0].until = date!(2026 - 10 - 01);
    assert!(a.check().is_err());
    let mut a = agency();
    a.items[0].code = "bad code".into();
    assert!(a.check().is_err());
    assert!(officer("x").check("/officers/0").is_ok());
}
