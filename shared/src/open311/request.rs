//! Service requests as GeoReport v2 shows them: a [`ServiceRequest`] (GET Service
//! Requests, GET Service Request), the [`Receipt`] of POST Service Request, and the
//! [`TokenLookup`] of GET service_request_id from a token.
//!
//! These answers need no API key: anyone may read them. What the complaints function
//! puts in `description`, `status_notes` or `address` is public — never a
//! complainant's name, phone or e-mail (the spec has no field for them here).

use time::OffsetDateTime;

use super::datetime::format_datetime;
use super::error::{InputError, echo};
use super::ids::{RequestId, ServiceCode, Token};
use super::spark::Node;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// It has been reported.
    Open,
    /// It has been resolved.
    Closed,
}

impl Status {
    /// The spec's word: `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    /// Parses exactly `open` or `closed`.
    pub fn parse(text: &str) -> Result<Status, InputError> {
        match text {
            "open" => Ok(Status::Open),
            "closed" => Ok(Status::Closed),
            _ => Err(InputError::InvalidStatus { input: echo(text) }),
        }
    }
}

/// A WGS84 position: latitude in [-90, 90], longitude in [-180, 180], both finite.
///
/// WGS84, as the spec says — not the GCJ-02 that map SDKs in mainland China return;
/// whoever maps a position in must convert it first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    lat: f64,
    long: f64,
}

impl Coordinates {
    /// A position from numbers; `None` when one is out of range or not finite.
    pub fn new(lat: f64, long: f64) -> Option<Coordinates> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&long))
            .then_some(Coordinates { lat, long })
    }

    /// Parses the `lat` and `long` parameters: plain decimals (`-122.4212043`; no
    /// exponent, `inf` or `NaN`, at most 3 integer and 15 fraction digits) in range.
    pub fn parse(lat: &str, long: &str) -> Result<Coordinates, InputError> {
        let lat_value = decimal(lat).ok_or(InputError::InvalidCoordinate { name: "lat" })?;
        let long_value = decimal(long).ok_or(InputError::InvalidCoordinate { name: "long" })?;
        if !(-90.0..=90.0).contains(&lat_value) {
            return Err(InputError::InvalidCoordinate { name: "lat" });
        }
        Coordinates::new(lat_value, long_value)
            .ok_or(InputError::InvalidCoordinate { name: "long" })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn long(self) -> f64 {
        self.long
    }
}

/// A plain decimal `-?d{1,3}(.d{1,15})?`, as an `f64`.
fn decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(int, 3) && digits(frac, 15)) {
        return None;
    }
    text.parse().ok()
}

/// One request of GET Service Requests, fields in the spec's order. `None` is
/// written as the spec's examples write an absent value: an empty element, `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    /// Its public id.
    pub service_request_id: RequestId,
    /// Open or closed.
    pub status: Status,
    /// Why the status is what it is, in more detail.
    pub status_notes: Option<String>,
    /// The name of its request type.
    pub service_name: String,
    /// The code of its request type.
    pub service_code: ServiceCode,
    /// The description of the problem (public: see the module documentation).
    pub description: Option<String>,
    /// The agency that handles it.
    pub agency_responsible: Option<String>,
    /// What will be done about it.
    pub service_notice: Option<String>,
    /// When it was made.
    pub requested_datetime: OffsetDateTime,
    /// When it last changed; for a closed request, when it was closed.
    pub updated_datetime: OffsetDateTime,
    /// When it is expected to be fulfilled (e.g. a working-day deadline).
    pub expected_datetime: Option<OffsetDateTime>,
    /// A human-readable address, most specific part first.
    pub address: Option<String>,
    /// The address's id in the jurisdiction's address register.
    pub address_id: Option<String>,
    /// The postal code.
    pub zipcode: Option<String>,
    /// Where it is (`lat` and `long`).
    pub coordinates: Option<Coordinates>,
    /// A URL of media about it.
    pub media_url: Option<String>,
}

impl ServiceRequest {
    pub(crate) fn to_node(&self) -> Node {
        let time = |t: OffsetDateTime| Node::text(&format_datetime(t));
        let (lat, long) = match self.coordinates {
            Some(c) => (Node::Float(c.lat), Node::Float(c.long)),
            None => (Node::Empty, Node::Empty),
        };
        Node::Record(vec![
            (
                "service_request_id",
                Node::text(self.service_request_id.as_str()),
            ),
            ("status", Node::text(self.status.as_str())),
            ("status_notes", Node::opt_text(self.status_notes.as_deref())),
            ("service_name", Node::text(&self.service_name)),
            ("service_code", Node::text(self.service_code.as_str())),
            ("description", Node::opt_text(self.description.as_deref())),
            (
                "agency_responsible",
                Node::opt_text(self.agency_responsible.as_deref()),
            ),
            (
                "service_notice",
                Node::opt_text(self.service_notice.as_deref()),
            ),
            ("requested_datetime", time(self.requested_datetime)),
            ("updated_datetime", time(self.updated_datetime)),
            (
                "expected_datetime",
                self.expected_datetime.map_or(Node::Empty, time),
            ),
            ("address", Node::opt_text(self.address.as_deref())),
            ("address_id", Node::opt_text(self.address_id.as_deref())),
            ("zipcode", Node::opt_text(self.zipcode.as_deref())),
            ("lat", lat),
            ("long", long),
            ("media_url", Node::opt_text(self.media_url.as_deref())),
        ])
    }
}

/// What identifies a posted request in the [`Receipt`], by the service's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptHandle {
    /// `realtime`: the new request's id.
    ServiceRequestId(RequestId),
    /// `batch`: a token to exchange later for the id.
    Token(Token),
    /// `blackbox`: nothing.
    None,
}

/// The answer to POST Service Request. The spec returns `service_request_id` or
/// `token`, never both; `service_notice` and `account_id` "may not be returned" and
/// are written empty when absent, as in the spec's example (`<account_id/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The id, the token, or nothing.
    pub handle: ReceiptHandle,
    /// What will be done about the request.
    pub service_notice: Option<String>,
    /// The submitter's account id.
    pub account_id: Option<String>,
}

impl Receipt {
    pub(crate) fn to_node(&self) -> Node {
        let mut fields = Vec::with_capacity(3);
        match &self.handle {
            ReceiptHandle::ServiceRequestId(id) => {
                fields.push(("service_request_id", Node::text(id.as_str())));
            }
            ReceiptHandle::Token(token) => fields.push(("token", Node::text(token.as_str()))),
            ReceiptHandle::None => {}
        }
        fields.push((
            "service_notice",
            Node::opt_text(self.service_notice.as_deref()),
        ));
        fields.push(("account_id", Node::opt_text(self.account_id.as_deref())));
        Node::Record(fields)
    }
}

/// The answer to GET service_request_id from a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLookup {
    /// The request's id; `None` while it has not been created yet.
    pub service_request_id: Option<RequestId>,
    /// The token asked about.
    pub token: Token,
}

impl TokenLookup {
    pub(crate) fn to_node(&self) -> Node {
        Node::Record(vec![
            (
                "service_request_id",
                Node::opt_text(self.service_request_id.as_ref().map(RequestId::as_str)),
            ),
            ("token", Node::text(self.token.as_str())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_specs_two_words() {
        assert_eq!(Status::parse("open"), Ok(Status::Open));
        assert_eq!(Status::parse("closed").unwrap().as_str(), "closed");
        for bad in ["Open", "CLOSED", "pending", "", " open"] {
            assert_eq!(
                Status::parse(bad).unwrap_err().code(),
                "OPEN311_STATUS_INVALID"
            );
        }
    }

    #[test]
    fn coordinates_are_plain_decimals_in_range() {
        let c = Coordinates::parse("37.76524078", "-122.4212043").unwrap();
        assert_eq!((c.lat(), c.long()), (37.76524078, -122.4212043));
        assert!(Coordinates::parse("90", "180").is_ok());
        assert!(Coordinates::parse("-90.0", "-180.000").is_ok());
        let lat = Err(InputError::InvalidCoordinate { name: "lat" });
        let long = Err(InputError::InvalidCoordinate { name: "long" });
        for bad in [
            "180.0001", "NaN", "inf", "1e2", "+1", "", ".5", "5.", "1,5", "0x1",
        ] {
            assert_eq!(Coordinates::parse(bad, "0"), lat, "{bad}");
            assert_eq!(Coordinates::parse("0", bad), long, "{bad}");
        }
        assert_eq!(Coordinates::parse("0", "180.5"), long);
        assert_eq!(Coordinates::parse("90.0001", "0"), lat);
        assert_eq!(Coordinates::parse("1234", "0"), lat);
        assert_eq!(Coordinates::parse("1.1234567890123456", "0"), lat);
        assert_eq!(Coordinates::new(f64::NAN, 0.0), None);
        assert_eq!(Coordinates::new(0.0, f64::INFINITY), None);
    }
}
