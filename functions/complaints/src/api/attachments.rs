//! Photos and short videos of a case, in object storage through the platform's
//! upload slots: a party asks for a slot (declared type, size, SHA-256), PUTs the
//! bytes to the presigned URL, then attaches the slot. Attaching confirms the upload
//! (owner, size, checksum), reads its first [`SNIFF_LEN`] bytes with a ranged GET and
//! lets the core decide from the bytes what it is and whether its size is allowed; a
//! refused object is deleted and the case stays as it was. Reading one answers a
//! short-lived presigned GET, for the case's parties and handlers only.

use super::cases::view;
use super::dto::CaseView;
use super::error::ComplaintsError;
use super::party::{self, CALLER, CASE_ID};
use crate::store::{self, Stored};
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::complaints::{
    Attachment, AttachmentFacts, InputError, MAX_ATTACHMENTS, SNIFF_LEN,
};
use yingshang_core::openapi::{Content, Operation, Param, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::authz::Membership;
use yingshang_core::storage::StorageError;
use yingshang_core::storage::key::{Owner, OwnerKind, Purpose};
use yingshang_core::storage::upload::Sha256Digest;
use yingshang_core::storage::upload::{SlotRequest, UploadPolicy, UploadSlot, issue_slot};
use yingshang_core::storage::{ByteRange, ObjectKey, Presigned};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::ids::random_bytes;
use yingshang_kit::responses::json;
use yingshang_kit::storage::Storage;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The largest file a slot admits (a video's limit; the core checks per type).
const MAX_UPLOAD: u64 = 50 * 1024 * 1024;
/// How long an upload slot and a download link work.
const SLOT_TTL_S: i64 = 900;
const LINK_TTL_S: i64 = 300;

/// `POST /cases/{id}/attachments/slots`: the file the caller will upload.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SlotBody {
    /// `image/jpeg`, `image/png`, `image/webp` or `video/mp4`.
    #[schemars(extend("enum" = ["image/jpeg", "image/png", "image/webp", "video/mp4"]))]
    content_type: String,
    /// Its size in bytes (photos up to 10 MiB, videos up to 50 MiB).
    size: u64,
    /// Its SHA-256, 64 hex digits.
    sha256: Sha256Digest,
}

/// An issued slot: PUT the bytes to `upload.url` with `upload.headers`, then attach
/// `slot` as it is.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SlotAnswer {
    #[schemars(with = "SlotSchema")]
    slot: UploadSlot,
    upload: Presigned,
}

/// `POST /cases/{id}/attachments`: the slot that was uploaded to.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachRequest {
    /// The `slot` of the slot answer, unchanged.
    #[schemars(with = "SlotSchema")]
    slot: UploadSlot,
}

/// An upload slot as the platform writes it (the schema of `UploadSlot`).
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct SlotSchema {
    /// The object key chosen for the file.
    key: String,
    /// Who may attach it.
    owner: OwnerSchema,
    /// The declared content type.
    content_type: String,
    /// The declared size.
    size: u64,
    /// The largest size the purpose accepts.
    max_size: u64,
    /// The declared SHA-256.
    sha256: Sha256Digest,
    /// When the presigned PUT stops working.
    #[schemars(extend("format" = "date-time"))]
    expires_at: String,
}

/// The owner of uploaded objects.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct OwnerSchema {
    /// `enterprise`, `officer`, `agency`, ...
    #[schemars(extend("enum" = ["citizen", "enterprise", "officer", "agency", "device"]))]
    kind: String,
    /// The enterprise's credit code, the officer's subject or the agency.
    id: String,
}

/// A short-lived link to one attachment.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct LinkAnswer {
    attachment: Attachment,
    download: Presigned,
}

/// The problems of a case that takes attachments.
const OPEN_CASE_PROBLEMS: &[(u16, &[&str])] = &[
    (400, &["COMPLAINTS_ATTACHMENTS_TOO_MANY"]),
    (403, party::NOT_A_DEPARTMENT),
    (404, &["COMPLAINTS_CASE_NOT_FOUND"]),
    (409, &["COMPLAINTS_CASE_ENDED"]),
];

/// `POST /cases/{id}/attachments/slots`'s description.
pub const SLOT_DOC: Operation = Operation {
    id: "createAttachmentSlot",
    summary: "An upload slot for a photo or video of an open case (a presigned PUT to object storage)",
    description: "申请附件上传凭证：声明类型、大小和 SHA-256，得到预签名 PUT 地址，文件直接上传到对象存储，\
                  再调用 attachments 挂到诉求上。仅限未办结诉求的当事方与办理部门，最多 9 个附件。",
    caller: CALLER,
    params: &[CASE_ID],
    body: Content::Json(schema::<SlotBody>),
    body_example: Some(
        r#"{"content_type": "image/png", "size": 128,
            "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The slot and its presigned PUT",
        schema::<SlotAnswer>,
    )],
    problem_tables: &[OPEN_CASE_PROBLEMS, StorageError::PROBLEMS],
    ..Operation::NEW
};

/// `POST /cases/{id}/attachments`'s description.
pub const ATTACH_DOC: Operation = Operation {
    id: "attachToCase",
    summary: "Attach an uploaded file, judged by its bytes",
    description: "把已上传的文件挂到诉求上：核对上传者、大小与校验和，按文件内容判断类型（JPEG、PNG、WebP 照片，MP4 视频）；\
                  不合格的文件被删除，诉求不变。",
    caller: CALLER,
    params: &[CASE_ID],
    body: Content::Json(schema::<AttachRequest>),
    replies: &[Reply::json(
        201,
        "The case with the attachment",
        schema::<CaseView<'static>>,
    )],
    problems: &[
        (
            400,
            &[
                "COMPLAINTS_ATTACHMENT_EMPTY",
                "COMPLAINTS_ATTACHMENT_ID_INVALID",
                "COMPLAINTS_ATTACHMENT_REPEATED",
            ],
        ),
        (409, &["COMPLAINTS_CONTENDED"]),
        (413, &["COMPLAINTS_ATTACHMENT_TOO_LARGE"]),
        (415, &["COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED"]),
    ],
    problem_tables: &[OPEN_CASE_PROBLEMS, StorageError::PROBLEMS],
    ..Operation::NEW
};

/// `GET /cases/{id}/attachments/{n}`'s description.
pub const LINK_DOC: Operation = Operation {
    id: "getAttachmentLink",
    summary: "A presigned GET of a case's attachment, valid for 5 minutes",
    description: "获取附件的临时下载地址（预签名 GET，5 分钟有效），仅限诉求的当事方与办理部门。",
    caller: CALLER,
    params: &[
        CASE_ID,
        Param::path(
            "n",
            "The attachment's number, from 0. 附件序号（从 0 开始）。",
            schema::<u32>,
        )
        .example("0"),
    ],
    replies: &[Reply::json(
        200,
        "The attachment and its download link",
        schema::<LinkAnswer>,
    )],
    problems: &[
        (403, party::NOT_A_DEPARTMENT),
        (
            404,
            &[
                "COMPLAINTS_CASE_NOT_FOUND",
                "COMPLAINTS_ATTACHMENT_NOT_FOUND",
            ],
        ),
    ],
    problem_tables: &[StorageError::PROBLEMS],
    ..Operation::NEW
};

fn policy() -> Result<UploadPolicy, Failure> {
    let types = [
        ("image/jpeg", "jpg"),
        ("image/png", "png"),
        ("image/webp", "webp"),
        ("video/mp4", "mp4"),
    ];
    Ok(UploadPolicy {
        purpose: Purpose::parse("complaint-attachment")?,
        max_size: MAX_UPLOAD,
        content_types: types
            .iter()
            .map(|(t, e)| ((*t).to_owned(), (*e).to_owned()))
            .collect(),
        expires_in: Duration::seconds(SLOT_TTL_S),
    })
}

/// Where a caller's uploads live: an enterprise by credit code, staff by subject,
/// an agency key by agency.
fn owner_of(caller: &Principal) -> Result<Owner, Failure> {
    let owner = match caller {
        Principal::User(u) => match &u.membership {
            Membership::Enterprise(code) => Owner::escaped(OwnerKind::Enterprise, code.as_str()),
            Membership::Officer(_) => Owner::escaped(OwnerKind::Officer, u.subject.as_str()),
            _ => Owner::escaped(OwnerKind::Agency, u.subject.as_str()),
        },
        Principal::Agency(a) => Owner::escaped(OwnerKind::Agency, a.agency.as_str()),
        Principal::Device(d) => Owner::escaped(OwnerKind::Device, &d.to_string()),
    };
    owner.map_err(Failure::from)
}

/// A case its caller may add to: readable, not ended, not full.
async fn open_for_attachments(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
) -> Result<(Principal, Stored), Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    let stored = party::readable(ctx, db, &actor, id).await?;
    if stored.state.status.is_final() {
        return Err(ComplaintsError::CaseEnded.into());
    }
    full(&stored)?;
    Ok((caller, stored))
}

fn full(stored: &Stored) -> Result<(), Failure> {
    let found = stored.state.attachments.len() + 1;
    if found > MAX_ATTACHMENTS {
        return Err(InputError::TooManyAttachments {
            field: "attachments".to_owned(),
            max: MAX_ATTACHMENTS,
            found,
        }
        .into());
    }
    Ok(())
}

/// `POST /cases/{id}/attachments/slots`: an upload slot and its presigned PUT.
pub async fn slot(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, _) = open_for_attachments(ctx, db, &req, id).await?;
    let (parts, body) = req.into_parts();
    let body: SlotBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request = SlotRequest {
        content_type: body.content_type,
        size: body.size,
        sha256: body.sha256,
    };
    let mut random = [0u8; 16];
    random.copy_from_slice(&random_bytes(16));
    let slot = issue_slot(&policy()?, &owner_of(&caller)?, &request, random, ctx.now)?;
    let storage = Storage::from_variables().await?;
    let upload = slot.presign(storage.config(), ctx.now)?;
    Ok(json(ctx, 201, &SlotAnswer { slot, upload }))
}

/// `POST /cases/{id}/attachments`: attaches an uploaded slot once its bytes pass.
pub async fn attach(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, stored) = open_for_attachments(ctx, db, &req, id).await?;
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let request: AttachRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let storage = Storage::from_variables().await?;
    let object = storage
        .confirm_upload(&request.slot, &owner_of(&caller)?, ctx.now)
        .await?;
    let head = storage
        .get(
            &object.key,
            Some(ByteRange::new(0, Some(SNIFF_LEN as u64 - 1))?),
            ctx.now,
        )
        .await?;
    let facts = AttachmentFacts {
        id: object.key.as_str().to_owned(),
        size: object.size,
        head,
    };
    let attachment = match Attachment::check(stored.state.attachments.len(), &facts) {
        Ok(a) if stored.state.attachments.iter().all(|x| x.id != a.id) => a,
        Ok(_) => {
            return Err(InputError::AttachmentRepeated {
                field: "slot".to_owned(),
            }
            .into());
        }
        Err(refused) => {
            storage.delete(&object.key, ctx.now).await?;
            return Err(refused.into());
        }
    };
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "complaints.case.attach",
        format!("complaints/case/{id}"),
        ctx.now,
        None,
        Some(&serde_json::json!({ "attachment": attachment })),
    );
    let state = tx::retrying_after_read(
        ctx,
        db,
        "attaching a file",
        async |db: &Db| store::by_id(db, id).await,
        async |db: &Db, now: Option<Stored>| {
            let now = now.ok_or(ComplaintsError::CaseNotFound)?;
            full(&now)?;
            let mut next = now.state.clone();
            next.attachments.push(attachment.clone());
            if !store::save(db, &next, now.version, unix_ms(ctx.now)).await? {
                return Err(TxError::Retry(ComplaintsError::Contended.into()));
            }
            yingshang_kit::audit::record(ctx, db, &entry).await?;
            Ok(next)
        },
    )
    .await?;
    Ok(json(ctx, 201, &view(ctx, &state, &actor)))
}

/// `GET /cases/{id}/attachments/{n}`: a short-lived link to the n-th attachment.
pub async fn link(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
    n: &str,
) -> Result<Answer, Failure> {
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let stored = party::readable(ctx, db, &actor, id).await?;
    let attachment = n
        .parse::<usize>()
        .ok()
        .and_then(|i| stored.state.attachments.get(i))
        .ok_or(ComplaintsError::AttachmentNotFound)?
        .clone();
    let key = ObjectKey::parse(&attachment.id)
        .map_err(|e| ctx.internal("reading an attachment key", e))?;
    let storage = Storage::from_variables().await?;
    let download = storage
        .config()
        .presign_get(&key, Duration::seconds(LINK_TTL_S), ctx.now)?;
    Ok(json(
        ctx,
        200,
        &LinkAnswer {
            attachment,
            download,
        },
    ))
}
