//! The errors of the Open311 boundary: [`InputError`], what a GeoReport v2 caller
//! did wrong (or asked for that does not exist), and [`Open311Error`], the spec's
//! `<error><code/><description/></error>` item it becomes in an answer.
//!
//! Each variant has a stable machine `code`, messages in Chinese and English, and the
//! Open311 numeric code, which is also the HTTP status: the spec asks for 404 for a
//! resource that does not exist, 403 for a missing or wrong `api_key`, and 400 for
//! every other request that cannot be fulfilled.

use crate::problem::Lang;

use super::datetime::DatetimeProblem;

/// How much of a refused input an error keeps: enough to recognise it, bounded so
/// that an untrusted string is never echoed back at length.
pub(crate) const ECHO_CHARS: usize = 64;

/// A bounded prefix of an untrusted input, for an error message.
pub(crate) fn echo(input: &str) -> String {
    input.chars().take(ECHO_CHARS).collect()
}

/// One error item of an Open311 answer (`<errors><error>…</error></errors>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    /// The error code; here always the HTTP status the answer is sent with.
    pub code: u16,
    /// A description meant to be seen by the user.
    pub description: String,
}

/// A GeoReport v2 request that cannot be fulfilled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The last path segment does not end in `.xml` or `.json` (404: no such resource).
    #[error("unknown format in {segment:?}: use .xml or .json")]
    UnknownFormat {
        /// The path segment (bounded).
        segment: String,
    },
    /// The query string or form body is larger than accepted.
    #[error("the parameters are larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// More parameters than accepted.
    #[error("more than {limit} parameters")]
    TooManyParameters {
        /// The limit.
        limit: usize,
    },
    /// A `%` not followed by two hexadecimal digits.
    #[error("malformed percent-encoding")]
    BadPercentEncoding,
    /// The decoded bytes of a name or value are not UTF-8.
    #[error("parameters must be UTF-8")]
    NotUtf8,
    /// A single-valued parameter was sent more than once with different values.
    #[error("parameter {name} was sent more than once with different values")]
    RepeatedParameter {
        /// The parameter.
        name: String,
    },
    /// A POST without `api_key` (403).
    #[error("api_key is required")]
    MissingApiKey,
    /// The `api_key` is not one we accept (403); decided by the caller of this module.
    #[error("invalid api_key")]
    InvalidApiKey,
    /// `jurisdiction_id` is required by this endpoint and missing.
    #[error("jurisdiction_id is required")]
    MissingJurisdiction,
    /// `jurisdiction_id` names no jurisdiction served here (404).
    #[error("jurisdiction_id {jurisdiction_id:?} was not found")]
    UnknownJurisdiction {
        /// The value sent (bounded).
        jurisdiction_id: String,
    },
    /// A POST without `service_code`.
    #[error("service_code is required")]
    MissingServiceCode,
    /// No service has this code (404).
    #[error("service_code {service_code:?} was not found")]
    UnknownServiceCode {
        /// The code sent.
        service_code: String,
    },
    /// No service request has this id (404).
    #[error("service_request_id {service_request_id:?} was not found")]
    RequestNotFound {
        /// The id asked for.
        service_request_id: String,
    },
    /// An identifier that cannot be one of ours.
    #[error("{name} {input:?} is not a valid identifier")]
    InvalidIdentifier {
        /// The spec's field name.
        name: &'static str,
        /// The value sent (bounded).
        input: String,
    },
    /// A comma-separated list longer than accepted.
    #[error("{name} lists more than {max} values")]
    TooManyValues {
        /// The parameter.
        name: &'static str,
        /// The most values accepted.
        max: usize,
    },
    /// A `status` other than `open` or `closed`.
    #[error("status {input:?} is not open or closed")]
    InvalidStatus {
        /// The value sent (bounded).
        input: String,
    },
    /// A date-time parameter that is not a W3C date-time with a zone, or out of range.
    #[error("{name} is not a valid date-time ({problem:?})")]
    InvalidDatetime {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        problem: DatetimeProblem,
    },
    /// `end_date` lies before `start_date`.
    #[error("end_date is before start_date")]
    EndBeforeStart,
    /// `start_date` and `end_date` span more than the spec's 90 days.
    #[error("start_date and end_date span more than {days} days")]
    RangeTooLong {
        /// The longest span accepted, in days.
        days: i64,
    },
    /// No location: none of `lat`+`long`, `address_string`, `address_id`.
    #[error("a location is required: lat and long, address_string or address_id")]
    MissingLocation,
    /// Only one of `lat` and `long`.
    #[error("lat and long must be sent together")]
    IncompleteCoordinates,
    /// A `lat` or `long` that is not a WGS84 decimal degree in range.
    #[error("{name} is not a decimal degree in range")]
    InvalidCoordinate {
        /// `lat` or `long`.
        name: &'static str,
    },
    /// A text field longer than accepted.
    #[error("{name} is longer than {max} characters")]
    FieldTooLong {
        /// The field (an attribute's is `attribute[code]`).
        name: String,
        /// The most characters accepted.
        max: usize,
    },
    /// A control character in a field that does not accept it.
    #[error("{name} contains a control character")]
    ControlCharacter {
        /// The field.
        name: String,
    },
    /// An `email` that is not an address.
    #[error("email is not an e-mail address")]
    InvalidEmail,
    /// A `media_url` that is not an http(s) URL.
    #[error("media_url is not an http or https URL")]
    InvalidMediaUrl,
    /// A form key starting `attribute` that is not `attribute[code]` or `attribute[code][]`.
    #[error("{key:?} is not attribute[code] or attribute[code][]")]
    MalformedAttributeKey {
        /// The key sent (bounded).
        key: String,
    },
    /// A required attribute of the service definition is missing.
    #[error("attribute {code} is required")]
    MissingAttribute {
        /// The attribute's code.
        code: String,
    },
    /// An attribute value that its datatype or value list does not allow.
    #[error("attribute {code} has a value its definition does not allow")]
    InvalidAttributeValue {
        /// The attribute's code.
        code: String,
    },
}

impl InputError {
    /// Every code an [`InputError`] answers (for the OpenAPI descriptions).
    pub const CODES: &'static [&'static str] = &[
        "OPEN311_FORMAT_UNKNOWN",
        "OPEN311_PARAMETERS_TOO_LARGE",
        "OPEN311_TOO_MANY_PARAMETERS",
        "OPEN311_PERCENT_ENCODING_INVALID",
        "OPEN311_NOT_UTF8",
        "OPEN311_PARAMETER_REPEATED",
        "OPEN311_API_KEY_MISSING",
        "OPEN311_API_KEY_INVALID",
        "OPEN311_JURISDICTION_MISSING",
        "OPEN311_JURISDICTION_UNKNOWN",
        "OPEN311_SERVICE_CODE_MISSING",
        "OPEN311_SERVICE_CODE_UNKNOWN",
        "OPEN311_REQUEST_NOT_FOUND",
        "OPEN311_IDENTIFIER_INVALID",
        "OPEN311_TOO_MANY_VALUES",
        "OPEN311_STATUS_INVALID",
        "OPEN311_DATETIME_INVALID",
        "OPEN311_END_BEFORE_START",
        "OPEN311_RANGE_TOO_LONG",
        "OPEN311_LOCATION_MISSING",
        "OPEN311_COORDINATES_INCOMPLETE",
        "OPEN311_COORDINATE_INVALID",
        "OPEN311_FIELD_TOO_LONG",
        "OPEN311_CONTROL_CHARACTER",
        "OPEN311_EMAIL_INVALID",
        "OPEN311_MEDIA_URL_INVALID",
        "OPEN311_ATTRIBUTE_KEY_MALFORMED",
        "OPEN311_ATTRIBUTE_MISSING",
        "OPEN311_ATTRIBUTE_INVALID",
    ];

    /// The Open311 error code, which is also the HTTP status: 403, 404 or 400.
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingApiKey | Self::InvalidApiKey => 403,
            Self::UnknownFormat { .. }
            | Self::UnknownJurisdiction { .. }
            | Self::UnknownServiceCode { .. }
            | Self::RequestNotFound { .. } => 404,
            _ => 400,
        }
    }

    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownFormat { .. } => "OPEN311_FORMAT_UNKNOWN",
            Self::TooLarge { .. } => "OPEN311_PARAMETERS_TOO_LARGE",
            Self::TooManyParameters { .. } => "OPEN311_TOO_MANY_PARAMETERS",
            Self::BadPercentEncoding => "OPEN311_PERCENT_ENCODING_INVALID",
            Self::NotUtf8 => "OPEN311_NOT_UTF8",
            Self::RepeatedParameter { .. } => "OPEN311_PARAMETER_REPEATED",
            Self::MissingApiKey => "OPEN311_API_KEY_MISSING",
            Self::InvalidApiKey => "OPEN311_API_KEY_INVALID",
            Self::MissingJurisdiction => "OPEN311_JURISDICTION_MISSING",
            Self::UnknownJurisdiction { .. } => "OPEN311_JURISDICTION_UNKNOWN",
            Self::MissingServiceCode => "OPEN311_SERVICE_CODE_MISSING",
            Self::UnknownServiceCode { .. } => "OPEN311_SERVICE_CODE_UNKNOWN",
            Self::RequestNotFound { .. } => "OPEN311_REQUEST_NOT_FOUND",
            Self::InvalidIdentifier { .. } => "OPEN311_IDENTIFIER_INVALID",
            Self::TooManyValues { .. } => "OPEN311_TOO_MANY_VALUES",
            Self::InvalidStatus { .. } => "OPEN311_STATUS_INVALID",
            Self::InvalidDatetime { .. } => "OPEN311_DATETIME_INVALID",
            Self::EndBeforeStart => "OPEN311_END_BEFORE_START",
            Self::RangeTooLong { .. } => "OPEN311_RANGE_TOO_LONG",
            Self::MissingLocation => "OPEN311_LOCATION_MISSING",
            Self::IncompleteCoordinates => "OPEN311_COORDINATES_INCOMPLETE",
            Self::InvalidCoordinate { .. } => "OPEN311_COORDINATE_INVALID",
            Self::FieldTooLong { .. } => "OPEN311_FIELD_TOO_LONG",
            Self::ControlCharacter { .. } => "OPEN311_CONTROL_CHARACTER",
            Self::InvalidEmail => "OPEN311_EMAIL_INVALID",
            Self::InvalidMediaUrl => "OPEN311_MEDIA_URL_INVALID",
            Self::MalformedAttributeKey { .. } => "OPEN311_ATTRIBUTE_KEY_MALFORMED",
            Self::MissingAttribute { .. } => "OPEN311_ATTRIBUTE_MISSING",
            Self::InvalidAttributeValue { .. } => "OPEN311_ATTRIBUTE_INVALID",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::UnknownFormat { segment } => {
                format!("不支持的格式：{segment}，请以 .xml 或 .json 结尾")
            }
            Self::TooLarge { limit } => format!("参数总长度不能超过 {limit} 字节"),
            Self::TooManyParameters { limit } => format!("参数个数不能超过 {limit} 个"),
            Self::BadPercentEncoding => "参数的百分号编码不正确（% 后应为两位十六进制数）".into(),
            Self::NotUtf8 => "参数必须使用 UTF-8 编码".into(),
            Self::RepeatedParameter { name } => format!("参数 {name} 出现多次且取值不同"),
            Self::MissingApiKey => "缺少 api_key，无法提交诉求".into(),
            Self::InvalidApiKey => "api_key 无效，无法提交诉求".into(),
            Self::MissingJurisdiction => "缺少 jurisdiction_id".into(),
            Self::UnknownJurisdiction { jurisdiction_id } => {
                format!("未找到辖区 jurisdiction_id：{jurisdiction_id}")
            }
            Self::MissingServiceCode => "缺少 service_code（诉求类别）".into(),
            Self::UnknownServiceCode { service_code } => {
                format!("未找到诉求类别 service_code：{service_code}")
            }
            Self::RequestNotFound { service_request_id } => {
                format!("未找到诉求 service_request_id：{service_request_id}")
            }
            Self::InvalidIdentifier { name, input } => format!(
                "{name} 的值无效：{input}（应为 1 至 64 个字母、数字或 - _ . ~，以字母或数字开头）"
            ),
            Self::TooManyValues { name, max } => format!("{name} 最多列出 {max} 个值"),
            Self::InvalidStatus { input } => format!("status 只能是 open 或 closed：{input}"),
            Self::InvalidDatetime { name, problem } => match problem {
                DatetimeProblem::Malformed => {
                    format!("{name} 应为带时区的 W3C 日期时间，如 2026-12-03T10:15:00+08:00")
                }
                DatetimeProblem::NoSuchTime => format!("{name} 不是存在的日期时间"),
                DatetimeProblem::OutOfRange { year } => format!(
                    "{name} 的年份 {year} 超出可接受范围 {}–{}",
                    crate::calendar::MIN_YEAR,
                    crate::calendar::MAX_YEAR
                ),
            },
            Self::EndBeforeStart => "end_date 不能早于 start_date".into(),
            Self::RangeTooLong { days } => {
                format!("start_date 与 end_date 的间隔不能超过 {days} 天")
            }
            Self::MissingLocation => {
                "缺少位置：请提供 lat 和 long、address_string 或 address_id 之一".into()
            }
            Self::IncompleteCoordinates => "lat 和 long 必须同时提供".into(),
            Self::InvalidCoordinate { name } => {
                format!("{name} 应为范围内的 WGS84 十进制度数，如 34.7466")
            }
            Self::FieldTooLong { name, max } => format!("{name} 不能超过 {max} 个字符"),
            Self::ControlCharacter { name } => format!("{name} 含有不允许的控制字符"),
            Self::InvalidEmail => "email 不是有效的电子邮件地址".into(),
            Self::InvalidMediaUrl => "media_url 应为 http 或 https 网址".into(),
            Self::MalformedAttributeKey { key } => {
                format!("{key} 应为 attribute[代码] 或 attribute[代码][] 的形式")
            }
            Self::MissingAttribute { code } => format!("缺少必填项 attribute[{code}]"),
            Self::InvalidAttributeValue { code } => {
                format!("attribute[{code}] 的取值不符合该类别的定义")
            }
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::InvalidIdentifier { name, input } => format!(
                "{name} {input:?} is not valid: 1 to 64 letters, digits, - _ . or ~, \
                 starting with a letter or digit"
            ),
            Self::InvalidDatetime { name, problem } => match problem {
                DatetimeProblem::Malformed => format!(
                    "{name} must be a W3C date-time with a zone, e.g. 2026-12-03T10:15:00+08:00"
                ),
                DatetimeProblem::NoSuchTime => format!("{name} is not a date and time that exists"),
                DatetimeProblem::OutOfRange { year } => format!(
                    "{name}: the year {year} is outside the accepted range {}-{}",
                    crate::calendar::MIN_YEAR,
                    crate::calendar::MAX_YEAR
                ),
            },
            other => other.to_string(),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => self.message_zh(),
            Lang::En => self.message_en(),
        }
    }

    /// The spec's error item for this error, described in `lang`.
    pub fn to_open311(&self, lang: Lang) -> Open311Error {
        Open311Error {
            code: self.status(),
            description: self.message(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_spec() {
        assert_eq!(InputError::MissingApiKey.status(), 403);
        assert_eq!(InputError::InvalidApiKey.status(), 403);
        let not_found = InputError::RequestNotFound {
            service_request_id: "x".into(),
        };
        assert_eq!(not_found.status(), 404);
        assert_eq!(not_found.code(), "OPEN311_REQUEST_NOT_FOUND");
        let segment = InputError::UnknownFormat {
            segment: "requests.csv".into(),
        };
        assert_eq!(segment.status(), 404);
        assert_eq!(InputError::MissingServiceCode.status(), 400);
        assert_eq!(InputError::EndBeforeStart.status(), 400);
    }

    #[test]
    fn items_carry_the_status_and_the_message_in_the_language() {
        let e = InputError::InvalidDatetime {
            name: "start_date",
            problem: DatetimeProblem::OutOfRange { year: 9999 },
        };
        let zh = e.to_open311(Lang::ZhCn);
        assert_eq!(zh.code, 400);
        assert!(zh.description.contains("9999"), "{}", zh.description);
        assert!(zh.description.contains("年份"));
        let en = e.to_open311(Lang::En);
        assert!(
            en.description
                .contains("outside the accepted range 1900-2100")
        );
        assert_eq!(
            InputError::MissingApiKey.to_open311(Lang::En).description,
            "api_key is required"
        );
    }

    #[test]
    fn the_code_list_is_complete() {
        let s = || "x".to_owned();
        let all = [
            InputError::UnknownFormat { segment: s() },
            InputError::TooLarge { limit: 1 },
            InputError::TooManyParameters { limit: 1 },
            InputError::BadPercentEncoding,
            InputError::NotUtf8,
            InputError::RepeatedParameter { name: s() },
            InputError::MissingApiKey,
            InputError::InvalidApiKey,
            InputError::MissingJurisdiction,
            InputError::UnknownJurisdiction {
                jurisdiction_id: s(),
            },
            InputError::MissingServiceCode,
            InputError::UnknownServiceCode { service_code: s() },
            InputError::RequestNotFound {
                service_request_id: s(),
            },
            InputError::InvalidIdentifier {
                name: "x",
                input: s(),
            },
            InputError::TooManyValues { name: "x", max: 1 },
            InputError::InvalidStatus { input: s() },
            InputError::InvalidDatetime {
                name: "x",
                problem: DatetimeProblem::Malformed,
            },
            InputError::EndBeforeStart,
            InputError::RangeTooLong { days: 90 },
            InputError::MissingLocation,
            InputError::IncompleteCoordinates,
            InputError::InvalidCoordinate { name: "lat" },
            InputError::FieldTooLong { name: s(), max: 1 },
            InputError::ControlCharacter { name: s() },
            InputError::InvalidEmail,
            InputError::InvalidMediaUrl,
            InputError::MalformedAttributeKey { key: s() },
            InputError::MissingAttribute { code: s() },
            InputError::InvalidAttributeValue { code: s() },
        ];
        let mut answered: Vec<&str> = all.iter().map(InputError::code).collect();
        answered.sort_unstable();
        answered.dedup();
        let mut listed = InputError::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(listed.len(), InputError::CODES.len());
        assert_eq!(listed, answered);
    }

    #[test]
    fn echoes_are_bounded() {
        assert_eq!(echo(&"x".repeat(1000)).chars().count(), ECHO_CHARS);
        assert_eq!(echo("短"), "短");
    }
}
