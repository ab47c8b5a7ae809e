//! The check-in error code lists the API's description names are complete: every
//! variant's code is listed, under the status it answers, and nothing else is.

use super::code::CodeError;
use super::error::RuleError;
use super::qr::{MAX_SCALE, QrError};
use crate::problem::ApiError;
use std::collections::BTreeSet;

fn every_rule_error() -> Vec<RuleError> {
    vec![
        RuleError::Field {
            field: "/x".into(),
            max: 1,
        },
        RuleError::Duplicate { field: "/x".into() },
        RuleError::OfficerUnknown,
        RuleError::CertificateInvalid,
        RuleError::ItemNotPublished("X".into()),
        RuleError::OneOfficerOnly,
        RuleError::ScanMismatch,
        RuleError::RoutineCapReached { cap: 2 },
        RuleError::CampaignInactive("c".into()),
        RuleError::CampaignQuotaReached { quota: 1 },
        RuleError::LateWindowPassed { days: 10 },
        RuleError::ArrivalInFuture,
        RuleError::LateReasonRequired,
        RuleError::ApprovalRequired,
        RuleError::AlreadyLeft,
        RuleError::NotAMember,
        RuleError::LeftBeforeArrival,
        RuleError::RatingBeforeLeaving,
        RuleError::AlreadyRated,
    ]
}

#[test]
fn the_rule_error_code_lists_are_complete_and_by_status() {
    let errors = every_rule_error();
    let mut listed = BTreeSet::new();
    for (status, list) in [
        (403, RuleError::CODES_403),
        (409, RuleError::CODES_409),
        (422, RuleError::CODES_422),
    ] {
        for code in list {
            assert!(listed.insert(*code), "{code} is listed twice");
            assert!(
                errors
                    .iter()
                    .any(|e| e.code() == *code && RuleError::status(e) == status),
                "{code} is not answered with {status}"
            );
        }
    }
    for e in &errors {
        assert!(listed.contains(e.code()), "{} is not listed", e.code());
    }
}

#[test]
fn the_code_and_qr_error_code_lists_are_complete() {
    let codes = [
        CodeError::Malformed,
        CodeError::Forged,
        CodeError::Revoked,
        CodeError::Unknown,
    ];
    let listed: BTreeSet<_> = CodeError::CODES.iter().copied().collect();
    let by_status: Vec<(u16, &str)> = CodeError::PROBLEMS
        .iter()
        .flat_map(|(s, l)| l.iter().map(move |c| (*s, *c)))
        .collect();
    assert_eq!(listed.len(), codes.len());
    assert_eq!(by_status.len(), codes.len());
    for e in codes {
        assert!(listed.contains(e.code()), "{}", e.code());
        assert!(
            by_status.contains(&(ApiError::status(&e), e.code())),
            "{}",
            e.code()
        );
    }
    let qr = [
        QrError::TooLong { len: 600 },
        QrError::Scale {
            scale: MAX_SCALE + 1,
        },
        QrError::Encode("x".into()),
    ];
    let listed: BTreeSet<_> = QrError::CODES.iter().copied().collect();
    assert_eq!(listed.len(), qr.len());
    for e in qr {
        assert!(listed.contains(e.code()), "{}", e.code());
    }
}
