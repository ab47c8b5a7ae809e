//! GET Service Requests filters: ids overriding the rest, lists, statuses, dates at
//! and beyond the edges, and the window of time they select.

use time::Duration;
use time::macros::datetime;

use super::query::{MAX_QUERY_BYTES, MAX_REQUEST_IDS};
use super::*;

fn search(query: &str) -> Search {
    match parse_requests_query(Some(query)).unwrap().selection {
        Selection::Search(s) => s,
        other => panic!("expected a search, got {other:?}"),
    }
}

fn error(query: &str) -> InputError {
    parse_requests_query(Some(query)).unwrap_err()
}

#[test]
fn the_specs_sample_url() {
    let q = parse_requests_query(Some(
        "start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open&jurisdiction_id=city.gov",
    ))
    .unwrap();
    assert_eq!(q.jurisdiction_id.as_deref(), Some("city.gov"));
    let Selection::Search(s) = q.selection else {
        panic!("expected a search");
    };
    assert_eq!(s.start_date, Some(datetime!(2010-05-24 00:00 UTC)));
    assert_eq!(s.end_date, Some(datetime!(2010-06-24 00:00 UTC)));
    assert_eq!(s.statuses, vec![Status::Open]);
    assert!(s.service_codes.is_empty());
}

#[test]
fn no_query_is_the_default_search() {
    for q in [None, Some(""), Some("status=&service_code=&start_date=")] {
        let parsed = parse_requests_query(q).unwrap();
        assert_eq!(
            parsed.selection,
            Selection::Search(Search::default()),
            "{q:?}"
        );
        assert_eq!(parsed.jurisdiction_id, None);
    }
}

#[test]
fn ids_override_every_other_argument_unread() {
    let q = parse_requests_query(Some(
        "service_request_id=638344,638349,638344&status=pending&start_date=yesterday&service_code=a,,",
    ))
    .unwrap();
    let ids = ["638344", "638349"]
        .map(|i| RequestId::parse(i).unwrap())
        .to_vec();
    assert_eq!(q.selection, Selection::Ids(ids));
    // An empty service_request_id is an absent one: the other filters apply.
    assert_eq!(
        error("service_request_id=&status=pending").code(),
        "OPEN311_STATUS_INVALID"
    );
}

#[test]
fn lists_are_comma_delimited_and_may_repeat() {
    let s = search("service_code=001,%20002&service_code=003,001,&status=open,closed&status=open");
    let codes: Vec<&str> = s.service_codes.iter().map(ServiceCode::as_str).collect();
    assert_eq!(codes, vec!["001", "002", "003"]);
    assert_eq!(s.statuses, vec![Status::Open, Status::Closed]);
    assert!(s.admits(&ServiceCode::parse("002").unwrap(), Status::Closed));
    assert!(!s.admits(&ServiceCode::parse("004").unwrap(), Status::Open));
    let all = Search::default();
    assert!(all.admits(&ServiceCode::parse("004").unwrap(), Status::Closed));
    let open_only = search("status=open");
    assert!(!open_only.admits(&ServiceCode::parse("001").unwrap(), Status::Closed));
}

#[test]
fn bad_values_name_what_is_wrong() {
    assert_eq!(error("status=Open").code(), "OPEN311_STATUS_INVALID");
    assert_eq!(
        error("service_code=a/b"),
        InputError::InvalidIdentifier {
            name: "service_code",
            input: "a/b".into()
        }
    );
    assert_eq!(
        error("service_request_id=1;2").code(),
        "OPEN311_IDENTIFIER_INVALID"
    );
    assert_eq!(
        error("jurisdiction_id=a&jurisdiction_id=b"),
        InputError::RepeatedParameter {
            name: "jurisdiction_id".into()
        }
    );
    assert_eq!(error("status=%ZZ"), InputError::BadPercentEncoding);
    assert_eq!(error("status=%FF"), InputError::NotUtf8);
}

#[test]
fn too_many_ids_are_refused_but_repeats_do_not_count() {
    let ids: Vec<String> = (0..=MAX_REQUEST_IDS).map(|i| format!("r{i}")).collect();
    let (within, over) = (ids[..MAX_REQUEST_IDS].join(","), ids.join(","));
    let q = parse_requests_query(Some(&format!("service_request_id={within}"))).unwrap();
    assert!(matches!(q.selection, Selection::Ids(v) if v.len() == MAX_REQUEST_IDS));
    assert_eq!(
        error(&format!("service_request_id={over}")),
        InputError::TooManyValues {
            name: "service_request_id",
            max: MAX_REQUEST_IDS
        }
    );
    let same = vec!["r1"; MAX_REQUEST_IDS * 3].join(",");
    assert!(parse_requests_query(Some(&format!("service_request_id={same}"))).is_ok());
    let huge = format!("service_request_id={}", "a".repeat(MAX_QUERY_BYTES));
    assert_eq!(error(&huge).code(), "OPEN311_PARAMETERS_TOO_LARGE");
}

#[test]
fn dates_are_w3c_with_a_zone_in_sane_years() {
    let e = error("start_date=9999-12-31T23:59:59Z");
    assert_eq!(
        e,
        InputError::InvalidDatetime {
            name: "start_date",
            problem: DatetimeProblem::OutOfRange { year: 9999 }
        }
    );
    assert_eq!(e.status(), 400);
    for (query, problem) in [
        ("end_date=2010-01-01", DatetimeProblem::Malformed),
        ("end_date=yesterday", DatetimeProblem::Malformed),
        ("end_date=2010-02-30T00:00:00Z", DatetimeProblem::NoSuchTime),
    ] {
        assert_eq!(
            error(query),
            InputError::InvalidDatetime {
                name: "end_date",
                problem
            },
            "{query}"
        );
    }
    // `+08:00` percent-encoded, and sent raw (its `+` decoded as a space).
    for raw in ["2026-12-03T10:15:00%2B08:00", "2026-12-03T10:15:00+08:00"] {
        let s = search(&format!("start_date={raw}"));
        assert_eq!(s.start_date, Some(datetime!(2026-12-03 10:15 +8)), "{raw}");
    }
}

#[test]
fn the_end_may_not_precede_the_start_nor_span_more_than_90_days() {
    assert_eq!(
        error("start_date=2026-12-03T10:15:00Z&end_date=2026-12-03T10:14:59Z"),
        InputError::EndBeforeStart
    );
    // The same instant written in two offsets is not "before".
    let s = search("start_date=2026-12-03T18:15:00%2B08:00&end_date=2026-12-03T10:15:00Z");
    assert_eq!(s.start_date, s.end_date);
    assert!(
        search("start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:00Z")
            .end_date
            .is_some()
    );
    assert_eq!(
        error("start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:01Z"),
        InputError::RangeTooLong { days: 90 }
    );
}

#[test]
fn the_window_defaults_to_90_days() {
    let now = datetime!(2026-12-03 10:15 +8);
    let days = Duration::days(WINDOW_DAYS);
    let w = Search::default().window(now).unwrap();
    assert_eq!((w.start, w.end), (now - days, now));
    assert!(w.contains(now) && w.contains(now - days) && !w.contains(now + Duration::SECOND));
    let start = datetime!(2026-01-01 00:00 +8);
    let w = effective_window(Some(start), None, now).unwrap();
    assert_eq!((w.start, w.end), (start, start + days));
    let end = datetime!(2026-06-01 00:00 +8);
    let w = effective_window(None, Some(end), now).unwrap();
    assert_eq!((w.start, w.end), (end - days, end));
    let w = effective_window(Some(start), Some(start), now).unwrap();
    assert_eq!((w.start, w.end), (start, start));
    assert_eq!(
        effective_window(Some(end), Some(start), now),
        Err(InputError::EndBeforeStart)
    );
    // A clock at the very start of time does not trap.
    let first = time::PrimitiveDateTime::MIN.assume_utc();
    assert_eq!(Search::default().window(first).unwrap().start, first);
    assert_eq!(MAX_RESULTS, 1000);
}
