//! Who acts on a case: the enterprise that owns it, a staff member of a department,
//! the supervising office (营商环境办), or the system's scheduled sweep.
//!
//! The shell maps an authenticated principal to an [`Actor`]; the rules here decide
//! what that actor may read and do.

use serde::{Deserialize, Serialize};

use crate::security::credit_code::CreditCode;

use super::catalogue::Catalogue;
use super::codes::DepartmentCode;
use super::input_error::InputError;

/// An actor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// Someone acting for the enterprise with this credit code.
    Enterprise {
        /// The enterprise's unified social credit code.
        #[schemars(with = "super::codes::CreditCodeText")]
        credit_code: CreditCode,
    },
    /// A staff member of a handling department.
    Staff {
        /// The department.
        department: DepartmentCode,
    },
    /// A staff member of the supervising office (营商环境办), which runs the ledger,
    /// decides acceptance, assigns and supervises.
    Office,
    /// The scheduled sweep (it only applies rules that time has triggered).
    System,
}

/// The kind of an actor, for errors and the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// An enterprise.
    Enterprise,
    /// A department's staff.
    Staff,
    /// The supervising office.
    Office,
    /// The sweep.
    System,
}

impl Actor {
    /// The actor for a staff member of the department `code`: the supervising office
    /// if the catalogue says so, else a handling department (field `department`).
    pub fn staff(catalogue: &Catalogue, code: &str) -> Result<Actor, InputError> {
        let department = &catalogue.department(code, "department")?.code;
        Ok(if department == catalogue.supervising_office() {
            Actor::Office
        } else {
            Actor::Staff {
                department: department.clone(),
            }
        })
    }

    /// The kind of actor.
    pub fn kind(&self) -> ActorKind {
        match self {
            Actor::Enterprise { .. } => ActorKind::Enterprise,
            Actor::Staff { .. } => ActorKind::Staff,
            Actor::Office => ActorKind::Office,
            Actor::System => ActorKind::System,
        }
    }

    /// How the actor is written in an audit row: `enterprise:<credit code>`,
    /// `staff:<department>`, `office`, `system:complaints-sweep`.
    pub fn audit_label(&self) -> String {
        match self {
            Actor::Enterprise { credit_code } => format!("enterprise:{credit_code}"),
            Actor::Staff { department } => format!("staff:{department}"),
            Actor::Office => "office".to_owned(),
            Actor::System => "system:complaints-sweep".to_owned(),
        }
    }
}

impl ActorKind {
    /// The name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            ActorKind::Enterprise => "企业",
            ActorKind::Staff => "部门工作人员",
            ActorKind::Office => "营商环境办",
            ActorKind::System => "系统",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            ActorKind::Enterprise => "an enterprise",
            ActorKind::Staff => "department staff",
            ActorKind::Office => "the supervising office",
            ActorKind::System => "the system",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_of_the_supervising_office_act_as_the_office() {
        let catalogue = Catalogue::builtin().unwrap();
        assert_eq!(
            Actor::staff(&catalogue, "yingshang-office"),
            Ok(Actor::Office)
        );
        let tax = Actor::staff(&catalogue, "tax-bureau").unwrap();
        assert_eq!(tax.audit_label(), "staff:tax-bureau");
        assert_eq!(tax.kind(), ActorKind::Staff);
        let e = Actor::staff(&catalogue, "ministry-of-magic").unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_DEPARTMENT_UNKNOWN");
        assert_eq!(e.field(), "department");
    }

    #[test]
    fn actors_serialise_tagged() {
        let a = Actor::Enterprise {
            credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
        };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"type":"enterprise","credit_code":"91350100M000100Y43"}"#
        );
        assert_eq!(serde_json::from_str::<Actor>(&json).unwrap(), a);
        assert_eq!(a.audit_label(), "enterprise:91350100M000100Y43");
        assert_eq!(Actor::System.audit_label(), "system:complaints-sweep");
    }
}
