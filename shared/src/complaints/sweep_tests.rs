//! The sweep: acceptance by rule after the decision deadline, and the warning lists
//! (due within a working day, overdue, not yet judgeable). Dates counted by hand.

use time::macros::{date, datetime};

use super::action::Action;
use super::actor::Actor;
use super::case::Status;
use super::deadline::DeadlineKind;
use super::fixtures::*;
use super::sweep::{SweepDecision, Warning, sweep_decision, warnings};

#[test]
fn the_sweep_accepts_by_rule_only_after_the_decision_deadline() {
    let c = calendar();
    let received = case_in(Status::Received);
    assert_eq!(
        sweep_decision(&received, datetime!(2026-03-05 23:59 +8), &c),
        SweepDecision::Nothing
    );
    let SweepDecision::AutoAccept {
        due,
        reason_zh,
        reason_en,
    } = sweep_decision(&received, datetime!(2026-03-06 00:00 +8), &c)
    else {
        panic!("expected acceptance by rule");
    };
    assert_eq!(due, date!(2026 - 03 - 05));
    assert!(reason_zh.contains("视为受理"));
    assert!(reason_en.contains("counts as accepted"));
    // Decided cases are left alone.
    for status in [
        Status::Accepted,
        Status::Refused,
        Status::Assigned,
        Status::Closed,
    ] {
        assert_eq!(
            sweep_decision(&case_in(status), datetime!(2026-04-01 10:00 +8), &c),
            SweepDecision::Nothing
        );
    }
    // Received Wed 12-30: the deadline is in 2027; in 2026 nothing, in 2027 unknown.
    let december = filed("01DEC", "permits", datetime!(2026-12-30 10:00 +8));
    assert_eq!(
        sweep_decision(&december, datetime!(2026-12-31 18:00 +8), &c),
        SweepDecision::Nothing
    );
    assert_eq!(
        sweep_decision(&december, datetime!(2027-01-06 10:00 +8), &c),
        SweepDecision::Undetermined { year: 2027 }
    );
}

#[test]
fn warnings_sort_open_deadlines_into_due_soon_and_overdue() {
    // A: a policy question received Mon 03-02, never logged.
    let a = filed("01A", "tax-policy", RECEIVED);
    // B: permits received Wed 03-04, logged at once by staff intake.
    let b = step(
        &filed("01B", "permits", datetime!(2026-03-04 09:00 +8)),
        Action::Log,
        &Actor::Office,
        datetime!(2026-03-04 09:30 +8),
    );
    let closed = case_in(Status::Closed);
    let cases = [a, b, closed];
    let list = |ws: &[Warning]| {
        ws.iter()
            .map(|w| (w.case.to_string(), w.kind))
            .collect::<Vec<_>>()
    };
    // Wed 03-04: A's log (03-03) and response (03-03) are overdue; its decision and
    // answer (03-05) are due tomorrow. B's decision is due Mon 03-09: 3 days left.
    let w = warnings(&cases, datetime!(2026-03-04 10:00 +8), &calendar());
    assert_eq!(
        list(&w.overdue),
        [
            ("01A".into(), DeadlineKind::Log),
            ("01A".into(), DeadlineKind::Respond)
        ]
    );
    assert_eq!(
        list(&w.due_soon),
        [
            ("01A".into(), DeadlineKind::Decide),
            ("01A".into(), DeadlineKind::Reply)
        ]
    );
    assert!(w.due_soon.iter().all(|x| x.working_days_left == Some(1)));
    assert!(w.undetermined.is_empty());
    // Fri 03-06: B's decision, due Monday, is one working day away over the weekend.
    let w = warnings(&cases[1..], datetime!(2026-03-06 10:00 +8), &calendar());
    assert_eq!(list(&w.due_soon), [("01B".into(), DeadlineKind::Decide)]);
    assert!(w.overdue.is_empty());
}

#[test]
fn warnings_list_what_the_calendar_cannot_judge_yet() {
    let december = filed("01DEC", "permits", datetime!(2026-12-30 10:00 +8));
    let w = warnings(&[december], datetime!(2027-01-06 10:00 +8), &calendar());
    let overdue: Vec<_> = w.overdue.iter().map(|x| x.kind).collect();
    // The log deadline (Thu 12-31) is known and past.
    assert_eq!(overdue, [DeadlineKind::Log]);
    let undetermined: Vec<_> = w.undetermined.iter().map(|x| x.kind).collect();
    assert_eq!(undetermined, [DeadlineKind::Decide, DeadlineKind::Reply]);
}
