//! RFC 9457 problem details: the one shape every error answer takes.
//!
//! A boundary's error enum implements [`ApiError`] (status, stable code, title and
//! detail in zh-CN and English); [`Problem::from_error`] turns it into the JSON body
//! served as [`PROBLEM_CONTENT_TYPE`]. [`Lang`] picks the language from
//! `Accept-Language` (zh-CN unless English is preferred).
//!
//! [`RequestError`] holds the errors every HTTP handler shares (body limit, media
//! type, malformed JSON naming the field, 401/403/404/405/409/429/503/500), and
//! [`parse_json_body`] turns an untrusted body into a typed value or one of them.
//!
//! Nothing here logs, and no message carries a secret or an internal detail: the
//! texts are written for the caller, and the server-side cause stays with the shell.

mod body;
mod details;
mod lang;
mod request_error;
mod strict;

pub use body::{JSON_CONTENT_TYPE, parse_json_body};
pub use details::{
    ApiError, FieldError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, Problem, type_uri,
};
pub use lang::Lang;
pub use request_error::{AuthFailure, RequestError};
