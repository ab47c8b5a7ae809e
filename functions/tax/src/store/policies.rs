//! 免申即享 and 红利账单: catalogue versions, enterprise attributes, the matches the
//! schedule keeps, and recorded savings. Tables of
//! `infra/migrations/sqlite/0006_tax_policies.sql`.

use super::{corrupt, to_json};
use time::{Date, OffsetDateTime};
use yingshang_core::calendar::{IsoDate, iso as ymd};
use yingshang_core::money::Fen;
use yingshang_core::tax::{Enterprise, PolicyCatalogue, PolicyMatch, SavingRecord};
use yingshang_kit::clock::{from_unix_ms, unix_ms};
use yingshang_kit::db::{self, Db, DbError};

const INSERT_CATALOGUE: &str = "INSERT INTO tax_policy_catalogues (version, catalogue, source, \
     published_at) VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO NOTHING";
const SELECT_CATALOGUE: &str = "SELECT catalogue FROM tax_policy_catalogues WHERE version = $1";
const SELECT_CURRENT: &str = "SELECT catalogue, published_at FROM tax_policy_catalogues \
     ORDER BY published_at DESC, version DESC LIMIT 1";

const UPSERT_ENTERPRISE: &str = "INSERT INTO tax_enterprises (credit_code, attributes, source, \
     updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (credit_code) DO UPDATE SET \
     attributes = excluded.attributes, source = excluded.source, \
     updated_at = excluded.updated_at";
const COUNT_ENTERPRISES: &str = "SELECT COUNT(*) FROM tax_enterprises";
const SELECT_ENTERPRISE: &str =
    "SELECT matched_version, matched_at FROM tax_enterprises WHERE credit_code = $1";
/// Due: never matched, matched with another catalogue, or changed since.
const DUE: &str = "matched_version IS NULL OR matched_version <> $1 OR updated_at >= matched_at";
const SET_MATCHED: &str =
    "UPDATE tax_enterprises SET matched_version = $1, matched_at = $2 WHERE credit_code = $3";

const UPSERT_MATCH: &str = "INSERT INTO tax_policy_matches (credit_code, policy_id, \
     catalogue_version, policy_match, first_matched_at, matched_at, ended_at) \
     VALUES ($1, $2, $3, $4, $5, $5, NULL) ON CONFLICT (credit_code, policy_id) DO UPDATE SET \
     catalogue_version = excluded.catalogue_version, policy_match = excluded.policy_match, \
     matched_at = excluded.matched_at, ended_at = NULL, \
     first_matched_at = CASE WHEN tax_policy_matches.ended_at IS NULL \
     THEN tax_policy_matches.first_matched_at ELSE excluded.first_matched_at END";
const SELECT_OPEN_MATCH_IDS: &str = "SELECT policy_id FROM tax_policy_matches \
     WHERE credit_code = $1 AND ended_at IS NULL";
const END_MATCH: &str = "UPDATE tax_policy_matches SET ended_at = $1 \
     WHERE credit_code = $2 AND policy_id = $3 AND ended_at IS NULL";
const SELECT_OPEN_MATCHES: &str = "SELECT policy_match, first_matched_at FROM \
     tax_policy_matches WHERE credit_code = $1 AND ended_at IS NULL ORDER BY policy_id";

const INSERT_SAVING: &str = "INSERT INTO tax_policy_savings (record_id, credit_code, policy_id, \
     on_date, saved_fen, source, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (record_id) DO NOTHING";
const SELECT_SAVING: &str = "SELECT credit_code, policy_id, on_date, saved_fen \
     FROM tax_policy_savings WHERE record_id = $1";
const SELECT_SAVINGS: &str = "SELECT credit_code, policy_id, on_date, saved_fen \
     FROM tax_policy_savings WHERE credit_code = $1 AND on_date >= $2 AND on_date <= $3 \
     ORDER BY on_date, record_id";
const COUNT_SAVINGS: &str = "SELECT COUNT(*) FROM tax_policy_savings";

fn parse_ymd(text: &str) -> Result<Date, DbError> {
    IsoDate::parse(text)
        .map(IsoDate::date)
        .map_err(|e| corrupt("tax_policy_savings.on_date", e))
}

/// What publishing a catalogue version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// A new version.
    New,
    /// The same version with the same policies was published before.
    Unchanged,
    /// The version exists with other policies.
    Conflict,
}

/// Publishes a catalogue version; an existing version is never changed.
pub async fn publish_catalogue(
    db: &Db,
    catalogue: &PolicyCatalogue,
    source: &str,
    now: OffsetDateTime,
) -> Result<Published, DbError> {
    let inserted = db
        .execute(
            INSERT_CATALOGUE,
            vec![
                db::text(catalogue.version()),
                db::text(to_json("policy catalogue", catalogue)?),
                db::text(source),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(Published::New);
    }
    let row = db
        .query_one(SELECT_CATALOGUE, vec![db::text(catalogue.version())])
        .await?
        .ok_or_else(|| corrupt("tax_policy_catalogues", "a conflicting row vanished"))?;
    let stored: PolicyCatalogue = serde_json::from_str(&row.text(0)?)
        .map_err(|e| corrupt("tax_policy_catalogues.catalogue", e))?;
    Ok(if stored == *catalogue {
        Published::Unchanged
    } else {
        Published::Conflict
    })
}

/// The catalogue published last, with when.
pub async fn current_catalogue(
    db: &Db,
) -> Result<Option<(PolicyCatalogue, OffsetDateTime)>, DbError> {
    let Some(row) = db.query_one(SELECT_CURRENT, Vec::new()).await? else {
        return Ok(None);
    };
    let catalogue = serde_json::from_str(&row.text(0)?)
        .map_err(|e| corrupt("tax_policy_catalogues.catalogue", e))?;
    Ok(Some((catalogue, from_unix_ms(row.int(1)?))))
}

/// Stores (or replaces) an enterprise's attributes; its matches become due.
pub async fn put_enterprise(
    db: &Db,
    e: &Enterprise,
    source: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        UPSERT_ENTERPRISE,
        vec![
            db::text(e.credit_code.as_str()),
            db::text(to_json("enterprise", e)?),
            db::text(source),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// Number of enterprises known.
pub async fn enterprise_count(db: &Db) -> Result<i64, DbError> {
    count(db, COUNT_ENTERPRISES).await
}

async fn count(db: &Db, sql: &str) -> Result<i64, DbError> {
    match db.query_one(sql, Vec::new()).await? {
        Some(row) => row.int(0),
        None => Ok(0),
    }
}

/// When an enterprise's matches were last computed, and with which catalogue;
/// `None` when the enterprise is unknown.
pub async fn enterprise_matched(
    db: &Db,
    credit_code: &str,
) -> Result<Option<(Option<String>, Option<OffsetDateTime>)>, DbError> {
    let Some(row) = db
        .query_one(SELECT_ENTERPRISE, vec![db::text(credit_code)])
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((row.opt_text(0)?, row.opt_int(1)?.map(from_unix_ms))))
}

/// Up to `limit` enterprises whose matches are due under catalogue `version`, in
/// credit-code order.
pub async fn due_enterprises(
    db: &Db,
    version: &str,
    limit: i64,
) -> Result<Vec<Enterprise>, DbError> {
    let sql =
        format!("SELECT attributes FROM tax_enterprises WHERE {DUE} ORDER BY credit_code LIMIT $2");
    let rows = db
        .query(&sql, vec![db::text(version), db::int(limit)])
        .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.text(0)?).map_err(|e| corrupt("tax_enterprises.attributes", e))
        })
        .collect()
}

/// How many enterprises are still due under catalogue `version`.
pub async fn due_count(db: &Db, version: &str) -> Result<i64, DbError> {
    let sql = format!("SELECT COUNT(*) FROM tax_enterprises WHERE {DUE}");
    match db.query_one(&sql, vec![db::text(version)]).await? {
        Some(row) => row.int(0),
        None => Ok(0),
    }
}

/// What replacing an enterprise's matches changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchChange {
    /// Policies it did not enjoy before.
    pub started: usize,
    /// Policies it no longer enjoys.
    pub ended: usize,
}

/// Makes `matches` the enterprise's open matches under `version`: new ones start,
/// missing ones end, continuing ones keep when they started.
pub async fn replace_matches(
    db: &Db,
    credit_code: &str,
    version: &str,
    matches: &[PolicyMatch],
    now: OffsetDateTime,
) -> Result<MatchChange, DbError> {
    let open: Vec<String> = db
        .query(SELECT_OPEN_MATCH_IDS, vec![db::text(credit_code)])
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    let mut change = MatchChange::default();
    for m in matches {
        if !open.contains(&m.policy_id) {
            change.started += 1;
        }
        db.execute(
            UPSERT_MATCH,
            vec![
                db::text(credit_code),
                db::text(m.policy_id.as_str()),
                db::text(version),
                db::text(to_json("policy match", m)?),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    }
    for gone in open
        .iter()
        .filter(|id| !matches.iter().any(|m| &m.policy_id == *id))
    {
        db.execute(
            END_MATCH,
            vec![
                db::int(unix_ms(now)),
                db::text(credit_code),
                db::text(gone.as_str()),
            ],
        )
        .await?;
        change.ended += 1;
    }
    db.execute(
        SET_MATCHED,
        vec![
            db::text(version),
            db::int(unix_ms(now)),
            db::text(credit_code),
        ],
    )
    .await?;
    Ok(change)
}

/// The policies an enterprise enjoys now, with when each run of matches started.
pub async fn open_matches(
    db: &Db,
    credit_code: &str,
) -> Result<Vec<(PolicyMatch, OffsetDateTime)>, DbError> {
    let rows = db
        .query(SELECT_OPEN_MATCHES, vec![db::text(credit_code)])
        .await?;
    rows.iter()
        .map(|r| {
            let m = serde_json::from_str(&r.text(0)?)
                .map_err(|e| corrupt("tax_policy_matches.policy_match", e))?;
            Ok((m, from_unix_ms(r.int(1)?)))
        })
        .collect()
}

/// What recording one saving did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new record.
    New,
    /// The same record was recorded before.
    Unchanged,
    /// Another record holds this id.
    Conflict,
}

/// Records a saving under its id, once.
pub async fn record_saving(
    db: &Db,
    record_id: &str,
    s: &SavingRecord,
    source: &str,
    now: OffsetDateTime,
) -> Result<Recorded, DbError> {
    let inserted = db
        .execute(
            INSERT_SAVING,
            vec![
                db::text(record_id),
                db::text(s.credit_code.as_str()),
                db::text(s.policy_id.as_str()),
                db::text(ymd(s.on)),
                db::int(s.saved.0),
                db::text(source),
                db::int(unix_ms(now)),
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(Recorded::New);
    }
    let row = db
        .query_one(SELECT_SAVING, vec![db::text(record_id)])
        .await?
        .ok_or_else(|| corrupt("tax_policy_savings", "a conflicting row vanished"))?;
    Ok(if saving_of(&row)? == *s {
        Recorded::Unchanged
    } else {
        Recorded::Conflict
    })
}

fn saving_of(r: &db::Row) -> Result<SavingRecord, DbError> {
    Ok(SavingRecord {
        credit_code: r.text(0)?,
        policy_id: r.text(1)?,
        on: parse_ymd(&r.text(2)?)?,
        saved: Fen(r.int(3)?),
    })
}

/// An enterprise's savings dated `from` to `until`, both included.
pub async fn savings(
    db: &Db,
    credit_code: &str,
    from: Date,
    until: Date,
) -> Result<Vec<SavingRecord>, DbError> {
    let rows = db
        .query(
            SELECT_SAVINGS,
            vec![
                db::text(credit_code),
                db::text(ymd(from)),
                db::text(ymd(until)),
            ],
        )
        .await?;
    rows.iter().map(saving_of).collect()
}

/// Number of savings recorded.
pub async fn saving_count(db: &Db) -> Result<i64, DbError> {
    count(db, COUNT_SAVINGS).await
}
