//! Request and answer bodies. Requests become the core's types at the edge
//! ([`ScanBody::plan`]); answers are built from stored rows.

use super::error::CheckinError;
use crate::store::inspections::InspectionRow;
use crate::store::register::ImportRecord;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use yingshang_core::checkin::register::RegisterReport;
use yingshang_core::checkin::{Kind, Late, LateMode, Plan, RuleError};
use yingshang_core::problem::Lang;
use yingshang_core::storage::Presigned;
use yingshang_core::storage::upload::Sha256Digest;
use yingshang_kit::Failure;
use yingshang_kit::clock::{from_unix_ms, rfc3339};

/// `POST /register/imports/slots`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotBody {
    /// Must be `text/csv`.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, 64 hex digits.
    pub sha256: Sha256Digest,
}

/// An issued slot.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SlotView {
    /// The object key to name in `POST /register/imports`.
    pub key: String,
    /// The presigned PUT.
    pub upload: Presigned,
    /// When the PUT stops working.
    pub expires_at: String,
}

/// `POST /register/imports`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The slot's object key.
    pub key: String,
}

/// One issue of a rejected file, in the caller's language.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct IssueView {
    /// The line (1 is the header; 0 the whole file).
    pub row: usize,
    /// The column at fault.
    pub column: Option<String>,
    /// Stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// A rejected file's report.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReportView {
    /// Data rows checked.
    pub rows_checked: usize,
    /// Rows with at least one issue.
    pub rows_with_issues: usize,
    /// Every issue found (only the first 1,000 are listed).
    pub total_issues: usize,
    /// The issues listed.
    pub issues: Vec<IssueView>,
}

impl ReportView {
    fn of(r: &RegisterReport, lang: Lang) -> ReportView {
        ReportView {
            rows_checked: r.rows_checked,
            rows_with_issues: r.rows_with_issues,
            total_issues: r.total_issues,
            issues: r
                .issues
                .iter()
                .map(|i| IssueView {
                    row: i.row,
                    column: i.column.clone(),
                    code: i.code.clone(),
                    message: lang.pick(&i.message_zh, &i.message_en).clone(),
                })
                .collect(),
        }
    }
}

/// An import as answered.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ImportView {
    /// Id.
    pub id: String,
    /// `applied` or `rejected`.
    pub status: String,
    /// Data rows in the file.
    pub rows_total: i64,
    /// Rows written to the register.
    pub rows_applied: i64,
    /// The file's SHA-256.
    pub sha256: String,
    /// Its object key.
    pub object_key: String,
    /// Its size.
    pub size_bytes: i64,
    /// Who imported it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// When it was applied or rejected.
    pub finished_at: String,
    /// Why it was rejected.
    pub report: Option<ReportView>,
}

impl ImportView {
    /// The view of a record in `lang`.
    pub fn of(r: &ImportRecord, lang: Lang) -> ImportView {
        ImportView {
            id: r.id.clone(),
            status: r.status.clone(),
            rows_total: r.rows_total,
            rows_applied: r.rows_applied,
            sha256: r.sha256.clone(),
            object_key: r.object_key.clone(),
            size_bytes: r.size_bytes,
            created_by: r.created_by.clone(),
            created_at: rfc3339(from_unix_ms(r.created_at)),
            finished_at: rfc3339(from_unix_ms(r.finished_at)),
            report: r.report.as_ref().map(|rep| ReportView::of(rep, lang)),
        }
    }
}

/// A late scan's declaration.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LateBody {
    /// `emergency` or `outage`.
    #[schemars(extend("enum" = ["emergency", "outage"]))]
    pub mode: String,
    /// Why.
    pub reason: String,
    /// When the officers arrived (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub arrived_at: String,
}

/// `POST /scans`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanBody {
    /// The scanned code: the URL or the token.
    pub code: String,
    /// `routine`, `case` (with `reason`) or `special` (with `campaign`).
    #[schemars(extend("enum" = ["routine", "case", "special"]))]
    pub kind: String,
    /// `case`: complaint, hotline_12345, referral, data_alert,
    /// rectification_follow_up, licence_check, enterprise_request.
    #[serde(default)]
    #[schemars(extend("enum" = ["complaint", "hotline_12345", "referral", "data_alert",
        "rectification_follow_up", "licence_check", "enterprise_request", null]))]
    pub reason: Option<String>,
    /// `special`: the campaign's id.
    #[serde(default)]
    #[schemars(extend("pattern" = "^[A-Za-z0-9._-]{1,64}$"))]
    pub campaign: Option<String>,
    /// The published item's code.
    #[schemars(length(min = 1, max = 64))]
    pub item: String,
    /// The approval's reference (empty only in an emergency).
    #[serde(default)]
    pub approval_ref: String,
    /// A late scan.
    #[serde(default)]
    pub late: Option<LateBody>,
}

fn bad(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    CheckinError::Field { field, zh, en }.into()
}

impl ScanBody {
    /// The core's plan.
    pub fn plan(&self) -> Result<Plan, Failure> {
        let kind = Kind::parse(&self.kind, self.reason.as_deref(), self.campaign.as_deref())
            .map_err(Failure::from)?;
        if self.item.is_empty() || self.item.len() > 64 {
            return Err(RuleError::Field {
                field: "/item".into(),
                max: 64,
            }
            .into());
        }
        let late = match &self.late {
            None => None,
            Some(l) => Some(Late {
                mode: LateMode::parse(&l.mode).ok_or_else(|| {
                    bad(
                        "late/mode",
                        "须为 emergency 或 outage",
                        "must be emergency or outage",
                    )
                })?,
                reason: l.reason.clone(),
                arrived_at: parse_time(&l.arrived_at, "late/arrived_at")?,
            }),
        };
        Ok(Plan {
            kind,
            item: self.item.clone(),
            approval_ref: self.approval_ref.trim().to_owned(),
            late,
        })
    }
}

/// An RFC 3339 time within years 2000–2100 (so later arithmetic cannot overflow), to
/// the millisecond the database keeps (two officers' declarations compare equal after
/// a round trip through it).
pub fn parse_time(text: &str, field: &'static str) -> Result<OffsetDateTime, Failure> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .filter(|t| (2000..=2100).contains(&t.year()))
        .and_then(|t| {
            t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
                .ok()
        })
        .ok_or_else(|| {
            bad(
                field,
                "须为 RFC 3339 时间，如 2026-11-02T09:30:00+08:00",
                "must be an RFC 3339 time, e.g. 2026-11-02T09:30:00+08:00",
            )
        })
}

/// `POST /inspections/{id}/leave`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    /// `no_issues`, `rectification_ordered` or `case_filed`.
    #[schemars(extend("enum" = ["no_issues", "rectification_ordered", "case_filed"]))]
    pub outcome: String,
    /// What was found.
    #[serde(default)]
    pub result_note: String,
    /// What follows (a rectification deadline, a case number).
    #[serde(default)]
    pub follow_up: String,
}

/// `POST /inspections/{id}/rating`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub stars: u8,
    /// Optional words.
    #[serde(default)]
    pub comment: String,
}

/// `POST /inspections/{id}/complaint`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintBody {
    /// What the enterprise complains of (5–500 characters).
    #[schemars(length(min = 5, max = 500))]
    pub description: String,
}

/// `POST /no-scan-reports`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoScanBody {
    /// The agency whose officers entered.
    pub agency: String,
    /// The day (YYYY-MM-DD).
    pub occurred_on: yingshang_core::calendar::IsoDate,
    /// What happened.
    pub description: String,
}

/// An officer of an inspection.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OfficerView {
    /// Subject.
    pub officer: String,
    /// Certificate number.
    pub certificate_number: String,
    /// When he scanned.
    pub scanned_at: String,
}

/// An inspection as answered.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct InspectionView {
    /// Id.
    pub id: String,
    /// The enterprise's credit code.
    pub enterprise: String,
    /// The agency.
    pub agency: String,
    /// routine | case | special.
    pub kind: String,
    /// Why (case-driven).
    pub reason: Option<String>,
    /// Which campaign (special).
    pub campaign: Option<String>,
    /// Item code, name and legal basis.
    pub item: String,
    /// Item name.
    pub item_name: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Approval reference.
    pub approval_ref: String,
    /// Arrival.
    pub arrived_at: String,
    /// When the second officer scanned.
    pub started_at: String,
    /// Whether the scan came late, and why.
    pub late: Option<LateView>,
    /// Officers and their certificates.
    pub officers: Vec<OfficerView>,
    /// Check-out.
    pub left_at: Option<String>,
    /// Result.
    pub outcome: Option<String>,
    /// Result note.
    pub result_note: Option<String>,
    /// Follow-up.
    pub follow_up: Option<String>,
    /// The enterprise's rating.
    pub rating: Option<RatingView>,
    /// The complaints case the enterprise raised about it.
    pub complaint_case: Option<String>,
}

/// A late flag.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LateView {
    /// emergency | outage.
    pub mode: String,
    /// Why.
    pub reason: String,
}

/// A rating.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RatingView {
    /// 1–5.
    pub stars: i64,
    /// Words.
    pub comment: String,
    /// When.
    pub rated_at: String,
}

impl InspectionView {
    /// The view of a row and its officers.
    pub fn of(r: &InspectionRow, officers: Vec<(String, String, i64)>) -> InspectionView {
        InspectionView {
            id: r.id.clone(),
            enterprise: r.enterprise.clone(),
            agency: r.agency.clone(),
            kind: r.kind.clone(),
            reason: r.reason.clone(),
            campaign: r.campaign.clone(),
            item: r.item.clone(),
            item_name: r.item_name.clone(),
            legal_basis: r.legal_basis.clone(),
            approval_ref: r.approval_ref.clone(),
            arrived_at: rfc3339(from_unix_ms(r.arrival_ms)),
            started_at: rfc3339(from_unix_ms(r.started_ms)),
            late: r.late_mode.as_ref().map(|m| LateView {
                mode: m.clone(),
                reason: r.late_reason.clone().unwrap_or_default(),
            }),
            officers: officers
                .into_iter()
                .map(|(officer, certificate_number, at)| OfficerView {
                    officer,
                    certificate_number,
                    scanned_at: rfc3339(from_unix_ms(at)),
                })
                .collect(),
            left_at: r.left_ms.map(|t| rfc3339(from_unix_ms(t))),
            outcome: r.outcome.clone(),
            result_note: r.result_note.clone(),
            follow_up: r.follow_up.clone(),
            rating: r.rating_stars.map(|stars| RatingView {
                stars,
                comment: r.rating_comment.clone().unwrap_or_default(),
                rated_at: r
                    .rated_ms
                    .map(|t| rfc3339(from_unix_ms(t)))
                    .unwrap_or_default(),
            }),
            complaint_case: r.complaint_case.clone(),
        }
    }
}
