//! Enterprise requests and complaints (涉企诉求 · 接诉即办): the pure rules of the
//! `complaints` function.
//!
//! An enterprise raises a problem by scanning a QR code or online; staff enter calls,
//! letters and visits into the same ledger. The case then runs a closed loop —
//! logged, accepted or refused, assigned to one lead and N co-handling departments,
//! answered, rated by the enterprise (one reopening at most), called back, closed —
//! against deadlines in working days (豫政办〔2024〕67号: logged within 1, decided
//! within 3, else counted as accepted; answers per category).
//!
//! Rooms:
//! - data: [`catalogue`] (`catalogue.json`: categories, departments, rules) and its
//!   [`catalogue_error`];
//! - input: [`codes`], [`text`], [`channel`], [`attachment`], [`month`], all
//!   refusing with an [`InputError`] that names the field ([`input_problem`]:
//!   as problem answers);
//! - the loop: [`case`] (the state), [`intake`] (filing), [`actor`] and [`access`]
//!   (who sees and does what), [`assignment`], [`action`] (the rule table),
//!   [`transition`] ([`apply`]) and [`loop_error`];
//! - time: [`deadline`] (working-day deadlines, unknown past the calendar) and
//!   [`sweep`] (acceptance by rule, warnings);
//! - publication and analysis: [`mod@redact`], [`typical`], [`summary`], [`analysis`]
//!   with [`rate`] and [`csv`].
//!
//! Pure: no I/O and no clock; `now` and the calendar are passed in.

pub mod access;
pub mod action;
pub mod actor;
pub mod analysis;
pub mod assignment;
pub mod attachment;
pub mod case;
pub mod catalogue;
pub mod catalogue_error;
pub mod channel;
pub mod codes;
pub mod csv;
pub mod deadline;
pub mod input_error;
pub mod input_problem;
pub mod intake;
pub mod loop_error;
pub mod month;
pub mod rate;
pub mod redact;
pub mod summary;
pub mod sweep;
pub mod text;
pub mod transition;
pub mod typical;

#[cfg(test)]
mod access_tests;
#[cfg(test)]
mod analysis_tests;
#[cfg(test)]
mod catalogue_tests;
#[cfg(test)]
mod deadline_tests;
#[cfg(test)]
mod error_codes_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod intake_tests;
#[cfg(test)]
mod loop_tests;
#[cfg(test)]
mod sweep_tests;
#[cfg(test)]
mod transition_tests;
#[cfg(test)]
mod typical_tests;

pub use access::{available_actions, may_act, may_read};
pub use action::{Action, ActionKind, Outcome, Party, RULES, Rule, rule_for};
pub use actor::{Actor, ActorKind};
pub use analysis::{
    CSV_HEADER, Figures, KeyCount, MonthlyReport, OnTime, Row, Scope, monthly_analysis,
};
pub use assignment::{Assignee, Assignment, MAX_CO_HANDLERS};
pub use attachment::{
    Attachment, AttachmentFacts, AttachmentKind, MAX_ATTACHMENTS, SNIFF_LEN, check_attachments,
};
pub use case::{
    CallbackRecord, CaseState, Decision, DecisionOutcome, FeedbackRecord, ReplyRecord,
    Satisfaction, Status, TransferRecord,
};
pub use catalogue::{Catalogue, Category, DeadlinePlan, Department, Group, ProblemKind, Rules};
pub use catalogue_error::CatalogueError;
pub use channel::Channel;
pub use codes::{CaseId, CategoryCode, DepartmentCode, ProblemKey};
pub use deadline::{DeadlineKind, DeadlineStatus, DeadlineView, Due, deadlines, due_date};
pub use input_error::InputError;
pub use input_problem::InputErrors;
pub use intake::{Intake, IntakeRequest, MAX_BACKDATE_DAYS, Opened, open_case, parse_enterprise};
pub use loop_error::LoopError;
pub use month::Month;
pub use rate::Permille;
pub use redact::{redact, redact_with};
pub use summary::CaseSummary;
pub use sweep::{SweepDecision, Warning, Warnings, sweep_decision, warnings};
pub use text::{Description, Note, Reason, ReplyText, Solution, Summary};
pub use transition::{AuditEvent, Transition, apply};
pub use typical::{
    PublishError, PublishSuggestion, TypicalCase, publish_suggestions, publish_typical,
};
