//! The answer format, chosen the way the spec chooses it: by the extension of the
//! resource (`/services.xml`, `/requests/638344.json`), not by `Accept`.

use super::error::{InputError, echo};

/// The two formats GeoReport v2 defines. XML is the one the spec requires, so it is
/// the default (the format of an answer to a path whose format is unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `text/xml`, the required format.
    #[default]
    Xml,
    /// `application/json` (RFC 4627), optional in the spec; we serve it.
    Json,
}

impl Format {
    /// Splits a last path segment into the resource name and its format:
    /// `"requests.xml"` → `("requests", Xml)`, `"01JF3Z.json"` → `("01JF3Z", Json)`.
    ///
    /// The extension is what follows the last `.`, lower-case `xml` or `json`. A
    /// segment without one, with another one, or with nothing before it is
    /// [`InputError::UnknownFormat`] (404: there is no such resource).
    pub fn from_path_segment(segment: &str) -> Result<(&str, Format), InputError> {
        let unknown = || InputError::UnknownFormat {
            segment: echo(segment),
        };
        let (name, extension) = segment.rsplit_once('.').ok_or_else(unknown)?;
        if name.is_empty() {
            return Err(unknown());
        }
        match extension {
            "xml" => Ok((name, Format::Xml)),
            "json" => Ok((name, Format::Json)),
            _ => Err(unknown()),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Json => "json",
        }
    }

    /// The MIME type, as listed in a discovery document's `formats`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml",
            Format::Json => "application/json",
        }
    }

    /// The `Content-Type` header of an answer, as the spec writes it.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_chooses_the_format() {
        assert_eq!(
            Format::from_path_segment("requests.xml").unwrap(),
            ("requests", Format::Xml)
        );
        assert_eq!(
            Format::from_path_segment("requests.json").unwrap(),
            ("requests", Format::Json)
        );
        assert_eq!(
            Format::from_path_segment("033.json").unwrap(),
            ("033", Format::Json)
        );
        // Only the last dot separates the extension.
        assert_eq!(
            Format::from_path_segment("a.b.xml").unwrap(),
            ("a.b", Format::Xml)
        );
    }

    #[test]
    fn anything_else_is_not_found() {
        for bad in [
            "requests",
            "requests.",
            "requests.html",
            "requests.XML",
            "requests.rss",
            ".json",
            "",
            "requests.json ",
        ] {
            let e = Format::from_path_segment(bad).unwrap_err();
            assert_eq!(e.code(), "OPEN311_FORMAT_UNKNOWN", "{bad:?}");
            assert_eq!(e.status(), 404);
        }
    }

    #[test]
    fn types_as_the_spec_writes_them() {
        assert_eq!(Format::default(), Format::Xml);
        assert_eq!(Format::Xml.content_type(), "text/xml; charset=utf-8");
        assert_eq!(
            Format::Json.content_type(),
            "application/json; charset=utf-8"
        );
        assert_eq!(Format::Json.media_type(), "application/json");
        assert_eq!(Format::Xml.extension(), "xml");
    }
}
