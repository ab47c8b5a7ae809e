//! A case reduced to what the monthly analysis and the typical-case suggestion
//! count: no description, no attachments, no enterprise — so summaries can be
//! stored, exported and aggregated without personal data.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar::{WorkingCalendar, iso_serde};

use super::case::{CaseState, Satisfaction, Status};
use super::codes::{CaseId, CategoryCode, DepartmentCode, ProblemKey};
use super::deadline::{DeadlineKind, DeadlineStatus, deadlines};

/// What the analysis needs of one case, with its deadlines judged at some `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseSummary {
    /// The case.
    pub id: CaseId,
    /// Its category.
    pub category: CategoryCode,
    /// Its lead department, once assigned.
    pub lead: Option<DepartmentCode>,
    /// Its co-handling departments.
    #[serde(default)]
    pub co_handlers: BTreeSet<DepartmentCode>,
    /// The date of receipt (China Standard Time).
    #[serde(with = "iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub received_on: Date,
    /// Where it stands.
    pub status: Status,
    /// How many times its lead was transferred.
    pub transfers: u32,
    /// The enterprise's last verdict.
    pub satisfaction: Option<Satisfaction>,
    /// Its common-problem key.
    pub problem_key: Option<ProblemKey>,
    /// Each applicable deadline's status.
    pub deadlines: BTreeMap<DeadlineKind, DeadlineStatus>,
}

impl CaseSummary {
    /// Summarises `case`, judging its deadlines at `now`.
    pub fn of(case: &CaseState, now: OffsetDateTime, calendar: &WorkingCalendar) -> CaseSummary {
        CaseSummary {
            id: case.id.clone(),
            category: case.category.clone(),
            lead: case.lead.clone(),
            co_handlers: case.co_handlers.clone(),
            received_on: case.received_on(),
            status: case.status,
            transfers: case.transfer_count(),
            satisfaction: case.satisfaction(),
            problem_key: case.problem_key.clone(),
            deadlines: deadlines(case, now, calendar)
                .into_iter()
                .map(|d| (d.kind, d.status))
                .collect(),
        }
    }
}
