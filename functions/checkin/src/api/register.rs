//! The enterprise register, imported by agency systems as valuation imports are: an
//! upload slot, a presigned PUT of the CSV to object storage, then the import, which
//! confirms the upload (owner, size, SHA-256), checks every row with the core's parser
//! and applies the whole file in one transaction — or records it rejected with its
//! per-row report and applies nothing. One import per file checksum: the same bytes
//! again answer the first import (200). A register of 50,000 enterprises fits one
//! transaction (the rows are small), so an import is applied or rejected in its request
//! and its record is the progress: `rows_total`, `rows_applied`, `status`.

use super::SCOPE_REGISTER;
use super::dto::{ImportBody, ImportView, SlotBody, SlotView};
use super::error::CheckinError;
use crate::store::register as rstore;
use crate::store::register::ImportRecord;
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::checkin::register::parse_register_csv;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::storage::StorageError;
use yingshang_core::storage::key::{ObjectKey, Owner, OwnerKind, Purpose};
use yingshang_core::storage::upload::{Sha256Digest, SlotRequest, UploadPolicy, issue_slot};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, begin};
use yingshang_kit::ids::{is_ulid, random_bytes, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::storage::Storage;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The largest register file: 50,000 rows of about 150 bytes.
pub const MAX_FILE: u64 = 8 * 1024 * 1024;
/// How long a slot's presigned PUT stays valid.
const SLOT_LIFETIME: Duration = Duration::hours(1);
/// The purpose segment of the object keys.
const PURPOSE: &str = "checkin-register";

async fn agency(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
) -> Result<(Principal, Owner), Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_REGISTER).await?;
    let Principal::Agency(a) = &caller else {
        return Err(StorageError::NotOwner.into());
    };
    let owner = Owner::escaped(OwnerKind::Agency, a.agency.as_str())?;
    Ok((caller, owner))
}

/// `POST /register/imports/slots`'s description.
pub const SLOT_DOC: Operation = Operation {
    id: "createRegisterSlot",
    summary: "An upload slot (a presigned PUT) for an enterprise register CSV",
    description: "申请企业名录 CSV 的上传凭证：用预签名 PUT 直接上传到对象存储（不超过 8 MiB）。",
    caller: Caller::Agency(SCOPE_REGISTER),
    body: Content::Json(schema::<SlotBody>),
    body_example: Some(
        r#"{"content_type": "text/csv", "size": 2048,
            "sha256": "9d1c01fd3cd9e4a8b6d35fa9d0cd0bc1f48cee7a3a54bfc9d9a5b4bfb19a0c9a"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The slot: PUT the file as it says, then import its key",
        schema::<SlotView>,
    )],
    problem_tables: &[StorageError::PROBLEMS],
    ..Operation::NEW
};

/// `POST /register/imports`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createRegisterImport",
    summary: "Import an uploaded register CSV (all or nothing, once per file)",
    description: "导入已上传的企业名录 CSV：逐行检查，全部通过才生效，否则附逐行报告拒绝；同一文件只导入一次。",
    caller: Caller::Agency(SCOPE_REGISTER),
    body: Content::Json(schema::<ImportBody>),
    idempotent: true,
    replies: &[
        Reply::json(
            200,
            "The file was imported before: that import",
            schema::<ImportView>,
        ),
        Reply::json(
            201,
            "Applied, or rejected with its report",
            schema::<ImportView>,
        ),
    ],
    problems: &[(404, &["CHECKIN_IMPORT_SLOT_NOT_FOUND"])],
    problem_tables: &[StorageError::PROBLEMS],
    links: &[
        Link {
            status: 201,
            name: "GetImport",
            operation_id: "getRegisterImport",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 200,
            name: "GetImport",
            operation_id: "getRegisterImport",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// `GET /register/imports/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getRegisterImport",
    summary: "A register import: status, rows, report",
    description: "查询企业名录导入：状态、行数与问题报告。",
    caller: Caller::Agency(SCOPE_REGISTER),
    params: &[Param::path(
        "id",
        "The import's id (a ULID). 导入编号。",
        schema::<String>,
    )],
    replies: &[Reply::json(200, "The import", schema::<ImportView>)],
    problems: &[(404, &["CHECKIN_IMPORT_NOT_FOUND"])],
    problem_tables: &[StorageError::PROBLEMS],
    ..Operation::NEW
};

/// `POST /register/imports/slots`.
pub async fn slot(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, owner) = agency(ctx, db, &req).await?;
    let (parts, body) = req.into_parts();
    let body: SlotBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let policy = UploadPolicy {
        purpose: Purpose::parse(PURPOSE)?,
        max_size: MAX_FILE,
        content_types: vec![("text/csv".to_owned(), "csv".to_owned())],
        expires_in: SLOT_LIFETIME,
    };
    let request = SlotRequest {
        content_type: body.content_type,
        size: body.size,
        sha256: body.sha256,
    };
    let mut random = [0u8; 16];
    random.copy_from_slice(&random_bytes(16));
    let slot = issue_slot(&policy, &owner, &request, random, ctx.now)?;
    let storage = Storage::from_variables().await?;
    let upload = slot.presign(storage.config(), ctx.now)?;
    rstore::insert_slot(db, &slot, &caller.audit_actor(), unix_ms(ctx.now))
        .await
        .map_err(|e| ctx.internal("storing an upload slot", e))?;
    Ok(json(
        ctx,
        201,
        &SlotView {
            key: slot.key.as_str().to_owned(),
            upload,
            expires_at: yingshang_kit::clock::rfc3339(slot.expires_at),
        },
    ))
}

/// `POST /register/imports` (Idempotency-Key honoured).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, owner) = agency(ctx, db, &req).await?;
    let path = yingshang_kit::context::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let body: ImportBody = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => Some(claim),
        Begin::Unkeyed => None,
    };
    let answer = match import(ctx, db, &caller, &owner, &body.key).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    if let Some(claim) = claim {
        claim.finish(ctx, db, &answer).await?;
    }
    Ok(answer)
}

async fn earlier(ctx: &RequestContext, db: &Db, sha256: &str) -> Result<Option<Answer>, Failure> {
    let found = rstore::import(db, "sha256", sha256)
        .await
        .map_err(|e| ctx.internal("looking up an import by checksum", e))?;
    Ok(found.map(|r| json(ctx, 200, &ImportView::of(&r, ctx.lang))))
}

async fn import(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    owner: &Owner,
    key: &str,
) -> Result<Answer, Failure> {
    // Text that is no object key names no slot, and never reaches the database
    // (PostgreSQL refuses a NUL in text: that answered 500).
    if ObjectKey::parse(key).is_err() {
        return Err(CheckinError::SlotNotFound.into());
    }
    let slot = rstore::slot(db, key)
        .await
        .map_err(|e| ctx.internal("loading an upload slot", e))?
        .ok_or(CheckinError::SlotNotFound)?;
    let storage = Storage::from_variables().await?;
    let object = storage.confirm_upload(&slot, owner, ctx.now).await?;
    let sha256 = object.sha256.to_hex();
    if let Some(answer) = earlier(ctx, db, &sha256).await? {
        return Ok(answer);
    }
    let bytes = storage.get(&object.key, None, ctx.now).await?;
    if Sha256Digest::of(&bytes) != object.sha256 {
        return Err(StorageError::ChecksumMismatch.into());
    }
    let parsed = parse_register_csv(&bytes);
    drop(bytes);
    let now = unix_ms(ctx.now);
    let mut record = ImportRecord {
        id: ulid(ctx.now),
        sha256: sha256.clone(),
        object_key: object.key.as_str().to_owned(),
        size_bytes: i64::try_from(object.size).unwrap_or(i64::MAX),
        status: "rejected".to_owned(),
        rows_total: 0,
        rows_applied: 0,
        report: None,
        created_by: caller.audit_actor(),
        created_at: now,
        finished_at: now,
    };
    let rows = match parsed {
        Err(report) => {
            record.rows_total = i64::try_from(report.rows_checked).unwrap_or(i64::MAX);
            record.report = Some(report);
            Vec::new()
        }
        Ok(rows) => {
            record.status = "applied".to_owned();
            record.rows_total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            record.rows_applied = record.rows_total;
            rows
        }
    };
    let entry = AuditEntry::new(
        caller.audit_actor(),
        format!("checkin.register.import.{}", record.status),
        format!("checkin-import/{}", record.id),
        ctx.now,
        None,
        Some(&serde_json::json!({ "sha256": sha256, "rows": record.rows_total })),
    );
    let recorded = in_transaction(ctx, db, "applying a register import", async |db: &Db| {
        if !rstore::insert_import(db, &record).await? {
            // The same file was imported by a concurrent request: answer that one.
            return Ok::<bool, TxError>(false);
        }
        for e in &rows {
            rstore::upsert(db, e, Some(&record.id), now).await?;
        }
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(true)
    })
    .await?;
    if !recorded {
        return earlier(ctx, db, &sha256).await?.ok_or_else(|| {
            ctx.internal("reading a concurrent import", "vanished")
                .into()
        });
    }
    Ok(json(ctx, 201, &ImportView::of(&record, ctx.lang)))
}

/// `GET /register/imports/{id}`.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    agency(ctx, db, &req).await?;
    if !is_ulid(id) {
        return Err(CheckinError::ImportNotFound.into());
    }
    let r = rstore::import(db, "id", id)
        .await
        .map_err(|e| ctx.internal("loading an import", e))?
        .ok_or(CheckinError::ImportNotFound)?;
    Ok(json(ctx, 200, &ImportView::of(&r, ctx.lang)))
}
