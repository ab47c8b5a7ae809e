//! OpenAPI 3.1 descriptions of the functions' APIs, built from the route tables.
//!
//! Each route of a function's table carries an [`Operation`]: who may call it, its
//! parameters, its body and answers (as the Rust types the handler reads and writes,
//! whose JSON Schemas `schemars` derives), the problem `code`s it can answer, and the
//! links to the operations that follow it. [`document`] turns a table into the
//! OpenAPI document the function serves at `GET <base>/openapi.json`, so the contract
//! cannot drift from the types; the problems every route of a kind can answer (the
//! credentials' refusals, the body's 400/413/415, 500) are added here, once.
//!
//! Pure: no I/O, tested natively (`tests.rs`).

mod document;
mod problems;
#[cfg(test)]
mod tests;

pub use document::{Info, document};
pub use problems::{AUTH_401, FORBIDDEN_403, JSON_BODY_400, problem_schema};

use crate::security::authz::Role;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// A JSON Schema of a Rust type, registered in `components/schemas` by the generator.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The [`SchemaFn`] of `T`: `schema::<AssessmentView>`.
pub fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Who may call an operation (the kit's guards enforce it; this describes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Anyone, without a credential.
    Public,
    /// A signed-in user with one of these roles (a bearer token).
    Users(&'static [Role]),
    /// An agency system whose API key holds this scope.
    Agency(&'static str),
    /// A user with one of these roles, or an agency key with this scope.
    UsersOrAgency(&'static [Role], &'static str),
    /// A registered device, by its request signature (`x-device-*` headers).
    Device,
    /// The payment channel, by its body signature.
    Channel,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// A `{name}` segment of the path (always required).
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its name (`unit_code`, `date`, `Idempotency-Key`).
    pub name: &'static str,
    /// Where it travels.
    pub location: In,
    /// Whether the operation refuses a request without it.
    pub required: bool,
    /// What it means, for people.
    pub description: &'static str,
    /// Its JSON Schema (`schema::<String>`, or a newtype's).
    pub schema: SchemaFn,
    /// A realistic value (a demo record's id), for people and for the contract tests.
    pub example: Option<&'static str>,
}

impl Param {
    /// A path parameter.
    pub const fn path(name: &'static str, description: &'static str, schema: SchemaFn) -> Param {
        Param {
            name,
            location: In::Path,
            required: true,
            description,
            schema,
            example: None,
        }
    }

    /// An optional query parameter.
    pub const fn query(name: &'static str, description: &'static str, schema: SchemaFn) -> Param {
        Param {
            name,
            location: In::Query,
            required: false,
            description,
            schema,
            example: None,
        }
    }

    /// The same parameter with an example value.
    pub const fn example(self, value: &'static str) -> Param {
        Param {
            example: Some(value),
            ..self
        }
    }
}

/// What travels in a request or an answer.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// Nothing.
    Empty,
    /// `application/json` of this schema.
    Json(SchemaFn),
    /// Bytes of this media type (`text/csv`, `image/png`, ...).
    Bytes(&'static str),
    /// Text of this media type with a pattern or description only (`text/plain`).
    Text(&'static str),
    /// This media type with this schema (a form, `application/x-www-form-urlencoded`;
    /// a JSON document served under its own media type).
    Typed(&'static str, SchemaFn),
    /// One of these, as the request chooses (an Open311 path's `.xml` or `.json`).
    Either(&'static [Content]),
}

/// One successful answer.
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    /// The status (2xx or 3xx).
    pub status: u16,
    /// What it means.
    pub description: &'static str,
    /// Its body.
    pub content: Content,
}

impl Reply {
    /// A JSON answer.
    pub const fn json(status: u16, description: &'static str, schema: SchemaFn) -> Reply {
        Reply {
            status,
            description,
            content: Content::Json(schema),
        }
    }
}

/// A link from an answer to the operation that follows it (OpenAPI `links`).
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The answer's status the link leaves from.
    pub status: u16,
    /// The link's name (`GetRun`).
    pub name: &'static str,
    /// The operation it leads to.
    pub operation_id: &'static str,
    /// `(parameter, runtime expression)`: `("id", "$response.body#/id")`.
    pub parameters: &'static [(&'static str, &'static str)],
}

/// A route's description.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The `operationId`: unique in the function, stable (links and clients name it).
    pub id: &'static str,
    /// One line, in English.
    pub summary: &'static str,
    /// The same line in Chinese, and anything a caller must know.
    pub description: &'static str,
    /// Who may call it.
    pub caller: Caller,
    /// Path, query and header parameters (`{name}` segments must all be here).
    pub params: &'static [Param],
    /// The request body.
    pub body: Content,
    /// An example request body (JSON text), for people and the contract tests.
    pub body_example: Option<&'static str>,
    /// Whether an `Idempotency-Key` header is honoured (a retried write answers once).
    pub idempotent: bool,
    /// The successful answers.
    pub replies: &'static [Reply],
    /// The problems this operation answers itself, `(status, codes)` (a code list is
    /// often an error type's `CODES`); the credentials' and the JSON body's are added
    /// by [`document`] from `caller` and `body`.
    pub problems: &'static [(u16, &'static [&'static str])],
    /// Whole problem tables of a part it stands on (`StorageError::PROBLEMS`).
    pub problem_tables: &'static [&'static [(u16, &'static [&'static str])]],
    /// Links to the operations that follow.
    pub links: &'static [Link],
}

impl Operation {
    /// A start for `Operation { id, summary, .., ..Operation::NEW }`: public, no
    /// parameters, no body, no answers (a route must add its own).
    pub const NEW: Operation = Operation {
        id: "",
        summary: "",
        description: "",
        caller: Caller::Public,
        params: &[],
        body: Content::Empty,
        body_example: None,
        idempotent: false,
        replies: &[],
        problems: &[],
        problem_tables: &[],
        links: &[],
    };
}

/// The JSON Schema of a type whose serde form is checked by hand (a newtype over a
/// string with its own `Deserialize`): `json_schema_of!(UnitCode, "UnitCode",
/// {"type": "string", "pattern": "…"})`. The schema must say what `Deserialize`
/// accepts, no more and no less.
macro_rules! json_schema_of {
    ($ty:ty, $name:expr, $($json:tt)+) => {
        impl ::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!($($json)+)
            }
        }
    };
}
pub(crate) use json_schema_of;
