//! Registry holdings import: the housing registry's holdings per ID number, one at a
//! time (`PUT /registry/holdings/{id_number}`) or in batches
//! (`POST /registry/holdings`). A person imported with no holdings is a registry
//! answer too ("holds nothing"), unlike a person never imported.

use super::SCOPE_REGISTRY;
use super::dto::{HoldingsBatch, HoldingsRequest};
use super::error::TaxError;
use crate::store;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::tax::{Holding, IdNumber, IdNumberError};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Persons per batch at most.
pub const MAX_BATCH: usize = 500;

/// What an import stored.
#[derive(Debug, Serialize, JsonSchema)]
struct HoldingsImported {
    /// Persons whose holdings were stored.
    imported: usize,
}

/// `PUT /registry/holdings/{id_number}`'s description.
pub const PUT_DOC: Operation = Operation {
    id: "putRegistryHoldings",
    summary: "Store what the housing registry holds for one person (may be nothing)",
    description: "导入一人的不动产登记信息（可为空：已登记、名下无房），覆盖此前导入的信息。",
    caller: Caller::Agency(SCOPE_REGISTRY),
    // The demo buyer.
    params: &[Param::path(
        "id_number",
        "The person's resident ID number. 身份证号码。",
        schema::<IdNumber>,
    )
    .example("410302199005170110")],
    body: Content::Json(schema::<HoldingsRequest>),
    body_example: Some(
        r#"{"holdings": [{"unit_code": "410302001001GB00001F00010102", "residential": true}]}"#,
    ),
    replies: &[Reply::json(200, "Stored", schema::<HoldingsImported>)],
    problems: &[(400, IdNumberError::CODES)],
    ..Operation::NEW
};

/// `POST /registry/holdings`'s description.
pub const BATCH_DOC: Operation = Operation {
    id: "importRegistryHoldings",
    summary: "Store the registry's holdings of up to 500 persons, all or nothing",
    description: "批量导入不动产登记信息（1至500人），全部成功或全部不导入。",
    caller: Caller::Agency(SCOPE_REGISTRY),
    body: Content::Json(schema::<HoldingsBatch>),
    body_example: Some(r#"{"persons": [{"id_number": "41030219910802022X", "holdings": []}]}"#),
    replies: &[Reply::json(200, "Stored", schema::<HoldingsImported>)],
    problems: &[(400, &["TAX_BATCH_SIZE"]), (400, IdNumberError::CODES)],
    ..Operation::NEW
};

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
    Ok(json(ctx, 200, &HoldingsImported { imported: 1 }))
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
        &HoldingsImported {
            imported: persons.len(),
        },
    ))
}
