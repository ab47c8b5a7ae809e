//! The rule that ties a POST to its service definition: every required attribute is
//! answered, and every answer is one its datatype allows.
//!
//! Answers to codes the definition does not have, or to attributes that are only
//! information (`variable` false), are ignored: clients send their own extras
//! (FixMyStreet sends `attribute[uprn]`, mySociety's endpoint lets such answers
//! through), and refusing them would break a client that works elsewhere.

use crate::calendar::IsoDate;

use super::datetime::parse_datetime;
use super::error::InputError;
use super::post::AttributeAnswer;
use super::service::{Attribute, Datatype, ServiceDefinition};

/// Checks `answers` against `definition`; every problem found, in the definition's
/// attribute order (the spec allows several errors in one answer).
pub fn check_answers(
    definition: &ServiceDefinition,
    answers: &[AttributeAnswer],
) -> Result<(), Vec<InputError>> {
    let mut attributes: Vec<&Attribute> = definition
        .attributes()
        .iter()
        .filter(|a| a.variable)
        .collect();
    attributes.sort_by_key(|a| a.order);
    let problems: Vec<InputError> = attributes
        .into_iter()
        .filter_map(|attribute| {
            let code = attribute.code.as_str();
            let values = answers
                .iter()
                .find(|a| a.code == code)
                .map_or(&[][..], |a| a.values.as_slice());
            check_one(attribute, values).err()
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Checks the values given for one attribute.
fn check_one(attribute: &Attribute, values: &[String]) -> Result<(), InputError> {
    let code = attribute.code.as_str().to_owned();
    if values.is_empty() {
        return if attribute.required {
            Err(InputError::MissingAttribute { code })
        } else {
            Ok(())
        };
    }
    let allowed = match &attribute.datatype {
        Datatype::MultiValueList(options) => {
            values.iter().all(|v| options.iter().any(|o| o.key == *v))
        }
        _ if values.len() > 1 => false,
        Datatype::SingleValueList(options) => options.iter().any(|o| o.key == values[0]),
        Datatype::String => !values[0].contains(['\n', '\r']),
        Datatype::Text => true,
        Datatype::Number => is_number(&values[0]),
        Datatype::Datetime => is_datetime(&values[0]),
    };
    if allowed {
        Ok(())
    } else {
        Err(InputError::InvalidAttributeValue { code })
    }
}

/// A plain decimal number: `-?d+(.d+)?`, no exponent, no `inf` or `NaN`.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

/// An ISO 8601 date-time as the spec writes them, or a date alone (`YYYY-MM-DD`,
/// what an HTML date input sends).
fn is_datetime(text: &str) -> bool {
    parse_datetime(text).is_ok() || IsoDate::parse(text).is_ok()
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;
    use crate::open311::{AttributeCode, AttributeValue, ServiceCode};

    fn attribute(code: &str, order: u32, datatype: Datatype, required: bool) -> Attribute {
        Attribute {
            variable: true,
            code: AttributeCode::parse(code).unwrap(),
            datatype,
            required,
            datatype_description: None,
            order: NonZeroU32::new(order).unwrap(),
            description: format!("{code}?"),
        }
    }

    fn options() -> Vec<AttributeValue> {
        ["123", "124"]
            .iter()
            .map(|k| AttributeValue {
                key: (*k).to_owned(),
                name: format!("option {k}"),
            })
            .collect()
    }

    fn definition() -> ServiceDefinition {
        let mut info = attribute("NOTE", 6, Datatype::Text, false);
        info.variable = false;
        ServiceDefinition::new(
            ServiceCode::parse("DMV66").unwrap(),
            vec![
                attribute("MAKE", 1, Datatype::SingleValueList(options()), true),
                attribute("MAKES", 2, Datatype::MultiValueList(options()), false),
                attribute("DEPTH", 3, Datatype::Number, false),
                attribute("WHEN", 4, Datatype::Datetime, false),
                attribute("PLATE", 5, Datatype::String, false),
                info,
            ],
        )
        .unwrap()
    }

    fn answer(code: &str, values: &[&str]) -> AttributeAnswer {
        AttributeAnswer {
            code: code.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn problems(answers: &[AttributeAnswer]) -> Vec<String> {
        match check_answers(&definition(), answers) {
            Ok(()) => vec![],
            Err(errors) => errors.iter().map(|e| e.message_en()).collect(),
        }
    }

    #[test]
    fn good_answers_pass_and_extras_are_ignored() {
        let answers = [
            answer("MAKE", &["123"]),
            answer("MAKES", &["123", "124"]),
            answer("DEPTH", &["-12.5"]),
            answer("WHEN", &["2026-12-03T10:15:00+08:00"]),
            answer("PLATE", &["豫A 12345"]),
            answer("uprn", &["anything"]),
            answer("NOTE", &["ignored: information only"]),
        ];
        assert_eq!(problems(&answers), Vec::<String>::new());
        assert_eq!(
            problems(&[answer("MAKE", &["124"]), answer("WHEN", &["2026-12-03"])]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn every_problem_is_reported_in_order() {
        let answers = [
            answer("MAKES", &["123", "999"]),
            answer("DEPTH", &["1e3"]),
            answer("WHEN", &["yesterday"]),
            answer("PLATE", &["two\nlines"]),
        ];
        assert_eq!(
            problems(&answers),
            vec![
                "attribute MAKE is required",
                "attribute MAKES has a value its definition does not allow",
                "attribute DEPTH has a value its definition does not allow",
                "attribute WHEN has a value its definition does not allow",
                "attribute PLATE has a value its definition does not allow",
            ]
        );
    }

    #[test]
    fn one_value_for_everything_but_a_multivaluelist() {
        let errors = check_answers(
            &definition(),
            &[
                answer("MAKE", &["123", "124"]),
                answer("DEPTH", &["1", "2"]),
            ],
        )
        .unwrap_err();
        let codes: Vec<&str> = errors.iter().map(InputError::code).collect();
        assert_eq!(codes, vec!["OPEN311_ATTRIBUTE_INVALID"; 2]);
        assert!(is_number("0") && is_number("-0.5") && !is_number("NaN") && !is_number(".5"));
    }
}
