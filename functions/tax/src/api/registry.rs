//! Registry holdings import: the housing registry's holdings per ID number, one at a
//! time (`PUT /registry/holdings/{id_number}`) or in batches
//! (`POST /registry/holdings`). A person imported with no holdings is a registry
//! answer too ("holds nothing"), unlike a person never imported.

use super::SCOPE_REGISTRY;
use super::dto::{HoldingsBatch, HoldingsRequest};
use super::error::TaxError;
use crate::store;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::tax::{Holding, IdNumber};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Persons per batch at most.
pub const MAX_BATCH: usize = 500;

#[derive(Debug, Serialize)]
struct ImportAnswer {
    imported: usize,
}

fn parse_id(field: String, text: &str) -> Result<IdNumber, TaxError> {
    IdNumber::parse(text).map_err(|error| TaxError::IdNumber { field, error })
}

async fn save(
    ctx: &RequestContext,
    db: &Db,
    actor: &str,
    persons: &[(IdNumber, Vec<Holding>)],
) -> Result<(), Failure> {
    in_transaction(ctx, db, "importing registry holdings", async |db: &Db| {
        for (id, holdings) in persons {
            store::put_holdings(db, id, holdings, actor, ctx.now).await?;
            let after = serde_json::json!({ "holdings": holdings });
            let entry = AuditEntry::new(
                actor,
                "tax.registry.holdings.put",
                format!("tax_registry_holdings/{}", id.as_str()),
                ctx.now,
                None,
                Some(&after),
            );
            yingshang_kit::audit::record(ctx, db, &entry).await?;
        }
        Ok::<(), TxError>(())
    })
    .await
}

/// `PUT /registry/holdings/{id_number}`.
pub async fn put(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id_number: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_REGISTRY).await?;
    let id = parse_id("id_number".to_owned(), id_number)?;
    let (parts, body) = req.into_parts();
    let request: HoldingsRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    save(ctx, db, &caller.audit_actor(), &[(id, request.holdings)]).await?;
    Ok(json(ctx, 200, &ImportAnswer { imported: 1 }))
}

/// `POST /registry/holdings`: a batch, all or nothing.
pub async fn batch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_REGISTRY).await?;
    let (parts, body) = req.into_parts();
    let request: HoldingsBatch =
        read_json(ctx, &parts.headers, body, 4 * DEFAULT_JSON_LIMIT).await?;
    if request.persons.is_empty() || request.persons.len() > MAX_BATCH {
        return Err(TaxError::BatchSize.into());
    }
    let persons = request
        .persons
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            parse_id(format!("/persons/{i}/id_number"), &p.id_number).map(|id| (id, p.holdings))
        })
        .collect::<Result<Vec<_>, _>>()?;
    save(ctx, db, &caller.audit_actor(), &persons).await?;
    Ok(json(
        ctx,
        200,
        &ImportAnswer {
            imported: persons.len(),
        },
    ))
}
