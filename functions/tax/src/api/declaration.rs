//! The reduction/exemption declaration (减免税申报表): rendered by the core from the
//! stored assessment as plain UTF-8 text, stored once in object storage under the
//! assessment creator's prefix (`<kind>/<id>/tax-declaration/<assessment>.txt`), and
//! answered as a presigned GET link.

use super::PARTY_ROLES;
use super::assessments::{ID_PARAM, READ_403, load_visible};
use crate::store;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::authz::Role;
use yingshang_core::storage::key::{Owner, OwnerKind};
use yingshang_core::storage::{ObjectKey, Presigned, StorageError};
use yingshang_core::tax::{DeclarationParties, render_declaration};
use yingshang_kit::responses::json;
use yingshang_kit::storage::Storage;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// How long the link works.
const LINK_TTL_S: i64 = 900;
/// The media type of the document.
const CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// Where the declaration of an assessment is, and a link to read it.
#[derive(Debug, Serialize, JsonSchema)]
struct DeclarationAnswer {
    /// The assessment.
    assessment_id: String,
    /// The object's key (`<kind>/<id>/tax-declaration/<assessment>.txt`).
    key: String,
    /// The document's media type (plain UTF-8 text).
    content_type: &'static str,
    /// A presigned GET of the document.
    download: Presigned,
}

/// `GET /assessments/{id}/declaration`'s description.
pub const GET_DOC: Operation = Operation {
    id: "getAssessmentDeclaration",
    summary: "The assessment's reduction/exemption declaration, as a presigned link",
    description: "减免税申报表：由已保存的计税结果生成纯文本，保存一次，答复预签名下载链接（15分钟有效）。",
    caller: Caller::Users(PARTY_ROLES),
    params: &[ID_PARAM],
    replies: &[Reply::json(
        200,
        "Where the declaration is, and a link to read it",
        schema::<DeclarationAnswer>,
    )],
    problems: &[(403, READ_403), (404, &["TAX_ASSESSMENT_NOT_FOUND"])],
    problem_tables: &[StorageError::PROBLEMS],
    ..Operation::NEW
};

/// The object owner of what `caller` creates: a citizen or officer by subject, an
/// enterprise by credit code, an agency by its id.
pub fn owner_of(caller: &Principal) -> Result<Owner, Failure> {
    let owner = match caller {
        Principal::User(u) => match u.membership.role() {
            Role::Enterprise => match &u.membership {
                yingshang_core::security::authz::Membership::Enterprise(code) => {
                    Owner::escaped(OwnerKind::Enterprise, code.as_str())
                }
                _ => Owner::escaped(OwnerKind::Enterprise, u.subject.as_str()),
            },
            Role::Officer => Owner::escaped(OwnerKind::Officer, u.subject.as_str()),
            Role::AgencyStaff => Owner::escaped(OwnerKind::Agency, u.subject.as_str()),
            Role::Citizen => Owner::escaped(OwnerKind::Citizen, u.subject.as_str()),
        },
        Principal::Agency(a) => Owner::escaped(OwnerKind::Agency, a.agency.as_str()),
        Principal::Device(d) => Owner::escaped(OwnerKind::Device, &d.to_string()),
    };
    owner.map_err(Failure::from)
}

/// `GET /assessments/{id}/declaration`.
pub async fn get(ctx: &RequestContext, db: &Db, req: Request, id: &str) -> Result<Answer, Failure> {
    let (record, _) = load_visible(ctx, db, &req, id).await?;
    let storage = Storage::from_variables().await?;
    let key = match &record.declaration_key {
        Some(stored) => ObjectKey::parse(stored)
            .map_err(|e| ctx.internal("reading a stored declaration key", e))?,
        None => {
            let key = ObjectKey::parse(&format!(
                "{}tax-declaration/{}.txt",
                record.owner_prefix, record.id
            ))?;
            let text = render_declaration(
                &record.assessment,
                &DeclarationParties {
                    assessment_id: &record.id,
                    buyer_id_number: &record.buyer_id_number,
                    seller_id_number: &record.seller_id_number,
                },
            );
            storage
                .put(&key, text.into_bytes(), CONTENT_TYPE, ctx.now)
                .await?;
            // Rendered from stored numbers only: a racing request wrote the same bytes.
            store::set_declaration_key(db, &record.id, key.as_str())
                .await
                .map_err(|e| ctx.internal("recording a declaration", e))?;
            key
        }
    };
    let download = storage
        .config()
        .presign_get(&key, Duration::seconds(LINK_TTL_S), ctx.now)
        .map_err(|e: StorageError| Failure::from(e))?;
    Ok(json(
        ctx,
        200,
        &DeclarationAnswer {
            assessment_id: record.id.clone(),
            key: key.as_str().to_owned(),
            content_type: CONTENT_TYPE,
            download,
        },
    ))
}
