//! What an agency publishes and whom it sends: its inspection items with their legal
//! basis, its annual cap of routine inspections per enterprise, its special campaigns
//! with their own quotas, and its officers with enforcement certificates. Agency
//! systems import these; the rules of scanning read them.

use super::error::RuleError;
use crate::security::Subject;
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest name or legal basis, in characters.
const MAX_TEXT: usize = 300;
/// Most items an agency publishes (a city agency's list runs to a few hundred).
pub const MAX_ITEMS: usize = 2_000;
/// Most campaigns on an agency's list.
pub const MAX_CAMPAIGNS: usize = 200;
/// The highest routine cap accepted: above it a "cap" caps nothing.
pub const MAX_ROUTINE_CAP: u32 = 12;

/// A published inspection item (检查事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionItem {
    /// The agency's code for it, e.g. `SC-FOOD-01`.
    pub code: String,
    /// Its name.
    pub name_zh: String,
    /// The law and article it rests on.
    pub legal_basis_zh: String,
}

/// A special campaign (专项检查): its own quota per enterprise, for its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Its id, e.g. `2026-fire-safety`.
    pub id: String,
    /// Its name.
    pub name_zh: String,
    /// Inspections per enterprise the campaign allows.
    pub quota_per_enterprise: u32,
    /// First day (China Standard Time).
    #[serde(with = "crate::calendar::iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub from: Date,
    /// Last day, inclusive.
    #[serde(with = "crate::calendar::iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub until: Date,
}

/// An agency's published rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRules {
    /// The agency's name.
    pub name_zh: String,
    /// Routine inspections a year per enterprise (e.g. 2); case-driven ones do not count.
    pub routine_cap_per_year: u32,
    /// Its published items.
    pub items: Vec<InspectionItem>,
    /// Its special campaigns.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
}

/// An officer with an enforcement certificate (执法证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// The officer's sign-in subject (the token's `sub`).
    #[schemars(with = "String", extend("pattern" = "^[A-Za-z0-9._:@-]{1,128}$"))]
    pub subject: Subject,
    /// The officer's name.
    pub name_zh: String,
    /// The certificate number.
    pub certificate_number: String,
    /// First day the certificate is valid.
    #[serde(with = "crate::calendar::iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub valid_from: Date,
    /// Last day it is valid.
    #[serde(with = "crate::calendar::iso_serde")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub valid_until: Date,
}

fn text(field: String, value: &str, max: usize) -> Result<(), RuleError> {
    let n = value.trim().chars().count();
    if n == 0 || n > max || value.chars().any(char::is_control) {
        return Err(RuleError::Field { field, max });
    }
    Ok(())
}

/// A code of letters, digits, `-`, `_` and `.`, 1–64 characters.
fn code(field: String, value: &str) -> Result<(), RuleError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(RuleError::Field { field, max: 64 })
    }
}

impl AgencyRules {
    /// Checks the rules as published: names, codes unique, caps and quotas sane,
    /// campaign dates in order. The error names the field (`/items/3/code`).
    pub fn check(&self) -> Result<(), RuleError> {
        text("/name_zh".into(), &self.name_zh, MAX_TEXT)?;
        if self.routine_cap_per_year > MAX_ROUTINE_CAP {
            return Err(RuleError::Field {
                field: "/routine_cap_per_year".into(),
                max: MAX_ROUTINE_CAP as usize,
            });
        }
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            return Err(RuleError::Field {
                field: "/items".into(),
                max: MAX_ITEMS,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for (i, item) in self.items.iter().enumerate() {
            code(format!("/items/{i}/code"), &item.code)?;
            text(format!("/items/{i}/name_zh"), &item.name_zh, MAX_TEXT)?;
            text(
                format!("/items/{i}/legal_basis_zh"),
                &item.legal_basis_zh,
                MAX_TEXT,
            )?;
            if !seen.insert(item.code.as_str()) {
                return Err(RuleError::Duplicate {
                    field: format!("/items/{i}/code"),
                });
            }
        }
        if self.campaigns.len() > MAX_CAMPAIGNS {
            return Err(RuleError::Field {
                field: "/campaigns".into(),
                max: MAX_CAMPAIGNS,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.campaigns.iter().enumerate() {
            code(format!("/campaigns/{i}/id"), &c.id)?;
            text(format!("/campaigns/{i}/name_zh"), &c.name_zh, MAX_TEXT)?;
            if c.quota_per_enterprise == 0 || c.quota_per_enterprise > MAX_ROUTINE_CAP {
                return Err(RuleError::Field {
                    field: format!("/campaigns/{i}/quota_per_enterprise"),
                    max: MAX_ROUTINE_CAP as usize,
                });
            }
            if c.until < c.from {
                return Err(RuleError::Field {
                    field: format!("/campaigns/{i}/until"),
                    max: 0,
                });
            }
            if !seen.insert(c.id.as_str()) {
                return Err(RuleError::Duplicate {
                    field: format!("/campaigns/{i}/id"),
                });
            }
        }
        Ok(())
    }

    /// The published item with this code.
    pub fn item(&self, code: &str) -> Option<&InspectionItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The campaign with this id.
    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id)
    }
}

impl Officer {
    /// Checks an imported officer; `at` prefixes the field (`/officers/2`).
    pub fn check(&self, at: &str) -> Result<(), RuleError> {
        text(format!("{at}/name_zh"), &self.name_zh, 50)?;
        code(format!("{at}/certificate_number"), &self.certificate_number)?;
        if self.valid_until < self.valid_from {
            return Err(RuleError::Field {
                field: format!("{at}/valid_until"),
                max: 0,
            });
        }
        Ok(())
    }

    /// Whether the certificate is valid on `day`.
    pub fn certified_on(&self, day: Date) -> bool {
        self.valid_from <= day && day <= self.valid_until
    }
}
