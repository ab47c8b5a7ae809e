//! The SQL of the operator dashboard: dwellings registered and assessed per
//! division, and the newest runs and imports (their ids; the records are read
//! through [`super::run`] and [`super::imports::import`]).

use yingshang_kit::db::{self, Db, DbError};

/// Per division: dwellings, and those with a successful result of some run (kept in
/// `assessed_dwellings`, one row per dwelling, by the chunks that store results).
const COVERAGE: &str = "SELECT d.division_code, COUNT(*), \
     SUM(CASE WHEN EXISTS (SELECT 1 FROM assessed_dwellings a WHERE a.unit_code = d.unit_code) \
     THEN 1 ELSE 0 END) \
     FROM dwellings d GROUP BY d.division_code ORDER BY d.division_code";
/// The newest runs, of creators `LIKE $1` (`''`: everyone's), in status `$2` (`''`: any).
const NEWEST_RUNS: &str = "SELECT id FROM reassessment_runs \
     WHERE ($1 = '' OR created_by LIKE $1) AND ($2 = '' OR status = $2) \
     ORDER BY created_at DESC, id DESC LIMIT $3";
/// The newest imports, of creators `LIKE $1` (`''`: everyone's), in a status of
/// `$2`/`$3` (`''`: any).
const NEWEST_IMPORTS: &str = "SELECT id FROM valuation_imports \
     WHERE ($1 = '' OR created_by LIKE $1) AND ($2 = '' OR status = $2 OR status = $3) \
     ORDER BY created_at DESC, id DESC LIMIT $4";

/// `(division code, dwellings registered, dwellings assessed)` per division.
pub async fn coverage(db: &Db) -> Result<Vec<(String, u64, u64)>, DbError> {
    db.query(COVERAGE, vec![])
        .await?
        .iter()
        .map(|r| {
            let count = |i| r.int(i).map(|n| u64::try_from(n).unwrap_or(0));
            Ok((r.text(0)?, count(1)?, count(2)?))
        })
        .collect()
}

/// Ids of the newest `limit` runs whose creator matches `creator_like` (empty: all)
/// and whose status is `status` (empty: any).
pub async fn newest_runs(
    db: &Db,
    creator_like: &str,
    status: &str,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    let params = vec![db::text(creator_like), db::text(status), db::int(limit)];
    db.query(NEWEST_RUNS, params)
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect()
}

/// Ids of the newest `limit` imports whose creator matches `creator_like` (empty:
/// all) and whose status is one of `statuses` (empty: any).
pub async fn newest_imports(
    db: &Db,
    creator_like: &str,
    statuses: (&str, &str),
    limit: i64,
) -> Result<Vec<String>, DbError> {
    let params = vec![
        db::text(creator_like),
        db::text(statuses.0),
        db::text(statuses.1),
        db::int(limit),
    ];
    db.query(NEWEST_IMPORTS, params)
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect()
}
