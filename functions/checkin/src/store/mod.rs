//! The check-in function's SQL: the only place with statements. Timestamps are unix
//! milliseconds; plans and agency rules are the core's types as JSON.

pub mod inspections;
mod oversight;
pub mod register;
pub mod surveys;

use yingshang_core::checkin::{AgencyRules, Officer};
use yingshang_core::security::Subject;
use yingshang_kit::db::{int, text};
use yingshang_kit::{Db, DbError, db::corrupt};

const AGENCY: &str = "SELECT rules FROM checkin_agencies WHERE agency = $1";
const UPSERT_AGENCY: &str = "INSERT INTO checkin_agencies (agency, rules, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (agency) DO UPDATE SET rules = excluded.rules, \
     updated_by = excluded.updated_by, updated_at = excluded.updated_at";
const OFFICER: &str = "SELECT subject, name, certificate_number, valid_from, valid_until \
     FROM checkin_officers WHERE agency = $1 AND subject = $2";
const UPSERT_OFFICER: &str = "INSERT INTO checkin_officers \
     (agency, subject, name, certificate_number, valid_from, valid_until, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (agency, subject) DO UPDATE SET name = excluded.name, \
     certificate_number = excluded.certificate_number, valid_from = excluded.valid_from, \
     valid_until = excluded.valid_until, updated_at = excluded.updated_at";
const OFFICER_COUNT: &str = "SELECT COUNT(*) FROM checkin_officers WHERE agency = $1";

/// An agency's published rules.
pub async fn agency(db: &Db, agency: &str) -> Result<Option<AgencyRules>, DbError> {
    let Some(row) = db.query_one(AGENCY, vec![text(agency)]).await? else {
        return Ok(None);
    };
    let json = row.text(0)?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| corrupt("checkin_agencies.rules", e))
}

/// Publishes an agency's rules (replacing earlier ones).
pub async fn put_agency(
    db: &Db,
    agency: &str,
    rules: &AgencyRules,
    actor: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    let json = serde_json::to_string(rules).map_err(|e| corrupt("agency rules", e))?;
    db.execute(
        UPSERT_AGENCY,
        vec![text(agency), text(json), text(actor), int(now_ms)],
    )
    .await
    .map(drop)
}

fn date(row: &yingshang_kit::Row, i: usize) -> Result<time::Date, DbError> {
    let t = row.text(i)?;
    yingshang_core::calendar::IsoDate::parse(&t)
        .map(|d| d.date())
        .map_err(|e| corrupt("checkin_officers date", e))
}

/// An officer of an agency.
pub async fn officer(db: &Db, agency: &str, subject: &str) -> Result<Option<Officer>, DbError> {
    let Some(row) = db
        .query_one(OFFICER, vec![text(agency), text(subject)])
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Officer {
        subject: Subject::parse(&row.text(0)?).map_err(|e| corrupt("officer subject", e))?,
        name_zh: row.text(1)?,
        certificate_number: row.text(2)?,
        valid_from: date(&row, 3)?,
        valid_until: date(&row, 4)?,
    }))
}

/// Adds or updates an officer.
pub async fn put_officer(db: &Db, agency: &str, o: &Officer, now_ms: i64) -> Result<(), DbError> {
    db.execute(
        UPSERT_OFFICER,
        vec![
            text(agency),
            text(o.subject.as_str()),
            text(o.name_zh.as_str()),
            text(o.certificate_number.as_str()),
            text(yingshang_core::calendar::iso(o.valid_from)),
            text(yingshang_core::calendar::iso(o.valid_until)),
            int(now_ms),
        ],
    )
    .await
    .map(drop)
}

/// How many officers an agency has.
pub async fn officer_count(db: &Db, agency: &str) -> Result<i64, DbError> {
    let row = db.query_one(OFFICER_COUNT, vec![text(agency)]).await?;
    row.map_or(Ok(0), |r| r.int(0))
}
