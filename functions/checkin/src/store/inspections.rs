//! Scans, inspections and their officers, ratings and complaints; no-scan reports and
//! the counts the statistics and warnings read are in [`super::oversight`].

use serde::{Deserialize, Serialize};
use yingshang_core::checkin::{CaseReason, Kind, Late, LateMode, Pending, Plan, Started};
use yingshang_core::security::Subject;
use yingshang_kit::clock::{from_unix_ms, unix_ms};
use yingshang_kit::db::{int, opt_text, text};
use yingshang_kit::{Db, DbError, Row, db::corrupt};

pub use super::oversight::{NoScanReport, insert_no_scan, month_counts, visits_since};

/// A plan as stored (the core's [`Plan`] has no serde: it is the rules' type).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPlan {
    kind: String,
    reason: Option<String>,
    campaign: Option<String>,
    item: String,
    approval_ref: String,
    late_mode: Option<String>,
    late_reason: Option<String>,
    arrived_at_ms: Option<i64>,
}

/// A plan as JSON text.
pub fn plan_json(p: &Plan) -> String {
    let (reason, campaign) = match &p.kind {
        Kind::Routine => (None, None),
        Kind::Case(r) => (Some(r.as_str().to_owned()), None),
        Kind::Special(c) => (None, Some(c.clone())),
    };
    let s = StoredPlan {
        kind: p.kind.name().to_owned(),
        reason,
        campaign,
        item: p.item.clone(),
        approval_ref: p.approval_ref.clone(),
        late_mode: p.late.as_ref().map(|l| l.mode.as_str().to_owned()),
        late_reason: p.late.as_ref().map(|l| l.reason.clone()),
        arrived_at_ms: p.late.as_ref().map(|l| unix_ms(l.arrived_at)),
    };
    serde_json::to_string(&s).unwrap_or_default()
}

fn plan_of(json: &str) -> Result<Plan, DbError> {
    let s: StoredPlan = serde_json::from_str(json).map_err(|e| corrupt("plan", e))?;
    let kind = match s.kind.as_str() {
        "routine" => Kind::Routine,
        "case" => Kind::Case(
            s.reason
                .as_deref()
                .and_then(CaseReason::parse)
                .ok_or_else(|| corrupt("plan", "case reason"))?,
        ),
        _ => Kind::Special(s.campaign.unwrap_or_default()),
    };
    let late = match (
        s.late_mode.as_deref().and_then(LateMode::parse),
        s.arrived_at_ms,
    ) {
        (Some(mode), Some(ms)) => Some(Late {
            mode,
            reason: s.late_reason.unwrap_or_default(),
            arrived_at: from_unix_ms(ms),
        }),
        _ => None,
    };
    Ok(Plan {
        kind,
        item: s.item,
        approval_ref: s.approval_ref,
        late,
    })
}

fn subject(t: String) -> Result<Subject, DbError> {
    Subject::parse(&t).map_err(|e| corrupt("officer", e))
}

const WAITING: &str = "SELECT id, officer, scanned_at, plan FROM checkin_scans \
     WHERE enterprise = $1 AND agency = $2 AND status = 'waiting' \
     ORDER BY scanned_at DESC, id DESC LIMIT 1";
const LAPSE: &str = "UPDATE checkin_scans SET status = 'lapsed' \
     WHERE enterprise = $1 AND agency = $2 AND status = 'waiting' AND scanned_at < $3";
const INSERT_SCAN: &str = "INSERT INTO checkin_scans \
     (id, agency, officer, enterprise, scanned_at, plan, status, inspection_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SCAN_STARTED: &str =
    "UPDATE checkin_scans SET status = 'started', inspection_id = $1 WHERE id = $2";
const LATEST_STARTED: &str = "SELECT id, started_at, plan, left_at FROM checkin_inspections \
     WHERE enterprise = $1 AND agency = $2 ORDER BY started_at DESC, id DESC LIMIT 1";
const OFFICERS_OF: &str = "SELECT officer, certificate_number, scanned_at FROM checkin_inspection_officers \
     WHERE inspection_id = $1 ORDER BY scanned_at, officer";
const ROUTINE_COUNT: &str = "SELECT COUNT(*) FROM checkin_inspections \
     WHERE agency = $1 AND enterprise = $2 AND arrival_year = $3 AND kind = 'routine'";
const CAMPAIGN_COUNT: &str = "SELECT COUNT(*) FROM checkin_inspections \
     WHERE agency = $1 AND enterprise = $2 AND kind = 'special' AND campaign = $3";
const INSERT_INSPECTION: &str = "INSERT INTO checkin_inspections \
     (id, enterprise, agency, kind, reason, campaign, item, item_name, legal_basis, approval_ref, \
      arrival_at, arrival_year, started_at, late_mode, late_reason, plan) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
const INSERT_OFFICER: &str = "INSERT INTO checkin_inspection_officers \
     (inspection_id, officer, certificate_number, scanned_at) VALUES ($1, $2, $3, $4)";
const INSPECTION_COLUMNS: &str = "id, enterprise, agency, kind, reason, campaign, item, item_name, \
     legal_basis, approval_ref, arrival_at, started_at, late_mode, late_reason, left_at, left_by, \
     outcome, result_note, follow_up, rating_stars, rating_comment, rated_at, complaint_case";
const LEAVE: &str = "UPDATE checkin_inspections SET left_at = $1, left_by = $2, outcome = $3, \
     result_note = $4, follow_up = $5 WHERE id = $6 AND left_at IS NULL";
const RATE: &str = "UPDATE checkin_inspections SET rating_stars = $1, rating_comment = $2, rated_at = $3 \
     WHERE id = $4 AND rating_stars IS NULL";
const COMPLAINT: &str = "UPDATE checkin_inspections SET complaint_case = $1 WHERE id = $2";

/// The agency's newest waiting scan on the enterprise, after marking older ones lapsed.
pub async fn waiting(
    db: &Db,
    enterprise: &str,
    agency: &str,
    lapse_before_ms: i64,
) -> Result<Option<(String, Pending)>, DbError> {
    db.execute(
        LAPSE,
        vec![text(enterprise), text(agency), int(lapse_before_ms)],
    )
    .await?;
    let Some(row) = db
        .query_one(WAITING, vec![text(enterprise), text(agency)])
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        row.text(0)?,
        Pending {
            officer: subject(row.text(1)?)?,
            scanned_at: from_unix_ms(row.int(2)?),
            plan: plan_of(&row.text(3)?)?,
        },
    )))
}

/// A scan.
pub struct NewScan<'a> {
    /// Its id.
    pub id: &'a str,
    /// The agency.
    pub agency: &'a str,
    /// The officer.
    pub officer: &'a str,
    /// The enterprise.
    pub enterprise: &'a str,
    /// When.
    pub at_ms: i64,
    /// What was declared.
    pub plan: &'a Plan,
    /// `waiting`, `started` or `joined`.
    pub status: &'a str,
    /// The inspection it belongs to.
    pub inspection: Option<&'a str>,
}

/// Records a scan.
pub async fn insert_scan(db: &Db, s: &NewScan<'_>) -> Result<(), DbError> {
    db.execute(
        INSERT_SCAN,
        vec![
            text(s.id),
            text(s.agency),
            text(s.officer),
            text(s.enterprise),
            int(s.at_ms),
            text(plan_json(s.plan)),
            text(s.status),
            opt_text(s.inspection),
        ],
    )
    .await
    .map(drop)
}

/// Marks a waiting scan as the start of an inspection.
pub async fn scan_started(db: &Db, scan: &str, inspection: &str) -> Result<(), DbError> {
    db.execute(SCAN_STARTED, vec![text(inspection), text(scan)])
        .await
        .map(drop)
}

/// The officers of an inspection: (subject, certificate, scanned at ms).
pub async fn officers_of(db: &Db, inspection: &str) -> Result<Vec<(String, String, i64)>, DbError> {
    db.query(OFFICERS_OF, vec![text(inspection)])
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)))
        .collect()
}

/// The agency's newest inspection of the enterprise, as the rules see it.
pub async fn latest_started(
    db: &Db,
    enterprise: &str,
    agency: &str,
) -> Result<Option<(String, Started)>, DbError> {
    let Some(row) = db
        .query_one(LATEST_STARTED, vec![text(enterprise), text(agency)])
        .await?
    else {
        return Ok(None);
    };
    let id = row.text(0)?;
    let officers = officers_of(db, &id)
        .await?
        .into_iter()
        .map(|(s, _, _)| subject(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((
        id,
        Started {
            officers,
            started_at: from_unix_ms(row.int(1)?),
            plan: plan_of(&row.text(2)?)?,
            left: row.opt_int(3)?.is_some(),
        },
    )))
}

/// Routine inspections of the agency on the enterprise in a year.
pub async fn routine_count(
    db: &Db,
    agency: &str,
    enterprise: &str,
    year: i32,
) -> Result<u32, DbError> {
    let row = db
        .query_one(
            ROUTINE_COUNT,
            vec![text(agency), text(enterprise), int(i64::from(year))],
        )
        .await?;
    Ok(row
        .map_or(Ok(0), |r| r.int(0))?
        .try_into()
        .unwrap_or(u32::MAX))
}

/// Inspections of the enterprise under a campaign of the agency.
pub async fn campaign_count(
    db: &Db,
    agency: &str,
    enterprise: &str,
    campaign: &str,
) -> Result<u32, DbError> {
    let row = db
        .query_one(
            CAMPAIGN_COUNT,
            vec![text(agency), text(enterprise), text(campaign)],
        )
        .await?;
    Ok(row
        .map_or(Ok(0), |r| r.int(0))?
        .try_into()
        .unwrap_or(u32::MAX))
}

/// A new inspection.
pub struct NewInspection<'a> {
    /// Its id.
    pub id: &'a str,
    /// The enterprise.
    pub enterprise: &'a str,
    /// The agency.
    pub agency: &'a str,
    /// What was declared.
    pub plan: &'a Plan,
    /// The item's name and legal basis as published at the time.
    pub item_name: &'a str,
    /// The legal basis.
    pub legal_basis: &'a str,
    /// Arrival.
    pub arrival_ms: i64,
    /// The arrival's year (China Standard Time).
    pub arrival_year: i32,
    /// When the second officer scanned.
    pub started_ms: i64,
}

/// Records an inspection.
pub async fn insert_inspection(db: &Db, n: &NewInspection<'_>) -> Result<(), DbError> {
    let (reason, campaign) = match &n.plan.kind {
        Kind::Routine => (None, None),
        Kind::Case(r) => (Some(r.as_str().to_owned()), None),
        Kind::Special(c) => (None, Some(c.clone())),
    };
    db.execute(
        INSERT_INSPECTION,
        vec![
            text(n.id),
            text(n.enterprise),
            text(n.agency),
            text(n.plan.kind.name()),
            opt_text(reason),
            opt_text(campaign),
            text(n.plan.item.as_str()),
            text(n.item_name),
            text(n.legal_basis),
            text(n.plan.approval_ref.as_str()),
            int(n.arrival_ms),
            int(i64::from(n.arrival_year)),
            int(n.started_ms),
            opt_text(n.plan.late.as_ref().map(|l| l.mode.as_str())),
            opt_text(n.plan.late.as_ref().map(|l| l.reason.clone())),
            text(plan_json(n.plan)),
        ],
    )
    .await
    .map(drop)
}

/// Adds an officer to an inspection.
pub async fn add_officer(
    db: &Db,
    inspection: &str,
    officer: &str,
    certificate: &str,
    at_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        INSERT_OFFICER,
        vec![
            text(inspection),
            text(officer),
            text(certificate),
            int(at_ms),
        ],
    )
    .await
    .map(drop)
}

/// An inspection as stored.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionRow {
    /// Id.
    pub id: String,
    /// Enterprise.
    pub enterprise: String,
    /// Agency.
    pub agency: String,
    /// routine | case | special.
    pub kind: String,
    /// Case reason.
    pub reason: Option<String>,
    /// Campaign.
    pub campaign: Option<String>,
    /// Item code.
    pub item: String,
    /// Item name.
    pub item_name: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Approval reference.
    pub approval_ref: String,
    /// Arrival (ms).
    pub arrival_ms: i64,
    /// Start (ms).
    pub started_ms: i64,
    /// Late mode.
    pub late_mode: Option<String>,
    /// Late reason.
    pub late_reason: Option<String>,
    /// Check-out (ms).
    pub left_ms: Option<i64>,
    /// Who checked out.
    pub left_by: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Result note.
    pub result_note: Option<String>,
    /// Follow-up.
    pub follow_up: Option<String>,
    /// Stars.
    pub rating_stars: Option<i64>,
    /// Rating comment.
    pub rating_comment: Option<String>,
    /// Rated at (ms).
    pub rated_ms: Option<i64>,
    /// The complaints case about it.
    pub complaint_case: Option<String>,
}

fn inspection_row(r: &Row) -> Result<InspectionRow, DbError> {
    Ok(InspectionRow {
        id: r.text(0)?,
        enterprise: r.text(1)?,
        agency: r.text(2)?,
        kind: r.text(3)?,
        reason: r.opt_text(4)?,
        campaign: r.opt_text(5)?,
        item: r.text(6)?,
        item_name: r.text(7)?,
        legal_basis: r.text(8)?,
        approval_ref: r.text(9)?,
        arrival_ms: r.int(10)?,
        started_ms: r.int(11)?,
        late_mode: r.opt_text(12)?,
        late_reason: r.opt_text(13)?,
        left_ms: r.opt_int(14)?,
        left_by: r.opt_text(15)?,
        outcome: r.opt_text(16)?,
        result_note: r.opt_text(17)?,
        follow_up: r.opt_text(18)?,
        rating_stars: r.opt_int(19)?,
        rating_comment: r.opt_text(20)?,
        rated_ms: r.opt_int(21)?,
        complaint_case: r.opt_text(22)?,
    })
}

/// An inspection by id.
pub async fn inspection(db: &Db, id: &str) -> Result<Option<InspectionRow>, DbError> {
    let sql = format!("SELECT {INSPECTION_COLUMNS} FROM checkin_inspections WHERE id = $1");
    db.query_one(&sql, vec![text(id)])
        .await?
        .map(|r| inspection_row(&r))
        .transpose()
}

/// Which inspections a list shows.
pub enum Scope<'a> {
    /// One enterprise's.
    Enterprise(&'a str),
    /// One agency's (optionally of one enterprise).
    Agency(&'a str, Option<&'a str>),
    /// Everyone's (optionally of one enterprise).
    All(Option<&'a str>),
}

/// Inspections newest first, before a cursor (`arrival_ms`, `id`), at most `limit`.
pub async fn list(
    db: &Db,
    scope: Scope<'_>,
    before: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<InspectionRow>, DbError> {
    let mut params = Vec::new();
    let mut wheres = Vec::new();
    let mut push = |clause: &str, v: yingshang_kit::db::Value, params: &mut Vec<_>| {
        params.push(v);
        wheres.push(clause.replace('?', &format!("${}", params.len())));
    };
    match scope {
        Scope::Enterprise(e) => push("enterprise = ?", text(e), &mut params),
        Scope::Agency(a, e) => {
            push("agency = ?", text(a), &mut params);
            if let Some(e) = e {
                push("enterprise = ?", text(e), &mut params);
            }
        }
        Scope::All(e) => {
            if let Some(e) = e {
                push("enterprise = ?", text(e), &mut params);
            }
        }
    }
    if let Some((ms, id)) = before {
        params.push(int(ms));
        let a = params.len();
        params.push(text(id));
        let b = params.len();
        wheres.push(format!(
            "(arrival_at < ${a} OR (arrival_at = ${a} AND id < ${b}))"
        ));
    }
    params.push(int(limit));
    let where_sql = if wheres.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wheres.join(" AND "))
    };
    let sql = format!(
        "SELECT {INSPECTION_COLUMNS} FROM checkin_inspections {where_sql} \
         ORDER BY arrival_at DESC, id DESC LIMIT ${}",
        params.len()
    );
    db.query(&sql, params)
        .await?
        .iter()
        .map(inspection_row)
        .collect()
}

/// Records a check-out; false if someone checked out first.
pub async fn leave(
    db: &Db,
    id: &str,
    at_ms: i64,
    by: &str,
    outcome: &str,
    note: &str,
    follow_up: &str,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            LEAVE,
            vec![
                int(at_ms),
                text(by),
                text(outcome),
                text(note),
                text(follow_up),
                text(id),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Records a rating; false if it was rated first.
pub async fn rate(
    db: &Db,
    id: &str,
    stars: u8,
    comment: &str,
    at_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            RATE,
            vec![int(i64::from(stars)), text(comment), int(at_ms), text(id)],
        )
        .await?;
    Ok(n == 1)
}

/// Links the complaints case raised about an inspection.
pub async fn set_complaint(db: &Db, id: &str, case: &str) -> Result<(), DbError> {
    db.execute(COMPLAINT, vec![text(case), text(id)])
        .await
        .map(drop)
}
