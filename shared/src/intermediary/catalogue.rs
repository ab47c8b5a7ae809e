//! The item catalogue ("66 + N") as data: administrative-approval intermediary
//! services and others, each with the qualification types an agency must hold to bid.
//! The built-in list (`catalogue.json`) is illustrative; staff add items at run time,
//! checked by the same rules.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A qualification type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualificationType {
    /// Its code, e.g. `env-assessment`.
    pub code: String,
    /// Its name.
    pub name_zh: String,
}

/// An item of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable code, `AP-01` (approval) or `OT-01` (other).
    pub code: String,
    /// Name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// `approval` or `other`.
    pub kind: String,
    /// Qualification types an agency must hold, all of them.
    pub qualifications: Vec<String>,
}

/// The catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Its version.
    pub version: String,
    /// What it is (the built-in list is illustrative).
    pub note: String,
    /// The qualification types.
    pub qualification_types: Vec<QualificationType>,
    /// The items.
    pub items: Vec<Item>,
}

/// What is wrong with an item or the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The code is not `XX-nn`.
    #[error("item code {0:?} must be two capital letters, a hyphen and 2–3 digits")]
    Code(String),
    /// A name is empty, too long or has control characters.
    #[error("item {0} needs a name of 1–100 characters")]
    Name(String),
    /// Not `approval` or `other`.
    #[error("item {0}: kind must be approval or other")]
    Kind(String),
    /// No qualification, or one the catalogue does not know.
    #[error("item {0} needs known qualification types")]
    Qualifications(String),
    /// The code exists already.
    #[error("item {0} exists already")]
    Exists(String),
    /// The built-in data does not parse.
    #[error("the catalogue does not parse: {0}")]
    Parse(String),
}

impl CatalogueError {
    /// Every code [`CatalogueError::code`] answers.
    pub const CODES: &'static [&'static str] = &[
        "INTERMEDIARY_ITEM_CODE_INVALID",
        "INTERMEDIARY_ITEM_NAME_INVALID",
        "INTERMEDIARY_ITEM_KIND_INVALID",
        "INTERMEDIARY_ITEM_QUALIFICATIONS_INVALID",
        "INTERMEDIARY_ITEM_EXISTS",
        "INTERMEDIARY_CATALOGUE_INVALID",
    ];

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogueError::Code(_) => "INTERMEDIARY_ITEM_CODE_INVALID",
            CatalogueError::Name(_) => "INTERMEDIARY_ITEM_NAME_INVALID",
            CatalogueError::Kind(_) => "INTERMEDIARY_ITEM_KIND_INVALID",
            CatalogueError::Qualifications(_) => "INTERMEDIARY_ITEM_QUALIFICATIONS_INVALID",
            CatalogueError::Exists(_) => "INTERMEDIARY_ITEM_EXISTS",
            CatalogueError::Parse(_) => "INTERMEDIARY_CATALOGUE_INVALID",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CatalogueError::Code(c) => {
                format!("事项编码 {c} 须为两个大写字母、连字符和 2–3 位数字，如 AP-21。")
            }
            CatalogueError::Name(c) => format!("事项 {c} 的名称须为 1–100 字。"),
            CatalogueError::Kind(c) => format!("事项 {c} 的类别须为 approval 或 other。"),
            CatalogueError::Qualifications(c) => format!("事项 {c} 须列明清单中已有的资质类型。"),
            CatalogueError::Exists(c) => format!("事项 {c} 已存在。"),
            CatalogueError::Parse(e) => format!("事项清单无法解析：{e}"),
        }
    }
}

fn name_ok(t: &str) -> bool {
    let n = t.trim().chars().count();
    n > 0 && n <= 100 && !t.chars().any(char::is_control)
}

fn code_ok(c: &str) -> bool {
    let b = c.as_bytes();
    (5..=6).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2] == b'-'
        && b[3..].iter().all(u8::is_ascii_digit)
}

impl Catalogue {
    /// The built-in catalogue.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        let c: Catalogue = serde_json::from_str(include_str!("catalogue.json"))
            .map_err(|e| CatalogueError::Parse(e.to_string()))?;
        let mut seen = BTreeSet::new();
        for item in &c.items {
            c.check(item)?;
            if !seen.insert(item.code.as_str()) {
                return Err(CatalogueError::Exists(item.code.clone()));
            }
        }
        Ok(c)
    }

    /// Checks an item against the catalogue's qualification types.
    pub fn check(&self, item: &Item) -> Result<(), CatalogueError> {
        if !code_ok(&item.code) {
            return Err(CatalogueError::Code(item.code.clone()));
        }
        if !name_ok(&item.name_zh) || !name_ok(&item.name_en) {
            return Err(CatalogueError::Name(item.code.clone()));
        }
        if item.kind != "approval" && item.kind != "other" {
            return Err(CatalogueError::Kind(item.code.clone()));
        }
        let known = !item.qualifications.is_empty()
            && item.qualifications.len() <= 10
            && item
                .qualifications
                .iter()
                .all(|q| self.has_qualification(q));
        if !known {
            return Err(CatalogueError::Qualifications(item.code.clone()));
        }
        Ok(())
    }

    /// Adds a staff item: checked, and its code new.
    pub fn add(&mut self, item: Item) -> Result<(), CatalogueError> {
        self.check(&item)?;
        if self.item(&item.code).is_some() {
            return Err(CatalogueError::Exists(item.code));
        }
        self.items.push(item);
        Ok(())
    }

    /// The item with this code.
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    /// Whether the qualification type exists.
    pub fn has_qualification(&self, code: &str) -> bool {
        self.qualification_types.iter().any(|q| q.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, quals: &[&str]) -> Item {
        Item {
            code: code.into(),
            name_zh: "测试事项".into(),
            name_en: "Test item".into(),
            kind: "other".into(),
            qualifications: quals.iter().map(|q| (*q).to_owned()).collect(),
        }
    }

    #[test]
    fn the_builtin_catalogue_checks_and_lists_approval_and_other_items() {
        let c = Catalogue::builtin().unwrap();
        assert!(c.items.iter().filter(|i| i.kind == "approval").count() >= 20);
        assert!(c.items.iter().any(|i| i.kind == "other"));
        assert_eq!(c.item("AP-01").unwrap().qualifications, ["env-assessment"]);
        assert!(c.note.contains("illustrative"));
    }

    #[test]
    fn staff_items_are_checked_and_new() {
        let mut c = Catalogue::builtin().unwrap();
        assert_eq!(c.add(item("OT-03", &["cost-consulting"])), Ok(()));
        assert_eq!(
            c.add(item("OT-03", &["cost-consulting"])),
            Err(CatalogueError::Exists("OT-03".into()))
        );
        assert_eq!(
            c.add(item("ot-4", &["cost-consulting"]))
                .unwrap_err()
                .code(),
            "INTERMEDIARY_ITEM_CODE_INVALID"
        );
        assert_eq!(
            c.add(item("OT-05", &["astrology"])).unwrap_err().code(),
            "INTERMEDIARY_ITEM_QUALIFICATIONS_INVALID"
        );
        assert_eq!(
            c.add(item("OT-06", &[])).unwrap_err().code(),
            "INTERMEDIARY_ITEM_QUALIFICATIONS_INVALID"
        );
        let mut bad = item("OT-07", &["planning"]);
        bad.kind = "misc".into();
        assert_eq!(
            c.add(bad).unwrap_err().code(),
            "INTERMEDIARY_ITEM_KIND_INVALID"
        );
        assert!(
            CatalogueError::Exists("X".into())
                .message_zh()
                .contains("已存在")
        );
    }
}
