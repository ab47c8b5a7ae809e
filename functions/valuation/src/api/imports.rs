//! Agency imports: an upload slot, a presigned PUT of the CSV file, then the import.
//!
//! The import confirms the upload (owner, size, SHA-256), reads the object and checks
//! every row with the core parser for its kind. A file with a bad row is recorded as
//! `rejected` with its per-row report and nothing is applied. A good file is applied
//! whole: in the import request in one transaction (upserts; a coefficient table as a
//! new version), or — a register too large for one request — staged chunk by chunk
//! (`POST /imports/{id}/next`, safe to repeat) into `valuation_import_dwellings` and
//! promoted into the register in one transaction with the last chunk. Until then the
//! import is `received` and the register unchanged, so no reader ever sees half a file.
//!
//! Imports are idempotent per kind and file checksum: importing the same bytes again
//! answers the first import (200) without applying anything twice.

use super::SCOPE_IMPORT;
use super::error::ValuationError;
use super::import_dto::{ImportBody, ImportView, SlotBody, SlotView};
use crate::store::{self, imports as istore, imports::ImportRecord};
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::query::count;
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::storage::key::{Owner, OwnerKind, Purpose};
use yingshang_core::storage::upload::{Sha256Digest, SlotRequest, UploadPolicy, issue_slot};
use yingshang_core::storage::{ObjectKey, StorageError};
use yingshang_core::valuation::import::{
    ApplyPlan, DEFAULT_STAGE_CHUNK, IMPORT_CONTENT_TYPE, IMPORT_EXTENSION, ImportError, ImportKind,
    ImportReport, ImportRows, ImportStatus, MAX_STAGE_CHUNK, next_chunk, parse_import,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, begin};
use yingshang_kit::ids::{is_ulid, random_bytes, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::storage::Storage;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// How long a slot's presigned PUT stays valid.
pub const SLOT_LIFETIME: Duration = Duration::hours(1);

/// The authenticated agency (scope `valuation:import`) and the owner of its files.
async fn agency(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
) -> Result<(Principal, Owner), Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_IMPORT).await?;
    let Principal::Agency(a) = &caller else {
        // A user holding the scope is not an agency system: files belong to agencies.
        return Err(StorageError::NotOwner.into());
    };
    let owner = Owner::escaped(OwnerKind::Agency, a.agency.as_str())?;
    Ok((caller, owner))
}

/// `POST /imports/slots`'s description.
pub const SLOT_DOC: Operation = Operation {
    id: "createImportSlot",
    summary: "An upload slot (a presigned PUT) for a CSV file to import",
    description: "申请上传凭证：用预签名 PUT 直接把 CSV 文件上传到对象存储。",
    caller: Caller::Agency(SCOPE_IMPORT),
    body: Content::Json(schema::<SlotBody>),
    body_example: Some(
        r#"{"kind": "base_prices", "content_type": "text/csv", "size": 2048,
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

/// `POST /imports`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createImport",
    summary: "Import an uploaded CSV file (all or nothing, once per file)",
    description: "导入已上传的 CSV 文件：全部成功才生效，同一文件只导入一次，逐行报告问题。",
    caller: Caller::Agency(SCOPE_IMPORT),
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
            "Imported, or refused with its report",
            schema::<ImportView>,
        ),
        Reply::json(
            202,
            "Received: a large register, staged by `next`",
            schema::<ImportView>,
        ),
    ],
    problems: &[(404, &["VAL_IMPORT_SLOT_NOT_FOUND"])],
    problem_tables: &[StorageError::PROBLEMS],
    links: &[
        Link {
            status: 201,
            name: "GetImport",
            operation_id: "getImport",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 202,
            name: "NextChunk",
            operation_id: "stageImportChunk",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// `GET /imports/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getImport",
    summary: "An import: status, counts, report",
    description: "查询导入任务：状态、行数与问题报告。",
    caller: Caller::Agency(SCOPE_IMPORT),
    params: &[Param::path(
        "id",
        "The import's id (a ULID). 导入编号。",
        schema::<String>,
    )],
    replies: &[Reply::json(200, "The import", schema::<ImportView>)],
    problems: &[(404, &["VAL_IMPORT_NOT_FOUND"])],
    ..Operation::NEW
};

/// `POST /imports/{id}/next`'s description.
pub const NEXT_DOC: Operation = Operation {
    id: "stageImportChunk",
    summary: "Stage the next chunk of a large register, applying it after the last",
    description: "分块暂存大型登记簿，最后一块之后整体生效。",
    caller: Caller::Agency(SCOPE_IMPORT),
    params: &[
        Param::path(
            "id",
            "The import's id (a ULID). 导入编号。",
            schema::<String>,
        ),
        Param::query(
            "limit",
            "Rows to stage in this call. 本次暂存行数。",
            schema::<u32>,
        ),
    ],
    replies: &[Reply::json(200, "The import", schema::<ImportView>)],
    problems: &[
        (400, &["VAL_PARAMETER_INVALID"]),
        (404, &["VAL_IMPORT_NOT_FOUND"]),
    ],
    problem_tables: &[StorageError::PROBLEMS],
    ..Operation::NEW
};

/// `POST /imports/slots`: an upload slot for a CSV file of a kind.
pub async fn slot(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, owner) = agency(ctx, db, &req).await?;
    let (parts, body) = req.into_parts();
    let body: SlotBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let policy = UploadPolicy {
        purpose: Purpose::parse(body.kind.purpose())?,
        max_size: body.kind.max_size(),
        content_types: vec![(IMPORT_CONTENT_TYPE.to_owned(), IMPORT_EXTENSION.to_owned())],
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
    istore::insert_slot(db, body.kind, &slot, &caller.audit_actor(), ctx.now)
        .await
        .map_err(|e| ctx.internal("storing an upload slot", e))?;
    let view = SlotView {
        key: slot.key.as_str().to_owned(),
        kind: body.kind,
        expires_at: yingshang_kit::clock::rfc3339(slot.expires_at),
        upload,
    };
    Ok(json(ctx, 201, &view))
}

/// `POST /imports`: imports an uploaded file (Idempotency-Key honoured).
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

/// Why an apply transaction stopped.
enum ApplyError {
    /// The database failed.
    Db(DbError),
    /// An import of the same file was recorded first (a concurrent import).
    AlreadyImported,
}

impl From<DbError> for ApplyError {
    fn from(e: DbError) -> Self {
        ApplyError::Db(e)
    }
}

/// The earlier import of the same file, answered as it stands.
async fn earlier(
    ctx: &RequestContext,
    db: &Db,
    kind: ImportKind,
    sha256: &str,
) -> Result<Option<Answer>, Failure> {
    let found = istore::import_by_checksum(db, kind, sha256)
        .await
        .map_err(|e| ctx.internal("looking up an import by checksum", e))?;
    Ok(found.map(|r| json(ctx, 200, &ImportView::of(&r, ctx.lang))))
}

/// Reads a confirmed object and checks it is still the confirmed bytes.
async fn read_object(
    ctx: &RequestContext,
    storage: &Storage,
    key: &ObjectKey,
    sha256: &Sha256Digest,
) -> Result<Vec<u8>, Failure> {
    let bytes = storage.get(key, None, ctx.now).await?;
    if Sha256Digest::of(&bytes) != *sha256 {
        return Err(StorageError::ChecksumMismatch.into());
    }
    Ok(bytes)
}

async fn import(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    owner: &Owner,
    key: &str,
) -> Result<Answer, Failure> {
    // Only an object key can name a slot: anything else (a NUL, which PostgreSQL's
    // text refuses with an error) names none, and never reaches the database.
    if ObjectKey::parse(key).is_err() {
        return Err(ValuationError::ImportSlotNotFound.into());
    }
    let (kind, slot) = istore::slot(db, key)
        .await
        .map_err(|e| ctx.internal("loading an upload slot", e))?
        .ok_or(ValuationError::ImportSlotNotFound)?;
    let storage = Storage::from_variables().await?;
    let object = storage.confirm_upload(&slot, owner, ctx.now).await?;
    let sha256 = object.sha256.to_hex();
    if let Some(answer) = earlier(ctx, db, kind, &sha256).await? {
        return Ok(answer);
    }
    let bytes = read_object(ctx, &storage, &object.key, &object.sha256).await?;
    let parsed = parse_import(kind, &bytes);
    drop(bytes);
    let parsed = match parsed {
        Ok(ImportRows::CoefficientTable(t)) => {
            let exists = store::table(db, t.version())
                .await
                .map_err(|e| ctx.internal("looking up a table version", e))?
                .is_some();
            if exists {
                let e = ImportError::TableVersionExists {
                    version: t.version().to_owned(),
                };
                Err(ImportReport::for_file(&e, t_rows(&t)))
            } else {
                Ok(ImportRows::CoefficientTable(t))
            }
        }
        other => other,
    };
    let now = unix_ms(ctx.now);
    let mut record = ImportRecord {
        id: ulid(ctx.now),
        kind,
        sha256: sha256.clone(),
        object_key: object.key.as_str().to_owned(),
        size_bytes: i64::try_from(object.size).unwrap_or(i64::MAX),
        status: ImportStatus::Rejected,
        rows_total: 0,
        rows_staged: 0,
        rows_applied: 0,
        report: None,
        table_version: None,
        created_by: caller.audit_actor(),
        created_at: now,
        updated_at: now,
        finished_at: Some(now),
    };
    let rows = match parsed {
        Err(report) => {
            record.rows_total = report.rows_checked as i64;
            record.report = Some(report);
            None
        }
        Ok(rows) => {
            record.rows_total = rows.len() as i64;
            if let ImportRows::CoefficientTable(t) = &rows {
                record.table_version = Some(t.version().to_owned());
            }
            match rows.plan() {
                ApplyPlan::Whole => {
                    record.status = ImportStatus::Applied;
                    record.rows_applied = record.rows_total;
                }
                ApplyPlan::Staged => {
                    record.status = ImportStatus::Received;
                    record.finished_at = None;
                }
            }
            Some(rows)
        }
    };
    let entry = (record.status == ImportStatus::Applied).then(|| audit_entry(ctx, &record));
    let result = db
        .transaction(async |db: &Db| -> Result<(), ApplyError> {
            if !istore::insert_import(db, &record).await? {
                return Err(ApplyError::AlreadyImported);
            }
            if record.status == ImportStatus::Applied
                && let Some(rows) = &rows
            {
                apply(db, rows, &istore::source_of(&record.id), ctx).await?;
            }
            if let Some(entry) = &entry {
                yingshang_kit::audit::record(ctx, db, entry).await?;
            }
            Ok(())
        })
        .await;
    match result {
        Ok(()) => {
            let status = if record.status == ImportStatus::Received {
                202
            } else {
                201
            };
            Ok(json(ctx, status, &ImportView::of(&record, ctx.lang)))
        }
        Err(ApplyError::AlreadyImported) => {
            earlier(ctx, db, kind, &sha256).await?.ok_or_else(|| {
                ctx.internal("answering a concurrent import", "it vanished")
                    .into()
            })
        }
        Err(ApplyError::Db(e)) => Err(ctx.internal("applying an import", e).into()),
    }
}

/// Rows of a coefficient table file, for a whole-file report.
fn t_rows(t: &yingshang_core::valuation::CoefficientTable) -> usize {
    ImportRows::CoefficientTable(t.clone()).len()
}

/// Writes every row of a checked file (inside the caller's transaction).
async fn apply(
    db: &Db,
    rows: &ImportRows,
    source: &str,
    ctx: &RequestContext,
) -> Result<(), DbError> {
    match rows {
        ImportRows::BasePrices(prices) => {
            for p in prices {
                istore::upsert_base_price(db, p, source, ctx.now).await?;
            }
        }
        ImportRows::CoefficientTable(t) => {
            if store::insert_table(db, t, source, ctx.now).await? != 1 {
                return Err(DbError {
                    doing: "publishing a coefficient table".to_owned(),
                    error: format!("version {} was published meanwhile", t.version()),
                });
            }
        }
        ImportRows::Dwellings(dwellings) => {
            for d in dwellings {
                istore::upsert_dwelling(db, d, source, ctx.now).await?;
            }
        }
    }
    Ok(())
}

/// The audit row of an applied import.
fn audit_entry(ctx: &RequestContext, r: &ImportRecord) -> AuditEntry {
    let after = serde_json::json!({
        "id": r.id, "kind": r.kind, "sha256": r.sha256, "object_key": r.object_key,
        "rows_applied": r.rows_total, "table_version": r.table_version,
    });
    AuditEntry::new(
        r.created_by.clone(),
        "valuation.import.apply",
        format!("valuation/import/{}", r.id),
        ctx.now,
        None,
        Some(&after),
    )
}

async fn load(ctx: &RequestContext, db: &Db, id: &str) -> Result<ImportRecord, Failure> {
    if !is_ulid(id) {
        return Err(ValuationError::ImportNotFound.into());
    }
    istore::import(db, id)
        .await
        .map_err(|e| ctx.internal("loading an import", e))?
        .ok_or_else(|| ValuationError::ImportNotFound.into())
}

/// `GET /imports/{id}`: status, counts, report, checksum, timestamps.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    agency(ctx, db, &req).await?;
    let record = load(ctx, db, id).await?;
    Ok(json(ctx, 200, &ImportView::of(&record, ctx.lang)))
}

/// `POST /imports/{id}/next?limit=N`: stages the next chunk of a large register
/// import; with the last chunk, promotes every staged row in one transaction. On an
/// import no longer `received` it changes nothing and answers the import.
pub async fn next(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    agency(ctx, db, &req).await?;
    let limit = count(
        req.uri().query(),
        "limit",
        DEFAULT_STAGE_CHUNK,
        MAX_STAGE_CHUNK,
    )
    .map_err(ValuationError::from)?;
    let record = load(ctx, db, id).await?;
    if record.status != ImportStatus::Received {
        return Ok(json(ctx, 200, &ImportView::of(&record, ctx.lang)));
    }
    let storage = Storage::from_variables().await?;
    let key = ObjectKey::parse(&record.object_key)
        .map_err(|e| ctx.internal("reading a stored object key", format!("{e:?}")))?;
    let sha256 = Sha256Digest::from_hex(&record.sha256)
        .map_err(|e| ctx.internal("reading a stored checksum", format!("{e:?}")))?;
    let bytes = read_object(ctx, &storage, &key, &sha256).await?;
    let Ok(ImportRows::Dwellings(dwellings)) = parse_import(record.kind, &bytes) else {
        return Err(ctx
            .internal(
                "re-reading a staged import",
                "the checked file no longer parses",
            )
            .into());
    };
    drop(bytes);
    let total = dwellings.len();
    let from = usize::try_from(record.rows_staged).unwrap_or(0);
    let range = next_chunk(total, from, limit);
    let to = range.end;
    db.transaction(async |db: &Db| -> Result<bool, DbError> {
        for d in &dwellings[range] {
            istore::stage_dwelling(db, id, d).await?;
        }
        // Another request may have staged the same chunk: the rows are the same.
        istore::advance_staging(db, id, from as i64, to as i64, ctx.now).await
    })
    .await
    .map_err(|e| ctx.internal("staging a chunk", e))?;
    if to == total {
        promote(ctx, db, &record, total).await?;
    }
    let record = load(ctx, db, id).await?;
    Ok(json(ctx, 200, &ImportView::of(&record, ctx.lang)))
}

/// Promotes a fully staged import in one transaction with its audit row.
async fn promote(
    ctx: &RequestContext,
    db: &Db,
    record: &ImportRecord,
    total: usize,
) -> Result<(), Failure> {
    let staged = istore::count_staged(db, &record.id)
        .await
        .map_err(|e| ctx.internal("counting staged rows", e))?;
    if staged != total as i64 {
        // Not every row is staged (e.g. another request still staging): promote later.
        return Ok(());
    }
    let entry = audit_entry(ctx, record);
    db.transaction(async |db: &Db| -> Result<(), DbError> {
        if istore::promote_staged(db, &record.id, total as i64, ctx.now).await? {
            yingshang_kit::audit::record(ctx, db, &entry).await?;
        }
        Ok(())
    })
    .await
    .map_err(|e| ctx.internal("promoting a staged import", e).into())
}
