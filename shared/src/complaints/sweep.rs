//! What the scheduled sweep decides: which undecided cases now count as accepted,
//! and which deadlines are due within a working day or already overdue.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::calendar::{CalendarError, WorkingCalendar, iso_serde, local_date};

use super::case::{CaseState, Status};
use super::codes::CaseId;
use super::deadline::{DeadlineKind, DeadlineStatus, Due, deadlines, due_date, is_overdue};
use super::transition::{auto_accept_reason_en, auto_accept_reason_zh};

/// The sweep's decision on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum SweepDecision {
    /// Nothing to do: decided already, or still within the decision deadline.
    Nothing,
    /// Not decided in time: apply [`Action::AutoAccept`](super::Action::AutoAccept).
    AutoAccept {
        /// The decision deadline that passed.
        #[serde(with = "iso_serde")]
        due: Date,
        /// Why, in Chinese.
        reason_zh: String,
        /// Why, in English.
        reason_en: String,
    },
    /// The calendar cannot tell yet (it lacks `year`): try again once it is loaded.
    Undetermined {
        /// The year the calendar lacks.
        year: i32,
    },
}

/// Whether the undecided `case` counts as accepted at `now`.
pub fn sweep_decision(
    case: &CaseState,
    now: OffsetDateTime,
    calendar: &WorkingCalendar,
) -> SweepDecision {
    if !matches!(case.status, Status::Received | Status::Logged) {
        return SweepDecision::Nothing;
    }
    let start = case.received_on();
    let n = case.plan.decide;
    let unknown = |e: CalendarError| match e {
        CalendarError::UnknownYear(year) | CalendarError::InvalidData { year, .. } => {
            SweepDecision::Undetermined { year }
        }
    };
    match is_overdue(calendar, start, n, local_date(now)) {
        Ok(false) => SweepDecision::Nothing,
        Ok(true) => match due_date(calendar, start, n) {
            Due::Known { date } => SweepDecision::AutoAccept {
                due: date,
                reason_zh: auto_accept_reason_zh(n),
                reason_en: auto_accept_reason_en(n),
            },
            // Overdue implies the due date was counted; kept total all the same.
            Due::Unknown { year } => SweepDecision::Undetermined { year },
        },
        Err(e) => unknown(e),
    }
}

/// One deadline that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Warning {
    /// The case.
    pub case: CaseId,
    /// Which deadline.
    pub kind: DeadlineKind,
    /// When it falls.
    pub due: Due,
    /// Working days left (0: due today), when the calendar can tell.
    pub working_days_left: Option<u32>,
}

/// The deadlines that need attention at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Warnings {
    /// Open, and due today or on the next working day.
    pub due_soon: Vec<Warning>,
    /// Open, and past due.
    pub overdue: Vec<Warning>,
    /// Open, but the calendar cannot tell where they stand (today lies in a year it
    /// does not know): listed so that nothing is silently dropped.
    pub undetermined: Vec<Warning>,
}

/// Sorts every open deadline of `cases` into due soon (within one working day),
/// overdue, and undetermined, in the order of the cases given.
pub fn warnings(cases: &[CaseState], now: OffsetDateTime, calendar: &WorkingCalendar) -> Warnings {
    let mut out = Warnings::default();
    for case in cases {
        for view in deadlines(case, now, calendar) {
            let warning = || Warning {
                case: case.id.clone(),
                kind: view.kind,
                due: view.due,
                working_days_left: view.working_days_left,
            };
            match view.status {
                DeadlineStatus::Overdue => out.overdue.push(warning()),
                DeadlineStatus::Pending if view.working_days_left.is_some_and(|l| l <= 1) => {
                    out.due_soon.push(warning());
                }
                DeadlineStatus::Unknown if view.done_on.is_none() => {
                    out.undetermined.push(warning());
                }
                _ => {}
            }
        }
    }
    out
}
