//! Filing a case: what an intake carries, checked field by field, and who may file
//! through which channel. Enterprises file their own (`qr`, `online`); staff enter
//! calls, letters and visits for them, and those entries are the ledger entry itself.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::security::credit_code::CreditCode;

use super::action::ActionKind;
use super::actor::Actor;
use super::attachment::{Attachment, AttachmentFacts, check_attachments};
use super::case::{CaseState, Status};
use super::catalogue::{Catalogue, DeadlinePlan, ProblemKind};
use super::channel::Channel;
use super::codes::{CaseId, CategoryCode};
use super::input_error::InputError;
use super::input_problem::InputErrors;
use super::text::Description;
use super::transition::AuditEvent;

/// How far back staff may date a receipt (a letter opened late, a visit entered the
/// next day). Further back would let an entry escape its own deadlines.
pub const MAX_BACKDATE_DAYS: i64 = 30;

/// Parses the enterprise's unified social credit code (field `enterprise`), keeping
/// the code's own reason (length, character, check) in the error.
pub fn parse_enterprise(text: &str) -> Result<CreditCode, InputError> {
    CreditCode::parse(text).map_err(|error| InputError::CreditCode {
        field: "enterprise".to_owned(),
        error,
    })
}

/// An intake as the shell has it, untrusted: texts from the request, and the facts
/// of the uploaded files read from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRequest {
    /// The channel's wire text.
    pub channel: String,
    /// The enterprise's unified social credit code.
    pub enterprise: String,
    /// The category's code.
    pub category: String,
    /// What the enterprise asks.
    pub description: String,
    /// The uploaded files.
    pub attachments: Vec<AttachmentFacts>,
    /// When staff received a call, letter or visit, if earlier than its entry.
    pub received_at: Option<OffsetDateTime>,
}

/// A checked intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    /// The channel.
    pub channel: Channel,
    /// The enterprise.
    pub enterprise: CreditCode,
    /// The category.
    pub category: CategoryCode,
    /// The category's kind of problem.
    pub kind: ProblemKind,
    /// The category's deadlines.
    pub plan: DeadlinePlan,
    /// What the enterprise asks.
    pub description: Description,
    /// The accepted files.
    pub attachments: Vec<Attachment>,
    /// An earlier receipt time, if staff gave one.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
}

impl Intake {
    /// Checks every field against the catalogue, reporting every refused field.
    pub fn parse(catalogue: &Catalogue, request: &IntakeRequest) -> Result<Intake, InputErrors> {
        let mut errors = Vec::new();
        let channel = Channel::parse(&request.channel)
            .map_err(|e| errors.push(e))
            .ok();
        let enterprise = parse_enterprise(&request.enterprise)
            .map_err(|e| errors.push(e))
            .ok();
        let category = catalogue
            .category(&request.category)
            .map_err(|e| errors.push(e))
            .ok();
        let description = Description::parse(&request.description)
            .map_err(|e| errors.push(e))
            .ok();
        let attachments = check_attachments(&request.attachments)
            .map_err(|e| errors.extend(e))
            .ok();
        match (channel, enterprise, category, description, attachments) {
            (
                Some(channel),
                Some(enterprise),
                Some(category),
                Some(description),
                Some(attachments),
            ) if errors.is_empty() => Ok(Intake {
                channel,
                enterprise,
                category: category.code.clone(),
                kind: category.kind,
                plan: catalogue.plan(category),
                description,
                attachments,
                received_at: request.received_at,
            }),
            _ => Err(InputErrors(errors)),
        }
    }
}

/// A new case and the audit event of its filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The case.
    pub state: CaseState,
    /// The audit event to record with it.
    pub event: AuditEvent,
}

/// Opens case `id` from a checked intake filed by `filer` at `now`.
///
/// An enterprise files only its own cases and only through `qr` or `online`; staff
/// (of a department or the office) enter `phone`, `letter` and `visit`, may date the
/// receipt up to [`MAX_BACKDATE_DAYS`] back, and their entry is the ledger entry, so
/// such a case starts logged. The sweep files nothing.
pub fn open_case(
    intake: Intake,
    id: CaseId,
    filer: &Actor,
    now: OffsetDateTime,
) -> Result<Opened, InputError> {
    let not_allowed = || InputError::FilerNotAllowed {
        field: "channel".to_owned(),
        channel: intake.channel,
    };
    let by_enterprise = intake.channel.filed_by_enterprise();
    match filer {
        Actor::Enterprise { credit_code } if by_enterprise => {
            if *credit_code != intake.enterprise {
                return Err(InputError::NotOwnEnterprise {
                    field: "enterprise".to_owned(),
                });
            }
        }
        Actor::Staff { .. } | Actor::Office if !by_enterprise => {}
        _ => return Err(not_allowed()),
    }
    let received_at = match intake.received_at {
        None => now,
        Some(at)
            if !by_enterprise && at <= now && now - at <= Duration::days(MAX_BACKDATE_DAYS) =>
        {
            at
        }
        Some(_) => {
            return Err(InputError::ReceivedAtInvalid {
                field: "received_at".to_owned(),
                max_days: MAX_BACKDATE_DAYS,
            });
        }
    };
    let status = if by_enterprise {
        Status::Received
    } else {
        Status::Logged
    };
    let state = CaseState {
        id: id.clone(),
        channel: intake.channel,
        enterprise: intake.enterprise,
        category: intake.category,
        kind: intake.kind,
        plan: intake.plan,
        description: intake.description,
        attachments: intake.attachments,
        status,
        received_at,
        logged_at: (status == Status::Logged).then_some(now),
        decision: None,
        lead: None,
        co_handlers: Default::default(),
        transfers: Vec::new(),
        responded_at: None,
        replies: Vec::new(),
        feedback: Vec::new(),
        reopened_at: None,
        callback: None,
        closed_at: None,
        problem_key: None,
    };
    let event = AuditEvent {
        case: id,
        from: None,
        to: status,
        action: ActionKind::File,
        actor: filer.clone(),
        reason: None,
        at: now,
    };
    Ok(Opened { state, event })
}
