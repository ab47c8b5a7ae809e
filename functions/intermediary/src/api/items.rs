//! The item catalogue: the built-in "66 + N" list with the items staff added.

use super::error::{MarketError, field};
use super::who::{STAFF_CALLER, staff};
use crate::store::providers as pstore;
use spin_sdk::http::Request;
use yingshang_core::intermediary::catalogue::{Catalogue, Item};
use yingshang_core::openapi::{Content, Operation, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The catalogue as it stands: built-in items and those staff added.
pub async fn catalogue(ctx: &RequestContext, db: &Db) -> Result<Catalogue, Failure> {
    let mut c =
        Catalogue::builtin().map_err(|e| ctx.internal("loading the built-in catalogue", e))?;
    let added = pstore::added_items(db)
        .await
        .map_err(|e| ctx.internal("loading added items", e))?;
    for body in added {
        match serde_json::from_str::<Item>(&body) {
            // An item once accepted stays: a later built-in item of the same code wins.
            Ok(item) if c.item(&item.code).is_none() => c.items.push(item),
            Ok(_) => {}
            Err(e) => return Err(ctx.internal("reading an added item", e).into()),
        }
    }
    Ok(c)
}

/// `GET /items`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listItems",
    summary: "The item catalogue (\"66 + N\") with the qualifications each item needs",
    description: "中介服务事项清单（“66 + N”），含每项所需资质类型（公开）。",
    replies: &[Reply::json(200, "The catalogue", schema::<Catalogue>)],
    ..Operation::NEW
};

/// `POST /items`'s description.
pub const ADD_DOC: Operation = Operation {
    id: "addItem",
    summary: "Add an item to the catalogue (marketplace staff)",
    description: "中介超市管理人员新增服务事项；编码须为两个大写字母、连字符和 2–3 位数字，资质类型须在清单中。",
    caller: STAFF_CALLER,
    body: Content::Json(schema::<Item>),
    body_example: Some(
        r#"{"code": "OT-21", "name_zh": "节能评估", "name_en": "Energy assessment", "kind": "other", "qualifications": ["energy-review"]}"#,
    ),
    replies: &[Reply::json(201, "The item, added", schema::<Item>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_STAFF_ONLY"]),
        (409, &["INTERMEDIARY_WRONG_STATE"]),
    ],
    ..Operation::NEW
};

/// `GET /items`.
pub async fn list(ctx: &RequestContext, db: &Db) -> Result<Answer, Failure> {
    Ok(json(ctx, 200, &catalogue(ctx, db).await?))
}

/// `POST /items` (staff): an item, checked by the catalogue's rules.
pub async fn add(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let item: Item = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let mut c = catalogue(ctx, db).await?;
    c.add(item.clone()).map_err(|e| match e {
        yingshang_core::intermediary::catalogue::CatalogueError::Exists(_) => {
            MarketError::WrongState {
                status: "the code exists".into(),
            }
        }
        _ => field(
            "item",
            "事项编码、名称、类别或资质类型不符合清单规则",
            "the item's code, names, kind or qualification types break the catalogue's rules",
        ),
    })?;
    let body = serde_json::to_string(&item).map_err(|e| ctx.internal("encoding an item", e))?;
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "adding an item", async |db: &Db| {
        if !pstore::insert_item(db, &item.code, &body, &caller.audit_actor(), now).await? {
            return Err(TxError::from(MarketError::WrongState {
                status: "the code exists".into(),
            }));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.item.add",
            format!("intermediary-item/{}", item.code),
            ctx.now,
            None,
            Some(&serde_json::to_value(&item).unwrap_or_default()),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(ctx, 201, &item))
}
