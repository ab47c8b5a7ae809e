//! The identifiers GeoReport v2 puts in URL paths and comma-separated filters:
//! [`ServiceCode`] (`/services/[service_code].[format]`, `service_code=a,b`),
//! [`RequestId`] (`/requests/[service_request_id].[format]`, `service_request_id=a,b`),
//! [`Token`] (`/tokens/[token].[format]`) and [`AttributeCode`] (`attribute[code]=…`).
//!
//! The spec leaves their shape open ("should service IDs be numeric or not? Spec do not
//! say", FixMyStreet's notes). Ours are 1–64 characters, the first an ASCII letter or
//! digit, the rest ASCII letters, digits, `-`, `_`, `.` or `~`: RFC 3986 unreserved
//! characters, so a client can put one in a path or a query without escaping it, and
//! no comma, slash or bracket can split a list, a path or a form key. ULIDs fit.
//!
//! An identifier that fails to parse is a 400 in a query or a form; in a path
//! (`/requests/[id].json`) the caller answers 404 instead
//! ([`InputError::RequestNotFound`], [`InputError::UnknownServiceCode`]), since no
//! resource can have that name.

use std::fmt;

use super::error::{InputError, echo};

/// The longest identifier accepted, in characters (all ASCII, so also bytes).
pub const MAX_IDENTIFIER_CHARS: usize = 64;

/// Whether `text` has the shape every identifier here shares.
fn is_identifier(text: &str) -> bool {
    let b = text.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_IDENTIFIER_CHARS
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~'))
}

/// Declares an identifier newtype: parsed by [`is_identifier`], refused as
/// [`InputError::InvalidIdentifier`] naming the spec's field.
macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The spec's name for this identifier, used in errors.
            pub const FIELD: &'static str = $field;

            /// Parses an identifier: 1–64 unreserved ASCII characters, the first a
            /// letter or digit.
            pub fn parse(text: &str) -> Result<$name, InputError> {
                if is_identifier(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(InputError::InvalidIdentifier {
                        name: $field,
                        input: echo(text),
                    })
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

identifier!(
    /// A service type's `service_code`: the key of one entry of the catalogue.
    ServiceCode,
    "service_code"
);

identifier!(
    /// A `service_request_id`: the public id of one service request (a case).
    RequestId,
    "service_request_id"
);

identifier!(
    /// A `token` answered instead of an id by a `batch` service.
    Token,
    "token"
);

identifier!(
    /// The `code` of a service definition attribute, as posted in `attribute[code]`.
    AttributeCode,
    "code"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_identifiers_parse() {
        for good in [
            "001",
            "DMV66",
            "01JF3Z8K9Q4W5E6R7T8Y9U0I1O",
            "tax-policy_2.v~1",
            "a",
        ] {
            assert_eq!(ServiceCode::parse(good).unwrap().as_str(), good);
            assert_eq!(RequestId::parse(good).unwrap().to_string(), good);
        }
        let longest = "a".repeat(MAX_IDENTIFIER_CHARS);
        assert!(Token::parse(&longest).is_ok());
    }

    #[test]
    fn anything_that_could_split_a_path_list_or_key_is_refused() {
        let too_long = "a".repeat(MAX_IDENTIFIER_CHARS + 1);
        for bad in [
            "", "a,b", "a/b", "a b", "a[b]", "-a", ".a", "..", "a%2C", "a+b", "税务", "a\n",
            &too_long,
        ] {
            let e = RequestId::parse(bad).unwrap_err();
            assert_eq!(e.code(), "OPEN311_IDENTIFIER_INVALID", "{bad:?}");
            assert_eq!(e.status(), 400);
        }
        let e = ServiceCode::parse("a,b").unwrap_err();
        assert_eq!(
            e,
            InputError::InvalidIdentifier {
                name: "service_code",
                input: "a,b".to_owned()
            }
        );
        assert!(AttributeCode::parse("x]").is_err());
    }
}
