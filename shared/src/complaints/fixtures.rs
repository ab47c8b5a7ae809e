//! Test fixtures: cases built through the real intake and [`apply`], so every state
//! a test starts from is one the rules can reach.

use time::OffsetDateTime;
use time::macros::datetime;

use crate::calendar::WorkingCalendar;
use crate::security::credit_code::CreditCode;

use super::action::Action;
use super::actor::Actor;
use super::assignment::{Assignee, Assignment};
use super::case::{CaseState, Satisfaction, Status};
use super::catalogue::Catalogue;
use super::codes::{CaseId, DepartmentCode, ProblemKey};
use super::intake::{Intake, IntakeRequest, open_case};
use super::text::{Note, Reason, ReplyText};
use super::transition::apply;

/// The enterprise that owns the fixtures' cases (GB 32100's printed example).
pub const OWN_CODE: &str = "91350100M000100Y43";
/// Another enterprise.
pub const OTHER_CODE: &str = "914403001922038216";
/// The lead department the fixtures assign.
pub const LEAD: &str = "tax-bureau";
/// The co-handling department the fixtures assign.
pub const CO: &str = "market-regulation";
/// A department with nothing to do with the fixtures' cases.
pub const UNRELATED: &str = "justice-bureau";

/// A Monday, 09:00 in Beijing: the fixtures' default receipt.
pub const RECEIVED: OffsetDateTime = datetime!(2026-03-02 09:00 +8);

pub fn calendar() -> WorkingCalendar {
    WorkingCalendar::china()
}

pub fn catalogue() -> Catalogue {
    Catalogue::builtin().expect("the built-in catalogue is valid")
}

pub fn own() -> Actor {
    Actor::Enterprise {
        credit_code: CreditCode::parse(OWN_CODE).unwrap(),
    }
}

pub fn other_enterprise() -> Actor {
    Actor::Enterprise {
        credit_code: CreditCode::parse(OTHER_CODE).unwrap(),
    }
}

pub fn staff(department: &str) -> Actor {
    Actor::Staff {
        department: DepartmentCode::parse(department).unwrap(),
    }
}

/// Every kind of actor relative to the fixtures' cases, with a name for messages.
pub fn all_actors() -> Vec<(&'static str, Actor)> {
    vec![
        ("own", own()),
        ("other-enterprise", other_enterprise()),
        ("lead", staff(LEAD)),
        ("co", staff(CO)),
        ("unrelated", staff(UNRELATED)),
        ("office", Actor::Office),
        ("system", Actor::System),
    ]
}

pub fn reason(text: &str) -> Reason {
    Reason::parse(text).unwrap()
}

pub fn note(text: &str) -> Note {
    Note::parse(text).unwrap()
}

pub fn reply(text: &str) -> ReplyText {
    ReplyText::parse(text).unwrap()
}

pub fn key(text: &str) -> ProblemKey {
    ProblemKey::parse(text).unwrap()
}

pub fn assignment() -> Assignment {
    Assignment::parse(&catalogue(), LEAD, &[CO]).unwrap()
}

pub fn assignee(code: &str) -> Assignee {
    Assignee::parse(&catalogue(), code, "to").unwrap()
}

/// A case of `category` filed online by its own enterprise at `received`.
pub fn filed(id: &str, category: &str, received: OffsetDateTime) -> CaseState {
    let request = IntakeRequest {
        channel: "online".into(),
        enterprise: OWN_CODE.into(),
        category: category.into(),
        description: "申请办理增值税留抵退税，进度不明。".into(),
        attachments: Vec::new(),
        received_at: None,
    };
    let intake = Intake::parse(&catalogue(), &request).unwrap();
    open_case(intake, CaseId::parse(id).unwrap(), &own(), received)
        .unwrap()
        .state
}

/// Applies an action that must be accepted.
pub fn step(case: &CaseState, action: Action, actor: &Actor, at: OffsetDateTime) -> CaseState {
    apply(case, action, actor, at, &calendar())
        .unwrap_or_else(|e| panic!("{e:?} from {}", case.status))
        .state
}

/// A `tax-policy` case received at [`RECEIVED`] and moved to `status` within the
/// same morning (assigned to [`LEAD`] with [`CO`]).
pub fn case_in(status: Status) -> CaseState {
    let t = |minutes: i64| RECEIVED + time::Duration::minutes(minutes);
    let mut case = filed("01CASE", "tax-policy", RECEIVED);
    let path: &[Status] = match status {
        Status::Received => &[],
        Status::Logged => &[Status::Logged],
        Status::Accepted => &[Status::Logged, Status::Accepted],
        Status::Refused => &[Status::Logged, Status::Refused],
        Status::Assigned => &[Status::Logged, Status::Accepted, Status::Assigned],
        Status::Replied => &[
            Status::Logged,
            Status::Accepted,
            Status::Assigned,
            Status::Replied,
        ],
        Status::Reopened => &[
            Status::Logged,
            Status::Accepted,
            Status::Assigned,
            Status::Replied,
            Status::Reopened,
        ],
        Status::FeedbackGiven => &[
            Status::Logged,
            Status::Accepted,
            Status::Assigned,
            Status::Replied,
            Status::FeedbackGiven,
        ],
        Status::CalledBack => &[
            Status::Logged,
            Status::Accepted,
            Status::Assigned,
            Status::Replied,
            Status::FeedbackGiven,
            Status::CalledBack,
        ],
        Status::Closed => &[
            Status::Logged,
            Status::Accepted,
            Status::Assigned,
            Status::Replied,
            Status::FeedbackGiven,
            Status::CalledBack,
            Status::Closed,
        ],
    };
    for (i, next) in path.iter().enumerate() {
        let at = t(i as i64 * 10 + 10);
        let (action, actor) = match next {
            Status::Logged => (Action::Log, Actor::Office),
            Status::Accepted => (Action::Accept, Actor::Office),
            Status::Refused => (
                Action::Refuse {
                    reasons: reason("不属于涉企诉求受理范围。"),
                },
                Actor::Office,
            ),
            Status::Assigned => (Action::Assign(assignment()), Actor::Office),
            Status::Replied => (
                Action::Reply {
                    text: reply("已答复政策适用口径。"),
                },
                staff(LEAD),
            ),
            Status::Reopened => (
                Action::Feedback {
                    satisfaction: Satisfaction::NotSatisfied,
                    comment: None,
                },
                own(),
            ),
            Status::FeedbackGiven => (
                Action::Feedback {
                    satisfaction: Satisfaction::Satisfied,
                    comment: None,
                },
                own(),
            ),
            Status::CalledBack => (
                Action::Callback {
                    note: note("回访企业，确认问题已解决。"),
                },
                Actor::Office,
            ),
            Status::Closed => (Action::Close, Actor::Office),
            Status::Received => unreachable!("no step leads back to received"),
        };
        case = step(&case, action, &actor, at);
        assert_eq!(case.status, *next);
    }
    case
}
