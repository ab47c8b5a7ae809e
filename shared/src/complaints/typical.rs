//! Typical cases (典型案例): "solve one problem, crack one class of problems".
//! Handlers tag cases with a common-problem key; when enough closed cases share a
//! key, publishing one is suggested; a published typical case is anonymised.
//!
//! Anonymised by construction: a [`TypicalCase`] has no field for the enterprise,
//! its credit code, the case id or the attachments, and its free texts (written by
//! the handler for the public) are redacted again for credit codes, ID numbers,
//! mobile numbers and the names the shell knows ([`redact`](mod@super::redact)).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::problem::{ApiError, Lang};

use super::case::{CaseState, Status};
use super::catalogue::{Catalogue, ProblemKind};
use super::codes::{CaseId, CategoryCode, ProblemKey};
use super::redact::{CREDIT_CODE_LABEL, NAME_LABEL, redact_with};
use super::summary::CaseSummary;
use super::text::{Solution, Summary};

/// A published typical case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TypicalCase {
    /// The class of problem.
    pub problem_key: ProblemKey,
    /// The category's code.
    pub category: CategoryCode,
    /// The category's name in Chinese.
    pub category_name_zh: String,
    /// The category's name in English.
    pub category_name_en: String,
    /// The category's kind of problem.
    pub kind: ProblemKind,
    /// The problem, redacted.
    pub summary: String,
    /// How the class of problem was solved, redacted.
    pub solution: String,
}

/// Why a case cannot become a typical case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// Only a closed case shows how a problem was solved.
    #[error("only a closed case can be published as a typical case")]
    NotClosed,
    /// A typical case stands for a class of problems: the case needs its key.
    #[error("the case has no problem key")]
    Untagged,
}

impl PublishError {
    /// Every code a [`PublishError`] answers (all 409).
    pub const CODES: &'static [&'static str] = &[
        "COMPLAINTS_TYPICAL_NOT_CLOSED",
        "COMPLAINTS_TYPICAL_UNTAGGED",
    ];

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotClosed => "COMPLAINTS_TYPICAL_NOT_CLOSED",
            Self::Untagged => "COMPLAINTS_TYPICAL_UNTAGGED",
        }
    }

    /// The message in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotClosed => "只有已办结的诉求才能发布为典型案例。",
            Self::Untagged => "该诉求尚未标注共性问题，不能发布为典型案例。",
        }
        .to_owned()
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl ApiError for PublishError {
    fn status(&self) -> u16 {
        409
    }

    fn code(&self) -> &'static str {
        PublishError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("不能发布典型案例", "Cannot publish a typical case")
            .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}

/// Publishes `case` as a typical case with the handler's `summary` and `solution`,
/// redacting them; `known_names` are names the shell knows for the case (the
/// enterprise's, its contact's) and redacts literally, with the credit code.
pub fn publish_typical(
    case: &CaseState,
    catalogue: &Catalogue,
    summary: &Summary,
    solution: &Solution,
    known_names: &[&str],
) -> Result<TypicalCase, PublishError> {
    if case.status != Status::Closed {
        return Err(PublishError::NotClosed);
    }
    let key = case.problem_key.clone().ok_or(PublishError::Untagged)?;
    // The case's own credit code, also where glued to other characters (which the
    // pattern, bounded by non-alphanumerics, would not see), in both cases.
    let own_upper = case.enterprise.as_str();
    let own_lower = own_upper.to_ascii_lowercase();
    let mut literals: Vec<(&str, &str)> = known_names.iter().map(|n| (*n, NAME_LABEL)).collect();
    literals.push((own_upper, CREDIT_CODE_LABEL));
    literals.push((&own_lower, CREDIT_CODE_LABEL));
    // A category since dropped from the catalogue keeps its code as its name.
    let (name_zh, name_en) = catalogue
        .category_by_code(&case.category)
        .map(|c| (c.name_zh.clone(), c.name_en.clone()))
        .unwrap_or_else(|| (case.category.to_string(), case.category.to_string()));
    Ok(TypicalCase {
        problem_key: key,
        category: case.category.clone(),
        category_name_zh: name_zh,
        category_name_en: name_en,
        kind: case.kind,
        summary: redact_with(summary.as_str(), &literals),
        solution: redact_with(solution.as_str(), &literals),
    })
}

/// A class of problems that enough closed cases share to publish a typical case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishSuggestion {
    /// The class of problem.
    pub problem_key: ProblemKey,
    /// The closed cases tagged with it, in id order.
    pub cases: Vec<CaseId>,
    /// Their categories.
    pub categories: BTreeSet<CategoryCode>,
}

/// The problem keys shared by at least `threshold` closed cases (the catalogue's
/// `typical_case_threshold`, default 3) and not yet in `published`; the most
/// frequent first, then by key.
pub fn publish_suggestions(
    cases: &[CaseSummary],
    threshold: u32,
    published: &BTreeSet<ProblemKey>,
) -> Vec<PublishSuggestion> {
    // A set of ids: a summary given twice is still one case.
    let mut by_key: BTreeMap<&ProblemKey, (BTreeSet<CaseId>, BTreeSet<CategoryCode>)> =
        BTreeMap::new();
    for case in cases.iter().filter(|c| c.status == Status::Closed) {
        if let Some(key) = &case.problem_key
            && !published.contains(key)
        {
            let entry = by_key.entry(key).or_default();
            entry.0.insert(case.id.clone());
            entry.1.insert(case.category.clone());
        }
    }
    let threshold = usize::try_from(threshold).unwrap_or(usize::MAX);
    let mut out: Vec<PublishSuggestion> = by_key
        .into_iter()
        .filter(|(_, (ids, _))| ids.len() >= threshold)
        .map(|(key, (ids, categories))| PublishSuggestion {
            problem_key: key.clone(),
            cases: ids.into_iter().collect(),
            categories,
        })
        .collect();
    // Stable sort: equal counts stay in key order from the map.
    out.sort_by_key(|s| std::cmp::Reverse(s.cases.len()));
    out
}
