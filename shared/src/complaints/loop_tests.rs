//! The closed loop's scenarios: the one reopening, refusals and acceptance by rule
//! against the decision deadline, transfers, first responses.

use time::macros::datetime;

use super::access::may_read;
use super::action::Action;
use super::actor::Actor;
use super::case::{DecisionOutcome, Satisfaction, Status};
use super::deadline::{DeadlineKind, DeadlineStatus, deadlines};
use super::fixtures::*;
use super::loop_error::LoopError;
use super::transition::apply;

#[test]
fn not_satisfied_reopens_once_to_the_lead_only() {
    let t0 = datetime!(2026-03-03 10:00 +8);
    let replied = case_in(Status::Replied);
    let not_satisfied = || Action::Feedback {
        satisfaction: Satisfaction::NotSatisfied,
        comment: Some(reason("仍未退税")),
    };
    let reopened = step(&replied, not_satisfied(), &own(), t0);
    assert_eq!(reopened.status, Status::Reopened);
    assert_eq!(reopened.reopened_at, Some(t0));
    assert_eq!(reopened.lead.as_ref().map(|d| d.as_str()), Some(LEAD));
    // Only the lead answers a reopened case; a co-handler or the office cannot.
    for actor in [staff(CO), Actor::Office] {
        let e = apply(
            &reopened,
            Action::Reply {
                text: reply("再次答复"),
            },
            &actor,
            t0,
            &calendar(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_ACTOR_NOT_ALLOWED");
    }
    let t1 = datetime!(2026-03-04 10:00 +8);
    let again = step(
        &reopened,
        Action::Reply {
            text: reply("已协调办理退税"),
        },
        &staff(LEAD),
        t1,
    );
    assert_eq!(again.status, Status::Replied);
    assert_eq!(again.replies.len(), 2);
    // A second "not satisfied" is recorded but does not reopen.
    let t2 = datetime!(2026-03-05 10:00 +8);
    let rated = step(&again, not_satisfied(), &own(), t2);
    assert_eq!(rated.status, Status::FeedbackGiven);
    assert_eq!(rated.reopened_at, Some(t0), "still the one reopening");
    assert_eq!(rated.feedback.len(), 2);
    assert_eq!(rated.satisfaction(), Some(Satisfaction::NotSatisfied));
    let called = step(
        &rated,
        Action::Callback {
            note: note("企业仍不满意，已说明政策依据"),
        },
        &staff(LEAD),
        t2,
    );
    let closed = step(&called, Action::Close, &Actor::Office, t2);
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.closed_at, Some(t2));
}

#[test]
fn a_refusal_records_its_written_reasons_within_the_decision_time_only() {
    let logged = case_in(Status::Logged);
    // Received Mon 2026-03-02: the decision is due Thu 03-05, that whole day.
    let on_due_day = datetime!(2026-03-05 23:59 +8);
    let t = apply(
        &logged,
        Action::Refuse {
            reasons: reason("属于司法程序事项，请依法通过诉讼途径解决。"),
        },
        &Actor::Office,
        on_due_day,
        &calendar(),
    )
    .unwrap();
    assert_eq!(t.state.status, Status::Refused);
    let decision = t.state.decision.as_ref().unwrap();
    assert_eq!(decision.outcome, DecisionOutcome::Refused);
    assert_eq!(
        decision.reasons.as_ref().map(|r| r.as_str()),
        Some("属于司法程序事项，请依法通过诉讼途径解决。")
    );
    assert_eq!(
        t.event.reason.as_deref(),
        Some("属于司法程序事项，请依法通过诉讼途径解决。")
    );
    // The next day it already counts as accepted and cannot be refused.
    let e = apply(
        &logged,
        Action::Refuse {
            reasons: reason("不予受理"),
        },
        &Actor::Office,
        datetime!(2026-03-06 00:00 +8),
        &calendar(),
    )
    .unwrap_err();
    assert_eq!(e, LoopError::DecisionTimeOver);
    assert_eq!(e.code(), "COMPLAINTS_DECISION_TIME_OVER");
}

#[test]
fn not_decided_in_time_counts_as_accepted() {
    let received = case_in(Status::Received);
    let e = apply(
        &received,
        Action::AutoAccept,
        &Actor::System,
        datetime!(2026-03-05 18:00 +8),
        &calendar(),
    )
    .unwrap_err();
    assert_eq!(e, LoopError::DecisionNotYetDue);
    let now = datetime!(2026-03-06 01:00 +8);
    let t = apply(
        &received,
        Action::AutoAccept,
        &Actor::System,
        now,
        &calendar(),
    )
    .unwrap();
    assert_eq!(t.state.status, Status::Accepted);
    assert_eq!(
        t.state.decision.as_ref().map(|d| d.outcome),
        Some(DecisionOutcome::AutoAccepted)
    );
    let why = t.event.reason.unwrap();
    assert!(
        why.contains("3 个工作日") && why.contains("视为受理"),
        "{why}"
    );
    // Never logged, never decided: both deadlines were missed.
    let views = deadlines(&t.state, now, &calendar());
    let status_of = |kind| views.iter().find(|v| v.kind == kind).unwrap().status;
    assert_eq!(status_of(DeadlineKind::Log), DeadlineStatus::Missed);
    assert_eq!(status_of(DeadlineKind::Decide), DeadlineStatus::Missed);
    assert_eq!(status_of(DeadlineKind::Reply), DeadlineStatus::Overdue);
}

#[test]
fn deadline_guards_refuse_rather_than_guess_past_the_calendar() {
    // Received Wed 2026-12-30: the third working day falls in 2027.
    let case = filed("01DEC", "tax-policy", datetime!(2026-12-30 09:00 +8));
    let logged = step(
        &case,
        Action::Log,
        &Actor::Office,
        datetime!(2026-12-30 10:00 +8),
    );
    // Still 2026: not overdue, so a refusal is in time.
    assert!(
        apply(
            &logged,
            Action::Refuse {
                reasons: reason("不属于受理范围")
            },
            &Actor::Office,
            datetime!(2026-12-31 10:00 +8),
            &calendar()
        )
        .is_ok()
    );
    // In 2027 the calendar cannot tell: neither refusal nor acceptance by rule.
    let in_2027 = datetime!(2027-01-06 10:00 +8);
    for action in [
        Action::Refuse {
            reasons: reason("不属于受理范围"),
        },
        Action::AutoAccept,
    ] {
        let actor = if action == Action::AutoAccept {
            Actor::System
        } else {
            Actor::Office
        };
        let e = apply(&logged, action, &actor, in_2027, &calendar()).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_CALENDAR_UNKNOWN");
        assert_eq!(e.status(), 503);
    }
}

#[test]
fn a_transfer_needs_a_reason_is_counted_and_moves_who_sees_the_case() {
    let assigned = case_in(Status::Assigned);
    let t0 = datetime!(2026-03-03 10:00 +8);
    // To the co-handler: it becomes the lead and stops co-handling.
    let moved = step(
        &assigned,
        Action::Transfer {
            to: assignee(CO),
            reason: reason("主要涉及市场监管事项"),
        },
        &staff(LEAD),
        t0,
    );
    assert_eq!(moved.lead.as_ref().map(|d| d.as_str()), Some(CO));
    assert!(moved.co_handlers.is_empty());
    assert_eq!(moved.transfer_count(), 1);
    assert_eq!(moved.transfers[0].reason.as_str(), "主要涉及市场监管事项");
    assert_eq!(moved.transfers[0].from.as_str(), LEAD);
    assert!(
        !may_read(&moved, &staff(LEAD)),
        "the old lead leaves the case"
    );
    assert!(may_read(&moved, &staff(CO)));
    // The office transfers again: counted again.
    let twice = step(
        &moved,
        Action::Transfer {
            to: assignee(UNRELATED),
            reason: reason("涉及执法检查"),
        },
        &Actor::Office,
        t0,
    );
    assert_eq!(twice.transfer_count(), 2);
    // Not to the department that already leads.
    let e = apply(
        &twice,
        Action::Transfer {
            to: assignee(UNRELATED),
            reason: reason("再转"),
        },
        &Actor::Office,
        t0,
        &calendar(),
    )
    .unwrap_err();
    assert_eq!(e, LoopError::TransferToSameDepartment);
}

#[test]
fn the_first_response_counts_and_a_reply_is_a_response() {
    let assigned = case_in(Status::Assigned);
    let t1 = datetime!(2026-03-02 14:00 +8);
    let t2 = datetime!(2026-03-03 14:00 +8);
    let once = step(
        &assigned,
        Action::Respond {
            note: note("已联系企业财务"),
        },
        &staff(LEAD),
        t1,
    );
    let twice = step(
        &once,
        Action::Respond {
            note: note("再次联系"),
        },
        &staff(LEAD),
        t2,
    );
    assert_eq!(twice.responded_at, Some(t1));
    let replied = step(
        &assigned,
        Action::Reply {
            text: reply("答复"),
        },
        &staff(LEAD),
        t2,
    );
    assert_eq!(replied.responded_at, Some(t2));
}
