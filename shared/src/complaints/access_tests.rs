//! Who sees what and who may act now.

use time::macros::datetime;

use super::access::{available_actions, may_act, may_read};
use super::action::{Action, ActionKind};
use super::actor::{Actor, ActorKind};
use super::case::Status;
use super::fixtures::*;
use super::transition::apply;

#[test]
fn who_sees_what() {
    let assigned = case_in(Status::Assigned);
    let expect = [
        ("own", true),
        ("other-enterprise", false),
        ("lead", true),
        ("co", true),
        ("unrelated", false),
        ("office", true),
        ("system", true),
    ];
    for ((who, actor), (name, sees)) in all_actors().into_iter().zip(expect) {
        assert_eq!(who, name);
        assert_eq!(may_read(&assigned, &actor), sees, "{who}");
    }
    // Before assignment no department sees it, only the enterprise and the office.
    let received = case_in(Status::Received);
    assert!(!may_read(&received, &staff(LEAD)));
    assert!(may_read(&received, &own()));
    assert!(may_read(&received, &Actor::Office));
}

#[test]
fn available_actions_are_the_buttons_to_show() {
    let assigned = case_in(Status::Assigned);
    assert_eq!(
        available_actions(&assigned, &staff(LEAD)),
        [
            ActionKind::Transfer,
            ActionKind::Respond,
            ActionKind::Reply,
            ActionKind::Tag
        ]
    );
    assert_eq!(available_actions(&assigned, &staff(CO)), [ActionKind::Tag]);
    assert_eq!(
        available_actions(&case_in(Status::Replied), &own()),
        [ActionKind::Feedback]
    );
    assert!(available_actions(&case_in(Status::Refused), &Actor::Office).is_empty());
    assert!(!may_act(&assigned, &Actor::Office, ActionKind::File));
}

#[test]
fn audit_labels_and_actions_read_well() {
    assert_eq!(
        ActionKind::AutoAccept.audit_action(),
        "complaint.auto_accept"
    );
    assert_eq!(ActorKind::Office.name_zh(), "营商环境办");
    let e = apply(
        &case_in(Status::Closed),
        Action::Close,
        &Actor::Office,
        datetime!(2026-03-03 10:00 +8),
        &calendar(),
    )
    .unwrap_err();
    assert_eq!(e.message_zh(), "诉求当前状态为“已办结”，不能执行“办结”。");
    assert_eq!(e.message_en(), "cannot close a case that is closed");
}
