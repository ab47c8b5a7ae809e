//! Who sees what, and who may do what now: an enterprise sees only its own cases, a
//! department the cases it leads or co-handles, the supervising office all of them.

use super::action::{ActionKind, RULES, rule_for};
use super::actor::Actor;
use super::case::CaseState;

/// Whether `viewer` may read `case`. The sweep reads every case to judge deadlines.
pub fn may_read(case: &CaseState, viewer: &Actor) -> bool {
    match viewer {
        Actor::Enterprise { credit_code } => *credit_code == case.enterprise,
        Actor::Staff { department } => case.is_handler(department),
        Actor::Office | Actor::System => true,
    }
}

/// Whether `actor` may take an action of kind `action` on `case` now: the case's
/// status allows it and the actor is one of the parties its rule names. Deadline
/// guards (a refusal after the decision deadline, an acceptance by rule before it)
/// are left to [`apply`](super::apply), which needs `now`.
pub fn may_act(case: &CaseState, actor: &Actor, action: ActionKind) -> bool {
    rule_for(action).is_some_and(|rule| {
        rule.from.contains(&case.status) && rule.by.iter().any(|p| p.holds(case, actor))
    })
}

/// Every action `actor` may take on `case` now (the buttons to show), in loop order.
pub fn available_actions(case: &CaseState, actor: &Actor) -> Vec<ActionKind> {
    RULES
        .iter()
        .map(|rule| rule.action)
        .filter(|kind| may_act(case, actor, *kind))
        .collect()
}
