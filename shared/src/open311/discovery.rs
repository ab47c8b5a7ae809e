//! The service discovery document (<http://wiki.open311.org/Service_Discovery>),
//! served at `…/discovery.xml` and `…/discovery.json`: where the endpoints are, which
//! formats they speak, and a changeset that tells clients when to refresh the
//! catalogue they cache.

use time::{OffsetDateTime, UtcOffset};

use super::datetime::format_datetime;
use super::format::Format;
use super::spark::Node;

/// The `specification` token of a GeoReport v2 endpoint.
pub const GEOREPORT_V2: &str = "http://wiki.open311.org/GeoReport_v2";

/// Whether what an endpoint receives is acted upon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointType {
    /// Live: requests are handled.
    Production,
    /// For testing: nothing is acted upon.
    Test,
}

impl EndpointType {
    /// The spec's word: `production` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Production => "production",
            EndpointType::Test => "test",
        }
    }
}

/// One API endpoint, fields in the spec's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The specification it implements, e.g. [`GEOREPORT_V2`].
    pub specification: String,
    /// Its base URL (the one `/services.xml` is appended to).
    pub url: String,
    /// When it last changed (written in UTC, so that the text sorts as the time).
    pub changeset: OffsetDateTime,
    /// Production or test.
    pub r#type: EndpointType,
    /// The formats it answers in, written as MIME types.
    pub formats: Vec<Format>,
}

/// The discovery document; every field is required by the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// When the document, the service list or a definition last changed (in UTC).
    pub changeset: OffsetDateTime,
    /// How to reach the people who run the API.
    pub contact: String,
    /// How to get an API key.
    pub key_service: String,
    /// The endpoints.
    pub endpoints: Vec<Endpoint>,
}

/// A changeset: "sortable", so written in one offset (UTC) whatever it was given in
/// (as given only at the very ends of `time`'s range, where UTC does not exist).
fn changeset(at: OffsetDateTime) -> Node {
    let utc = at.checked_to_offset(UtcOffset::UTC).unwrap_or(at);
    Node::text(&format_datetime(utc))
}

impl Discovery {
    pub(crate) fn to_node(&self) -> Node {
        let endpoints = self
            .endpoints
            .iter()
            .map(|e| {
                Node::Record(vec![
                    ("specification", Node::text(&e.specification)),
                    ("url", Node::text(&e.url)),
                    ("changeset", changeset(e.changeset)),
                    ("type", Node::text(e.r#type.as_str())),
                    (
                        "formats",
                        Node::List(
                            "format",
                            e.formats
                                .iter()
                                .map(|f| Node::text(f.media_type()))
                                .collect(),
                        ),
                    ),
                ])
            })
            .collect();
        Node::Record(vec![
            ("changeset", changeset(self.changeset)),
            ("contact", Node::text(&self.contact)),
            ("key_service", Node::text(&self.key_service)),
            ("endpoints", Node::List("endpoint", endpoints)),
        ])
    }
}
