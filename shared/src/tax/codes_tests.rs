//! The tax errors' `CODES` lists (the OpenAPI descriptions of the tax function name
//! them) hold every code a variant answers, and nothing twice.

use time::macros::date;

use super::*;

fn complete(list: &[&str], answered: &[&str]) {
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), list.len(), "a code listed twice in {list:?}");
    for code in answered {
        assert!(list.contains(code), "{code} is not in {list:?}");
    }
    for code in list {
        assert!(
            answered.contains(code),
            "{code} is listed but never answered"
        );
    }
}

#[test]
fn a_catalogue_version_or_policy_id_is_printable_ascii() {
    let policy = |id: &str| {
        format!(
            r#"{{"id": "{id}", "name_zh": "n", "group": "employment", "basis_zh": "b",
                "conditions": [{{"type": "small_micro", "is": true}}]}}"#
        )
    };
    let catalogue = |version: &str, id: &str| {
        PolicyCatalogue::from_json(&format!(
            r#"{{"version": "{version}", "policies": [{}]}}"#,
            policy(id)
        ))
    };
    assert!(catalogue("v-2026-01", "EMP-01").is_ok());
    // A NUL cannot be stored in PostgreSQL text: refused, never a storage failure.
    assert_eq!(
        catalogue("v\\u0000", "EMP-01").unwrap_err().code(),
        "POLICY_CATALOGUE_VERSION_INVALID"
    );
    assert_eq!(
        catalogue("v", "EMP 01").unwrap_err().code(),
        "POLICY_ID_INVALID"
    );
    assert_eq!(
        catalogue("v", &"E".repeat(65)).unwrap_err().code(),
        "POLICY_ID_INVALID"
    );
}

#[test]
fn the_tax_error_code_lists_are_complete() {
    let d = date!(2026 - 03 - 01);
    let id = IdNumber::parse("11010519491231002X").unwrap();
    let rule_sets = [
        RuleSetError::NoneInForce(d),
        RuleSetError::Malformed(String::new()),
        RuleSetError::OutOfRange { field: "x" },
        RuleSetError::NoVersion,
    ];
    complete(
        RuleSetError::CODES,
        &rule_sets.iter().map(RuleSetError::code).collect::<Vec<_>>(),
    );
    let mut assessment: Vec<AssessmentError> = vec![
        AssessmentError::UnitCodeEmpty,
        AssessmentError::PriceNotPositive { field: "x" },
        AssessmentError::NegativeAmount { field: "x" },
        AssessmentError::AmountTooLarge { field: "x" },
        AssessmentError::TaxDateBeforeContract {
            tax_date: d,
            contract_date: d,
        },
        AssessmentError::AcquisitionDateMissing,
        AssessmentError::AcquiredAfterTaxDate(d),
        AssessmentError::NonResidentialUnsupported,
        AssessmentError::RuleSetNotInForce {
            version: String::new(),
            tax_date: d,
        },
    ];
    assessment.extend(rule_sets.into_iter().map(AssessmentError::RuleSet));
    complete(
        AssessmentError::CODES,
        &assessment
            .iter()
            .map(AssessmentError::code)
            .collect::<Vec<_>>(),
    );
    let house = [
        HouseCountError::SpouseIsBuyer,
        HouseCountError::ChildIsParent(id.clone()),
        HouseCountError::ChildBornAfterContract(id.clone()),
        HouseCountError::NoSource,
        HouseCountError::RankMismatch { homes_owned: 1 },
        HouseCountError::PledgeNotByFamily(id),
    ];
    complete(
        HouseCountError::CODES,
        &house.iter().map(HouseCountError::code).collect::<Vec<_>>(),
    );
    let ids = [
        IdNumberError::WrongLength(3),
        IdNumberError::NotADigit { position: 1 },
        IdNumberError::BadCheckCharacter('a'),
        IdNumberError::InvalidBirthDate(String::new()),
        IdNumberError::CheckDigitMismatch {
            expected: '1',
            found: '2',
        },
    ];
    complete(
        IdNumberError::CODES,
        &ids.iter().map(IdNumberError::code).collect::<Vec<_>>(),
    );
    let refunds = [
        RefundError::PriceNotPositive { field: "x" },
        RefundError::NegativeIit,
        RefundError::RegionMalformed(String::new()),
    ];
    complete(
        RefundError::CODES,
        &refunds.iter().map(RefundError::code).collect::<Vec<_>>(),
    );
    let catalogue = [
        CatalogueError::Malformed(String::new()),
        CatalogueError::NoVersion,
        CatalogueError::VersionInvalid(String::new()),
        CatalogueError::EmptyId,
        CatalogueError::IdInvalid(String::new()),
        CatalogueError::DuplicateId(String::new()),
        CatalogueError::NoConditions(String::new()),
        CatalogueError::BadCondition {
            policy: String::new(),
            why: String::new(),
        },
    ];
    complete(
        CatalogueError::CODES,
        &catalogue
            .iter()
            .map(CatalogueError::code)
            .collect::<Vec<_>>(),
    );
    let dividend = [
        DividendError::PeriodReversed { from: d, until: d },
        DividendError::CreditCodeEmpty,
        DividendError::Overflow,
    ];
    complete(
        DividendError::CODES,
        &dividend.iter().map(DividendError::code).collect::<Vec<_>>(),
    );
    let areas = [
        AreaError::NotPositive(0),
        AreaError::Malformed(String::new()),
    ];
    complete(
        AreaError::CODES,
        &areas.iter().map(AreaError::code).collect::<Vec<_>>(),
    );
}
