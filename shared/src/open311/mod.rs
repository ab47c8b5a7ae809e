//! Open311 GeoReport v2, as its specification writes it
//! (<http://wiki.open311.org/GeoReport_v2>, service discovery at
//! <http://wiki.open311.org/Service_Discovery>), so that an existing GeoReport v2
//! client — FixMyStreet, a city's app, a 311 dashboard — works unchanged against the
//! complaints service. Pure: the caller maps its cases and catalogue to these types,
//! reads the clock and does the I/O.
//!
//! Rooms:
//! - the documents: [`discovery`] ([`Discovery`]), [`service`] ([`Service`],
//!   [`ServiceDefinition`]), [`request`] ([`ServiceRequest`], [`Receipt`],
//!   [`TokenLookup`]), [`error`] ([`Open311Error`], and [`InputError`], what a caller
//!   can get wrong, with a stable code, zh-CN and English messages and the Open311
//!   numeric code);
//! - their two spellings: [`render`] (XML and JSON from one tree, by the Spark
//!   convention the spec prescribes), chosen by the path's extension ([`Format`]);
//! - what callers send: [`query`] (the filters of GET Service Requests and their
//!   window of time), [`post`] (a POST Service Request body), [`answers`] (its
//!   attributes against the service definition), all through [`form`] decoding;
//! - the pieces: [`ids`] (codes and ids safe in paths and lists), [`datetime`] (W3C
//!   date-times with a zone).
//!
//! Where the spec is loose, the choice made is written where it is made: absent
//! values are empty elements and `null` (the spec's examples); identifiers are
//! strings in JSON (the spec's examples print `001` bare, which is not JSON); an
//! empty parameter is an absent one (the spec's "Optional Arguments").

pub mod answers;
pub mod datetime;
pub mod discovery;
pub mod error;
pub mod form;
pub mod format;
pub mod ids;
pub mod post;
pub mod query;
pub mod render;
pub mod request;
pub mod service;
mod spark;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod post_tests;
#[cfg(test)]
mod query_tests;

pub use answers::check_answers;
pub use datetime::{DatetimeProblem, format_datetime, parse_datetime};
pub use discovery::{Discovery, Endpoint, EndpointType, GEOREPORT_V2};
pub use error::{InputError, Open311Error};
pub use format::Format;
pub use ids::{AttributeCode, RequestId, ServiceCode, Token};
pub use post::{AttributeAnswer, Location, LocationRule, PostRequest, parse_post_request};
pub use query::{
    MAX_RESULTS, RequestsQuery, Search, Selection, WINDOW_DAYS, Window, effective_window,
    parse_requests_query,
};
pub use render::{
    render_discovery, render_errors, render_receipt, render_requests, render_service_definition,
    render_services, render_token_lookup,
};
pub use request::{Coordinates, Receipt, ReceiptHandle, ServiceRequest, Status, TokenLookup};
pub use service::{
    Attribute, AttributeValue, Datatype, DefinitionError, Service, ServiceDefinition, ServiceType,
};
