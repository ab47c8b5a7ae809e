//! `POST /demo-data`: loads the generated Luoyang register (fixed seed, small scale),
//! its base prices and the illustrative coefficient table, once. Idempotent: when the
//! register is not empty nothing changes and the answer says so; every insert also
//! skips rows that exist, so two concurrent first calls cannot duplicate anything.
//!
//! `?scale=full&chunk=N[&size=S]` loads chunk N (S dwellings, default and at most
//! [`FULL_CHUNK`]) of the full Luoyang-scale register (621,400 dwellings, for
//! benchmarks) with its communities' base prices and the table; `?scale=tenfold`
//! the same of a register ten times that size (6,214,000, for growth measurements).
//! Each chunk fits one request and is idempotent; a driver calls chunk 0, 1, …
//! following `next`. Each register begins with the smaller ones (the small register is
//! the first 5,000 dwellings of the full one, the full one the first 621,400 of the
//! tenfold one), so they mix safely.

use super::dto::{DemoChunkView, DemoDataView};
use super::error::ValuationError;
use super::{BASE_PATH, SCOPE_IMPORT, query_param};
use crate::store::{self, SOURCE_DEMO};
use schemars::{Schema, SchemaGenerator};
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Operation, Param, Reply, schema};
use yingshang_core::query::count;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::valuation::CoefficientTable;
use yingshang_core::valuation::demo::{DemoRegister, DemoScale};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The demo register's seed: the same dwellings on every machine.
pub const DEMO_SEED: u64 = 2025;
/// Dwellings inserted per transaction.
pub const DEMO_BATCH: usize = 500;
/// Dwellings per chunk of the full register: one request's worth.
pub const FULL_CHUNK: usize = 5_000;

/// A chunk of a large register: its scale, the chunk and the chunk size.
struct ChunkOf {
    scale: DemoScale,
    name: &'static str,
    chunk: usize,
    size: usize,
}

/// The scale asked for: `None` for the small register, else a chunk of the full one
/// (Luoyang's size) or of the tenfold one (for growth measurements).
fn large_chunk(query: Option<&str>) -> Result<Option<ChunkOf>, ValuationError> {
    let (scale, name) = match query_param(query, "scale") {
        None | Some("small") => return Ok(None),
        Some("full") => (DemoScale::Full, "full"),
        Some("tenfold") => (DemoScale::Tenfold, "tenfold"),
        Some(_) => {
            return Err(ValuationError::InvalidParameter {
                field: "scale",
                expected_en: "small, full or tenfold",
                expected_zh: "small、full或tenfold",
            });
        }
    };
    let size = count(query, "size", FULL_CHUNK, FULL_CHUNK)?;
    let chunks = DemoRegister::new(DEMO_SEED, scale).chunk_count(size);
    let chunk = query_param(query, "chunk")
        .unwrap_or("0")
        .parse()
        .ok()
        .filter(|n| *n < chunks)
        .ok_or(ValuationError::InvalidParameter {
            field: "chunk",
            expected_en: "a chunk number from 0 below the chunk count",
            expected_zh: "从0起、小于分块数的整数",
        })?;
    Ok(Some(ChunkOf {
        scale,
        name,
        chunk,
        size,
    }))
}

/// What `POST /demo-data` answers: the small register's summary, or a chunk's.
fn demo_answer(g: &mut SchemaGenerator) -> Schema {
    let small = g.subschema_for::<DemoDataView>();
    let chunk = g.subschema_for::<DemoChunkView>();
    schemars::json_schema!({"oneOf": [small, chunk]})
}

/// `POST /demo-data`'s description.
pub const LOAD_DOC: Operation = Operation {
    id: "loadDemoRegister",
    summary: "Load the demo register (small, or a chunk of the full Luoyang-scale one)",
    description: "加载演示登记簿：小规模，或洛阳规模全量登记簿的一个分块（幂等）。",
    caller: Caller::Agency(SCOPE_IMPORT),
    params: &[
        Param::query(
            "scale",
            "`small` (default), `full` (Luoyang's 621,400 dwellings) or `tenfold` (6,214,000). 规模。",
            schema::<DemoScaleParam>,
        ),
        Param::query(
            "chunk",
            "With `scale=full` or `tenfold`: the chunk, from 0. 分块序号。",
            schema::<u32>,
        ),
        Param::query(
            "size",
            "With `scale=full` or `tenfold`: dwellings per chunk (1-5000). 每块户数。",
            schema::<u32>,
        ),
    ],
    replies: &[
        Reply::json(
            200,
            "Already loaded (small), or the chunk loaded now or before",
            demo_answer,
        ),
        Reply::json(201, "The small register loaded now", schema::<DemoDataView>),
    ],
    problems: &[(400, &["VAL_PARAMETER_INVALID"])],
    ..Operation::NEW
};

/// The `scale` parameter's values.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // a schema only: the handler reads the text
enum DemoScaleParam {
    Small,
    Full,
    Tenfold,
}

/// Loads the demo data if the register is empty.
pub async fn load(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_IMPORT).await?;
    if let Some(of) = large_chunk(req.uri().query())? {
        return load_large_chunk(ctx, db, &caller, of).await;
    }
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
    let base_prices_inserted = tx::in_transaction(
        ctx,
        db,
        "loading demo base prices",
        async |db: &Db| -> Result<u64, TxError> {
            store::insert_table(db, &table, SOURCE_DEMO, now).await?;
            let mut n = 0;
            for p in &prices {
                n += store::insert_base_price(db, p, SOURCE_DEMO, now).await?;
            }
            Ok(n)
        },
    )
    .await?;
    let dwellings: Vec<_> = register.dwellings().collect();
    let mut dwellings_inserted = 0;
    for batch in dwellings.chunks(DEMO_BATCH) {
        dwellings_inserted += tx::in_transaction(
            ctx,
            db,
            "loading demo dwellings",
            async |db: &Db| -> Result<u64, TxError> {
                let mut n = 0;
                for d in batch {
                    n += store::insert_dwelling(db, d, SOURCE_DEMO, now).await?;
                }
                Ok(n)
            },
        )
        .await?;
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

/// Loads one chunk of a large register (idempotent: existing rows are skipped).
async fn load_large_chunk(
    ctx: &RequestContext,
    db: &Db,
    caller: &yingshang_core::security::Principal,
    of: ChunkOf,
) -> Result<Answer, Failure> {
    let ChunkOf {
        scale,
        name,
        chunk,
        size,
    } = of;
    let register = DemoRegister::new(DEMO_SEED, scale);
    let chunks = register.chunk_count(size);
    let part = register.chunk(chunk, size);
    let table = CoefficientTable::luoyang_illustrative();
    let now = ctx.now;
    let (base_prices_inserted, dwellings_inserted) = tx::in_transaction(
        ctx,
        db,
        "loading a chunk of the full register",
        async |db: &Db| -> Result<(u64, u64), TxError> {
            store::insert_table(db, &table, SOURCE_DEMO, now).await?;
            let mut prices = 0;
            for p in &part.base_prices {
                prices += store::insert_base_price(db, p, SOURCE_DEMO, now).await?;
            }
            let mut dwellings = 0;
            for d in &part.dwellings {
                dwellings += store::insert_dwelling(db, d, SOURCE_DEMO, now).await?;
            }
            Ok((prices, dwellings))
        },
    )
    .await?;
    if dwellings_inserted > 0 {
        let after = serde_json::json!({
            "seed": DEMO_SEED, "scale": name, "chunk": chunk, "size": size,
            "dwellings": dwellings_inserted, "base_prices": base_prices_inserted,
        });
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "valuation.demo_data.load_chunk",
            "valuation/register",
            now,
            None,
            Some(&after),
        );
        yingshang_kit::audit::record(ctx, db, &entry)
            .await
            .map_err(|e| ctx.internal("writing the audit row", e))?;
    }
    let dwellings = store::count_dwellings(db)
        .await
        .map_err(|e| ctx.internal("counting dwellings", e))?;
    let next = (chunk + 1 < chunks).then(|| {
        format!(
            "{BASE_PATH}/demo-data?scale={name}&chunk={}&size={size}",
            chunk + 1
        )
    });
    Ok(json(
        ctx,
        200,
        &DemoChunkView {
            scale: name,
            chunk,
            size,
            chunks,
            register_dwellings: register.len(),
            dwellings,
            base_prices_inserted,
            dwellings_inserted,
            table_version: table.version().to_owned(),
            next,
        },
    ))
}
