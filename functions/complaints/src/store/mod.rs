//! The only place with the complaints SQL (tables of
//! `infra/migrations/sqlite/0009_complaints.sql`). A case is stored as the core's
//! `CaseState` in JSON with the columns lists and sweeps filter on beside it; the
//! co-handler table is rewritten with every save so that it never drifts.

use std::collections::BTreeSet;

use yingshang_core::complaints::{CaseState, ProblemKey, Status};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError, Row, corrupt};

const INSERT_CASE: &str = "INSERT INTO complaints_cases (id, enterprise, channel, category, \
     status, lead_department, problem_key, received_at, state, version, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)";
const UPDATE_CASE: &str = "UPDATE complaints_cases SET status = $1, lead_department = $2, \
     problem_key = $3, state = $4, version = version + 1, updated_at = $5 \
     WHERE id = $6 AND version = $7";
const SELECT_CASE: &str = "SELECT state, version FROM complaints_cases WHERE id = $1";
const DELETE_CO: &str = "DELETE FROM complaints_co_handlers WHERE case_id = $1";
const INSERT_CO: &str = "INSERT INTO complaints_co_handlers (case_id, department, received_at) \
     VALUES ($1, $2, $3)";
const SELECT_UNDECIDED: &str = "SELECT state, version FROM complaints_cases \
     WHERE status IN ('received', 'logged') ORDER BY received_at, id LIMIT $1";
const SELECT_OPEN: &str = "SELECT state, version FROM complaints_cases \
     WHERE status NOT IN ('refused', 'closed') ORDER BY received_at, id LIMIT $1";

/// A stored case and the version it was read at (for optimistic saves).
#[derive(Debug, Clone)]
pub struct Stored {
    /// The case.
    pub state: CaseState,
    /// Its version.
    pub version: i64,
}

fn stored(row: &Row) -> Result<Stored, DbError> {
    let state =
        serde_json::from_str(&row.text(0)?).map_err(|e| corrupt("complaints_cases.state", e))?;
    Ok(Stored {
        state,
        version: row.int(1)?,
    })
}

fn state_json(case: &CaseState) -> Result<String, DbError> {
    serde_json::to_string(case).map_err(|e| corrupt("complaints_cases.state", e))
}

async fn write_co_handlers(db: &Db, case: &CaseState) -> Result<(), DbError> {
    db.execute(DELETE_CO, vec![db::text(case.id.as_str())])
        .await?;
    for department in &case.co_handlers {
        db.execute(
            INSERT_CO,
            vec![
                db::text(case.id.as_str()),
                db::text(department.as_str()),
                db::int(unix_ms(case.received_at)),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Inserts a new case (in the caller's transaction).
pub async fn insert(db: &Db, case: &CaseState, now_ms: i64) -> Result<(), DbError> {
    db.execute(
        INSERT_CASE,
        vec![
            db::text(case.id.as_str()),
            db::text(case.enterprise.as_str()),
            db::text(case.channel.as_str()),
            db::text(case.category.as_str()),
            db::text(case.status.as_str()),
            db::opt_text(case.lead.as_ref().map(|d| d.as_str().to_owned())),
            db::opt_text(case.problem_key.as_ref().map(|k| k.as_str().to_owned())),
            db::int(unix_ms(case.received_at)),
            db::text(state_json(case)?),
            db::int(now_ms),
        ],
    )
    .await?;
    write_co_handlers(db, case).await
}

/// Saves a changed case if nobody saved it since `version` was read; `false` if
/// someone did (the caller retries).
pub async fn save(db: &Db, case: &CaseState, version: i64, now_ms: i64) -> Result<bool, DbError> {
    let n = db
        .execute(
            UPDATE_CASE,
            vec![
                db::text(case.status.as_str()),
                db::opt_text(case.lead.as_ref().map(|d| d.as_str().to_owned())),
                db::opt_text(case.problem_key.as_ref().map(|k| k.as_str().to_owned())),
                db::text(state_json(case)?),
                db::int(now_ms),
                db::text(case.id.as_str()),
                db::int(version),
            ],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    write_co_handlers(db, case).await?;
    Ok(true)
}

/// A case by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Stored>, DbError> {
    db.query_one(SELECT_CASE, vec![db::text(id)])
        .await?
        .map(|r| stored(&r))
        .transpose()
}

/// Cases not yet decided (received or logged), oldest first, at most `limit`.
pub async fn undecided(db: &Db, limit: i64) -> Result<Vec<Stored>, DbError> {
    let rows = db.query(SELECT_UNDECIDED, vec![db::int(limit)]).await?;
    rows.iter().map(stored).collect()
}

/// Open cases (neither refused nor closed), oldest first, at most `limit`.
pub async fn open(db: &Db, limit: i64) -> Result<Vec<Stored>, DbError> {
    let rows = db.query(SELECT_OPEN, vec![db::int(limit)]).await?;
    rows.iter().map(stored).collect()
}

/// Whose cases a list shows.
#[derive(Debug, Clone)]
pub enum ListScope {
    /// An enterprise's own.
    Enterprise(String),
    /// Those a department leads or co-handles.
    Department(String),
    /// All (the supervising office).
    All,
}

/// Where a page starts: after the case received at `.0` with id `.1` (newest first).
pub type Cursor = (i64, String);

/// One page of cases, newest first: `limit` of them after `cursor`, with `status`.
pub async fn list(
    db: &Db,
    scope: &ListScope,
    status: Option<Status>,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let mut sql = String::from("SELECT state, version FROM complaints_cases WHERE ");
    let mut params = Vec::new();
    match scope {
        ListScope::Enterprise(code) => {
            sql.push_str("enterprise = $1");
            params.push(db::text(code.as_str()));
        }
        ListScope::Department(code) => {
            sql.push_str(
                "(lead_department = $1 OR id IN (SELECT case_id FROM complaints_co_handlers \
                 WHERE department = $1))",
            );
            params.push(db::text(code.as_str()));
        }
        ListScope::All => sql.push_str("1 = 1"),
    }
    if let Some(status) = status {
        params.push(db::text(status.as_str()));
        sql.push_str(&format!(" AND status = ${}", params.len()));
    }
    if let Some((at, id)) = cursor {
        params.push(db::int(*at));
        let a = params.len();
        params.push(db::text(id.as_str()));
        let b = params.len();
        sql.push_str(&format!(
            " AND (received_at < ${a} OR (received_at = ${a} AND id < ${b}))"
        ));
    }
    params.push(db::int(limit));
    sql.push_str(&format!(
        " ORDER BY received_at DESC, id DESC LIMIT ${}",
        params.len()
    ));
    let rows = db.query(&sql, params).await?;
    rows.iter().map(stored).collect()
}

const SELECT_RECEIVED_BETWEEN: &str = "SELECT state, version FROM complaints_cases \
     WHERE received_at >= $1 AND received_at <= $2 ORDER BY received_at DESC, id DESC LIMIT $3";

/// Cases received in `[from_ms, to_ms]`, newest first, at most `limit`.
pub async fn received_between(
    db: &Db,
    from_ms: i64,
    to_ms: i64,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let rows = db
        .query(
            SELECT_RECEIVED_BETWEEN,
            vec![db::int(from_ms), db::int(to_ms), db::int(limit)],
        )
        .await?;
    rows.iter().map(stored).collect()
}

/// One page of the cases received from `$1` on, newest first, before the case
/// received at `$2` with id `$3` (keyset paging: each page is an index range).
const SELECT_RECEIVED_PAGE: &str = "SELECT state, version FROM complaints_cases \
     WHERE received_at >= $1 AND (received_at < $2 OR (received_at = $2 AND id < $3)) \
     ORDER BY received_at DESC, id DESC LIMIT $4";

/// Up to `limit` cases received at or after `from_ms` and before `before`, newest
/// first. Start with `(to_ms + 1, "")` for every case received up to `to_ms`.
pub async fn received_page(
    db: &Db,
    from_ms: i64,
    before: &Cursor,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let rows = db
        .query(
            SELECT_RECEIVED_PAGE,
            vec![
                db::int(from_ms),
                db::int(before.0),
                db::text(before.1.as_str()),
                db::int(limit),
            ],
        )
        .await?;
    rows.iter().map(stored).collect()
}

const INSERT_TYPICAL: &str = "INSERT INTO complaints_typical (id, case_id, body, published_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING";
const SELECT_TYPICAL: &str =
    "SELECT body FROM complaints_typical ORDER BY published_at DESC, id DESC LIMIT $1";

/// Records a published typical case (its JSON); `false` if the case was published before.
pub async fn insert_typical(
    db: &Db,
    id: &str,
    case_id: &str,
    body: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            INSERT_TYPICAL,
            vec![
                db::text(id),
                db::text(case_id),
                db::text(body),
                db::int(now_ms),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Published typical cases (their JSON), newest first.
pub async fn typical(db: &Db, limit: i64) -> Result<Vec<serde_json::Value>, DbError> {
    let rows = db.query(SELECT_TYPICAL, vec![db::int(limit)]).await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.text(0)?).map_err(|e| corrupt("complaints_typical.body", e))
        })
        .collect()
}

const SELECT_CLOSED_TAGGED_PAGE: &str = "SELECT state, version FROM complaints_cases \
     WHERE status = 'closed' AND problem_key IS NOT NULL \
     AND (received_at < $1 OR (received_at = $1 AND id < $2)) \
     ORDER BY received_at DESC, id DESC LIMIT $3";
const SELECT_TYPICAL_KEYS: &str =
    "SELECT body FROM complaints_typical ORDER BY published_at DESC, id DESC LIMIT $1";

/// Up to `limit` closed cases tagged with a problem key, newest first, received
/// before `before` (keyset paging; start with `(i64::MAX, "")`).
pub async fn closed_tagged_page(
    db: &Db,
    before: &Cursor,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let rows = db
        .query(
            SELECT_CLOSED_TAGGED_PAGE,
            vec![
                db::int(before.0),
                db::text(before.1.as_str()),
                db::int(limit),
            ],
        )
        .await?;
    rows.iter().map(stored).collect()
}

/// The problem keys of the published typical cases (as published: a case tagged
/// again after publication does not move its key), of the newest `limit`.
pub async fn published_keys(db: &Db, limit: i64) -> Result<BTreeSet<ProblemKey>, DbError> {
    #[derive(serde::Deserialize)]
    struct Body {
        problem_key: ProblemKey,
    }
    let rows = db.query(SELECT_TYPICAL_KEYS, vec![db::int(limit)]).await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str::<Body>(&r.text(0)?)
                .map(|b| b.problem_key)
                .map_err(|e| corrupt("complaints_typical.body", e))
        })
        .collect()
}

const COUNT_CASES: &str = "SELECT COUNT(*) FROM complaints_cases";

/// How many cases the ledger holds.
pub async fn count(db: &Db) -> Result<i64, DbError> {
    match db.query_one(COUNT_CASES, Vec::new()).await? {
        Some(row) => row.int(0),
        None => Ok(0),
    }
}
