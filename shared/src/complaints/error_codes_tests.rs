//! The complaints errors' `CODES` are exactly what their variants answer (the
//! function's OpenAPI description lists them; a new variant cannot go undocumented).

use super::{
    ActionKind, ActorKind, AttachmentKind, CatalogueError, Channel, InputError, LoopError,
    PublishError, Status,
};
use crate::calendar::CalendarError;
use crate::security::credit_code::CreditCode;

fn exactly(list: &[&str], answered: &[&'static str]) {
    let mut listed = list.to_vec();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(listed.len(), list.len(), "a code is listed twice");
    let mut answered = answered.to_vec();
    answered.sort_unstable();
    answered.dedup();
    assert_eq!(listed, answered);
}

#[test]
fn the_complaints_error_code_lists_are_complete() {
    let f = || "field".to_owned();
    let input = [
        InputError::CreditCode {
            field: f(),
            error: CreditCode::parse("x").unwrap_err(),
        },
        InputError::ChannelUnknown { field: f() },
        InputError::CategoryUnknown { field: f() },
        InputError::DepartmentUnknown { field: f() },
        InputError::NotHandlingDepartment { field: f() },
        InputError::DepartmentRepeated { field: f() },
        InputError::TooManyCoHandlers { field: f(), max: 5 },
        InputError::TextLength {
            field: f(),
            min: 1,
            max: 2,
            found: 3,
        },
        InputError::TextControl { field: f() },
        InputError::ProblemKeyInvalid { field: f() },
        InputError::CaseIdInvalid { field: f() },
        InputError::MonthMalformed { field: f() },
        InputError::MonthOutOfRange {
            field: f(),
            year: 1,
            min: 2000,
            max: 2100,
        },
        InputError::AttachmentType { field: f() },
        InputError::AttachmentTooLarge {
            field: f(),
            kind: AttachmentKind::Png,
            limit: 1,
        },
        InputError::AttachmentEmpty { field: f() },
        InputError::AttachmentIdInvalid { field: f() },
        InputError::AttachmentRepeated { field: f() },
        InputError::TooManyAttachments {
            field: f(),
            max: 9,
            found: 10,
        },
        InputError::ReceivedAtInvalid {
            field: f(),
            max_days: 30,
        },
        InputError::FilerNotAllowed {
            field: f(),
            channel: Channel::Qr,
        },
        InputError::NotOwnEnterprise { field: f() },
    ];
    exactly(
        InputError::CODES,
        &input.iter().map(InputError::code).collect::<Vec<_>>(),
    );

    let loops = [
        LoopError::NotInThisState {
            action: ActionKind::Close,
            status: Status::Received,
        },
        LoopError::ActorNotAllowed {
            action: ActionKind::Close,
            actor: ActorKind::Enterprise,
        },
        LoopError::DecisionTimeOver,
        LoopError::DecisionNotYetDue,
        LoopError::TransferToSameDepartment,
        LoopError::Calendar(CalendarError::UnknownYear(2199)),
    ];
    exactly(
        LoopError::CODES,
        &loops.iter().map(LoopError::code).collect::<Vec<_>>(),
    );
    exactly(
        LoopError::CONFLICT_CODES,
        &loops
            .iter()
            .filter(|e| e.status() == 409)
            .map(LoopError::code)
            .collect::<Vec<_>>(),
    );

    exactly(
        PublishError::CODES,
        &[PublishError::NotClosed, PublishError::Untagged].map(|e| e.code()),
    );
    // The catalogue is built in and tested: its errors are 500s, never a caller's.
    assert_eq!(
        crate::problem::ApiError::status(&CatalogueError::NoVersion),
        500
    );
}
