//! Why [`apply`](super::apply) refused an action: the wrong state, the wrong actor,
//! a deadline rule, or a calendar that cannot tell.

use crate::calendar::CalendarError;
use crate::problem::{ApiError, Lang};

use super::action::ActionKind;
use super::actor::ActorKind;
use super::case::Status;

/// A refused action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoopError {
    /// The action cannot be taken from the case's current status.
    #[error("cannot {} a case that is {}", action.verb_en(), status.name_en())]
    NotInThisState {
        /// The action.
        action: ActionKind,
        /// The case's status.
        status: Status,
    },
    /// This actor may not take this action on this case.
    #[error("{} may not {} this case", actor.name_en(), action.verb_en())]
    ActorNotAllowed {
        /// The action.
        action: ActionKind,
        /// Who tried.
        actor: ActorKind,
    },
    /// The decision deadline has passed: the case already counts as accepted, so it
    /// can no longer be refused.
    #[error(
        "the decision deadline has passed, so the case counts as accepted and cannot be refused"
    )]
    DecisionTimeOver,
    /// The sweep may accept by rule only after the decision deadline has passed.
    #[error("the decision deadline has not passed yet")]
    DecisionNotYetDue,
    /// A transfer to the department that already leads.
    #[error("the case is already led by that department")]
    TransferToSameDepartment,
    /// The working-day calendar cannot tell whether a deadline has passed.
    #[error("{}", .0.message_en())]
    Calendar(CalendarError),
}

impl LoopError {
    /// Every code a [`LoopError`] answers (403, 409 and 503; for the OpenAPI
    /// descriptions).
    pub const CODES: &'static [&'static str] = &[
        "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE",
        "COMPLAINTS_ACTOR_NOT_ALLOWED",
        "COMPLAINTS_DECISION_TIME_OVER",
        "COMPLAINTS_DECISION_NOT_YET_DUE",
        "COMPLAINTS_TRANSFER_SAME_DEPARTMENT",
        "COMPLAINTS_CALENDAR_UNKNOWN",
    ];

    /// The 409s of [`CODES`](Self::CODES): the case's state forbids the action.
    pub const CONFLICT_CODES: &'static [&'static str] = &[
        "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE",
        "COMPLAINTS_DECISION_TIME_OVER",
        "COMPLAINTS_DECISION_NOT_YET_DUE",
        "COMPLAINTS_TRANSFER_SAME_DEPARTMENT",
    ];

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotInThisState { .. } => "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE",
            Self::ActorNotAllowed { .. } => "COMPLAINTS_ACTOR_NOT_ALLOWED",
            Self::DecisionTimeOver => "COMPLAINTS_DECISION_TIME_OVER",
            Self::DecisionNotYetDue => "COMPLAINTS_DECISION_NOT_YET_DUE",
            Self::TransferToSameDepartment => "COMPLAINTS_TRANSFER_SAME_DEPARTMENT",
            Self::Calendar(_) => "COMPLAINTS_CALENDAR_UNKNOWN",
        }
    }

    /// The HTTP status: 403 for the wrong actor, 503 while the calendar lacks a year
    /// (retry once it is loaded), else 409 (the case's state forbids it).
    pub fn status(&self) -> u16 {
        match self {
            Self::ActorNotAllowed { .. } => 403,
            Self::Calendar(_) => 503,
            _ => 409,
        }
    }

    /// The message in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotInThisState { action, status } => format!(
                "诉求当前状态为“{}”，不能执行“{}”。",
                status.name_zh(),
                action.name_zh()
            ),
            Self::ActorNotAllowed { action, actor } => {
                format!(
                    "{}无权对该诉求执行“{}”。",
                    actor.name_zh(),
                    action.name_zh()
                )
            }
            Self::DecisionTimeOver => {
                "受理审查期限已过，该诉求已视为受理，不能再作出不予受理决定。".to_owned()
            }
            Self::DecisionNotYetDue => "受理审查期限尚未届满，不能视为受理。".to_owned(),
            Self::TransferToSameDepartment => "该诉求已由该部门牵头办理，无需转办。".to_owned(),
            Self::Calendar(e) => {
                format!("{}，暂无法判断期限，请在日历更新后重试。", e.message_zh())
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Calendar(e) => format!(
                "{}; the deadline cannot be judged yet, retry once the calendar is updated.",
                e.message_en()
            ),
            _ => self.to_string(),
        }
    }
}

impl ApiError for LoopError {
    fn status(&self) -> u16 {
        LoopError::status(self)
    }

    fn code(&self) -> &'static str {
        LoopError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            403 => ("无权执行此操作", "Not allowed"),
            503 => ("工作日历尚未更新", "Working-day calendar not yet updated"),
            _ => ("当前状态不能执行此操作", "Not possible in the case's state"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn refusals_read_in_both_languages_with_stable_codes() {
        let e = LoopError::NotInThisState {
            action: ActionKind::Refuse,
            status: Status::Closed,
        };
        assert_eq!(e.code(), "COMPLAINTS_ACTION_NOT_ALLOWED_IN_STATE");
        assert_eq!(
            e.message_zh(),
            "诉求当前状态为“已办结”，不能执行“不予受理”。"
        );
        assert_eq!(e.message_en(), "cannot refuse a case that is closed");
        let e = LoopError::ActorNotAllowed {
            action: ActionKind::Feedback,
            actor: ActorKind::Staff,
        };
        assert_eq!(
            e.message_en(),
            "department staff may not give feedback on this case"
        );
        let p = Problem::from_error(&e, Lang::ZhCn, Some("req-1"));
        assert_eq!(p.status, 403);
        assert_eq!(p.code, "COMPLAINTS_ACTOR_NOT_ALLOWED");
        let e = LoopError::Calendar(CalendarError::UnknownYear(2027));
        assert_eq!(e.status(), 503);
        assert!(e.message_zh().contains("2027"));
        assert!(e.message_en().contains("2027"));
    }
}
