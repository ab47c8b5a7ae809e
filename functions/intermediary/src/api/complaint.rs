//! One-click complaints about an intermediary agency, filed with the complaints
//! function by service chaining.

use super::error::{MarketError, field};
use super::providers::CC;
use super::who::{ENTERPRISE, credit_code, enterprise};
use crate::store::providers as pstore;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, In, Operation, Param, Reply, schema};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::chain::{Filed, file_complaint};
use yingshang_kit::context::header;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The complaints category of a complaint about an intermediary agency.
pub const CATEGORY: &str = "intermediary-services";

/// A complaint about an agency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ComplaintBody {
    /// What happened, 5–500 characters.
    description: String,
}

/// A complaints case filed.
#[derive(Debug, Serialize, JsonSchema)]
struct ComplaintFiled {
    /// The agency complained about.
    provider: String,
    /// The complaints case's id (`GET /api/complaints/cases/{id}`).
    case: String,
}

/// The complaint's required idempotency key (at most 100 visible ASCII characters).
fn complaint_key(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[\\x21-\\x7e]+$"})
}

/// `POST /providers/{cc}/complaint`'s description.
pub const COMPLAIN_DOC: Operation = Operation {
    id: "complainAboutProvider",
    summary: "File a complaints case about an agency (one click; Idempotency-Key required)",
    description: "企业一键投诉中介机构：以本企业名义在诉求平台立案；须带 Idempotency-Key，重试不重复立案。\
                  诉求平台的拒绝以其状态码和 INTERMEDIARY_COMPLAINT_REFUSED 转告。",
    caller: Caller::Users(ENTERPRISE),
    params: &[
        CC,
        Param {
            name: "Idempotency-Key",
            location: In::Header,
            required: true,
            description: "Files the case once: a retry with the same key answers the same case. 幂等键。",
            schema: complaint_key,
            example: None,
        },
    ],
    body: Content::Json(schema::<ComplaintBody>),
    body_example: Some(r#"{"description": "报告质量差且拖延交付，多次催告无果。"}"#),
    replies: &[Reply::json(201, "The case filed", schema::<ComplaintFiled>)],
    problems: &[
        (
            400,
            &[
                "INTERMEDIARY_FIELD_INVALID",
                "INTERMEDIARY_COMPLAINT_REFUSED",
            ],
        ),
        (403, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
        (409, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (422, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (503, &["INTERMEDIARY_COMPLAINTS_UNAVAILABLE"]),
    ],
    ..Operation::NEW
};

/// `POST /providers/{cc}/complaint` (an enterprise user, `Idempotency-Key`
/// required): a complaints case about the agency, filed as the enterprise.
pub async fn complain(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let (_, me) = enterprise(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let authorization = header(req.headers(), "authorization")
        .unwrap_or_default()
        .to_owned();
    let key = header(req.headers(), "idempotency-key")
        .filter(|k| !k.is_empty() && k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .ok_or_else(|| {
            field(
                "idempotency-key",
                "投诉须带 Idempotency-Key 请求头",
                "a complaint needs an Idempotency-Key header",
            )
        })?;
    let (parts, body) = req.into_parts();
    let b: ComplaintBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let n = b.description.trim().chars().count();
    if !(5..=500).contains(&n) {
        return Err(field("description", "须为 5–500 字", "must be 5–500 characters").into());
    }
    let provider = pstore::provider_by(db, code.as_str())
        .await
        .map_err(|e| ctx.internal("loading an agency", e))?
        .ok_or(MarketError::ProviderNotFound)?;
    let text = format!(
        "【中介机构投诉】{}（{}）：{}",
        provider.name,
        code.as_str(),
        b.description.trim()
    );
    let chained_key = format!("intermediary-{}-{key}", me.as_str());
    match file_complaint(
        ctx,
        &authorization,
        &chained_key,
        me.as_str(),
        CATEGORY,
        &text,
    )
    .await
    {
        Filed::Case(case) => Ok(json(
            ctx,
            201,
            &ComplaintFiled {
                provider: code.as_str().to_owned(),
                case,
            },
        )),
        Filed::Refused { status, code } => {
            Err(MarketError::ComplaintRefused { status, code }.into())
        }
        Filed::Unavailable => Err(MarketError::ComplaintsUnavailable.into()),
    }
}
