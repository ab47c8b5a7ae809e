//! The filters of GET Service Requests (`/requests.[format]?…`), parsed from the
//! query string, and the window of time they select.
//!
//! As the spec reads them: `service_request_id` (comma-delimited) "overrides all other
//! arguments", which are then neither read nor checked; `service_code` and `status`
//! are comma-delimited lists (a parameter sent twice adds to its list), empty meaning
//! all; `start_date` and `end_date` are W3C date-times that "may not span more than
//! 90 days", the range defaulting to "the most recent 90 days"; at most
//! [`MAX_RESULTS`] requests are answered. An empty parameter is an absent one.
//! `jurisdiction_id` is kept for the caller to check; other parameters (extensions
//! such as `page`) are ignored.

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::datetime::parse_datetime;
use super::error::InputError;
use super::form::{Params, decode};
use super::ids::{RequestId, ServiceCode};
use super::request::Status;

/// The longest span of `start_date`..`end_date`, and the default window, in days.
pub const WINDOW_DAYS: i64 = 90;

/// The most requests one answer holds ("first 1000 requests returned").
pub const MAX_RESULTS: usize = 1000;

/// The most ids one `service_request_id` list may name.
pub const MAX_REQUEST_IDS: usize = 200;

/// The most codes one `service_code` list may name.
pub const MAX_SERVICE_CODES: usize = 100;

/// The longest query string read, in bytes.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// The most parameters a query string may have.
const MAX_QUERY_PARAMETERS: usize = 64;

/// The span of [`WINDOW_DAYS`].
const WINDOW: Duration = Duration::days(WINDOW_DAYS);

/// A parsed GET Service Requests query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestsQuery {
    /// The jurisdiction asked for, unchecked (one jurisdiction per endpoint may ignore it).
    pub jurisdiction_id: Option<String>,
    /// What is asked for.
    pub selection: Selection,
}

/// Either named requests or a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `service_request_id` was given: these requests (distinct, in the order given),
    /// whatever else was asked.
    Ids(Vec<RequestId>),
    /// A search by the other filters.
    Search(Search),
}

/// The filters of a search; an empty list admits everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    /// Only these request types (distinct).
    pub service_codes: Vec<ServiceCode>,
    /// Requested at or after this instant.
    pub start_date: Option<OffsetDateTime>,
    /// Requested at or before this instant.
    pub end_date: Option<OffsetDateTime>,
    /// Only these statuses (distinct).
    pub statuses: Vec<Status>,
}

impl Search {
    /// The window this search covers at `now`; see [`effective_window`].
    pub fn window(&self, now: OffsetDateTime) -> Result<Window, InputError> {
        effective_window(self.start_date, self.end_date, now)
    }

    /// Whether a request of this type and status passes the code and status filters.
    pub fn admits(&self, service_code: &ServiceCode, status: Status) -> bool {
        (self.service_codes.is_empty() || self.service_codes.contains(service_code))
            && (self.statuses.is_empty() || self.statuses.contains(&status))
    }
}

/// The requested date-times a search selects: both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The earliest `requested_datetime` included.
    pub start: OffsetDateTime,
    /// The latest `requested_datetime` included.
    pub end: OffsetDateTime,
}

impl Window {
    /// Whether `requested` lies in the window.
    pub fn contains(&self, requested: OffsetDateTime) -> bool {
        self.start <= requested && requested <= self.end
    }
}

/// The window of a search: `start_date`..`end_date` when both are given (refused
/// when the end is before the start or the span exceeds [`WINDOW_DAYS`]); 90 days
/// from `start_date` or up to `end_date` when only one is; the 90 days up to `now`
/// when neither is.
pub fn effective_window(
    start_date: Option<OffsetDateTime>,
    end_date: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<Window, InputError> {
    let (start, end) = match (start_date, end_date) {
        (Some(start), Some(end)) => {
            if end < start {
                return Err(InputError::EndBeforeStart);
            }
            if end - start > WINDOW {
                return Err(InputError::RangeTooLong { days: WINDOW_DAYS });
            }
            (start, end)
        }
        (Some(start), None) => (start, later(start)),
        (None, Some(end)) => (earlier(end), end),
        (None, None) => (earlier(now), now),
    };
    Ok(Window { start, end })
}

/// 90 days before `t`, or the earliest instant `time` represents.
fn earlier(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_sub(WINDOW)
        .unwrap_or_else(|| PrimitiveDateTime::MIN.assume_utc())
}

/// 90 days after `t`, or the latest instant `time` represents.
fn later(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_add(WINDOW)
        .unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc())
}

/// Parses the query string of GET Service Requests (`None`: no query).
pub fn parse_requests_query(query: Option<&str>) -> Result<RequestsQuery, InputError> {
    let pairs = decode(
        query.unwrap_or("").as_bytes(),
        MAX_QUERY_BYTES,
        MAX_QUERY_PARAMETERS,
    )?;
    let params = Params::new(pairs);
    let jurisdiction_id = params.single("jurisdiction_id")?.map(str::to_owned);
    let ids = list(
        &params,
        "service_request_id",
        MAX_REQUEST_IDS,
        RequestId::parse,
    )?;
    if !ids.is_empty() {
        return Ok(RequestsQuery {
            jurisdiction_id,
            selection: Selection::Ids(ids),
        });
    }
    let service_codes = list(
        &params,
        "service_code",
        MAX_SERVICE_CODES,
        ServiceCode::parse,
    )?;
    let statuses = list(&params, "status", 2, Status::parse)?;
    let date = |name: &'static str| -> Result<Option<OffsetDateTime>, InputError> {
        params
            .single(name)?
            .map(|text| {
                parse_datetime(text)
                    .map_err(|problem| InputError::InvalidDatetime { name, problem })
            })
            .transpose()
    };
    let (start_date, end_date) = (date("start_date")?, date("end_date")?);
    if let (Some(start), Some(end)) = (start_date, end_date) {
        // The window's checks that do not depend on `now`, refused at the edge.
        effective_window(Some(start), Some(end), end)?;
    }
    Ok(RequestsQuery {
        jurisdiction_id,
        selection: Selection::Search(Search {
            service_codes,
            start_date,
            end_date,
            statuses,
        }),
    })
}

/// The distinct items of a comma-delimited list parameter, over all its occurrences,
/// in order. Items are trimmed of spaces; empty items (`a,,b`, a trailing comma) are
/// skipped. More than `max` distinct items is [`InputError::TooManyValues`].
fn list<T: PartialEq>(
    params: &Params,
    name: &'static str,
    max: usize,
    parse: impl Fn(&str) -> Result<T, InputError>,
) -> Result<Vec<T>, InputError> {
    let mut items: Vec<T> = Vec::new();
    let texts = params.all(name).flat_map(|v| v.split(','));
    for text in texts.map(|t| t.trim_matches(' ')).filter(|t| !t.is_empty()) {
        let item = parse(text)?;
        if !items.contains(&item) {
            if items.len() == max {
                return Err(InputError::TooManyValues { name, max });
            }
            items.push(item);
        }
    }
    Ok(items)
}
