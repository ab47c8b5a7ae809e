//! The SQL of the operator dashboard: each site's uses, energy and revenue summed
//! over a span of days from its daily statements.

use yingshang_kit::db::{self, Db, DbError};

/// Sites of owner `$3` (`''`: every site), with their statements from `$1` to `$2`
/// (days, inclusive) summed; a site without statements has zeros. `CAST` keeps the
/// sums integers on PostgreSQL, where the sum of a `BIGINT` is a `NUMERIC`.
const SITE_TOTALS: &str = "SELECT s.site_id, s.name, \
     CAST(COALESCE(SUM(p.uses), 0) AS BIGINT), CAST(COALESCE(SUM(p.energy_wh), 0) AS BIGINT), \
     CAST(COALESCE(SUM(p.revenue_fen), 0) AS BIGINT), CAST(COALESCE(SUM(p.refunded_fen), 0) AS BIGINT) \
     FROM power_sites s LEFT JOIN power_statements p \
     ON p.site_id = s.site_id AND p.day >= $1 AND p.day <= $2 \
     WHERE ($3 = '' OR s.owner_agency = $3) \
     GROUP BY s.site_id, s.name ORDER BY s.site_id LIMIT $4";

/// One site's totals over the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteTotals {
    /// The site.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// Charging sessions that ended.
    pub uses: i64,
    /// Energy delivered, Wh.
    pub energy_wh: i64,
    /// Revenue, fen.
    pub revenue_fen: i64,
    /// Refunded, fen.
    pub refunded_fen: i64,
}

/// The first `limit` sites (by id) of `owner` (empty: all) with totals from `from`
/// to `to` (`YYYY-MM-DD`, inclusive).
pub async fn site_totals(
    db: &Db,
    from: &str,
    to: &str,
    owner: &str,
    limit: i64,
) -> Result<Vec<SiteTotals>, DbError> {
    let params = vec![
        db::text(from),
        db::text(to),
        db::text(owner),
        db::int(limit),
    ];
    db.query(SITE_TOTALS, params)
        .await?
        .iter()
        .map(|r| {
            Ok(SiteTotals {
                site_id: r.text(0)?,
                name: r.text(1)?,
                uses: r.int(2)?,
                energy_wh: r.int(3)?,
                revenue_fen: r.int(4)?,
                refunded_fen: r.int(5)?,
            })
        })
        .collect()
}
