//! A case and where it stands in the closed loop (受理、办理、答复、反馈、回访):
//! received → logged → accepted or refused → assigned → replied → the enterprise's
//! feedback (one reopening at most) → callback → closed.
//!
//! [`CaseState`] is the whole record the shell stores; [`apply`](super::apply)
//! is the only rule that moves it on.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar::local_date;
use crate::security::credit_code::CreditCode;

use super::actor::Actor;
use super::attachment::Attachment;
use super::catalogue::{DeadlinePlan, ProblemKind};
use super::channel::Channel;
use super::codes::{CaseId, CategoryCode, DepartmentCode, ProblemKey};
use super::text::{Description, Note, Reason, ReplyText};

/// Where a case stands.
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
pub enum Status {
    /// Filed by the enterprise, not yet entered in the ledger (收件).
    Received,
    /// Entered in the ledger (登记), awaiting the acceptance decision.
    Logged,
    /// Accepted (受理), by decision or because no decision came in time.
    Accepted,
    /// Refused with written reasons (不予受理). Final.
    Refused,
    /// Assigned to a lead department and its co-handlers (办理).
    Assigned,
    /// Answered by the lead department (答复), awaiting the enterprise's feedback.
    Replied,
    /// Reopened once after the enterprise was not satisfied; back with the lead.
    Reopened,
    /// The enterprise gave its feedback (反馈); awaiting the callback.
    FeedbackGiven,
    /// The callback (回访) is done; awaiting closure.
    CalledBack,
    /// Closed (办结). Final.
    Closed,
}

impl Status {
    /// Every status, in loop order.
    pub const ALL: [Status; 10] = [
        Status::Received,
        Status::Logged,
        Status::Accepted,
        Status::Refused,
        Status::Assigned,
        Status::Replied,
        Status::Reopened,
        Status::FeedbackGiven,
        Status::CalledBack,
        Status::Closed,
    ];

    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Logged => "logged",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Assigned => "assigned",
            Status::Replied => "replied",
            Status::Reopened => "reopened",
            Status::FeedbackGiven => "feedback_given",
            Status::CalledBack => "called_back",
            Status::Closed => "closed",
        }
    }

    /// The name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Received => "已收件",
            Status::Logged => "已登记",
            Status::Accepted => "已受理",
            Status::Refused => "不予受理",
            Status::Assigned => "办理中",
            Status::Replied => "已答复",
            Status::Reopened => "重新办理",
            Status::FeedbackGiven => "已反馈",
            Status::CalledBack => "已回访",
            Status::Closed => "已办结",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Logged => "logged",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Assigned => "being handled",
            Status::Replied => "answered",
            Status::Reopened => "reopened",
            Status::FeedbackGiven => "rated by the enterprise",
            Status::CalledBack => "called back",
            Status::Closed => "closed",
        }
    }

    /// Whether the case's loop has ended (refused or closed).
    pub fn is_final(self) -> bool {
        matches!(self, Status::Refused | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The enterprise's verdict on an answer.
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
pub enum Satisfaction {
    /// Satisfied (满意).
    Satisfied,
    /// Not satisfied (不满意).
    NotSatisfied,
}

/// How acceptance was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// Accepted by the office.
    Accepted,
    /// Not decided in time, so accepted by rule (视为受理).
    AutoAccepted,
    /// Refused with written reasons.
    Refused,
}

/// The acceptance decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// How it was decided.
    pub outcome: DecisionOutcome,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
    /// The written reasons of a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Reason>,
}

/// One transfer of the lead to another department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TransferRecord {
    /// The lead before.
    pub from: DepartmentCode,
    /// The lead after.
    pub to: DepartmentCode,
    /// Why (required).
    pub reason: Reason,
    /// Who transferred it.
    pub by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
}

/// One answer of the lead department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReplyRecord {
    /// The answer.
    pub text: ReplyText,
    /// The department that answered.
    pub by: DepartmentCode,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
}

/// One feedback of the enterprise on an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeedbackRecord {
    /// Satisfied or not.
    pub satisfaction: Satisfaction,
    /// The enterprise's comment, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Reason>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
}

/// The callback (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CallbackRecord {
    /// What the callback found.
    pub note: Note,
    /// Who called back.
    pub by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
}

/// A case: what was filed, where it stands, and the record of each step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseState {
    /// The case's id.
    pub id: CaseId,
    /// How it reached us.
    pub channel: Channel,
    /// The enterprise it belongs to.
    #[schemars(with = "super::codes::CreditCodeText")]
    pub enterprise: CreditCode,
    /// Its category.
    pub category: CategoryCode,
    /// The category's kind of problem, when filed.
    pub kind: ProblemKind,
    /// The deadlines promised when filed.
    pub plan: DeadlinePlan,
    /// What the enterprise asks.
    pub description: Description,
    /// Photos and videos.
    pub attachments: Vec<Attachment>,
    /// Where it stands.
    pub status: Status,
    /// When it was received (deadlines count from its date in China Standard Time).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub received_at: OffsetDateTime,
    /// When it was entered in the ledger.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub logged_at: Option<OffsetDateTime>,
    /// The acceptance decision.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// The lead department, once assigned.
    #[serde(default)]
    pub lead: Option<DepartmentCode>,
    /// The co-handling departments.
    #[serde(default)]
    pub co_handlers: BTreeSet<DepartmentCode>,
    /// Every transfer of the lead.
    #[serde(default)]
    pub transfers: Vec<TransferRecord>,
    /// The first response (contact made, or the first answer).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub responded_at: Option<OffsetDateTime>,
    /// The answers: the first, and one more after a reopening.
    #[serde(default)]
    pub replies: Vec<ReplyRecord>,
    /// The enterprise's feedback on each answer.
    #[serde(default)]
    pub feedback: Vec<FeedbackRecord>,
    /// When the case was reopened (at most once).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub reopened_at: Option<OffsetDateTime>,
    /// The callback.
    #[serde(default)]
    pub callback: Option<CallbackRecord>,
    /// When it was closed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub closed_at: Option<OffsetDateTime>,
    /// The common-problem key a handler tagged it with.
    #[serde(default)]
    pub problem_key: Option<ProblemKey>,
}

impl CaseState {
    /// The date of receipt in China Standard Time: day zero of every deadline.
    pub fn received_on(&self) -> Date {
        local_date(self.received_at)
    }

    /// The enterprise's last verdict, if it gave one.
    pub fn satisfaction(&self) -> Option<Satisfaction> {
        self.feedback.last().map(|f| f.satisfaction)
    }

    /// Whether `department` leads the case.
    pub fn is_lead(&self, department: &DepartmentCode) -> bool {
        self.lead.as_ref() == Some(department)
    }

    /// Whether `department` leads or co-handles the case.
    pub fn is_handler(&self, department: &DepartmentCode) -> bool {
        self.is_lead(department) || self.co_handlers.contains(department)
    }

    /// How many times the lead was transferred.
    pub fn transfer_count(&self) -> u32 {
        u32::try_from(self.transfers.len()).unwrap_or(u32::MAX)
    }
}
