//! Providers (intermediary agencies), their qualifications, evaluations' scores,
//! sanctions, the credit feed, and items staff added.

use serde::Serialize;
use yingshang_kit::db::{int, opt_text, text};
use yingshang_kit::{Db, DbError, Row};

/// A provider as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    /// Credit code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Phone for SMS (never published).
    #[serde(skip)]
    pub phone: String,
    /// Registered (ms).
    #[serde(skip)]
    pub registered_ms: i64,
    /// Expelled for a serious violation.
    pub serious_violation: bool,
    /// The handling step reached, if any.
    pub handling_step: Option<String>,
}

fn provider(r: &Row) -> Result<Provider, DbError> {
    Ok(Provider {
        credit_code: r.text(0)?,
        name: r.text(1)?,
        phone: r.text(2)?,
        registered_ms: r.int(3)?,
        serious_violation: r.int(4)? != 0,
        handling_step: r.opt_text(5)?,
    })
}

const COLUMNS: &str = "credit_code, name, phone, registered_at, serious_violation, handling_step";

/// A provider by credit code.
pub async fn provider_by(db: &Db, code: &str) -> Result<Option<Provider>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM intermediary_providers WHERE credit_code = $1");
    db.query_one(&sql, vec![text(code)])
        .await?
        .map(|r| provider(&r))
        .transpose()
}

/// Every provider, by credit code (at most `limit`).
pub async fn providers(db: &Db, limit: i64) -> Result<Vec<Provider>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM intermediary_providers ORDER BY credit_code LIMIT $1");
    db.query(&sql, vec![int(limit)])
        .await?
        .iter()
        .map(provider)
        .collect()
}

/// Registers a provider; false if it exists.
pub async fn insert_provider(
    db: &Db,
    code: &str,
    name: &str,
    phone: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "INSERT INTO intermediary_providers (credit_code, name, phone, registered_at, serious_violation) \
             VALUES ($1, $2, $3, $4, 0) ON CONFLICT (credit_code) DO NOTHING",
            vec![text(code), text(name), text(phone), int(now_ms)],
        )
        .await?;
    Ok(n == 1)
}

/// Marks a serious violation (red card) or records the handling step.
pub async fn set_red(db: &Db, code: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE intermediary_providers SET serious_violation = 1 WHERE credit_code = $1",
        vec![text(code)],
    )
    .await
    .map(drop)
}

/// Records the handling step reached, only if the agency's step is still `from`
/// (None: no step yet): false when someone else moved it first. Two staff taking the
/// next step at once would otherwise both record it, or wind a later step back.
pub async fn advance_step(
    db: &Db,
    code: &str,
    from: Option<&str>,
    to: &str,
) -> Result<bool, DbError> {
    // COALESCE rather than `IS`/`IS NOT DISTINCT FROM`: one spelling for both backends.
    let moved = db
        .execute(
            "UPDATE intermediary_providers SET handling_step = $1 \
             WHERE credit_code = $2 AND COALESCE(handling_step, '') = $3",
            vec![text(to), text(code), text(from.unwrap_or(""))],
        )
        .await?;
    Ok(moved == 1)
}

/// A qualification as stored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct QualificationRow {
    /// The qualification type.
    pub qualification: String,
    /// Certificate number.
    pub certificate: String,
    /// Valid until (YYYY-MM-DD).
    pub valid_until: String,
    /// pending | approved | rejected.
    #[schemars(extend("enum" = ["pending", "approved", "rejected"]))]
    pub status: String,
    /// Why rejected.
    pub reason: Option<String>,
}

/// Adds or resubmits a qualification (back to pending).
pub async fn put_qualification(
    db: &Db,
    code: &str,
    qualification: &str,
    certificate: &str,
    valid_until: &str,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_qualifications (credit_code, qualification, certificate, valid_until, status) \
         VALUES ($1, $2, $3, $4, 'pending') \
         ON CONFLICT (credit_code, qualification) DO UPDATE SET certificate = excluded.certificate, \
         valid_until = excluded.valid_until, status = 'pending', reason = NULL, decided_by = NULL, decided_at = NULL",
        vec![text(code), text(qualification), text(certificate), text(valid_until)],
    )
    .await
    .map(drop)
}

/// A provider's qualifications.
pub async fn qualifications(db: &Db, code: &str) -> Result<Vec<QualificationRow>, DbError> {
    db.query(
        "SELECT qualification, certificate, valid_until, status, reason FROM intermediary_qualifications \
         WHERE credit_code = $1 ORDER BY qualification",
        vec![text(code)],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(QualificationRow {
            qualification: r.text(0)?,
            certificate: r.text(1)?,
            valid_until: r.text(2)?,
            status: r.text(3)?,
            reason: r.opt_text(4)?,
        })
    })
    .collect()
}

/// Decides a pending qualification; false if there is none pending.
pub async fn decide(
    db: &Db,
    code: &str,
    qualification: &str,
    approved: bool,
    reason: Option<&str>,
    by: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "UPDATE intermediary_qualifications SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
             WHERE credit_code = $5 AND qualification = $6 AND status = 'pending'",
            vec![
                text(if approved { "approved" } else { "rejected" }),
                opt_text(reason),
                text(by),
                int(now_ms),
                text(code),
                text(qualification),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// A provider's evaluation totals, oldest first.
pub async fn scores(db: &Db, code: &str) -> Result<Vec<u8>, DbError> {
    db.query(
        "SELECT total FROM intermediary_evaluations WHERE provider = $1 ORDER BY evaluated_at, project_id",
        vec![text(code)],
    )
    .await?
    .iter()
    .map(|r| Ok(u8::try_from(r.int(0)?).unwrap_or(0)))
    .collect()
}

/// A sanction as stored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SanctionRow {
    /// Id.
    pub id: String,
    /// The misconduct.
    pub misconduct: String,
    /// Proven on.
    pub proven_on: String,
    /// Entry frozen until.
    pub frozen_until: String,
    /// What was proven.
    pub note: String,
}

/// A provider's sanctions.
pub async fn sanctions(db: &Db, code: &str) -> Result<Vec<SanctionRow>, DbError> {
    db.query(
        "SELECT id, misconduct, proven_on, frozen_until, note FROM intermediary_sanctions \
         WHERE provider = $1 ORDER BY proven_on, id",
        vec![text(code)],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(SanctionRow {
            id: r.text(0)?,
            misconduct: r.text(1)?,
            proven_on: r.text(2)?,
            frozen_until: r.text(3)?,
            note: r.text(4)?,
        })
    })
    .collect()
}

/// Records a sanction.
pub async fn insert_sanction(
    db: &Db,
    provider: &str,
    s: &SanctionRow,
    by: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_sanctions (id, provider, misconduct, proven_on, frozen_until, note, imposed_by, imposed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            text(s.id.as_str()),
            text(provider),
            text(s.misconduct.as_str()),
            text(s.proven_on.as_str()),
            text(s.frozen_until.as_str()),
            text(s.note.as_str()),
            text(by),
            int(now_ms),
        ],
    )
    .await
    .map(drop)
}

/// Publishes a credit event on the feed.
pub async fn publish_credit_event(
    db: &Db,
    id: &str,
    provider: &str,
    kind: &str,
    body: &serde_json::Value,
    now_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_credit_events (id, provider, kind, body, published_at) VALUES ($1, $2, $3, $4, $5)",
        vec![text(id), text(provider), text(kind), text(body.to_string()), int(now_ms)],
    )
    .await
    .map(drop)
}

/// The credit feed after `after` (an event id), oldest first, at most `limit`.
pub async fn credit_events(
    db: &Db,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String, String, String, i64)>, DbError> {
    db.query(
        "SELECT id, provider, kind, body, published_at FROM intermediary_credit_events \
         WHERE id > $1 ORDER BY id LIMIT $2",
        vec![text(after), int(limit)],
    )
    .await?
    .iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.text(3)?, r.int(4)?)))
    .collect()
}

/// Items staff added, as JSON bodies.
pub async fn added_items(db: &Db) -> Result<Vec<String>, DbError> {
    db.query(
        "SELECT body FROM intermediary_items ORDER BY code",
        Vec::new(),
    )
    .await?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// Adds an item; false if its code exists.
pub async fn insert_item(
    db: &Db,
    code: &str,
    body: &str,
    by: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "INSERT INTO intermediary_items (code, body, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO NOTHING",
            vec![text(code), text(body), text(by), int(now_ms)],
        )
        .await?;
    Ok(n == 1)
}
