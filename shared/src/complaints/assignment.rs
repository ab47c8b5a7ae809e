//! Assigning a case: one lead department and N co-handlers ("1+N"), and the target
//! of a transfer. Built only against the catalogue, so an assignment that names an
//! unknown department, or the supervising office as a handler, cannot exist.

use std::collections::BTreeSet;

use serde::Serialize;

use super::catalogue::Catalogue;
use super::codes::DepartmentCode;
use super::input_error::InputError;
use super::input_problem::InputErrors;

/// The most co-handling departments one case may have: more is no longer "linkage"
/// but a case nobody owns.
pub const MAX_CO_HANDLERS: usize = 8;

/// A department that may handle cases (in the catalogue, not the supervising office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignee(DepartmentCode);

impl Assignee {
    /// The handling department named by `code`, refused under `field`.
    pub fn parse(catalogue: &Catalogue, code: &str, field: &str) -> Result<Assignee, InputError> {
        let department = &catalogue.department(code, field)?.code;
        if department == catalogue.supervising_office() {
            return Err(InputError::NotHandlingDepartment {
                field: field.to_owned(),
            });
        }
        Ok(Assignee(department.clone()))
    }

    /// The department's code.
    pub fn code(&self) -> &DepartmentCode {
        &self.0
    }
}

/// A lead department and its co-handlers, all distinct handling departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    lead: DepartmentCode,
    co_handlers: BTreeSet<DepartmentCode>,
}

impl Assignment {
    /// Parses an assignment (fields `lead` and `co_handlers/<i>`), reporting every
    /// refused field.
    pub fn parse(
        catalogue: &Catalogue,
        lead: &str,
        co_handlers: &[&str],
    ) -> Result<Assignment, InputErrors> {
        let mut errors = Vec::new();
        if co_handlers.len() > MAX_CO_HANDLERS {
            errors.push(InputError::TooManyCoHandlers {
                field: "co_handlers".to_owned(),
                max: MAX_CO_HANDLERS,
            });
        }
        let lead = Assignee::parse(catalogue, lead, "lead")
            .map_err(|e| errors.push(e))
            .ok();
        let mut co = BTreeSet::new();
        for (i, code) in co_handlers.iter().enumerate() {
            let field = format!("co_handlers/{i}");
            match Assignee::parse(catalogue, code, &field) {
                Ok(a) if lead.as_ref() == Some(&a) || !co.insert(a.0.clone()) => {
                    errors.push(InputError::DepartmentRepeated { field });
                }
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        match lead {
            Some(lead) if errors.is_empty() => Ok(Assignment {
                lead: lead.0,
                co_handlers: co,
            }),
            _ => Err(InputErrors(errors)),
        }
    }

    /// The lead department.
    pub fn lead(&self) -> &DepartmentCode {
        &self.lead
    }

    /// The co-handling departments.
    pub fn co_handlers(&self) -> &BTreeSet<DepartmentCode> {
        &self.co_handlers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lead_and_distinct_co_handlers() {
        let c = Catalogue::builtin().unwrap();
        let a = Assignment::parse(&c, "tax-bureau", &["market-regulation", "industry-it"]).unwrap();
        assert_eq!(a.lead().as_str(), "tax-bureau");
        let co: Vec<_> = a.co_handlers().iter().map(|d| d.as_str()).collect();
        assert_eq!(co, ["industry-it", "market-regulation"]);
        assert!(Assignment::parse(&c, "tax-bureau", &[]).is_ok());
    }

    #[test]
    fn every_wrong_department_is_named() {
        let c = Catalogue::builtin().unwrap();
        let InputErrors(errors) = Assignment::parse(
            &c,
            "yingshang-office",
            &["tax-bureau", "nowhere", "tax-bureau"],
        )
        .unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.code(), e.field())).collect();
        assert_eq!(
            got,
            [
                ("COMPLAINTS_DEPARTMENT_NOT_HANDLING", "lead"),
                ("COMPLAINTS_DEPARTMENT_UNKNOWN", "co_handlers/1"),
                ("COMPLAINTS_DEPARTMENT_REPEATED", "co_handlers/2"),
            ]
        );
        let InputErrors(errors) = Assignment::parse(&c, "tax-bureau", &["tax-bureau"]).unwrap_err();
        assert_eq!(errors[0].code(), "COMPLAINTS_DEPARTMENT_REPEATED");
        let nine = ["market-regulation"; MAX_CO_HANDLERS + 1];
        let InputErrors(errors) = Assignment::parse(&c, "tax-bureau", &nine).unwrap_err();
        assert_eq!(errors[0].code(), "COMPLAINTS_CO_HANDLERS_TOO_MANY");
    }

    #[test]
    fn an_assignee_is_a_handling_department() {
        let c = Catalogue::builtin().unwrap();
        assert!(Assignee::parse(&c, "justice-bureau", "to").is_ok());
        let e = Assignee::parse(&c, "yingshang-office", "to").unwrap_err();
        assert_eq!(e.field(), "to");
        assert_eq!(e.code(), "COMPLAINTS_DEPARTMENT_NOT_HANDLING");
    }
}
