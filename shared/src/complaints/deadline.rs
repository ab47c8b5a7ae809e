//! A case's deadlines in working days and whether each was met.
//!
//! Every deadline counts from a date in China Standard Time (the receipt's, or the
//! reopening's), excludes that day, skips weekends and holidays and counts make-up
//! working days: [`WorkingCalendar::add_working_days`]. A deadline day counts whole:
//! an event on the due date is on time.
//!
//! The calendar knows only the years in its table. A deadline that runs past them is
//! [`Due::Unknown`], never a guess: the shell stores it as unknown and recomputes it
//! once the next year's holidays are loaded. Whether such a deadline is met or
//! overdue can still often be told: an event, or today, that lies within the known
//! years lies before any date the count could reach outside them.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar::iso_serde;
use crate::calendar::{CalendarError, WorkingCalendar, local_date};

use super::case::{CaseState, Status};

/// Which deadline.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Entered in the ledger (登记).
    Log,
    /// Accepted or refused (受理审查).
    Decide,
    /// First response: contact made, or the answer itself (响应).
    Respond,
    /// The answer (答复/反馈).
    Reply,
    /// The second answer, after the enterprise was not satisfied (counted from the
    /// reopening, with the category's answer deadline).
    Rereply,
}

impl DeadlineKind {
    /// Every kind, in loop order.
    pub const ALL: [DeadlineKind; 5] = [
        DeadlineKind::Log,
        DeadlineKind::Decide,
        DeadlineKind::Respond,
        DeadlineKind::Reply,
        DeadlineKind::Rereply,
    ];

    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Log => "log",
            DeadlineKind::Decide => "decide",
            DeadlineKind::Respond => "respond",
            DeadlineKind::Reply => "reply",
            DeadlineKind::Rereply => "rereply",
        }
    }
}

/// When a deadline falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Due {
    /// On this date (China Standard Time), inclusive.
    Known {
        /// The last day.
        #[serde(with = "iso_serde")]
        #[schemars(with = "crate::calendar::IsoDate")]
        date: Date,
    },
    /// Past the years the calendar knows: unknown until the calendar for `year` is
    /// loaded (the shell stores it as unknown and recomputes it then).
    Unknown {
        /// The first year the count needed and the calendar does not know.
        year: i32,
    },
}

impl Due {
    /// The date, if known.
    pub fn date(self) -> Option<Date> {
        match self {
            Due::Known { date } => Some(date),
            Due::Unknown { .. } => None,
        }
    }
}

/// Whether a deadline was kept.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Done on or before the due date.
    Met,
    /// Done after the due date, or never done and no longer possible.
    Missed,
    /// Not done yet, and the due date has not passed.
    Pending,
    /// Not done yet, and the due date has passed.
    Overdue,
    /// The calendar cannot tell (an event or today lies in a year it does not know).
    Unknown,
}

/// One deadline of one case, as shown to the enterprise and to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeadlineView {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// Day zero of the count (China Standard Time).
    #[serde(with = "iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub start: Date,
    /// How many working days the rule gives.
    pub working_days: u32,
    /// When it falls.
    pub due: Due,
    /// When the step was done (China Standard Time), if it was.
    #[serde(with = "iso_serde::option")]
    #[schemars(with = "Option<crate::calendar::IsoDate>")]
    pub done_on: Option<Date>,
    /// Whether it was kept, as of `now`.
    pub status: DeadlineStatus,
    /// Working days left while pending (0: due today), when the calendar can tell.
    pub working_days_left: Option<u32>,
}

/// The deadline `n` working days after `start`, or unknown past the calendar.
pub fn due_date(calendar: &WorkingCalendar, start: Date, n: u32) -> Due {
    match calendar.add_working_days(start, n) {
        Ok(date) => Due::Known { date },
        Err(CalendarError::UnknownYear(year) | CalendarError::InvalidData { year, .. }) => {
            Due::Unknown { year }
        }
    }
}

/// Whether the deadline `n` working days after `start` has passed on `today`.
///
/// When the deadline lies past the known years, `today` is before it if `today` is
/// itself within them (the count from `start` to `today` then succeeds); otherwise
/// the calendar cannot tell and says which year it lacks.
pub fn is_overdue(
    calendar: &WorkingCalendar,
    start: Date,
    n: u32,
    today: Date,
) -> Result<bool, CalendarError> {
    match calendar.add_working_days(start, n) {
        Ok(due) => Ok(today > due),
        Err(_) => calendar.working_days_between(start, today).map(|_| false),
    }
}

/// Judges one deadline: done on `done` (if it was), or still open on `today`;
/// `possible` says whether the step can still happen at all.
fn judge(
    calendar: &WorkingCalendar,
    kind: DeadlineKind,
    start: Date,
    n: u32,
    done: Option<Date>,
    possible: bool,
    today: Date,
) -> DeadlineView {
    let due = due_date(calendar, start, n);
    let (status, left) = match (done, due) {
        (Some(d), Due::Known { date }) => (met_if(d <= date), None),
        // Past the calendar's years: a step done within them was before the due date.
        (Some(d), Due::Unknown { .. }) => match calendar.working_days_between(start, d) {
            Ok(_) => (DeadlineStatus::Met, None),
            Err(_) => (DeadlineStatus::Unknown, None),
        },
        (None, _) if !possible => (DeadlineStatus::Missed, None),
        (None, Due::Known { date }) if today > date => (DeadlineStatus::Overdue, None),
        (None, due) => match calendar.working_days_between(start, today) {
            Ok(used) => (DeadlineStatus::Pending, Some(n.saturating_sub(used))),
            // Today is not past a known due date, but lies where the calendar cannot
            // count (before `start` in an unknown year): pending, left unknown.
            Err(_) if due.date().is_some() => (DeadlineStatus::Pending, None),
            Err(_) => (DeadlineStatus::Unknown, None),
        },
    };
    DeadlineView {
        kind,
        start,
        working_days: n,
        due,
        done_on: done,
        status,
        working_days_left: left,
    }
}

/// Met or missed.
fn met_if(on_time: bool) -> DeadlineStatus {
    if on_time {
        DeadlineStatus::Met
    } else {
        DeadlineStatus::Missed
    }
}

/// Every deadline that applies to the case, judged as of `now`.
///
/// Log and decision always apply. Response (if the category promises one) and answer
/// apply unless the case was refused: a refusal ends the loop with its written
/// reasons. The second answer applies once the case was reopened.
pub fn deadlines(
    case: &CaseState,
    now: OffsetDateTime,
    calendar: &WorkingCalendar,
) -> Vec<DeadlineView> {
    let today = local_date(now);
    let start = case.received_on();
    let plan = case.plan;
    let day = |at: Option<OffsetDateTime>| at.map(local_date);
    let mut out = vec![
        judge(
            calendar,
            DeadlineKind::Log,
            start,
            plan.log,
            day(case.logged_at),
            // A case accepted by rule before anyone logged it can no longer be logged
            // in time: the step was skipped.
            case.status == Status::Received,
            today,
        ),
        judge(
            calendar,
            DeadlineKind::Decide,
            start,
            plan.decide,
            day(case.decision.as_ref().map(|d| d.at)),
            matches!(case.status, Status::Received | Status::Logged),
            today,
        ),
    ];
    if case.status == Status::Refused {
        return out;
    }
    if let Some(n) = plan.respond {
        out.push(judge(
            calendar,
            DeadlineKind::Respond,
            start,
            n,
            day(case.responded_at),
            true,
            today,
        ));
    }
    out.push(judge(
        calendar,
        DeadlineKind::Reply,
        start,
        plan.reply,
        day(case.replies.first().map(|r| r.at)),
        true,
        today,
    ));
    if let Some(reopened) = case.reopened_at {
        out.push(judge(
            calendar,
            DeadlineKind::Rereply,
            local_date(reopened),
            plan.reply,
            day(case.replies.get(1).map(|r| r.at)),
            true,
            today,
        ));
    }
    out
}
