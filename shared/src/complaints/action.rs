//! What may be done to a case, from which states, by whom — as one table of data,
//! [`RULES`], that [`apply`](super::apply), [`may_act`](super::may_act) and the
//! tests read. Changing who may do what is an edit of a row, not of control flow.

use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::assignment::{Assignee, Assignment};
use super::case::{CaseState, Satisfaction, Status};
use super::codes::ProblemKey;
use super::text::{Note, Reason, ReplyText};

/// An action with what it carries. Texts and departments are parsed at the edge, so
/// an action holds only valid values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Enter the case in the ledger (登记).
    Log,
    /// Accept the case (受理).
    Accept,
    /// Refuse the case, with written reasons (不予受理).
    Refuse {
        /// The written reasons.
        reasons: Reason,
    },
    /// Accept a case nobody decided on in time (视为受理); the sweep's action.
    AutoAccept,
    /// Assign the lead department and co-handlers (交办).
    Assign(Assignment),
    /// Move the lead to another department, with a reason (转办).
    Transfer {
        /// The new lead.
        to: Assignee,
        /// Why.
        reason: Reason,
    },
    /// Record the first response: contact made with the enterprise (响应).
    Respond {
        /// What was done.
        note: Note,
    },
    /// Answer the enterprise (答复).
    Reply {
        /// The answer.
        text: ReplyText,
    },
    /// The enterprise's verdict on the answer (反馈).
    Feedback {
        /// Satisfied or not.
        satisfaction: Satisfaction,
        /// Its comment, if any.
        comment: Option<Reason>,
    },
    /// Record the callback (回访).
    Callback {
        /// What the callback found.
        note: Note,
    },
    /// Close the case (办结).
    Close,
    /// Tag the case with a common-problem key.
    Tag {
        /// The key.
        key: ProblemKey,
    },
}

/// The kind of an action (also of filing, which only opens a case).
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
pub enum ActionKind {
    /// Filing the case (not an [`Action`]: it creates the state).
    File,
    /// [`Action::Log`].
    Log,
    /// [`Action::Accept`].
    Accept,
    /// [`Action::Refuse`].
    Refuse,
    /// [`Action::AutoAccept`].
    AutoAccept,
    /// [`Action::Assign`].
    Assign,
    /// [`Action::Transfer`].
    Transfer,
    /// [`Action::Respond`].
    Respond,
    /// [`Action::Reply`].
    Reply,
    /// [`Action::Feedback`].
    Feedback,
    /// [`Action::Callback`].
    Callback,
    /// [`Action::Close`].
    Close,
    /// [`Action::Tag`].
    Tag,
}

impl Action {
    /// The action's kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Log => ActionKind::Log,
            Action::Accept => ActionKind::Accept,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::AutoAccept => ActionKind::AutoAccept,
            Action::Assign(_) => ActionKind::Assign,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Respond { .. } => ActionKind::Respond,
            Action::Reply { .. } => ActionKind::Reply,
            Action::Feedback { .. } => ActionKind::Feedback,
            Action::Callback { .. } => ActionKind::Callback,
            Action::Close => ActionKind::Close,
            Action::Tag { .. } => ActionKind::Tag,
        }
    }
}

impl ActionKind {
    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::File => "file",
            ActionKind::Log => "log",
            ActionKind::Accept => "accept",
            ActionKind::Refuse => "refuse",
            ActionKind::AutoAccept => "auto_accept",
            ActionKind::Assign => "assign",
            ActionKind::Transfer => "transfer",
            ActionKind::Respond => "respond",
            ActionKind::Reply => "reply",
            ActionKind::Feedback => "feedback",
            ActionKind::Callback => "callback",
            ActionKind::Close => "close",
            ActionKind::Tag => "tag",
        }
    }

    /// The audit row's action, e.g. `complaint.accept`.
    pub fn audit_action(self) -> String {
        format!("complaint.{}", self.as_str())
    }

    /// The action as an English verb phrase taking "a case" as its object.
    pub fn verb_en(self) -> &'static str {
        match self {
            ActionKind::File => "file",
            ActionKind::Log => "log",
            ActionKind::Accept => "accept",
            ActionKind::Refuse => "refuse",
            ActionKind::AutoAccept => "accept by rule",
            ActionKind::Assign => "assign",
            ActionKind::Transfer => "transfer",
            ActionKind::Respond => "record a first response on",
            ActionKind::Reply => "reply to",
            ActionKind::Feedback => "give feedback on",
            ActionKind::Callback => "record a callback on",
            ActionKind::Close => "close",
            ActionKind::Tag => "tag",
        }
    }

    /// The name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            ActionKind::File => "提交诉求",
            ActionKind::Log => "登记",
            ActionKind::Accept => "受理",
            ActionKind::Refuse => "不予受理",
            ActionKind::AutoAccept => "视为受理",
            ActionKind::Assign => "交办",
            ActionKind::Transfer => "转办",
            ActionKind::Respond => "响应",
            ActionKind::Reply => "答复",
            ActionKind::Feedback => "评价反馈",
            ActionKind::Callback => "回访",
            ActionKind::Close => "办结",
            ActionKind::Tag => "标注共性问题",
        }
    }
}

/// A party to a case, relative to the case: who an actor is to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The enterprise the case belongs to.
    OwnEnterprise,
    /// A staff member of the lead department.
    Lead,
    /// A staff member of the lead or a co-handling department.
    Handler,
    /// The supervising office.
    Office,
    /// The sweep.
    System,
}

impl Party {
    /// Whether `actor` is this party to `case`.
    pub fn holds(self, case: &CaseState, actor: &Actor) -> bool {
        match (self, actor) {
            (Party::OwnEnterprise, Actor::Enterprise { credit_code }) => {
                *credit_code == case.enterprise
            }
            (Party::Lead, Actor::Staff { department }) => case.is_lead(department),
            (Party::Handler, Actor::Staff { department }) => case.is_handler(department),
            (Party::Office, Actor::Office) | (Party::System, Actor::System) => true,
            _ => false,
        }
    }
}

/// Where an action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// To this status.
    To(Status),
    /// The status stays (a record is added).
    Stay,
    /// Reopened on the first "not satisfied", else feedback given.
    ByFeedback,
}

/// One row of the table: an action, the statuses it may start from, the parties who
/// may take it, and where it leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The action.
    pub action: ActionKind,
    /// The statuses it may start from.
    pub from: &'static [Status],
    /// Who may take it.
    pub by: &'static [Party],
    /// Where it leads.
    pub outcome: Outcome,
}

/// Every action of the loop. Filing is not here: it creates a case (see
/// [`open_case`](super::open_case)).
pub const RULES: &[Rule] = &[
    Rule {
        action: ActionKind::Log,
        from: &[Status::Received],
        by: &[Party::Office],
        outcome: Outcome::To(Status::Logged),
    },
    Rule {
        action: ActionKind::Accept,
        from: &[Status::Logged],
        by: &[Party::Office],
        outcome: Outcome::To(Status::Accepted),
    },
    Rule {
        action: ActionKind::Refuse,
        from: &[Status::Logged],
        by: &[Party::Office],
        outcome: Outcome::To(Status::Refused),
    },
    // Undecided in time counts as accepted, logged or not.
    Rule {
        action: ActionKind::AutoAccept,
        from: &[Status::Received, Status::Logged],
        by: &[Party::System],
        outcome: Outcome::To(Status::Accepted),
    },
    Rule {
        action: ActionKind::Assign,
        from: &[Status::Accepted],
        by: &[Party::Office],
        outcome: Outcome::To(Status::Assigned),
    },
    // The office reassigns, or the lead hands on a case that is not its own.
    Rule {
        action: ActionKind::Transfer,
        from: &[Status::Assigned],
        by: &[Party::Office, Party::Lead],
        outcome: Outcome::Stay,
    },
    Rule {
        action: ActionKind::Respond,
        from: &[Status::Assigned],
        by: &[Party::Lead],
        outcome: Outcome::Stay,
    },
    // A reopened case goes back to the lead department only.
    Rule {
        action: ActionKind::Reply,
        from: &[Status::Assigned, Status::Reopened],
        by: &[Party::Lead],
        outcome: Outcome::To(Status::Replied),
    },
    Rule {
        action: ActionKind::Feedback,
        from: &[Status::Replied],
        by: &[Party::OwnEnterprise],
        outcome: Outcome::ByFeedback,
    },
    Rule {
        action: ActionKind::Callback,
        from: &[Status::FeedbackGiven],
        by: &[Party::Office, Party::Lead],
        outcome: Outcome::To(Status::CalledBack),
    },
    Rule {
        action: ActionKind::Close,
        from: &[Status::CalledBack],
        by: &[Party::Office],
        outcome: Outcome::To(Status::Closed),
    },
    // Classifying a problem needs the case in hand; it may follow closure, since
    // typical cases are drawn from closed ones.
    Rule {
        action: ActionKind::Tag,
        from: &[
            Status::Assigned,
            Status::Replied,
            Status::Reopened,
            Status::FeedbackGiven,
            Status::CalledBack,
            Status::Closed,
        ],
        by: &[Party::Office, Party::Handler],
        outcome: Outcome::Stay,
    },
];

/// The rule of an action kind (`None` for filing).
pub fn rule_for(kind: ActionKind) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.action == kind)
}
