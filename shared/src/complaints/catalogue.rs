//! The category catalogue as data (`catalogue.json`): the categories an enterprise
//! files under (stable codes usable as Open311 `service_code`s, zh-CN and English
//! names, a group, the kind of problem, its deadlines in working days, the default
//! lead department), the departments (including the supervising office), and the
//! province-wide rules (log and decision deadlines, the typical-case threshold).
//!
//! Changing a deadline or adding a category is an edit of the JSON only. The file is
//! checked when loaded ([`Catalogue::from_json`]); the built-in one is checked by the
//! tests, so a typo fails the build's tests rather than a deadline.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::catalogue_error::CatalogueError;
use super::codes::{CategoryCode, DepartmentCode, is_slug};
use super::input_error::InputError;

/// The built-in catalogue.
const BUILTIN_JSON: &str = include_str!("catalogue.json");

/// The longest deadline a catalogue may set, in working days: three months of work.
/// A longer one is a typo (e.g. `300` for `30`), not a promise to an enterprise.
pub const MAX_RULE_WORKING_DAYS: u32 = 60;

/// The longest name a catalogue entry may have, in characters.
const MAX_NAME_CHARS: usize = 80;

/// The kind of problem a category holds, which decides how fast it must be answered.
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
pub enum ProblemKind {
    /// A question about a policy (政策咨询): respond fast, answer within days.
    PolicyQuestion,
    /// One enterprise's own problem (个性问题), e.g. answered within 15 working days.
    IndividualProblem,
    /// A problem many enterprises share (共性问题) whose fix is a rectification,
    /// e.g. within 30 working days.
    CommonProblem,
}

/// The province-wide rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// A case is logged within this many working days of receipt (豫政办〔2024〕67号: 1).
    pub log_within_working_days: u32,
    /// A case is accepted or refused within this many working days of receipt, else it
    /// counts as accepted (豫政办〔2024〕67号: 3).
    pub decide_within_working_days: u32,
    /// How many closed cases sharing a problem key suggest publishing a typical case.
    #[serde(default = "default_threshold")]
    pub typical_case_threshold: u32,
}

/// The typical-case threshold when the catalogue does not set one.
fn default_threshold() -> u32 {
    3
}

/// A group of categories, for the monthly analysis and the intake form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Stable code (a slug).
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
}

/// A department that handles or supervises cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Stable code.
    pub code: DepartmentCode,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
}

/// A category of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code, also the Open311 `service_code`.
    pub code: CategoryCode,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// The group's code.
    pub group: String,
    /// The kind of problem.
    pub kind: ProblemKind,
    /// A first response (contact made) within this many working days of receipt, if
    /// the category promises one (policy questions: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_within_working_days: Option<u32>,
    /// The answer (答复, "feed back") within this many working days of receipt.
    pub reply_within_working_days: u32,
    /// The department that leads unless the office assigns another.
    pub lead: DepartmentCode,
}

/// The deadlines a case promises, copied from the catalogue when it is filed, so that
/// a later catalogue change never moves a deadline already shown to an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeadlinePlan {
    /// Logged within this many working days of receipt.
    pub log: u32,
    /// Accepted or refused within this many working days of receipt.
    pub decide: u32,
    /// First response within this many working days of receipt, if promised.
    pub respond: Option<u32>,
    /// Answered within this many working days of receipt; after a reopening, answered
    /// again within as many working days of the reopening.
    pub reply: u32,
}

/// The checked catalogue. Deserialising one checks it too, so an unchecked
/// catalogue cannot exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCatalogue")]
pub struct Catalogue {
    /// The catalogue's version (its publication date).
    version: String,
    /// The supervising office's department code.
    supervising_office: DepartmentCode,
    /// The province-wide rules.
    rules: Rules,
    /// The groups, in display order.
    groups: Vec<Group>,
    /// The departments, in display order.
    departments: Vec<Department>,
    /// The categories, in display order.
    categories: Vec<Category>,
}

/// The catalogue as read, before its checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    version: String,
    supervising_office: DepartmentCode,
    rules: Rules,
    groups: Vec<Group>,
    departments: Vec<Department>,
    categories: Vec<Category>,
}

impl TryFrom<RawCatalogue> for Catalogue {
    type Error = CatalogueError;
    fn try_from(raw: RawCatalogue) -> Result<Catalogue, CatalogueError> {
        let catalogue = Catalogue {
            version: raw.version,
            supervising_office: raw.supervising_office,
            rules: raw.rules,
            groups: raw.groups,
            departments: raw.departments,
            categories: raw.categories,
        };
        catalogue.validate()?;
        Ok(catalogue)
    }
}

impl Catalogue {
    /// The catalogue built into the crate.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        Catalogue::from_json(BUILTIN_JSON)
    }

    /// Reads and checks a catalogue.
    pub fn from_json(text: &str) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue =
            serde_json::from_str(text).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        Catalogue::try_from(raw)
    }

    /// The catalogue's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The province-wide rules.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The groups, in display order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The departments, in display order.
    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// The categories, in display order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The supervising office's code.
    pub fn supervising_office(&self) -> &DepartmentCode {
        &self.supervising_office
    }

    /// The category a caller names (field `category`).
    pub fn category(&self, code: &str) -> Result<&Category, InputError> {
        self.categories
            .iter()
            .find(|c| c.code.as_str() == code)
            .ok_or_else(|| InputError::CategoryUnknown {
                field: "category".to_owned(),
            })
    }

    /// The category with this code, if the catalogue has it.
    pub fn category_by_code(&self, code: &CategoryCode) -> Option<&Category> {
        self.categories.iter().find(|c| &c.code == code)
    }

    /// The department a caller names, refused as unknown under `field`.
    pub fn department(&self, code: &str, field: &str) -> Result<&Department, InputError> {
        self.departments
            .iter()
            .find(|d| d.code.as_str() == code)
            .ok_or_else(|| InputError::DepartmentUnknown {
                field: field.to_owned(),
            })
    }

    /// The department with this code, if the catalogue has it.
    pub fn department_by_code(&self, code: &DepartmentCode) -> Option<&Department> {
        self.departments.iter().find(|d| &d.code == code)
    }

    /// The deadlines a case of `category` promises.
    pub fn plan(&self, category: &Category) -> DeadlinePlan {
        DeadlinePlan {
            log: self.rules.log_within_working_days,
            decide: self.rules.decide_within_working_days,
            respond: category.respond_within_working_days,
            reply: category.reply_within_working_days,
        }
    }

    /// Checks everything the types do not: unique codes, references that resolve,
    /// deadlines within bounds.
    fn validate(&self) -> Result<(), CatalogueError> {
        if self.version.trim().is_empty() {
            return Err(CatalogueError::NoVersion);
        }
        if self.categories.is_empty() {
            return Err(CatalogueError::NoCategories);
        }
        check_rules(&self.rules)?;
        let mut groups = BTreeSet::new();
        for g in &self.groups {
            check_entry("group", &g.code, &g.name_zh, &g.name_en)?;
            if !is_slug(&g.code) {
                return Err(CatalogueError::BadCode(g.code.clone()));
            }
            if !groups.insert(g.code.as_str()) {
                return Err(CatalogueError::DuplicateCode(g.code.clone()));
            }
        }
        let mut departments = BTreeSet::new();
        for d in &self.departments {
            check_entry("department", d.code.as_str(), &d.name_zh, &d.name_en)?;
            if !departments.insert(&d.code) {
                return Err(CatalogueError::DuplicateCode(d.code.to_string()));
            }
        }
        if !departments.contains(&self.supervising_office) {
            return Err(CatalogueError::UnknownOffice(
                self.supervising_office.to_string(),
            ));
        }
        let mut categories = BTreeSet::new();
        for c in &self.categories {
            let code = c.code.as_str();
            check_entry("category", code, &c.name_zh, &c.name_en)?;
            if !categories.insert(&c.code) {
                return Err(CatalogueError::DuplicateCode(code.to_owned()));
            }
            let bad = |why: &'static str| CatalogueError::BadCategory {
                category: code.to_owned(),
                why,
            };
            if !groups.contains(c.group.as_str()) {
                return Err(bad("its group is not in the catalogue"));
            }
            if !departments.contains(&c.lead) {
                return Err(bad("its lead department is not in the catalogue"));
            }
            if c.lead == self.supervising_office {
                return Err(bad("the supervising office cannot lead a category"));
            }
            if !(1..=MAX_RULE_WORKING_DAYS).contains(&c.reply_within_working_days) {
                return Err(bad("reply_within_working_days must be 1 to 60"));
            }
            if let Some(respond) = c.respond_within_working_days
                && !(1..=c.reply_within_working_days).contains(&respond)
            {
                return Err(bad(
                    "respond_within_working_days must be 1 to reply_within_working_days",
                ));
            }
        }
        Ok(())
    }
}

/// Checks the province-wide rules.
fn check_rules(rules: &Rules) -> Result<(), CatalogueError> {
    let bad = |why: &'static str| CatalogueError::BadRules(why);
    if !(1..=MAX_RULE_WORKING_DAYS).contains(&rules.log_within_working_days) {
        return Err(bad("log_within_working_days must be 1 to 60"));
    }
    if !(rules.log_within_working_days..=MAX_RULE_WORKING_DAYS)
        .contains(&rules.decide_within_working_days)
    {
        // Logging comes before the decision, so its deadline cannot be later.
        return Err(bad(
            "decide_within_working_days must be log_within_working_days to 60",
        ));
    }
    if !(2..=1000).contains(&rules.typical_case_threshold) {
        // One case is not yet "a group of similar cases".
        return Err(bad("typical_case_threshold must be 2 to 1000"));
    }
    Ok(())
}

/// Checks a code's names: present, short, without control characters.
fn check_entry(what: &'static str, code: &str, zh: &str, en: &str) -> Result<(), CatalogueError> {
    let ok = |name: &str| {
        !name.trim().is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.chars().any(char::is_control)
    };
    if ok(zh) && ok(en) {
        Ok(())
    } else {
        Err(CatalogueError::BadName {
            what,
            code: code.to_owned(),
        })
    }
}
