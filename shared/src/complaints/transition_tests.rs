//! The closed loop, tested as a table: every action from every state by every kind
//! of actor, against an expectation written out here independently of [`RULES`].

use time::macros::datetime;

use super::access::may_act;
use super::action::{Action, ActionKind, RULES};
use super::case::{Satisfaction, Status};
use super::fixtures::*;
use super::loop_error::LoopError;
use super::transition::apply;

/// One sample action of each kind (feedback both ways).
fn sample_actions() -> Vec<(&'static str, Action)> {
    vec![
        ("log", Action::Log),
        ("accept", Action::Accept),
        (
            "refuse",
            Action::Refuse {
                reasons: reason("不属于受理范围"),
            },
        ),
        ("auto_accept", Action::AutoAccept),
        ("assign", Action::Assign(assignment())),
        (
            "transfer",
            Action::Transfer {
                to: assignee("industry-it"),
                reason: reason("涉及清欠，由工信局牵头"),
            },
        ),
        (
            "respond",
            Action::Respond {
                note: note("已电话联系企业"),
            },
        ),
        (
            "reply",
            Action::Reply {
                text: reply("答复如下"),
            },
        ),
        (
            "feedback+",
            Action::Feedback {
                satisfaction: Satisfaction::Satisfied,
                comment: None,
            },
        ),
        (
            "feedback-",
            Action::Feedback {
                satisfaction: Satisfaction::NotSatisfied,
                comment: Some(reason("答复未解决问题")),
            },
        ),
        (
            "callback",
            Action::Callback {
                note: note("企业表示满意"),
            },
        ),
        ("close", Action::Close),
        (
            "tag",
            Action::Tag {
                key: key("vat-refund-delay"),
            },
        ),
    ]
}

/// The expectation, written out by hand: the statuses each action starts from, the
/// actors who may take it, and the status it leads to from `from`.
fn expected(action: &str, from: Status) -> (&'static [Status], &'static [&'static str], Status) {
    use Status::*;
    match action {
        "log" => (&[Received], &["office"], Logged),
        "accept" => (&[Logged], &["office"], Accepted),
        "refuse" => (&[Logged], &["office"], Refused),
        "auto_accept" => (&[Received, Logged], &["system"], Accepted),
        "assign" => (&[Accepted], &["office"], Assigned),
        "transfer" => (&[Assigned], &["office", "lead"], Assigned),
        "respond" => (&[Assigned], &["lead"], Assigned),
        "reply" => (&[Assigned, Reopened], &["lead"], Replied),
        "feedback+" => (&[Replied], &["own"], FeedbackGiven),
        // The fixture's replied case was never reopened, so this reopens it.
        "feedback-" => (&[Replied], &["own"], Reopened),
        "callback" => (&[FeedbackGiven], &["office", "lead"], CalledBack),
        "close" => (&[CalledBack], &["office"], Closed),
        "tag" => (
            &[
                Assigned,
                Replied,
                Reopened,
                FeedbackGiven,
                CalledBack,
                Closed,
            ],
            &["office", "lead", "co"],
            from,
        ),
        other => panic!("no expectation for {other}"),
    }
}

#[test]
fn every_action_from_every_state_by_every_actor() {
    let calendar = calendar();
    // Within the decision deadline (received Mon 03-02, due Thu 03-05) for a refusal;
    // after it (Fri 03-06) for acceptance by rule.
    let early = datetime!(2026-03-03 10:00 +8);
    let late = datetime!(2026-03-06 10:00 +8);
    let mut checked = 0;
    let mut allowed = 0;
    for status in Status::ALL {
        let case = case_in(status);
        for (name, action) in sample_actions() {
            let (from, by, to) = expected(name, status);
            let now = if name == "auto_accept" { late } else { early };
            for (who, actor) in all_actors() {
                let got = apply(&case, action.clone(), &actor, now, &calendar);
                let context = format!("{name} from {status} by {who}");
                if !from.contains(&status) {
                    assert_eq!(
                        got,
                        Err(LoopError::NotInThisState {
                            action: action.kind(),
                            status
                        }),
                        "{context}"
                    );
                } else if !by.contains(&who) {
                    assert_eq!(
                        got,
                        Err(LoopError::ActorNotAllowed {
                            action: action.kind(),
                            actor: actor.kind()
                        }),
                        "{context}"
                    );
                } else {
                    let t = got.unwrap_or_else(|e| panic!("{context}: {e:?}"));
                    assert_eq!(t.state.status, to, "{context}");
                    assert_eq!(t.event.from, Some(status), "{context}");
                    assert_eq!(t.event.to, to, "{context}");
                    assert_eq!(t.event.action, action.kind(), "{context}");
                    assert_eq!(t.event.actor, actor, "{context}");
                    assert_eq!(t.event.at, now, "{context}");
                    assert_eq!(t.event.case, case.id, "{context}");
                    allowed += 1;
                }
                // The gate the UI reads agrees with the rule that enforces it.
                assert_eq!(
                    may_act(&case, &actor, action.kind()),
                    from.contains(&status) && by.contains(&who),
                    "may_act: {context}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 10 * 13 * 7);
    // The open (action, status, actor) triples of the expectation, counted by hand.
    assert_eq!(
        allowed,
        1 + 1 + 1 + 2 + 1 + 2 + 1 + 2 + 1 + 1 + 2 + 1 + 6 * 3
    );
}

#[test]
fn the_table_covers_every_action_kind_once() {
    let mut kinds: Vec<ActionKind> = RULES.iter().map(|r| r.action).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), RULES.len(), "one rule per action kind");
    let sampled: Vec<ActionKind> = sample_actions().iter().map(|(_, a)| a.kind()).collect();
    for kind in &kinds {
        assert!(sampled.contains(kind), "{kind:?} is not in the table test");
    }
    assert!(
        !kinds.contains(&ActionKind::File),
        "filing is not an action"
    );
    assert_eq!(kinds.len(), 12);
}
