//! Filing: field checks (every refused field named), who files through which
//! channel, and where a new case starts.

use time::macros::datetime;

use super::action::ActionKind;
use super::actor::Actor;
use super::attachment::{AttachmentFacts, AttachmentKind};
use super::case::Status;
use super::catalogue::ProblemKind;
use super::codes::CaseId;
use super::fixtures::*;
use super::input_error::InputError;
use super::input_problem::InputErrors;
use super::intake::{Intake, IntakeRequest, MAX_BACKDATE_DAYS, open_case, parse_enterprise};

fn request(channel: &str) -> IntakeRequest {
    IntakeRequest {
        channel: channel.into(),
        enterprise: OWN_CODE.into(),
        category: "permits".into(),
        description: "施工许可审批超过承诺时限仍未办结。".into(),
        attachments: vec![AttachmentFacts {
            id: "uploads/ent/abc.jpg".into(),
            size: 2_000_000,
            head: vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 0, b'E', b'x', b'i', b'f', 0, 0],
        }],
        received_at: None,
    }
}

fn id() -> CaseId {
    CaseId::parse("01JCASE").unwrap()
}

#[test]
fn a_valid_intake_takes_its_deadlines_from_the_catalogue() {
    let intake = Intake::parse(&catalogue(), &request("qr")).unwrap();
    assert_eq!(intake.category.as_str(), "permits");
    assert_eq!(intake.kind, ProblemKind::IndividualProblem);
    assert_eq!(intake.plan.log, 1);
    assert_eq!(intake.plan.decide, 3);
    assert_eq!(intake.plan.respond, None);
    assert_eq!(intake.plan.reply, 15);
    assert_eq!(intake.attachments[0].kind, AttachmentKind::Jpeg);
    let mut policy = request("qr");
    policy.category = "tax-policy".into();
    let plan = Intake::parse(&catalogue(), &policy).unwrap().plan;
    assert_eq!((plan.respond, plan.reply), (Some(1), 3));
}

#[test]
fn every_refused_field_is_named() {
    let mut bad = request("fax");
    bad.enterprise = "91350100M000100Y44".into();
    bad.category = "astrology".into();
    bad.description = "急".into();
    bad.attachments[0].head = b"<html>".to_vec();
    let InputErrors(errors) = Intake::parse(&catalogue(), &bad).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field(), e.code())).collect();
    assert_eq!(
        got,
        [
            ("channel", "COMPLAINTS_CHANNEL_UNKNOWN"),
            ("enterprise", "COMPLAINTS_CREDIT_CODE_INVALID"),
            ("category", "COMPLAINTS_CATEGORY_UNKNOWN"),
            ("description", "COMPLAINTS_TEXT_LENGTH"),
            ("attachments/0", "COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED"),
        ]
    );
    // The credit code's own reason is kept in the message.
    assert!(
        errors[1].message_zh().contains("校验位"),
        "{}",
        errors[1].message_zh()
    );
}

#[test]
fn enterprises_file_their_own_cases_through_their_own_channels() {
    let now = datetime!(2026-03-02 09:00 +8);
    let intake = Intake::parse(&catalogue(), &request("online")).unwrap();
    let opened = open_case(intake.clone(), id(), &own(), now).unwrap();
    assert_eq!(opened.state.status, Status::Received);
    assert_eq!(opened.state.received_at, now);
    assert_eq!(opened.state.logged_at, None);
    assert_eq!(opened.event.from, None);
    assert_eq!(opened.event.to, Status::Received);
    assert_eq!(opened.event.action, ActionKind::File);
    assert_eq!(
        open_case(intake.clone(), id(), &other_enterprise(), now),
        Err(InputError::NotOwnEnterprise {
            field: "enterprise".into()
        })
    );
    for filer in [staff(LEAD), Actor::Office, Actor::System] {
        let e = open_case(intake.clone(), id(), &filer, now).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_FILER_NOT_ALLOWED", "{filer:?}");
        assert_eq!(e.status(), 403);
    }
}

#[test]
fn staff_enter_calls_letters_and_visits_as_logged_with_the_real_receipt_time() {
    let now = datetime!(2026-03-04 09:00 +8);
    for channel in ["phone", "letter", "visit"] {
        let mut req = request(channel);
        req.received_at = Some(datetime!(2026-03-02 16:00 +8));
        let intake = Intake::parse(&catalogue(), &req).unwrap();
        for filer in [staff(UNRELATED), Actor::Office] {
            let opened = open_case(intake.clone(), id(), &filer, now).unwrap();
            assert_eq!(opened.state.status, Status::Logged, "{channel}");
            assert_eq!(opened.state.logged_at, Some(now));
            assert_eq!(opened.state.received_at, datetime!(2026-03-02 16:00 +8));
        }
        let e = open_case(intake, id(), &own(), now).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_FILER_NOT_ALLOWED");
    }
}

#[test]
fn a_receipt_time_is_never_in_the_future_too_old_or_claimed_by_an_enterprise() {
    let now = datetime!(2026-03-31 09:00 +8);
    let with = |channel: &str, at| {
        let mut req = request(channel);
        req.received_at = Some(at);
        Intake::parse(&catalogue(), &req).unwrap()
    };
    let limit = now - time::Duration::days(MAX_BACKDATE_DAYS);
    assert!(open_case(with("letter", limit), id(), &Actor::Office, now).is_ok());
    for (channel, at, filer) in [
        ("letter", limit - time::Duration::seconds(1), Actor::Office),
        ("letter", now + time::Duration::seconds(1), Actor::Office),
        ("qr", now - time::Duration::hours(1), own()),
    ] {
        let e = open_case(with(channel, at), id(), &filer, now).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_RECEIVED_AT_INVALID", "{channel} {at}");
        assert_eq!(e.field(), "received_at");
    }
}

#[test]
fn the_enterprise_code_is_refused_with_its_own_reason() {
    assert_eq!(
        parse_enterprise(" 91350100m000100y43 ").unwrap().as_str(),
        OWN_CODE
    );
    let e = parse_enterprise("91350100M000100Y4").unwrap_err();
    assert_eq!(
        (e.field(), e.code()),
        ("enterprise", "COMPLAINTS_CREDIT_CODE_INVALID")
    );
    assert!(
        e.message_en().contains("18 characters"),
        "{}",
        e.message_en()
    );
    assert!(e.message_zh().starts_with("enterprise："));
}
