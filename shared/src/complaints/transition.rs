//! The closed loop's one rule: [`apply`] takes a case, an action, the actor, `now`
//! and the calendar, and returns the new state with the audit event to record — or
//! a refusal saying why. It reads [`RULES`](super::RULES) for who may do what from
//! where, then adds what the table cannot say (deadline guards, the one reopening).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::calendar::{WorkingCalendar, local_date};

use super::action::{Action, ActionKind, Outcome, rule_for};
use super::actor::Actor;
use super::case::{
    CallbackRecord, CaseState, Decision, DecisionOutcome, FeedbackRecord, ReplyRecord,
    Satisfaction, Status, TransferRecord,
};
use super::codes::CaseId;
use super::deadline::is_overdue;
use super::loop_error::LoopError;

/// One audit row: who moved which case from where to where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// The case.
    pub case: CaseId,
    /// The status before (`None` when the case was filed).
    pub from: Option<Status>,
    /// The status after.
    pub to: Status,
    /// What was done.
    pub action: ActionKind,
    /// Who did it.
    pub actor: Actor,
    /// The written reason or note the action carried: a refusal's reasons, a
    /// transfer's reason, the rule behind an acceptance by rule, a feedback comment,
    /// a response or callback note, the problem key tagged.
    pub reason: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The outcome of an accepted action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The case after the action.
    pub state: CaseState,
    /// The audit event to record with it (in the same transaction).
    pub event: AuditEvent,
}

/// The reason recorded when a case is accepted by rule (zh-CN, the ledger's
/// language).
pub fn auto_accept_reason_zh(decide_within: u32) -> String {
    format!(
        "收件后 {decide_within} 个工作日内未作出受理或不予受理决定，依豫政办〔2024〕67号视为受理。"
    )
}

/// The same reason in English.
pub fn auto_accept_reason_en(decide_within: u32) -> String {
    format!(
        "No decision to accept or refuse within {decide_within} working days of receipt, so the case counts as accepted (Henan General Office 2024 No. 67)."
    )
}

/// Whether the case's decision deadline has passed at `now`.
fn decision_overdue(
    case: &CaseState,
    now: OffsetDateTime,
    calendar: &WorkingCalendar,
) -> Result<bool, LoopError> {
    is_overdue(
        calendar,
        case.received_on(),
        case.plan.decide,
        local_date(now),
    )
    .map_err(LoopError::Calendar)
}

/// Applies `action` by `actor` to `case` at `now`.
///
/// Refused with [`LoopError::NotInThisState`] from a status the action does not
/// start from, then with [`LoopError::ActorNotAllowed`] for anyone but the parties
/// its rule names (the state is checked first so that a party learns why it cannot
/// act now; a stranger never gets here, as the shell answers 404 to whoever
/// [`may_read`](super::may_read) refuses).
pub fn apply(
    case: &CaseState,
    action: Action,
    actor: &Actor,
    now: OffsetDateTime,
    calendar: &WorkingCalendar,
) -> Result<Transition, LoopError> {
    let kind = action.kind();
    let not_here = LoopError::NotInThisState {
        action: kind,
        status: case.status,
    };
    let Some(rule) = rule_for(kind) else {
        return Err(not_here);
    };
    if !rule.from.contains(&case.status) {
        return Err(not_here);
    }
    if !rule.by.iter().any(|party| party.holds(case, actor)) {
        return Err(LoopError::ActorNotAllowed {
            action: kind,
            actor: actor.kind(),
        });
    }
    let mut next = case.clone();
    let mut reason = None;
    let mut to = match rule.outcome {
        Outcome::To(status) => status,
        Outcome::Stay | Outcome::ByFeedback => case.status,
    };
    match action {
        Action::Log => next.logged_at = Some(now),
        Action::Accept => {
            next.decision = Some(Decision {
                outcome: DecisionOutcome::Accepted,
                at: now,
                reasons: None,
            });
        }
        Action::Refuse { reasons } => {
            // Past the deadline the case already counts as accepted.
            if decision_overdue(case, now, calendar)? {
                return Err(LoopError::DecisionTimeOver);
            }
            reason = Some(reasons.to_string());
            next.decision = Some(Decision {
                outcome: DecisionOutcome::Refused,
                at: now,
                reasons: Some(reasons),
            });
        }
        Action::AutoAccept => {
            if !decision_overdue(case, now, calendar)? {
                return Err(LoopError::DecisionNotYetDue);
            }
            reason = Some(auto_accept_reason_zh(case.plan.decide));
            next.decision = Some(Decision {
                outcome: DecisionOutcome::AutoAccepted,
                at: now,
                reasons: None,
            });
        }
        Action::Assign(assignment) => {
            next.lead = Some(assignment.lead().clone());
            next.co_handlers = assignment.co_handlers().clone();
        }
        Action::Transfer {
            to: target,
            reason: why,
        } => {
            let Some(from) = case.lead.clone() else {
                return Err(not_here);
            };
            let target = target.code().clone();
            if from == target {
                return Err(LoopError::TransferToSameDepartment);
            }
            // The new lead stops being a co-handler; the old lead leaves the case.
            next.co_handlers.remove(&target);
            next.lead = Some(target.clone());
            reason = Some(why.to_string());
            next.transfers.push(TransferRecord {
                from,
                to: target,
                reason: why,
                by: actor.clone(),
                at: now,
            });
        }
        Action::Respond { note } => {
            // The first response counts; later contacts are in the audit trail.
            next.responded_at.get_or_insert(now);
            reason = Some(note.to_string());
        }
        Action::Reply { text } => {
            let Some(by) = case.lead.clone() else {
                return Err(not_here);
            };
            // An answer is also a response.
            next.responded_at.get_or_insert(now);
            next.replies.push(ReplyRecord { text, by, at: now });
        }
        Action::Feedback {
            satisfaction,
            comment,
        } => {
            // "Not satisfied" sends the case back to its lead once; after that the
            // verdict is recorded and the loop goes on to the callback.
            to = if satisfaction == Satisfaction::NotSatisfied && case.reopened_at.is_none() {
                next.reopened_at = Some(now);
                Status::Reopened
            } else {
                Status::FeedbackGiven
            };
            reason = comment.as_ref().map(ToString::to_string);
            next.feedback.push(FeedbackRecord {
                satisfaction,
                comment,
                at: now,
            });
        }
        Action::Callback { note } => {
            reason = Some(note.to_string());
            next.callback = Some(CallbackRecord {
                note,
                by: actor.clone(),
                at: now,
            });
        }
        Action::Close => next.closed_at = Some(now),
        Action::Tag { key } => {
            reason = Some(key.to_string());
            next.problem_key = Some(key);
        }
    }
    next.status = to;
    let event = AuditEvent {
        case: case.id.clone(),
        from: Some(case.status),
        to,
        action: kind,
        actor: actor.clone(),
        reason,
        at: now,
    };
    Ok(Transition { state: next, event })
}
