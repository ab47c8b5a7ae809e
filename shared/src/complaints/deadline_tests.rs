//! Deadlines in working days: the domain note's checks, holidays and make-up days,
//! China Standard Time, met / missed / pending / overdue, and the year the calendar
//! does not know yet. Every expected date here was counted by hand on the 2026
//! holiday table (docs: shared/domain/complaints.md).

use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use crate::calendar::{CHINA_YEARS, CalendarYear, DaysOff, WorkingCalendar};

use super::action::Action;
use super::actor::Actor;
use super::case::{CaseState, Satisfaction, Status};
use super::deadline::{DeadlineKind, DeadlineStatus, DeadlineView, Due, deadlines, due_date};
use super::fixtures::*;

fn known(date: Date) -> Due {
    Due::Known { date }
}

fn view(case: &CaseState, now: OffsetDateTime, kind: DeadlineKind) -> DeadlineView {
    deadlines(case, now, &calendar())
        .into_iter()
        .find(|v| v.kind == kind)
        .unwrap_or_else(|| panic!("{kind:?} does not apply"))
}

#[test]
fn the_domain_notes_checks() {
    let c = calendar();
    // A make-up Saturday is a working day.
    assert_eq!(
        due_date(&c, date!(2026 - 02 - 13), 1),
        known(date!(2026 - 02 - 14))
    );
    // Across Labour Day (05-01..05) to the make-up Saturday's week.
    assert_eq!(
        due_date(&c, date!(2026 - 04 - 30), 3),
        known(date!(2026 - 05 - 08))
    );
    // Fifteen working days across Mid-Autumn and National Day.
    assert_eq!(
        due_date(&c, date!(2026 - 09 - 18), 15),
        known(date!(2026 - 10 - 15))
    );
}

#[test]
fn a_policy_question_before_the_spring_festival() {
    // Fri 2026-02-13; 02-14 (Sat) is worked, 02-15..23 are off.
    let case = filed("01SF", "tax-policy", datetime!(2026-02-13 10:00 +8));
    let now = datetime!(2026-02-13 12:00 +8);
    assert_eq!(
        view(&case, now, DeadlineKind::Log).due,
        known(date!(2026 - 02 - 14))
    );
    assert_eq!(
        view(&case, now, DeadlineKind::Respond).due,
        known(date!(2026 - 02 - 14))
    );
    // 02-14 is the first working day, 02-24 the second, 02-25 the third.
    assert_eq!(
        view(&case, now, DeadlineKind::Decide).due,
        known(date!(2026 - 02 - 25))
    );
    assert_eq!(
        view(&case, now, DeadlineKind::Reply).due,
        known(date!(2026 - 02 - 25))
    );
    // During the holiday the decision is still pending with 2 working days left.
    let during = datetime!(2026-02-18 10:00 +8);
    let decide = view(&case, during, DeadlineKind::Decide);
    assert_eq!(decide.status, DeadlineStatus::Pending);
    assert_eq!(decide.working_days_left, Some(2));
    // The log deadline (the make-up Saturday) has passed unlogged.
    assert_eq!(
        view(&case, during, DeadlineKind::Log).status,
        DeadlineStatus::Overdue
    );
}

#[test]
fn golden_week_and_its_make_up_saturday() {
    // Wed 2026-09-30; 10-01..07 off; Sat 10-10 worked.
    let case = filed("01GW", "permits", datetime!(2026-09-30 15:00 +8));
    let now = datetime!(2026-09-30 16:00 +8);
    assert_eq!(
        view(&case, now, DeadlineKind::Log).due,
        known(date!(2026 - 10 - 08))
    );
    assert_eq!(
        view(&case, now, DeadlineKind::Decide).due,
        known(date!(2026 - 10 - 10))
    );
    // 10-08, 09, 10, 12-16, 19-23, 26, 27: the fifteenth working day.
    assert_eq!(
        view(&case, now, DeadlineKind::Reply).due,
        known(date!(2026 - 10 - 27))
    );
    assert_eq!(
        view(&case, now, DeadlineKind::Reply).status,
        DeadlineStatus::Pending
    );
}

#[test]
fn individual_and_common_problems() {
    let individual = filed("01IND", "permits", datetime!(2026-09-18 09:00 +8));
    let now = datetime!(2026-09-18 10:00 +8);
    assert_eq!(
        view(&individual, now, DeadlineKind::Reply).due,
        known(date!(2026 - 10 - 15))
    );
    // No first-response promise for individual problems: not listed, not invented.
    assert!(
        deadlines(&individual, now, &calendar())
            .iter()
            .all(|v| v.kind != DeadlineKind::Respond)
    );
    // Thirty working days from Mon 03-02, skipping Qingming (04-04..06).
    let common = filed("01COM", "unlawful-fees", datetime!(2026-03-02 09:00 +8));
    assert_eq!(
        view(&common, datetime!(2026-03-02 10:00 +8), DeadlineKind::Reply).due,
        known(date!(2026 - 04 - 14))
    );
}

#[test]
fn receipt_time_is_taken_in_china_standard_time() {
    // 23:30 UTC on Sunday 03-01 is 07:30 on Monday 03-02 in Beijing.
    let case = filed("01UTC", "tax-policy", datetime!(2026-03-01 23:30 UTC));
    assert_eq!(case.received_on(), date!(2026 - 03 - 02));
    let now = datetime!(2026-03-02 00:00 UTC);
    let log = view(&case, now, DeadlineKind::Log);
    assert_eq!(log.start, date!(2026 - 03 - 02));
    // Counted from the UTC date (Sunday) it would have been Monday 03-02.
    assert_eq!(log.due, known(date!(2026 - 03 - 03)));
    // The same instant written as 15:30 UTC the day before is still Sunday in Beijing.
    let sunday = filed("01SUN", "tax-policy", datetime!(2026-03-01 15:30 UTC));
    assert_eq!(sunday.received_on(), date!(2026 - 03 - 01));
    assert_eq!(
        view(&sunday, now, DeadlineKind::Log).due,
        known(date!(2026 - 03 - 02))
    );
}

#[test]
fn met_on_the_due_day_missed_the_day_after_in_beijing_time() {
    // Received Mon 03-02: logging is due Tue 03-03.
    let case = filed("01MET", "tax-policy", RECEIVED);
    let log_at = |at| step(&case, Action::Log, &Actor::Office, at);
    let later = datetime!(2026-03-10 10:00 +8);
    let on_time = log_at(datetime!(2026-03-03 23:59:59 +8));
    let v = view(&on_time, later, DeadlineKind::Log);
    assert_eq!(
        (v.status, v.done_on),
        (DeadlineStatus::Met, Some(date!(2026 - 03 - 03)))
    );
    // 16:30 UTC on 03-03 is already 00:30 on 03-04 in Beijing.
    let late = log_at(datetime!(2026-03-03 16:30 UTC));
    assert_eq!(
        view(&late, later, DeadlineKind::Log).status,
        DeadlineStatus::Missed
    );
}

#[test]
fn pending_and_overdue_at_now_with_working_days_left() {
    let case = filed("01NOW", "tax-policy", RECEIVED);
    let at = |now| view(&case, now, DeadlineKind::Reply);
    // Reply due Thu 03-05 (3 working days).
    let monday = at(datetime!(2026-03-02 18:00 +8));
    assert_eq!(
        (monday.status, monday.working_days_left),
        (DeadlineStatus::Pending, Some(3))
    );
    let due_day = at(datetime!(2026-03-05 23:00 +8));
    assert_eq!(
        (due_day.status, due_day.working_days_left),
        (DeadlineStatus::Pending, Some(0))
    );
    let after = at(datetime!(2026-03-06 00:00 +8));
    assert_eq!(
        (after.status, after.working_days_left),
        (DeadlineStatus::Overdue, None)
    );
}

#[test]
fn a_refused_case_owes_no_answer_and_a_reopened_one_owes_a_second() {
    let refused = case_in(Status::Refused);
    let kinds: Vec<_> = deadlines(&refused, RECEIVED, &calendar())
        .iter()
        .map(|v| v.kind)
        .collect();
    assert_eq!(kinds, [DeadlineKind::Log, DeadlineKind::Decide]);
    let replied = case_in(Status::Replied);
    // Reopened Thu 03-05: the second answer is due 3 working days later, Tue 03-10.
    let reopened = step(
        &replied,
        Action::Feedback {
            satisfaction: Satisfaction::NotSatisfied,
            comment: None,
        },
        &own(),
        datetime!(2026-03-05 10:00 +8),
    );
    let now = datetime!(2026-03-05 11:00 +8);
    let second = view(&reopened, now, DeadlineKind::Rereply);
    assert_eq!(second.start, date!(2026 - 03 - 05));
    assert_eq!(second.due, known(date!(2026 - 03 - 10)));
    assert_eq!(second.status, DeadlineStatus::Pending);
    // The first answer was on time (same morning).
    assert_eq!(
        view(&reopened, now, DeadlineKind::Reply).status,
        DeadlineStatus::Met
    );
}

/// The 2026-12-03 case: a 30-working-day deadline runs into 2027.
fn december_case() -> CaseState {
    filed("01DEC", "unlawful-fees", datetime!(2026-12-03 10:00 +8))
}

#[test]
fn a_deadline_into_2027_is_unknown_not_guessed() {
    let case = december_case();
    let today = datetime!(2026-12-03 11:00 +8);
    let reply = view(&case, today, DeadlineKind::Reply);
    assert_eq!(reply.due, Due::Unknown { year: 2027 });
    // Still pending: today lies within the known years, before any 2027 date.
    assert_eq!(
        (reply.status, reply.working_days_left),
        (DeadlineStatus::Pending, Some(30))
    );
    // December has 20 working days after 12-03: 10 are left at the year's end.
    let new_years_eve = view(&case, datetime!(2026-12-31 18:00 +8), DeadlineKind::Reply);
    assert_eq!(new_years_eve.working_days_left, Some(10));
    // The earlier deadlines are known.
    assert_eq!(
        view(&case, today, DeadlineKind::Log).due,
        known(date!(2026 - 12 - 04))
    );
    assert_eq!(
        view(&case, today, DeadlineKind::Decide).due,
        known(date!(2026 - 12 - 08))
    );
    // In 2027 the calendar cannot say whether the answer is late: unknown, no panic.
    let january = view(&case, datetime!(2027-01-05 10:00 +8), DeadlineKind::Reply);
    assert_eq!(
        (january.status, january.working_days_left),
        (DeadlineStatus::Unknown, None)
    );
    let log_json = serde_json::to_value(view(&case, today, DeadlineKind::Log)).unwrap();
    assert_eq!(
        log_json["due"],
        serde_json::json!({"state": "known", "date": "2026-12-04"})
    );
    let json = serde_json::to_value(&reply).unwrap();
    assert_eq!(
        json["due"],
        serde_json::json!({"state": "unknown", "year": 2027})
    );
    assert_eq!(json["status"], "pending");
}

#[test]
fn an_answer_given_in_2026_meets_a_2027_deadline() {
    let case = december_case();
    let t = datetime!(2026-12-07 10:00 +8);
    let case = step(&case, Action::Log, &Actor::Office, t);
    let case = step(&case, Action::Accept, &Actor::Office, t);
    let case = step(
        &case,
        Action::Assign(super::assignment::Assignment::parse(&catalogue(), CO, &[]).unwrap()),
        &Actor::Office,
        t,
    );
    let answered = step(
        &case,
        Action::Reply {
            text: reply("已责令退还违规收费"),
        },
        &staff(CO),
        datetime!(2026-12-30 10:00 +8),
    );
    let v = view(
        &answered,
        datetime!(2027-02-01 10:00 +8),
        DeadlineKind::Reply,
    );
    assert_eq!(v.due, Due::Unknown { year: 2027 });
    assert_eq!(v.status, DeadlineStatus::Met);
}

#[test]
fn once_the_next_year_is_loaded_the_deadline_is_recomputed() {
    // A stand-in 2027 with only New Year's Day off (the real table is not out yet).
    let new_year = [DaysOff::day(date!(2027 - 01 - 01))];
    let mut years: Vec<CalendarYear<'_>> = CHINA_YEARS.to_vec();
    years.push(CalendarYear {
        year: 2027,
        days_off: &new_year,
        make_up_days: &[],
    });
    let with_2027 = WorkingCalendar::new(&years).unwrap();
    let case = december_case();
    let views = deadlines(&case, datetime!(2026-12-03 11:00 +8), &with_2027);
    let reply = views
        .iter()
        .find(|v| v.kind == DeadlineKind::Reply)
        .unwrap();
    // 20 in December, then 01-04..08 and 01-11..15.
    assert_eq!(reply.due, known(date!(2027 - 01 - 15)));
}
