//! What oversight reads and records: no-scan reports (entries without a scan), the
//! monthly counts per agency for the statistics, and the visits the warnings check.

use std::collections::BTreeMap;
use yingshang_core::checkin::stats::Counts;
use yingshang_core::checkin::warnings::Visit;
use yingshang_kit::clock::from_unix_ms;
use yingshang_kit::db::{int, text};
use yingshang_kit::{Db, DbError};

const INSERT_NO_SCAN: &str = "INSERT INTO checkin_no_scan_reports \
     (id, enterprise, agency, occurred_on, description, case_id, reported_by, reported_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// A no-scan report.
pub struct NoScanReport<'a> {
    /// Id.
    pub id: &'a str,
    /// Enterprise.
    pub enterprise: &'a str,
    /// The agency named.
    pub agency: &'a str,
    /// The day (YYYY-MM-DD).
    pub occurred_on: &'a str,
    /// What happened.
    pub description: &'a str,
    /// The complaints case.
    pub case_id: &'a str,
    /// Who reported.
    pub reported_by: &'a str,
    /// When.
    pub at_ms: i64,
}

/// Records a no-scan report.
pub async fn insert_no_scan(db: &Db, r: &NoScanReport<'_>) -> Result<(), DbError> {
    db.execute(
        INSERT_NO_SCAN,
        vec![
            text(r.id),
            text(r.enterprise),
            text(r.agency),
            text(r.occurred_on),
            text(r.description),
            text(r.case_id),
            text(r.reported_by),
            int(r.at_ms),
        ],
    )
    .await
    .map(drop)
}

/// The counts of every agency over `[from, until)` (ms), for the statistics.
pub async fn month_counts(
    db: &Db,
    from_ms: i64,
    until_ms: i64,
) -> Result<BTreeMap<String, Counts>, DbError> {
    let mut out: BTreeMap<String, Counts> = BTreeMap::new();
    let range = || vec![int(from_ms), int(until_ms)];
    for r in db
        .query(
            "SELECT agency, COUNT(*) FROM checkin_scans WHERE scanned_at >= $1 AND scanned_at < $2 GROUP BY agency",
            range(),
        )
        .await?
    {
        out.entry(r.text(0)?).or_default().scans = r.int(1)?.try_into().unwrap_or(0);
    }
    for r in db
        .query(
            "SELECT agency, kind, COUNT(*), SUM(CASE WHEN late_mode IS NULL THEN 0 ELSE 1 END) \
             FROM checkin_inspections WHERE arrival_at >= $1 AND arrival_at < $2 GROUP BY agency, kind",
            range(),
        )
        .await?
    {
        let c = out.entry(r.text(0)?).or_default();
        let n: u64 = r.int(2)?.try_into().unwrap_or(0);
        match r.text(1)?.as_str() {
            "routine" => c.routine += n,
            "case" => c.case_driven += n,
            _ => c.special += n,
        }
        c.late += u64::try_from(r.opt_int(3)?.unwrap_or(0)).unwrap_or(0);
    }
    for r in db
        .query(
            "SELECT agency, COUNT(*) FROM checkin_no_scan_reports WHERE reported_at >= $1 AND reported_at < $2 GROUP BY agency",
            range(),
        )
        .await?
    {
        out.entry(r.text(0)?).or_default().no_scan_reports = r.int(1)?.try_into().unwrap_or(0);
    }
    Ok(out)
}

/// Inspections arriving at or after `from_ms`, as the warnings see them (at most `limit`).
pub async fn visits_since(db: &Db, from_ms: i64, limit: i64) -> Result<Vec<Visit>, DbError> {
    db.query(
        "SELECT id, enterprise, agency, kind, arrival_at, left_at FROM checkin_inspections \
         WHERE arrival_at >= $1 ORDER BY arrival_at, id LIMIT $2",
        vec![int(from_ms), int(limit)],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Visit {
            id: r.text(0)?,
            enterprise: r.text(1)?,
            agency: r.text(2)?,
            kind: r.text(3)?,
            arrival: from_unix_ms(r.int(4)?),
            left_at: r.opt_int(5)?.map(from_unix_ms),
        })
    })
    .collect()
}
