//! The supervising office's monthly analysis: the cases received in one month (China
//! Standard Time), counted per category, per lead department and in total —
//! received, refused, closed, closure rate, on-time rate per deadline, satisfaction,
//! transfers and the most frequent problem keys — as a serialisable report and as
//! CSV.
//!
//! The cohort is the cases *received* in the month; their status and deadlines are
//! as of when the summaries were made, so a report on a past month shows how that
//! month's cases have fared since. Rates are [`Permille`], never floats.

use std::collections::BTreeMap;

use serde::Serialize;

use super::case::{Satisfaction, Status};
use super::catalogue::Catalogue;
use super::codes::ProblemKey;
use super::csv::push_record;
use super::deadline::{DeadlineKind, DeadlineStatus};
use super::month::Month;
use super::rate::Permille;
use super::summary::CaseSummary;

/// How many problem keys a row lists.
pub const TOP_PROBLEM_KEYS: usize = 5;

/// How one deadline kind was kept by a row's cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OnTime {
    /// Met.
    pub met: u32,
    /// Missed, or overdue and still open.
    pub late: u32,
    /// Still open and not yet due.
    pub pending: u32,
    /// The calendar cannot tell yet.
    pub unknown: u32,
    /// `met / (met + late)`: pending and unknown ones are not judged yet.
    pub rate: Option<Permille>,
}

/// A problem key and how many of a row's cases carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct KeyCount {
    /// The key.
    pub key: ProblemKey,
    /// Cases.
    pub cases: u32,
}

/// The figures of one row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Figures {
    /// Cases received in the month.
    pub received: u32,
    /// Of those, refused.
    pub refused: u32,
    /// Of those, closed.
    pub closed: u32,
    /// `closed / (received - refused)`: of the cases taken on, the share closed.
    pub closure_rate: Option<Permille>,
    /// Per deadline kind (only kinds that applied to some case).
    pub on_time: BTreeMap<DeadlineKind, OnTime>,
    /// Cases whose last verdict is satisfied.
    pub satisfied: u32,
    /// Cases whose last verdict is not satisfied.
    pub not_satisfied: u32,
    /// `satisfied / (satisfied + not_satisfied)`.
    pub satisfaction_rate: Option<Permille>,
    /// Transfers of the lead, summed.
    pub transfers: u32,
    /// The most frequent problem keys, most frequent first, then by key.
    pub top_problem_keys: Vec<KeyCount>,
}

/// What a row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// All cases of the month.
    Total,
    /// The cases of one category.
    Category,
    /// The cases one department leads.
    Department,
}

impl Scope {
    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Total => "total",
            Scope::Category => "category",
            Scope::Department => "department",
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// What it counts.
    pub scope: Scope,
    /// The category's or department's code (`all` for the total).
    pub code: String,
    /// Its name in Chinese.
    pub name_zh: String,
    /// Its name in English.
    pub name_en: String,
    /// The figures.
    pub figures: Figures,
}

/// The monthly report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MonthlyReport {
    /// The month.
    pub month: Month,
    /// The catalogue version the names come from.
    pub catalogue_version: String,
    /// All cases of the month.
    pub total: Row,
    /// Per category with cases, in catalogue order (codes since dropped last).
    pub by_category: Vec<Row>,
    /// Per lead department with cases, in catalogue order; cases not yet assigned
    /// count only in the total and their category.
    pub by_department: Vec<Row>,
}

/// Aggregates the summaries of the cases received in `month`.
pub fn monthly_analysis(
    month: Month,
    catalogue: &Catalogue,
    cases: &[CaseSummary],
) -> MonthlyReport {
    let in_month: Vec<&CaseSummary> = cases
        .iter()
        .filter(|c| month.contains(c.received_on))
        .collect();
    let mut by_category: BTreeMap<&str, Vec<&CaseSummary>> = BTreeMap::new();
    let mut by_department: BTreeMap<&str, Vec<&CaseSummary>> = BTreeMap::new();
    for case in &in_month {
        by_category
            .entry(case.category.as_str())
            .or_default()
            .push(case);
        if let Some(lead) = &case.lead {
            by_department.entry(lead.as_str()).or_default().push(case);
        }
    }
    let category_names = catalogue
        .categories()
        .iter()
        .map(|c| (c.code.as_str(), c.name_zh.as_str(), c.name_en.as_str()));
    let department_names = catalogue
        .departments()
        .iter()
        .map(|d| (d.code.as_str(), d.name_zh.as_str(), d.name_en.as_str()));
    MonthlyReport {
        month,
        catalogue_version: catalogue.version().to_owned(),
        total: Row {
            scope: Scope::Total,
            code: "all".to_owned(),
            name_zh: "合计".to_owned(),
            name_en: "Total".to_owned(),
            figures: figures(&in_month),
        },
        by_category: rows(Scope::Category, category_names, by_category),
        by_department: rows(Scope::Department, department_names, by_department),
    }
}

/// Rows for the groups, in the order of `names`; codes without a name last, by code.
fn rows<'a>(
    scope: Scope,
    names: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    mut groups: BTreeMap<&str, Vec<&CaseSummary>>,
) -> Vec<Row> {
    let row = |code: &str, zh: &str, en: &str, cases: &[&CaseSummary]| Row {
        scope,
        code: code.to_owned(),
        name_zh: zh.to_owned(),
        name_en: en.to_owned(),
        figures: figures(cases),
    };
    let mut out = Vec::new();
    for (code, zh, en) in names {
        if let Some(cases) = groups.remove(code) {
            out.push(row(code, zh, en, &cases));
        }
    }
    for (code, cases) in groups {
        out.push(row(code, code, code, &cases));
    }
    out
}

/// The figures of a set of cases.
fn figures(cases: &[&CaseSummary]) -> Figures {
    let count = |f: &dyn Fn(&CaseSummary) -> bool| -> u32 {
        u32::try_from(cases.iter().filter(|c| f(c)).count()).unwrap_or(u32::MAX)
    };
    let received = count(&|_| true);
    let refused = count(&|c| c.status == Status::Refused);
    let closed = count(&|c| c.status == Status::Closed);
    let satisfied = count(&|c| c.satisfaction == Some(Satisfaction::Satisfied));
    let not_satisfied = count(&|c| c.satisfaction == Some(Satisfaction::NotSatisfied));
    let mut on_time: BTreeMap<DeadlineKind, OnTime> = BTreeMap::new();
    let mut keys: BTreeMap<&ProblemKey, u32> = BTreeMap::new();
    let mut transfers = 0u32;
    for case in cases {
        transfers = transfers.saturating_add(case.transfers);
        if let Some(key) = &case.problem_key {
            *keys.entry(key).or_default() += 1;
        }
        for (kind, status) in &case.deadlines {
            let t = on_time.entry(*kind).or_default();
            match status {
                DeadlineStatus::Met => t.met += 1,
                DeadlineStatus::Missed | DeadlineStatus::Overdue => t.late += 1,
                DeadlineStatus::Pending => t.pending += 1,
                DeadlineStatus::Unknown => t.unknown += 1,
            }
        }
    }
    for t in on_time.values_mut() {
        t.rate = Permille::of(t.met, t.met + t.late);
    }
    let mut top: Vec<KeyCount> = keys
        .into_iter()
        .map(|(key, cases)| KeyCount {
            key: key.clone(),
            cases,
        })
        .collect();
    // Stable: equal counts stay in key order.
    top.sort_by_key(|k| std::cmp::Reverse(k.cases));
    top.truncate(TOP_PROBLEM_KEYS);
    Figures {
        received,
        refused,
        closed,
        closure_rate: Permille::of(closed, received.saturating_sub(refused)),
        on_time,
        satisfied,
        not_satisfied,
        satisfaction_rate: Permille::of(satisfied, satisfied + not_satisfied),
        transfers,
        top_problem_keys: top,
    }
}

/// The CSV header.
pub const CSV_HEADER: [&str; 19] = [
    "month",
    "scope",
    "code",
    "name_zh",
    "name_en",
    "received",
    "refused",
    "closed",
    "closure_rate_pct",
    "log_on_time_pct",
    "decide_on_time_pct",
    "respond_on_time_pct",
    "reply_on_time_pct",
    "rereply_on_time_pct",
    "satisfied",
    "not_satisfied",
    "satisfaction_rate_pct",
    "transfers",
    "top_problem_keys",
];

impl MonthlyReport {
    /// Every row: the total, then categories, then departments.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        std::iter::once(&self.total)
            .chain(&self.by_category)
            .chain(&self.by_department)
    }

    /// The report as CSV (RFC 4180, UTF-8, CRLF, a header row). Rates are percentages
    /// with one decimal (`98.1`), empty when there is nothing to rate; problem keys
    /// are `key:count` joined by `;`.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        push_record(&mut out, &CSV_HEADER);
        let month = self.month.to_string();
        let pct = |rate: Option<Permille>| rate.map(Permille::percent).unwrap_or_default();
        for row in self.rows() {
            let f = &row.figures;
            let on_time = |kind| pct(f.on_time.get(&kind).and_then(|t: &OnTime| t.rate));
            let keys = f
                .top_problem_keys
                .iter()
                .map(|k| format!("{}:{}", k.key, k.cases))
                .collect::<Vec<_>>()
                .join(";");
            push_record(
                &mut out,
                &[
                    month.clone(),
                    row.scope.as_str().to_owned(),
                    row.code.clone(),
                    row.name_zh.clone(),
                    row.name_en.clone(),
                    f.received.to_string(),
                    f.refused.to_string(),
                    f.closed.to_string(),
                    pct(f.closure_rate),
                    on_time(DeadlineKind::Log),
                    on_time(DeadlineKind::Decide),
                    on_time(DeadlineKind::Respond),
                    on_time(DeadlineKind::Reply),
                    on_time(DeadlineKind::Rereply),
                    f.satisfied.to_string(),
                    f.not_satisfied.to_string(),
                    pct(f.satisfaction_rate),
                    f.transfers.to_string(),
                    keys,
                ],
            );
        }
        out
    }
}
