//! Scan to enter (先扫码，后入企): the rules that start, close and rate an inspection.
//!
//! Each officer scans the enterprise's code on his own phone and declares the
//! inspection (its kind, item, approval). The first scan waits; a scan by a second
//! officer of the same agency declaring the same inspection within [`PAIRING_WINDOW`]
//! starts it, with the first scan's time as the arrival. A third officer may join a
//! started inspection within the same window. Late scans (an emergency inspected first,
//! or a back-fill after an outage) name their arrival, which must lie within
//! [`LATE_WINDOW_DAYS`] calendar days, and are flagged late for ever.

use super::agency::{AgencyRules, Officer};
use super::error::RuleError;
use crate::calendar::local_date;
use crate::security::Subject;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// Two officers' scans belong together when they are at most this far apart.
pub const PAIRING_WINDOW: Duration = Duration::minutes(10);
/// A late scan comes at most this many calendar days after the arrival.
pub const LATE_WINDOW_DAYS: i64 = 10;
/// Clock skew allowed between an officer's phone and the server.
const SKEW: Duration = Duration::minutes(2);
/// Longest free text (reasons, notes), in characters.
pub const MAX_NOTE: usize = 500;

/// Why a case-driven inspection happens: none of these counts toward the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseReason {
    /// A complaint or report (投诉举报).
    Complaint,
    /// A 12345 hotline work order.
    Hotline12345,
    /// A referral from another body (转办交办).
    Referral,
    /// A risk alert from data monitoring (数据预警).
    DataAlert,
    /// Checking a rectification ordered before (整改复查).
    RectificationFollowUp,
    /// A licence or permit check (许可核查).
    LicenceCheck,
    /// The enterprise asked for it (依申请).
    EnterpriseRequest,
}

impl CaseReason {
    /// Every reason, in the order they are listed.
    pub const ALL: [CaseReason; 7] = [
        CaseReason::Complaint,
        CaseReason::Hotline12345,
        CaseReason::Referral,
        CaseReason::DataAlert,
        CaseReason::RectificationFollowUp,
        CaseReason::LicenceCheck,
        CaseReason::EnterpriseRequest,
    ];

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseReason::Complaint => "complaint",
            CaseReason::Hotline12345 => "hotline_12345",
            CaseReason::Referral => "referral",
            CaseReason::DataAlert => "data_alert",
            CaseReason::RectificationFollowUp => "rectification_follow_up",
            CaseReason::LicenceCheck => "licence_check",
            CaseReason::EnterpriseRequest => "enterprise_request",
        }
    }

    /// From its wire name.
    pub fn parse(text: &str) -> Option<CaseReason> {
        CaseReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The kind of an inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A routine (random or planned) inspection: counts toward the annual cap.
    Routine,
    /// Driven by a case: never counts.
    Case(CaseReason),
    /// A special campaign: counts toward the campaign's own quota.
    Special(String),
}

impl Kind {
    /// `routine`, `case` or `special`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Routine => "routine",
            Kind::Case(_) => "case",
            Kind::Special(_) => "special",
        }
    }

    /// From the wire: `kind` with `reason` (case) or `campaign` (special), and only then.
    pub fn parse(
        kind: &str,
        reason: Option<&str>,
        campaign: Option<&str>,
    ) -> Result<Kind, RuleError> {
        let field = |f: &str| RuleError::Field {
            field: f.to_owned(),
            max: 0,
        };
        match (kind, reason, campaign) {
            ("routine", None, None) => Ok(Kind::Routine),
            ("case", Some(r), None) => CaseReason::parse(r)
                .map(Kind::Case)
                .ok_or_else(|| field("/reason")),
            // The shape a published campaign id has (agency.rs): anything else names no
            // campaign, and never reaches the database (PostgreSQL refuses a NUL in text).
            ("special", None, Some(c))
                if !c.is_empty()
                    && c.len() <= 64
                    && c.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
            {
                Ok(Kind::Special(c.to_owned()))
            }
            ("routine" | "case" | "special", _, _) => Err(field(match kind {
                "case" => "/reason",
                "special" => "/campaign",
                _ => "/reason",
            })),
            _ => Err(field("/kind")),
        }
    }
}

/// Why a scan comes late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LateMode {
    /// Inspected first in an emergency, scanned before leaving (先检查后扫码).
    Emergency,
    /// The system was down: back-filled afterwards (系统故障补录).
    Outage,
}

impl LateMode {
    /// From its wire name.
    pub fn parse(text: &str) -> Option<LateMode> {
        match text {
            "emergency" => Some(LateMode::Emergency),
            "outage" => Some(LateMode::Outage),
            _ => None,
        }
    }

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            LateMode::Emergency => "emergency",
            LateMode::Outage => "outage",
        }
    }
}

/// A late scan's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Late {
    /// Emergency or outage.
    pub mode: LateMode,
    /// Why, in words.
    pub reason: String,
    /// When the officers really arrived.
    pub arrived_at: OffsetDateTime,
}

/// What an officer declares when he scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Routine, case-driven or special.
    pub kind: Kind,
    /// The published item's code.
    pub item: String,
    /// The approval's reference (审批文号); empty only in an emergency.
    pub approval_ref: String,
    /// Set for a late scan.
    pub late: Option<Late>,
}

impl Plan {
    /// Whether two officers declared the same inspection (the late reason is each
    /// officer's own words and may differ).
    fn same_inspection(&self, other: &Plan) -> bool {
        self.kind == other.kind
            && self.item == other.item
            && self.approval_ref == other.approval_ref
            && self.late.as_ref().map(|l| (l.mode, l.arrived_at))
                == other.late.as_ref().map(|l| (l.mode, l.arrived_at))
    }
}

/// A scan waiting for a second officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Who scanned.
    pub officer: Subject,
    /// When.
    pub scanned_at: OffsetDateTime,
    /// What he declared.
    pub plan: Plan,
}

/// An inspection of this agency on this enterprise that started recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// Its officers.
    pub officers: Vec<Subject>,
    /// When it started (the second scan).
    pub started_at: OffsetDateTime,
    /// What was declared.
    pub plan: Plan,
    /// Checked out already.
    pub left: bool,
}

/// Everything a scan is judged on.
#[derive(Debug, Clone)]
pub struct ScanFacts<'a> {
    /// Now.
    pub now: OffsetDateTime,
    /// Who scans.
    pub scanner: &'a Subject,
    /// The scanner's officer record in the agency's list, if any.
    pub officer: Option<&'a Officer>,
    /// The agency's published rules.
    pub agency: &'a AgencyRules,
    /// What the scanner declares.
    pub plan: &'a Plan,
    /// The agency's newest waiting scan on this enterprise, if any (of any age).
    pub pending: Option<&'a Pending>,
    /// The agency's newest started inspection on this enterprise, if any.
    pub started: Option<&'a Started>,
    /// Routine inspections of this agency on this enterprise in the arrival's year.
    pub routine_this_year: u32,
    /// Inspections of this enterprise under the declared campaign.
    pub campaign_count: u32,
}

/// What a scan does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The first officer: the scan waits for a second until `expires_at`.
    Wait {
        /// When the wait ends.
        expires_at: OffsetDateTime,
    },
    /// The second officer: the inspection starts.
    Start {
        /// The arrival (the first scan's time, or the late scan's declared arrival).
        arrival: OffsetDateTime,
        /// Whether it is flagged late.
        late: bool,
    },
    /// A further officer joins the inspection that started moments ago.
    Join,
}

fn note(field: &str, text: &str) -> Result<(), RuleError> {
    let n = text.trim().chars().count();
    if n > MAX_NOTE || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(RuleError::Field {
            field: field.to_owned(),
            max: MAX_NOTE,
        });
    }
    Ok(())
}

/// The arrival a plan declares, checked against the late-scan window.
fn arrival(
    plan: &Plan,
    scanned_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, RuleError> {
    let Some(late) = &plan.late else {
        return Ok(scanned_at);
    };
    if late.reason.trim().is_empty() {
        return Err(RuleError::LateReasonRequired);
    }
    note("/late/reason", &late.reason)?;
    if late.arrived_at > now + SKEW {
        return Err(RuleError::ArrivalInFuture);
    }
    // Calendar days in China Standard Time: arriving on the 1st, the 11th is the last day.
    let days = (local_date(now) - local_date(late.arrived_at)).whole_days();
    if days > LATE_WINDOW_DAYS {
        return Err(RuleError::LateWindowPassed {
            days: LATE_WINDOW_DAYS,
        });
    }
    Ok(late.arrived_at)
}

/// Judges a scan: the officer and his certificate, the item, the approval, the late
/// window, the caps, and then whether it waits, starts or joins an inspection.
pub fn decide(f: &ScanFacts<'_>) -> Result<Decision, RuleError> {
    let plan = f.plan;
    let officer = f.officer.ok_or(RuleError::OfficerUnknown)?;
    if f.agency.item(&plan.item).is_none() {
        return Err(RuleError::ItemNotPublished(plan.item.clone()));
    }
    let emergency = plan
        .late
        .as_ref()
        .is_some_and(|l| l.mode == LateMode::Emergency);
    if plan.approval_ref.trim().is_empty() && !emergency {
        return Err(RuleError::ApprovalRequired);
    }
    if plan.approval_ref.chars().count() > 100 || plan.approval_ref.chars().any(char::is_control) {
        return Err(RuleError::Field {
            field: "/approval_ref".into(),
            max: 100,
        });
    }
    // A join or a start takes the first scan's arrival; a wait takes its own.
    let live_pending = f.pending.filter(|p| f.now - p.scanned_at <= PAIRING_WINDOW);
    let scanned_at = live_pending.map_or(f.now, |p| p.scanned_at);
    let arrived = arrival(plan, scanned_at, f.now)?;
    if !officer.certified_on(local_date(arrived)) || !officer.certified_on(local_date(f.now)) {
        return Err(RuleError::CertificateInvalid);
    }
    // A started inspection moments ago with the same declaration: join it.
    if let Some(s) = f.started
        && !s.left
        && f.now - s.started_at <= PAIRING_WINDOW
        && s.plan.same_inspection(plan)
    {
        if s.officers.contains(f.scanner) {
            return Err(RuleError::OneOfficerOnly);
        }
        return Ok(Decision::Join);
    }
    match &plan.kind {
        Kind::Routine if f.routine_this_year >= f.agency.routine_cap_per_year => {
            return Err(RuleError::RoutineCapReached {
                cap: f.agency.routine_cap_per_year,
            });
        }
        Kind::Special(id) => {
            let day = local_date(arrived);
            let campaign = f
                .agency
                .campaign(id)
                .filter(|c| c.from <= day && day <= c.until)
                .ok_or_else(|| RuleError::CampaignInactive(id.clone()))?;
            if f.campaign_count >= campaign.quota_per_enterprise {
                return Err(RuleError::CampaignQuotaReached {
                    quota: campaign.quota_per_enterprise,
                });
            }
        }
        _ => {}
    }
    match live_pending {
        None => Ok(Decision::Wait {
            expires_at: f.now + PAIRING_WINDOW,
        }),
        Some(p) if &p.officer == f.scanner => Err(RuleError::OneOfficerOnly),
        Some(p) if !p.plan.same_inspection(plan) => Err(RuleError::ScanMismatch),
        Some(_) => Ok(Decision::Start {
            arrival: arrived,
            late: plan.late.is_some(),
        }),
    }
}

/// How an inspection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing wrong found.
    NoIssues,
    /// Rectification ordered (责令整改).
    RectificationOrdered,
    /// A case was filed (立案).
    CaseFiled,
}

impl Outcome {
    /// From its wire name.
    pub fn parse(text: &str) -> Option<Outcome> {
        match text {
            "no_issues" => Some(Outcome::NoIssues),
            "rectification_ordered" => Some(Outcome::RectificationOrdered),
            "case_filed" => Some(Outcome::CaseFiled),
            _ => None,
        }
    }

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NoIssues => "no_issues",
            Outcome::RectificationOrdered => "rectification_ordered",
            Outcome::CaseFiled => "case_filed",
        }
    }
}

/// Checks a check-out: by one of the inspection's officers, once, not before the
/// arrival; the result and follow-up notes bounded.
pub fn leave(
    officers: &[Subject],
    caller: &Subject,
    arrival: OffsetDateTime,
    left: bool,
    now: OffsetDateTime,
    result_note: &str,
    follow_up: &str,
) -> Result<(), RuleError> {
    if !officers.contains(caller) {
        return Err(RuleError::NotAMember);
    }
    if left {
        return Err(RuleError::AlreadyLeft);
    }
    if now + SKEW < arrival {
        return Err(RuleError::LeftBeforeArrival);
    }
    note("/result_note", result_note)?;
    note("/follow_up", follow_up)
}

/// Checks an enterprise's rating: 1–5 stars, after the check-out, once.
pub fn rate(stars: u8, comment: &str, left: bool, rated: bool) -> Result<(), RuleError> {
    if !(1..=5).contains(&stars) {
        return Err(RuleError::Field {
            field: "/stars".into(),
            max: 5,
        });
    }
    note("/comment", comment)?;
    if !left {
        return Err(RuleError::RatingBeforeLeaving);
    }
    if rated {
        return Err(RuleError::AlreadyRated);
    }
    Ok(())
}

#[cfg(test)]
#[path = "inspection_tests.rs"]
mod tests;
