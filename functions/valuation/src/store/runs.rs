//! Re-assessment runs and their lanes (`reassessment_runs`, `reassessment_lanes`:
//! migrations 0002, 0014, 0015). A run holds what it assesses and its counts; each
//! lane a range of its unit codes and the keyset cursor over it.

use time::OffsetDateTime;
use yingshang_core::valuation::lanes::lane_ranges;
use yingshang_core::valuation::unit_code_prefix_end;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError};

const INSERT_RUN: &str = "INSERT INTO reassessment_runs (id, city_code, unit_prefix, assessed_on, \
     table_version, status, last_unit, total, created_by, created_at, updated_at, finished_at) \
     VALUES ($1, $2, $3, $4, $5, 'running', '', $6, $7, $8, $9, NULL)";
const INSERT_LANE: &str = "INSERT INTO reassessment_lanes (run_id, lane, through_unit, last_unit, \
     status) VALUES ($1, $2, $3, $4, 'running')";
/// A run and its lanes, one row per lane, in one statement: two reads could show a
/// run still running whose lanes had all finished in between.
const SELECT_RUN: &str = "SELECT r.id, r.city_code, r.unit_prefix, r.assessed_on, \
     r.table_version, r.status, r.total, r.created_by, r.created_at, r.updated_at, \
     r.finished_at, r.processed, r.failed, l.lane, l.through_unit, l.last_unit, l.status \
     FROM reassessment_runs r LEFT JOIN reassessment_lanes l ON l.run_id = r.id \
     WHERE r.id = $1 ORDER BY l.lane";
/// The unit code `$4` places after the cursor `$2` within a prefix `$1` and an end
/// `$3` (inclusive): where a lane of `$4 + 1` dwellings ends.
const LANE_END: &str = "SELECT unit_code FROM dwellings \
     WHERE unit_code LIKE $1 AND unit_code > $2 AND unit_code <= $3 \
     ORDER BY unit_code LIMIT 1 OFFSET $4";
/// Moves a lane's cursor over a chunk, if nobody moved it first.
const ADVANCE_LANE: &str = "UPDATE reassessment_lanes SET last_unit = $1, status = $2 \
     WHERE run_id = $3 AND lane = $4 AND last_unit = $5 AND status = 'running'";
/// Adds a chunk's results to its run's counts.
const COUNT_CHUNK: &str = "UPDATE reassessment_runs SET processed = processed + $1, \
     failed = failed + $2, updated_at = $3 WHERE id = $4";
/// Finishes a run whose lanes are all finished. Write transactions are one at a time
/// on both backends (the kit's `BEGIN`), so the lanes read here are those every
/// earlier chunk left: the run finishes with its last lane, once.
const FINISH_RUN: &str = "UPDATE reassessment_runs SET status = 'finished', finished_at = $1 \
     WHERE id = $2 AND status = 'running' AND NOT EXISTS (SELECT 1 FROM reassessment_lanes \
     WHERE run_id = $2 AND status = 'running')";

/// Status of a run (or lane) still being processed.
pub const RUN_RUNNING: &str = "running";
/// Status of a run (or lane) whose every dwelling was processed.
pub const RUN_FINISHED: &str = "finished";

/// A stored re-assessment run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// ULID.
    pub id: String,
    /// The city (or county) code.
    pub city_code: String,
    /// Unit codes in scope start with this.
    pub unit_prefix: String,
    /// Assessment date, `YYYY-MM-DD`.
    pub assessed_on: String,
    /// The coefficient table version.
    pub table_version: String,
    /// `running` or `finished` (finished when every lane is).
    pub status: String,
    /// Dwellings in scope when the run was created.
    pub total: i64,
    /// Who created it (audit actor).
    pub created_by: String,
    /// Created, ms.
    pub created_at: i64,
    /// Last change, ms.
    pub updated_at: i64,
    /// Finished, ms.
    pub finished_at: Option<i64>,
    /// Dwellings assessed so far (results written), failures included.
    pub processed: i64,
    /// Of those, the dwellings that could not be assessed.
    pub failed: i64,
    /// Its lanes, in unit-code order (at least one).
    pub lanes: Vec<LaneRecord>,
}

/// One lane of a run: a range of its unit codes and the cursor over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneRecord {
    /// 0, 1, … in unit-code order.
    pub lane: i64,
    /// The lane's last unit code (inclusive); `None` for the last lane: to the end
    /// of the run's prefix.
    pub through: Option<String>,
    /// The keyset cursor: the last unit code processed, or before the first chunk
    /// the previous lane's end (`''` for lane 0).
    pub last_unit: String,
    /// `running` or `finished`.
    pub status: String,
}

impl LaneRecord {
    /// The lane's upper bound as the chunk queries take it (inclusive): its last code,
    /// or for the last lane the end of `prefix`'s range (a text no unit code equals).
    pub fn upper(&self, prefix: &str) -> String {
        self.through
            .clone()
            .unwrap_or_else(|| unit_code_prefix_end(prefix))
    }

    /// Whether every dwelling of the lane was processed.
    pub fn finished(&self) -> bool {
        self.status == RUN_FINISHED
    }
}

/// Where the lanes of a new run over `prefix` end, for lanes of `sizes` dwellings
/// ([`lane_sizes`](yingshang_core::valuation::lanes::lane_sizes)): the last code of
/// each lane but the last, in order (fewer if the register shrank since it was
/// counted). One short keyset query per lane, each reading its lane's entries of the
/// unit-code index.
pub async fn lane_ends(db: &Db, prefix: &str, sizes: &[i64]) -> Result<Vec<String>, DbError> {
    let (like, end) = (format!("{prefix}%"), unit_code_prefix_end(prefix));
    let mut ends: Vec<String> = Vec::new();
    for size in sizes.iter().take(sizes.len().saturating_sub(1)) {
        let after = ends.last().map_or("", String::as_str);
        let params = vec![
            db::text(like.as_str()),
            db::text(after),
            db::text(end.as_str()),
            db::int(size - 1),
        ];
        match db.query_one(LANE_END, params).await? {
            Some(row) => ends.push(row.text(0)?),
            None => break,
        }
    }
    Ok(ends)
}

/// The lanes of a new run cut at `ends` ([`lane_ranges`]), none processed yet.
pub fn lane_records(ends: &[String]) -> Vec<LaneRecord> {
    lane_ranges(ends)
        .into_iter()
        .enumerate()
        .map(|(i, range)| LaneRecord {
            lane: i as i64,
            through: range.through,
            last_unit: range.start,
            status: RUN_RUNNING.to_owned(),
        })
        .collect()
}

/// Creates a run and its lanes.
pub async fn insert_run(db: &Db, r: &RunRecord) -> Result<(), DbError> {
    let params = vec![
        db::text(r.id.as_str()),
        db::text(r.city_code.as_str()),
        db::text(r.unit_prefix.as_str()),
        db::text(r.assessed_on.as_str()),
        db::text(r.table_version.as_str()),
        db::int(r.total),
        db::text(r.created_by.as_str()),
        db::int(r.created_at),
        db::int(r.updated_at),
    ];
    db.execute(INSERT_RUN, params).await?;
    for l in &r.lanes {
        let params = vec![
            db::text(r.id.as_str()),
            db::int(l.lane),
            db::opt_text(l.through.clone()),
            db::text(l.last_unit.as_str()),
        ];
        db.execute(INSERT_LANE, params).await?;
    }
    Ok(())
}

/// A run by id, with its lanes.
pub async fn run(db: &Db, id: &str) -> Result<Option<RunRecord>, DbError> {
    let rows = db.query(SELECT_RUN, vec![db::text(id)]).await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let mut lanes = Vec::with_capacity(rows.len());
    for l in &rows {
        let Some(lane) = l.opt_int(13)? else {
            return Err(super::corrupt(
                "a run's lanes",
                format!("run {id} has none"),
            ));
        };
        lanes.push(LaneRecord {
            lane,
            through: l.opt_text(14)?,
            last_unit: l.text(15)?,
            status: l.text(16)?,
        });
    }
    Ok(Some(RunRecord {
        id: r.text(0)?,
        city_code: r.text(1)?,
        unit_prefix: r.text(2)?,
        assessed_on: r.text(3)?,
        table_version: r.text(4)?,
        status: r.text(5)?,
        total: r.int(6)?,
        created_by: r.text(7)?,
        created_at: r.int(8)?,
        updated_at: r.int(9)?,
        finished_at: r.opt_int(10)?,
        processed: r.int(11)?,
        failed: r.int(12)?,
        lanes,
    }))
}

/// What one chunk of a lane did.
pub struct ChunkDone<'a> {
    /// The run.
    pub run_id: &'a str,
    /// The lane.
    pub lane: i64,
    /// The cursor the chunk started after, and the last code it processed.
    pub moved: (&'a str, &'a str),
    /// Whether it reached the lane's end.
    pub finished: bool,
    /// Results written, and of those failed.
    pub counts: (i64, i64),
}

/// Moves a running lane's cursor over a chunk (finishing the lane if it reached its
/// end), adds the chunk's counts to the run and finishes the run with its last lane.
/// False when another request moved the cursor first: then the counts are that
/// request's to add (each range of codes is counted once, by the request that moved
/// the cursor over it). Call inside a write transaction.
pub async fn advance_lane(
    db: &Db,
    chunk: &ChunkDone<'_>,
    now: OffsetDateTime,
) -> Result<bool, DbError> {
    let (from, to) = chunk.moved;
    let params = vec![
        db::text(to),
        db::text(if chunk.finished {
            RUN_FINISHED
        } else {
            RUN_RUNNING
        }),
        db::text(chunk.run_id),
        db::int(chunk.lane),
        db::text(from),
    ];
    if db.execute(ADVANCE_LANE, params).await? != 1 {
        return Ok(false);
    }
    let (results, failed) = chunk.counts;
    let at = unix_ms(now);
    let params = vec![
        db::int(results),
        db::int(failed),
        db::int(at),
        db::text(chunk.run_id),
    ];
    db.execute(COUNT_CHUNK, params).await?;
    if chunk.finished {
        let params = vec![db::int(at), db::text(chunk.run_id)];
        db.execute(FINISH_RUN, params).await?;
    }
    Ok(true)
}
