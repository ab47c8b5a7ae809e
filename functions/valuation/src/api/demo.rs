//! `POST /demo-data`: loads the generated Luoyang register (fixed seed, small scale),
//! its base prices and the illustrative coefficient table, once. Idempotent: when the
//! register is not empty nothing changes and the answer says so; every insert also
//! skips rows that exist, so two concurrent first calls cannot duplicate anything.

use super::dto::DemoDataView;
use super::{SCOPE_IMPORT, scope};
use crate::store::{self, SOURCE_DEMO};
use spin_sdk::http::Request;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::authz::require_scope;
use yingshang_core::valuation::CoefficientTable;
use yingshang_core::valuation::demo::{DemoRegister, DemoScale};
use yingshang_kit::auth::authenticate;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// The demo register's seed: the same dwellings on every machine.
pub const DEMO_SEED: u64 = 2025;
/// Dwellings inserted per transaction.
pub const DEMO_BATCH: usize = 500;

/// Loads the demo data if the register is empty.
pub async fn load(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let import = scope(SCOPE_IMPORT);
    let caller = authenticate(ctx, req.headers(), db, &import).await?;
    require_scope(&caller, &import).inspect_err(|d| {
        ctx.log_denial(&caller.audit_actor(), d.code());
    })?;
    let table = CoefficientTable::luoyang_illustrative();
    let existing = store::count_dwellings(db)
        .await
        .map_err(|e| ctx.internal("counting dwellings", e))?;
    if existing > 0 {
        return Ok(json(
            ctx,
            200,
            &DemoDataView {
                loaded: false,
                dwellings: existing,
                base_prices_inserted: 0,
                dwellings_inserted: 0,
                table_version: table.version().to_owned(),
            },
        ));
    }
    let register = DemoRegister::new(DEMO_SEED, DemoScale::Small);
    let now = ctx.now;
    let prices = register.base_prices();
    let base_prices_inserted = db
        .transaction(async |db: &Db| -> Result<u64, DbError> {
            store::insert_table(db, &table, SOURCE_DEMO, now).await?;
            let mut n = 0;
            for p in &prices {
                n += store::insert_base_price(db, p, SOURCE_DEMO, now).await?;
            }
            Ok(n)
        })
        .await
        .map_err(|e| ctx.internal("loading demo base prices", e))?;
    let dwellings: Vec<_> = register.dwellings().collect();
    let mut dwellings_inserted = 0;
    for batch in dwellings.chunks(DEMO_BATCH) {
        dwellings_inserted += db
            .transaction(async |db: &Db| -> Result<u64, DbError> {
                let mut n = 0;
                for d in batch {
                    n += store::insert_dwelling(db, d, SOURCE_DEMO, now).await?;
                }
                Ok(n)
            })
            .await
            .map_err(|e| ctx.internal("loading demo dwellings", e))?;
    }
    let after = serde_json::json!({
        "seed": DEMO_SEED,
        "dwellings": dwellings_inserted,
        "base_prices": base_prices_inserted,
        "table_version": table.version(),
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "valuation.demo_data.load",
        "valuation/register",
        now,
        None,
        Some(&after),
    );
    yingshang_kit::audit::record(ctx, db, &entry)
        .await
        .map_err(|e| ctx.internal("writing the audit row", e))?;
    let total = store::count_dwellings(db)
        .await
        .map_err(|e| ctx.internal("counting dwellings", e))?;
    Ok(json(
        ctx,
        201,
        &DemoDataView {
            loaded: true,
            dwellings: total,
            base_prices_inserted,
            dwellings_inserted,
            table_version: table.version().to_owned(),
        },
    ))
}
