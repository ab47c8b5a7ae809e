//! Request and answer bodies. Requests become the core's types at the edge
//! ([`FileRequest::intake`], [`ActionRequest::action`]); answers carry the core's
//! case state, deadlines and summaries as they serialise.

use super::error::ComplaintsError;
use super::party::catalogue;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use yingshang_core::complaints::codes::CreditCodeText;
use yingshang_core::complaints::{
    Action, ActionKind, Assignee, Assignment, CaseState, CaseSummary, CategoryCode, Channel,
    DeadlineView, DepartmentCode, Description, IntakeRequest, Note, ProblemKey, Reason, ReplyText,
    Satisfaction,
};
use yingshang_kit::Failure;

/// `POST /cases`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// `qr`, `online` (the enterprise), `phone`, `letter`, `visit` (staff).
    #[schemars(with = "Channel")]
    pub channel: String,
    /// The enterprise's unified social credit code.
    #[schemars(with = "CreditCodeText")]
    pub enterprise: String,
    /// A category code of the catalogue (`tax-policy`, `business-registration`, ...).
    #[schemars(with = "CategoryCode")]
    pub category: String,
    /// What the problem is (5 to 2000 characters).
    #[schemars(with = "Description")]
    pub description: String,
    /// Staff only: when the call, letter or visit came in (RFC 3339, ≤ 30 days ago).
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub received_at: Option<String>,
}

impl FileRequest {
    /// The core's intake request (attachments join the case after filing).
    pub fn intake(&self) -> Result<IntakeRequest, Failure> {
        let received_at =
            match &self.received_at {
                None => None,
                Some(text) => Some(OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                    ComplaintsError::Field {
                        field: "received_at",
                        zh: "须为 RFC 3339 时间，如 2026-11-02T09:30:00+08:00",
                        en: "must be an RFC 3339 time, e.g. 2026-11-02T09:30:00+08:00",
                    }
                })?),
            };
        Ok(IntakeRequest {
            channel: self.channel.clone(),
            enterprise: self.enterprise.clone(),
            category: self.category.clone(),
            description: self.description.clone(),
            attachments: Vec::new(),
            received_at,
        })
    }
}

/// `POST /cases/{id}/actions`: `action` names it; the other fields are its inputs.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `log`, `accept`, `refuse`, `assign`, `transfer`, `respond`, `reply`,
    /// `feedback`, `callback`, `close`, `tag`.
    #[schemars(extend("enum" = [
        "log", "accept", "refuse", "assign", "transfer", "respond", "reply",
        "feedback", "callback", "close", "tag"
    ]))]
    pub action: String,
    /// `refuse`: the written reasons.
    #[serde(default)]
    #[schemars(with = "Option<Reason>")]
    pub reasons: Option<String>,
    /// `assign`: the lead department.
    #[serde(default)]
    #[schemars(with = "Option<DepartmentCode>")]
    pub lead: Option<String>,
    /// `assign`: co-handling departments.
    #[serde(default)]
    #[schemars(with = "Vec<DepartmentCode>")]
    pub co_handlers: Vec<String>,
    /// `transfer`: the new lead department.
    #[serde(default)]
    #[schemars(with = "Option<DepartmentCode>")]
    pub to: Option<String>,
    /// `transfer`: why; `feedback`: an optional comment.
    #[serde(default)]
    #[schemars(with = "Option<Reason>")]
    pub reason: Option<String>,
    /// `respond`, `callback`: the note.
    #[serde(default)]
    #[schemars(with = "Option<Note>")]
    pub note: Option<String>,
    /// `reply`: the answer to the enterprise.
    #[serde(default)]
    #[schemars(with = "Option<ReplyText>")]
    pub text: Option<String>,
    /// `feedback`: `satisfied` or `not_satisfied`.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// `tag`: the common-problem key.
    #[serde(default)]
    #[schemars(with = "Option<ProblemKey>")]
    pub key: Option<String>,
}

fn required<'a>(value: &'a Option<String>, field: &'static str) -> Result<&'a str, Failure> {
    value.as_deref().ok_or_else(|| {
        ComplaintsError::Field {
            field,
            zh: "此操作必须填写",
            en: "is required for this action",
        }
        .into()
    })
}

impl ActionRequest {
    /// The core's action (the sweep's `auto_accept` is not one a caller can ask for).
    pub fn action(&self) -> Result<Action, Failure> {
        Ok(match self.action.as_str() {
            "log" => Action::Log,
            "accept" => Action::Accept,
            "close" => Action::Close,
            "refuse" => Action::Refuse {
                reasons: Reason::parse_at(required(&self.reasons, "reasons")?, "reasons")?,
            },
            "assign" => {
                let co: Vec<&str> = self.co_handlers.iter().map(String::as_str).collect();
                let lead = required(&self.lead, "lead")?;
                Action::Assign(Assignment::parse(catalogue(), lead, &co)?)
            }
            "transfer" => Action::Transfer {
                to: Assignee::parse(catalogue(), required(&self.to, "to")?, "to")?,
                reason: Reason::parse_at(required(&self.reason, "reason")?, "reason")?,
            },
            "respond" => Action::Respond {
                note: Note::parse_at(required(&self.note, "note")?, "note")?,
            },
            "reply" => Action::Reply {
                text: ReplyText::parse_at(required(&self.text, "text")?, "text")?,
            },
            "callback" => Action::Callback {
                note: Note::parse_at(required(&self.note, "note")?, "note")?,
            },
            "feedback" => Action::Feedback {
                satisfaction: self.satisfaction.ok_or(ComplaintsError::Field {
                    field: "satisfaction",
                    zh: "须为 satisfied 或 not_satisfied",
                    en: "must be satisfied or not_satisfied",
                })?,
                comment: self
                    .reason
                    .as_deref()
                    .map(|r| Reason::parse_at(r, "reason"))
                    .transpose()?,
            },
            "tag" => Action::Tag {
                key: ProblemKey::parse_at(required(&self.key, "key")?, "key")?,
            },
            _ => {
                return Err(ComplaintsError::Field {
                    field: "action",
                    zh: "不是可执行的操作",
                    en: "is not an action",
                }
                .into());
            }
        })
    }
}

/// A case as its parties and handlers see it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CaseView<'a> {
    /// The case.
    pub case: &'a CaseState,
    /// Every deadline that applies, judged now (`unknown` past the calendar's years).
    pub deadlines: Vec<DeadlineView>,
    /// What the caller may do next.
    pub available_actions: Vec<ActionKind>,
}

/// One page of cases.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CaseList {
    /// The cases, newest first.
    pub cases: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
