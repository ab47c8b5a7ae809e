//! The body of POST Service Request (`application/x-www-form-urlencoded`), parsed
//! into a [`PostRequest`].
//!
//! Read as the spec reads it: an empty value is an absent one; `attribute[code]=v`
//! and `attribute[code][]=v` (a multivaluelist) add `v` to the answers for `code`;
//! `media_url` may repeat (FixMyStreet sends one per photo); any other field sent
//! twice with different values is refused; unknown fields (other clients'
//! extensions) are ignored. `api_key` must be present (403 otherwise), and whether it
//! is valid is for the caller to decide; so is `jurisdiction_id`.
//!
//! Location: the spec requires one of `lat`+`long`, `address_string`, `address_id`.
//! A complaint about a permit or a fee has no place, so the caller chooses with
//! [`LocationRule`]; whatever the rule, a half location (`lat` without `long`) or
//! coordinates out of range are refused, and several forms may be sent together (the
//! spec's own example sends `lat`, `long` and `address_string`).

use super::error::{InputError, echo};
use super::form::{Params, decode};
use super::ids::ServiceCode;
use super::request::Coordinates;

/// The largest body read, in bytes: a 4,000-character description of Chinese text
/// is 36,000 bytes once percent-encoded.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest `description` (the spec's limit) and attribute value, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// The longest value of any other field, in characters.
pub const MAX_FIELD_CHARS: usize = 1000;

/// The most parameters a body may have (repeated `media_url`s and attribute values
/// included).
pub const MAX_BODY_PARAMETERS: usize = 200;

/// Whether a POST must carry a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationRule {
    /// As the spec says: one of `lat`+`long`, `address_string`, `address_id`.
    Required,
    /// A location is optional (requests about things that have no place).
    Optional,
}

/// Where the request is about; any of the parts, possibly none (see [`LocationRule`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    /// `lat` and `long` (WGS84).
    pub coordinates: Option<Coordinates>,
    /// `address_string`: an address written by a person.
    pub address_string: Option<String>,
    /// `address_id`: an id in the jurisdiction's address register.
    pub address_id: Option<String>,
}

impl Location {
    /// Whether no part was given.
    pub fn is_empty(&self) -> bool {
        self.coordinates.is_none() && self.address_string.is_none() && self.address_id.is_none()
    }
}

/// The values given for one attribute (`attribute[code]`), in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeAnswer {
    /// The attribute's code as sent (checked against a definition by
    /// [`check_answers`](super::check_answers); unknown codes are ignored there).
    pub code: String,
    /// The non-empty values, at least one.
    pub values: Vec<String>,
}

/// A parsed POST Service Request.
#[derive(Debug, Clone, PartialEq)]
pub struct PostRequest {
    /// The caller's API key, to be checked by the caller.
    pub api_key: String,
    /// The jurisdiction, to be checked by the caller.
    pub jurisdiction_id: Option<String>,
    /// The request type.
    pub service_code: ServiceCode,
    /// Where the request is about.
    pub location: Location,
    /// The answers to the service definition's attributes, by code, in first-sent order.
    pub attributes: Vec<AttributeAnswer>,
    /// The submitter's e-mail address.
    pub email: Option<String>,
    /// The submitting device's id.
    pub device_id: Option<String>,
    /// The submitter's account id.
    pub account_id: Option<String>,
    /// The submitter's given name.
    pub first_name: Option<String>,
    /// The submitter's family name.
    pub last_name: Option<String>,
    /// The submitter's phone number.
    pub phone: Option<String>,
    /// The full description (up to 4,000 characters, line breaks allowed).
    pub description: Option<String>,
    /// The spec's `media_url`: URLs of media about the request, in order.
    pub media_url: Vec<String>,
}

/// Parses a POST Service Request body under `rule`.
pub fn parse_post_request(body: &[u8], rule: LocationRule) -> Result<PostRequest, InputError> {
    let params = Params::new(decode(body, MAX_BODY_BYTES, MAX_BODY_PARAMETERS)?);
    let line = |name: &'static str| -> Result<Option<String>, InputError> {
        params
            .single(name)?
            .map(|v| text(name, v, MAX_FIELD_CHARS, false))
            .transpose()
    };
    let api_key = line("api_key")?.ok_or(InputError::MissingApiKey)?;
    let service_code = match params.single("service_code")? {
        Some(code) => ServiceCode::parse(code)?,
        None => return Err(InputError::MissingServiceCode),
    };
    let coordinates = match (params.single("lat")?, params.single("long")?) {
        (Some(lat), Some(long)) => Some(Coordinates::parse(lat, long)?),
        (None, None) => None,
        _ => return Err(InputError::IncompleteCoordinates),
    };
    let location = Location {
        coordinates,
        address_string: line("address_string")?,
        address_id: line("address_id")?,
    };
    if rule == LocationRule::Required && location.is_empty() {
        return Err(InputError::MissingLocation);
    }
    let email = line("email")?;
    if let Some(email) = &email
        && !is_email(email)
    {
        return Err(InputError::InvalidEmail);
    }
    let description = params
        .single("description")?
        .map(|v| text("description", v, MAX_DESCRIPTION_CHARS, true))
        .transpose()?;
    Ok(PostRequest {
        api_key,
        jurisdiction_id: line("jurisdiction_id")?,
        service_code,
        location,
        attributes: attributes(&params)?,
        email,
        device_id: line("device_id")?,
        account_id: line("account_id")?,
        first_name: line("first_name")?,
        last_name: line("last_name")?,
        phone: line("phone")?,
        description,
        media_url: media_urls(&params)?,
    })
}

/// Checks a text field: at most `max` characters, no control characters except, in
/// a multi-line field, tab, LF and CR.
fn text(name: &str, value: &str, max: usize, multi_line: bool) -> Result<String, InputError> {
    if value.chars().count() > max {
        return Err(InputError::FieldTooLong {
            name: name.to_owned(),
            max,
        });
    }
    let allowed = |c: char| multi_line && matches!(c, '\t' | '\n' | '\r');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(InputError::ControlCharacter {
            name: name.to_owned(),
        });
    }
    Ok(value.to_owned())
}

/// A light shape check: one `@` with something on both sides, no spaces, at most
/// 254 characters (RFC 5321's path limit).
fn is_email(text: &str) -> bool {
    text.chars().count() <= 254
        && !text.contains(char::is_whitespace)
        && matches!(text.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

/// Every non-empty `media_url`: an http or https URL each.
fn media_urls(params: &Params) -> Result<Vec<String>, InputError> {
    params
        .all("media_url")
        .map(|url| {
            let url = text("media_url", url, MAX_FIELD_CHARS, false)?;
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if scheme_ok && !url.contains(' ') {
                Ok(url)
            } else {
                Err(InputError::InvalidMediaUrl)
            }
        })
        .collect()
}

/// The `attribute[code]` and `attribute[code][]` answers, grouped by code. How many
/// there can be is bounded by the body's parameter count.
fn attributes(params: &Params) -> Result<Vec<AttributeAnswer>, InputError> {
    let mut answers: Vec<AttributeAnswer> = Vec::new();
    for (key, value) in params.pairs() {
        let Some(rest) = key.strip_prefix("attribute[") else {
            continue;
        };
        let code = rest
            .strip_suffix("][]")
            .or_else(|| rest.strip_suffix(']'))
            .filter(|c| !c.is_empty() && !c.contains(['[', ']']))
            .ok_or_else(|| InputError::MalformedAttributeKey { key: echo(key) })?;
        if value.is_empty() {
            // "Nothing picked" for an optional list: the same as not sent.
            continue;
        }
        let value = text(
            &format!("attribute[{}]", echo(code)),
            value,
            MAX_DESCRIPTION_CHARS,
            true,
        )?;
        match answers.iter_mut().find(|a| a.code == code) {
            Some(answer) => answer.values.push(value),
            None => answers.push(AttributeAnswer {
                code: code.to_owned(),
                values: vec![value],
            }),
        }
    }
    Ok(answers)
}
