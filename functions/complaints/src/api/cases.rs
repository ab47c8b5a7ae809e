//! Filing a case (idempotent), reading one with its deadlines, and listing the
//! caller's cases page by page.

use super::dto::{CaseList, CaseView, FileRequest};
use super::error::ComplaintsError;
use super::party::{self, calendar, catalogue};
use crate::store::{self, Cursor, ListScope};
use spin_sdk::http::Request;
use yingshang_core::complaints::{
    Actor, CaseId, CaseState, CaseSummary, Intake, Status, available_actions, deadlines, open_case,
};
use yingshang_core::openapi::{Content, In, Link, Operation, Param, Reply, schema};
use yingshang_core::query::param;
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::path_and_query;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The default and largest page.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

/// The 400s of filing: the body's fields as the intake refuses them (several at once
/// are `COMPLAINTS_INPUT_INVALID`), and the missing key.
const FILE_400: &[&str] = &[
    "COMPLAINTS_IDEMPOTENCY_KEY_REQUIRED",
    "COMPLAINTS_FIELD_INVALID",
    "COMPLAINTS_INPUT_INVALID",
    "COMPLAINTS_CREDIT_CODE_INVALID",
    "COMPLAINTS_CHANNEL_UNKNOWN",
    "COMPLAINTS_CATEGORY_UNKNOWN",
    "COMPLAINTS_TEXT_LENGTH",
    "COMPLAINTS_TEXT_CONTROL_CHARACTER",
    "COMPLAINTS_RECEIVED_AT_INVALID",
    "COMPLAINTS_CASE_ID_INVALID",
    "IDEMPOTENCY_KEY_INVALID",
];

/// `POST /cases`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createCase",
    summary: "File a case: an enterprise online or by QR code, staff for a call, letter or visit",
    description: "提交诉求：企业通过扫码或网上提交（仅限本企业），工作人员或机构系统登记电话、来信、来访诉求。\
                  必须带 Idempotency-Key 请求头；同一键重试返回首次结果。",
    caller: party::CALLER,
    params: &[Param {
        name: "Idempotency-Key",
        location: In::Header,
        required: true,
        description: "Required: a retried filing answers once (the same key and body answer the \
                      first answer again). 幂等键（必填）。",
        schema: schema::<IdempotencyKey>,
        example: Some("file-2026-12-04-0001"),
    }],
    body: Content::Json(schema::<FileRequest>),
    body_example: Some(
        r#"{"channel": "phone", "enterprise": "91350100M000100Y43", "category": "business-registration",
            "description": "办理营业执照变更时被要求重复提交已提交过的材料。"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The case, its deadlines and what the caller may do next",
        schema::<CaseView<'static>>,
    )],
    problems: &[
        (400, FILE_400),
        (
            403,
            &[
                "COMPLAINTS_NOT_A_DEPARTMENT",
                "COMPLAINTS_FILER_NOT_ALLOWED",
                "COMPLAINTS_NOT_OWN_ENTERPRISE",
                "AUTHZ_NOT_OWN_ORG",
            ],
        ),
        (409, &["IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"]),
    ],
    links: &[
        Link {
            status: 201,
            name: "GetCase",
            operation_id: "getCase",
            parameters: &[("id", "$response.body#/case/id")],
        },
        Link {
            status: 201,
            name: "ActOnCase",
            operation_id: "actOnCase",
            parameters: &[("id", "$response.body#/case/id")],
        },
        Link {
            status: 201,
            name: "CreateAttachmentSlot",
            operation_id: "createAttachmentSlot",
            parameters: &[("id", "$response.body#/case/id")],
        },
    ],
    ..Operation::NEW
};

/// An `Idempotency-Key` as the kit accepts it.
struct IdempotencyKey;

impl schemars::JsonSchema for IdempotencyKey {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IdempotencyKey".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"
        })
    }
}

/// `GET /cases/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getCase",
    summary: "A case with its deadlines and the caller's next actions",
    description: "查看诉求：办理时限（按工作日计算）及当前用户可执行的操作。\
                  企业只能看本企业的诉求，部门只能看本部门主办或协办的诉求，营商环境办可看全部。",
    caller: party::CALLER,
    params: &[party::CASE_ID],
    replies: &[Reply::json(200, "The case", schema::<CaseView<'static>>)],
    problems: &[
        (403, party::NOT_A_DEPARTMENT),
        (404, &["COMPLAINTS_CASE_NOT_FOUND"]),
    ],
    links: &[Link {
        status: 200,
        name: "ActOnCase",
        operation_id: "actOnCase",
        parameters: &[("id", "$response.body#/case/id")],
    }],
    ..Operation::NEW
};

/// `GET /cases`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listCases",
    summary: "The caller's cases, newest first, page by page",
    description: "诉求列表（按受理时间倒序分页）：企业看本企业的，部门看本部门的，营商环境办看全部。",
    caller: party::CALLER,
    params: &[
        Param::query(
            "status",
            "Only cases in this status. 按状态筛选。",
            schema::<Status>,
        )
        .example("assigned"),
        Param::query(
            "limit",
            "Cases per page, 1-100 (default 20). 每页条数。",
            schema::<u32>,
        ),
        Param::query(
            "cursor",
            "The `next_cursor` of the previous page. 上一页返回的游标。",
            schema::<String>,
        ),
    ],
    replies: &[Reply::json(200, "One page", schema::<CaseList>)],
    problems: &[
        (400, &["COMPLAINTS_FIELD_INVALID"]),
        (403, party::NOT_A_DEPARTMENT),
    ],
    links: &[
        Link {
            status: 200,
            name: "GetFirstCase",
            operation_id: "getCase",
            parameters: &[("id", "$response.body#/cases/0/id")],
        },
        Link {
            status: 200,
            name: "ActOnFirstCase",
            operation_id: "actOnCase",
            parameters: &[("id", "$response.body#/cases/0/id")],
        },
        Link {
            status: 200,
            name: "FirstCaseAttachmentSlot",
            operation_id: "createAttachmentSlot",
            parameters: &[("id", "$response.body#/cases/0/id")],
        },
        Link {
            status: 200,
            name: "AttachToFirstCase",
            operation_id: "attachToCase",
            parameters: &[("id", "$response.body#/cases/0/id")],
        },
        Link {
            status: 200,
            name: "FirstCaseAttachment",
            operation_id: "getAttachmentLink",
            parameters: &[("id", "$response.body#/cases/0/id"), ("n", "0")],
        },
        Link {
            status: 200,
            name: "PublishFirstCase",
            operation_id: "publishTypicalCase",
            parameters: &[("id", "$response.body#/cases/0/id")],
        },
        Link {
            status: 200,
            name: "FirstCaseOpen311",
            operation_id: "getOpen311Request",
            parameters: &[("doc", "{$response.body#/cases/0/id}.json")],
        },
    ],
    ..Operation::NEW
};

/// The view of a case for `actor`, judged now.
pub fn view<'a>(ctx: &RequestContext, case: &'a CaseState, actor: &Actor) -> CaseView<'a> {
    CaseView {
        case,
        deadlines: deadlines(case, ctx.now, &calendar()),
        available_actions: available_actions(case, actor),
    }
}

/// `POST /cases`: files a case (Idempotency-Key required).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, actor) = party::participant(ctx, db, req.headers()).await?;
    let path = path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: FileRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => claim,
        Begin::Unkeyed => return Err(ComplaintsError::IdempotencyKeyRequired.into()),
    };
    let answer = match file(ctx, db, &caller, &actor, &request, &claim).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    claim.finish(ctx, db, &answer).await?;
    Ok(answer)
}

async fn file(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    actor: &Actor,
    request: &FileRequest,
    claim: &Claim,
) -> Result<Answer, Failure> {
    let intake = Intake::parse(catalogue(), &request.intake()?)?;
    if let Actor::Enterprise { .. } = actor {
        guard::own_enterprise(ctx, caller, &intake.enterprise)?;
    }
    let id = CaseId::parse(&ulid(ctx.now))?;
    let opened = open_case(intake, id, actor, ctx.now)?;
    let after = serde_json::json!({
        "status": opened.state.status, "channel": opened.state.channel,
        "category": opened.state.category, "enterprise": opened.state.enterprise,
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "complaints.case.file",
        format!("complaints/case/{}", opened.state.id),
        ctx.now,
        None,
        Some(&after),
    );
    let answer = json(ctx, 201, &view(ctx, &opened.state, actor));
    let now_ms = unix_ms(ctx.now);
    tx::retrying(ctx, db, "filing a case", async |db: &Db| {
        store::insert(db, &opened.state, now_ms).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        claim.store(db, &answer).await
    })
    .await?;
    Ok(answer)
}

/// `GET /cases/{id}`: the case, its deadlines and what the caller may do next.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let stored = party::readable(ctx, db, &actor, id).await?;
    Ok(json(ctx, 200, &view(ctx, &stored.state, &actor)))
}

fn bad(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    ComplaintsError::Field { field, zh, en }.into()
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (at, id) = text.split_once('.')?;
    let at = at.parse().ok()?;
    CaseId::parse(id).ok()?;
    Some((at, id.to_owned()))
}

/// `GET /cases?status=&limit=&cursor=`: the caller's cases, newest first.
pub async fn list(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (_, actor) = party::participant(ctx, db, req.headers()).await?;
    let query = req.uri().query();
    let status = match param(query, "status") {
        None => None,
        Some(text) => Some(
            Status::ALL
                .into_iter()
                .find(|s| s.as_str() == text)
                .ok_or_else(|| bad("status", "不是诉求状态", "is not a case status"))?,
        ),
    };
    let limit = match param(query, "limit") {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                bad(
                    "limit",
                    "须为 1 到 100 的整数",
                    "must be an integer from 1 to 100",
                )
            })?,
    };
    let cursor = match param(query, "cursor") {
        None => None,
        Some(text) => Some(parse_cursor(text).ok_or_else(|| {
            bad(
                "cursor",
                "不是本接口给出的游标",
                "is not a cursor this list gave",
            )
        })?),
    };
    let scope = match &actor {
        Actor::Enterprise { credit_code } => ListScope::Enterprise(credit_code.as_str().to_owned()),
        Actor::Staff { department } => ListScope::Department(department.as_str().to_owned()),
        Actor::Office | Actor::System => ListScope::All,
    };
    let page = store::list(db, &scope, status, cursor.as_ref(), limit + 1)
        .await
        .map_err(|e| ctx.internal("listing cases", e))?;
    let more = page.len() as i64 > limit;
    let cases: Vec<&CaseState> = page.iter().take(limit as usize).map(|s| &s.state).collect();
    let next_cursor = match (more, cases.last()) {
        (true, Some(last)) => Some(format!("{}.{}", unix_ms(last.received_at), last.id)),
        _ => None,
    };
    let cases = cases
        .into_iter()
        .map(|c| CaseSummary::of(c, ctx.now, &calendar()))
        .collect();
    Ok(json(ctx, 200, &CaseList { cases, next_cursor }))
}
