//! 免申即享 (policies enjoyed without application) and 红利账单 (the dividend bill).
//!
//! The tax bureau publishes the policy catalogue as data (`PUT /policies/catalogue`,
//! checked by the core, versions immutable) and keeps enterprise attributes current
//! (`PUT /enterprises/{credit_code}`, `POST /enterprises`); a schedule matches the
//! enterprises that are due (`POST /policies/match`, bounded chunks, safe to re-run);
//! the tax system records what each enterprise saved (`POST /policies/savings`, once
//! per record id). An enterprise reads the policies it enjoys and its bill for a
//! period; officers of the tax authority may read any enterprise's
//! ([`super::enterprise_reads`]).

use super::SCOPE_POLICY;
use super::dto::{EnterpriseBatch, EnterpriseDto, SavingsBatch, enterprise_of, saving_of};
use super::error::TaxError;
use crate::store::policies::{self as store, MatchChange, Published, Recorded};
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_core::query::count;
use yingshang_core::security::CreditCode;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::credit_code::CreditCodeError;
use yingshang_core::tax::{
    CatalogueError, Enterprise, PolicyCatalogue, SavingRecord, match_policies,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Enterprises or savings per batch at most.
pub const MAX_BATCH: usize = 1_000;
/// Enterprises matched per scheduled call unless `?limit=` says fewer.
pub const MATCH_CHUNK: i64 = 500;
/// The demo catalogue loaded at start-up when none was published.
const DEMO_CATALOGUE: &str = include_str!("../../demo/policy-catalogue.json");
/// Demo enterprises and their recorded savings.
const DEMO_ENTERPRISES: &str = include_str!("../../demo/enterprises.json");

/// A published catalogue.
#[derive(Debug, Serialize, JsonSchema)]
struct PublishAnswer<'a> {
    /// Its version.
    version: &'a str,
    /// Policies in it.
    policies: usize,
    /// True when this version was published before with the same policies.
    unchanged: bool,
}

/// The demo enterprise whose policies and bill the examples read.
pub(super) const DEMO_CREDIT_CODE: &str = "91411502MA4000000H";

/// The `{credit_code}` of an enterprise.
pub(super) const CREDIT_CODE_PARAM: Param = Param::path(
    "credit_code",
    "The enterprise's unified social credit code. 统一社会信用代码。",
    schema::<String>,
)
.example(DEMO_CREDIT_CODE);

/// `PUT /policies/catalogue`'s description.
pub const PUBLISH_DOC: Operation = Operation {
    id: "publishPolicyCatalogue",
    summary: "Publish the policy catalogue (a version is immutable once published)",
    description: "发布免申即享政策目录（数据形式）；版本号一经发布不可改变内容。",
    caller: Caller::Agency(SCOPE_POLICY),
    body: Content::Json(schema::<PolicyCatalogue>),
    body_example: Some(
        r#"{"version": "xinyang-demo-2026-01-contract", "policies": [{"id": "EMP-01",
            "name_zh": "重点群体创业就业税收扣减", "group": "employment",
            "basis_zh": "财政部 税务总局 人力资源社会保障部 农业农村部公告2023年第15号",
            "conditions": [{"type": "key_group_hires", "group": "poverty_alleviated", "at_least": 1}]}]}"#,
    ),
    replies: &[
        Reply::json(201, "Published", schema::<PublishAnswer<'static>>),
        Reply::json(
            200,
            "This version was published before with the same policies",
            schema::<PublishAnswer<'static>>,
        ),
    ],
    problems: &[
        (409, &["TAX_POLICY_CATALOGUE_VERSION_CONFLICT"]),
        (422, CatalogueError::CODES),
    ],
    ..Operation::NEW
};

/// `GET /policies/catalogue`'s description.
pub const CATALOGUE_DOC: Operation = Operation {
    id: "getPolicyCatalogue",
    summary: "The current policy catalogue",
    description: "当前的免申即享政策目录；任何登录用户可查看。",
    caller: Caller::UsersOrAgency(guard::ANY_USER, SCOPE_POLICY),
    replies: &[Reply::json(200, "The catalogue", schema::<PolicyCatalogue>)],
    problems: &[(404, &["TAX_POLICY_CATALOGUE_MISSING"])],
    ..Operation::NEW
};

/// `PUT /policies/catalogue` (agency key `tax:policy`).
pub async fn publish(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let (parts, body) = req.into_parts();
    let limit = 4 * DEFAULT_JSON_LIMIT;
    let bytes = read_body(ctx, &parts.headers, body, limit).await?;
    // JSON and media type first (415/400 like every body), then the catalogue's rules.
    let _: serde_json::Value = parse_json(&parts.headers, &bytes, limit)?;
    let text = String::from_utf8_lossy(&bytes);
    let catalogue = PolicyCatalogue::from_json(&text).map_err(TaxError::Catalogue)?;
    let actor = caller.audit_actor();
    let published = in_transaction(ctx, db, "publishing a policy catalogue", async |db: &Db| {
        let p = store::publish_catalogue(db, &catalogue, &actor, ctx.now).await?;
        if p == Published::New {
            let after = serde_json::json!({ "policies": catalogue.policies().len() });
            let entry = AuditEntry::new(
                &actor,
                "tax.policies.catalogue.publish",
                format!("tax_policy_catalogues/{}", catalogue.version()),
                ctx.now,
                None,
                Some(&after),
            );
            yingshang_kit::audit::record(ctx, db, &entry).await?;
        }
        Ok::<Published, TxError>(p)
    })
    .await?;
    let status = match published {
        Published::New => 201,
        Published::Unchanged => 200,
        Published::Conflict => {
            return Err(TaxError::CatalogueVersionConflict(catalogue.version().to_owned()).into());
        }
    };
    Ok(json(
        ctx,
        status,
        &PublishAnswer {
            version: catalogue.version(),
            policies: catalogue.policies().len(),
            unchanged: published == Published::Unchanged,
        },
    ))
}

pub(super) async fn current(ctx: &RequestContext, db: &Db) -> Result<PolicyCatalogue, Failure> {
    match store::current_catalogue(db).await {
        Ok(Some((c, _))) => Ok(c),
        Ok(None) => Err(TaxError::NoCatalogue.into()),
        Err(e) => Err(ctx.internal("loading the policy catalogue", e).into()),
    }
}

/// `GET /policies/catalogue`: the current catalogue, for any signed-in user.
pub async fn catalogue(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::user_or_agency(ctx, db, req.headers(), guard::ANY_USER, SCOPE_POLICY).await?;
    let c = current(ctx, db).await?;
    Ok(json(ctx, 200, &c))
}

/// What an import stored.
#[derive(Debug, Serialize, JsonSchema)]
struct EnterprisesImported {
    /// Enterprises stored.
    imported: usize,
}

/// The problems of an enterprise's attributes.
const ENTERPRISE_400: &[&str] = &["TAX_FIELD_REQUIRED", "TAX_FIELD_INVALID"];

/// `PUT /enterprises/{credit_code}`'s description.
pub const PUT_ENTERPRISE_DOC: Operation = Operation {
    id: "putEnterprise",
    summary: "Store an enterprise's attributes (they are matched again)",
    description: "更新企业属性（行业、地区、人数、营收、重点群体招用等），之后重新匹配政策。",
    caller: Caller::Agency(SCOPE_POLICY),
    params: &[CREDIT_CODE_PARAM],
    body: Content::Json(schema::<EnterpriseDto>),
    body_example: Some(
        r#"{"industry_code": "C1371", "region_code": "411502", "employees": 45,
            "annual_revenue": 860000000, "small_micro": false,
            "key_group_hires": {"poverty_alleviated": 6, "disabled": 12}}"#,
    ),
    replies: &[Reply::json(200, "Stored", schema::<EnterprisesImported>)],
    problems: &[(400, CreditCodeError::CODES), (400, ENTERPRISE_400)],
    ..Operation::NEW
};

/// `POST /enterprises`'s description.
pub const PUT_ENTERPRISES_DOC: Operation = Operation {
    id: "importEnterprises",
    summary: "Store the attributes of up to 1,000 enterprises, all or nothing",
    description: "批量更新企业属性（1至1000家），全部成功或全部不更新。",
    caller: Caller::Agency(SCOPE_POLICY),
    body: Content::Json(schema::<EnterpriseBatch>),
    body_example: Some(
        r#"{"enterprises": [{"credit_code": "92411502MA4000000E", "industry_code": "F5221",
            "region_code": "411502", "employees": 3, "annual_revenue": 42000000,
            "small_micro": true}]}"#,
    ),
    replies: &[Reply::json(200, "Stored", schema::<EnterprisesImported>)],
    problems: &[
        (400, &["TAX_BATCH_SIZE"]),
        (400, CreditCodeError::CODES),
        (400, ENTERPRISE_400),
    ],
    ..Operation::NEW
};

async fn save_enterprises(
    ctx: &RequestContext,
    db: &Db,
    actor: &str,
    enterprises: &[Enterprise],
) -> Result<(), Failure> {
    in_transaction(ctx, db, "storing enterprise attributes", async |db: &Db| {
        for e in enterprises {
            store::put_enterprise(db, e, actor, ctx.now).await?;
            // Plain data with string map keys: serializing cannot fail.
            let after = serde_json::to_value(e).unwrap_or_default();
            let entry = AuditEntry::new(
                actor,
                "tax.enterprises.put",
                format!("tax_enterprises/{}", e.credit_code),
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

/// `PUT /enterprises/{credit_code}` (agency key `tax:policy`).
pub async fn put_enterprise(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    credit_code: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let code = parse_code("credit_code".to_owned(), credit_code)?;
    let (parts, body) = req.into_parts();
    let dto: EnterpriseDto = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let e = enterprise_of(dto, "", Some(&code))?;
    save_enterprises(ctx, db, &caller.audit_actor(), &[e]).await?;
    Ok(json(ctx, 200, &EnterprisesImported { imported: 1 }))
}

/// `POST /enterprises` (agency key `tax:policy`): a batch, all or nothing.
pub async fn put_enterprises(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let (parts, body) = req.into_parts();
    let batch: EnterpriseBatch =
        read_json(ctx, &parts.headers, body, 4 * DEFAULT_JSON_LIMIT).await?;
    let enterprises = enterprises_of(batch)?;
    save_enterprises(ctx, db, &caller.audit_actor(), &enterprises).await?;
    Ok(json(
        ctx,
        200,
        &EnterprisesImported {
            imported: enterprises.len(),
        },
    ))
}

fn enterprises_of(batch: EnterpriseBatch) -> Result<Vec<Enterprise>, TaxError> {
    if batch.enterprises.is_empty() || batch.enterprises.len() > MAX_BATCH {
        return Err(TaxError::Batch { max: MAX_BATCH });
    }
    batch
        .enterprises
        .into_iter()
        .enumerate()
        .map(|(i, dto)| enterprise_of(dto, &format!("/enterprises/{i}"), None))
        .collect()
}

pub(super) fn parse_code(field: String, text: &str) -> Result<CreditCode, TaxError> {
    CreditCode::parse(text).map_err(|error| TaxError::CreditCode { field, error })
}

/// What a matching pass did.
#[derive(Debug, Default, Serialize, JsonSchema)]
struct MatchAnswer {
    /// The catalogue matched with; `null` when none was published.
    catalogue_version: Option<String>,
    /// Enterprises matched in this pass.
    enterprises_matched: usize,
    /// Policies newly enjoyed.
    policies_started: usize,
    /// Policies no longer enjoyed.
    policies_ended: usize,
    /// Enterprises still due.
    remaining: i64,
}

/// `POST /policies/match`'s description.
pub const MATCH_DOC: Operation = Operation {
    id: "matchPolicies",
    summary: "Match the enterprises that are due with the current catalogue (a schedule calls it)",
    description: "将到期的企业与当前政策目录匹配（分块，可重复执行）；由定时任务调用。",
    caller: Caller::Agency(SCOPE_POLICY),
    params: &[Param::query(
        "limit",
        "Enterprises to match at most (1 to 2,500; 500 when absent). 本次最多匹配的企业数。",
        schema::<u32>,
    )
    .example("500")],
    replies: &[Reply::json(200, "What was matched", schema::<MatchAnswer>)],
    problems: &[(400, &["TAX_PARAMETER_INVALID"])],
    ..Operation::NEW
};

/// Matches up to `limit` due enterprises with the current catalogue, in one
/// transaction; nothing to do (no catalogue, nobody due) is not an error.
async fn match_due(ctx: &RequestContext, db: &Db, limit: i64) -> Result<MatchAnswer, Failure> {
    let catalogue = match store::current_catalogue(db).await {
        Ok(Some((c, _))) => c,
        Ok(None) => return Ok(MatchAnswer::default()),
        Err(e) => return Err(ctx.internal("loading the policy catalogue", e).into()),
    };
    let version = catalogue.version();
    let mut answer = in_transaction(ctx, db, "matching policies", async |db: &Db| {
        let due = store::due_enterprises(db, version, limit).await?;
        let mut a = MatchAnswer {
            catalogue_version: Some(version.to_owned()),
            ..MatchAnswer::default()
        };
        for e in &due {
            let matches = match_policies(&catalogue, e);
            let MatchChange { started, ended } =
                store::replace_matches(db, &e.credit_code, version, &matches, ctx.now).await?;
            a.enterprises_matched += 1;
            a.policies_started += started;
            a.policies_ended += ended;
        }
        Ok::<MatchAnswer, TxError>(a)
    })
    .await?;
    answer.remaining = store::due_count(db, version)
        .await
        .map_err(|e| ctx.internal("counting enterprises due", e))?;
    Ok(answer)
}

/// `POST /policies/match?limit=N` (agency key `tax:policy`, a schedule).
pub async fn run_match(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let limit = count(req.uri().query(), "limit", MATCH_CHUNK, 5 * MATCH_CHUNK)
        .map_err(TaxError::InvalidCount)?;
    let a = match_due(ctx, db, limit).await?;
    Ok(json(ctx, 200, &a))
}

/// What a savings batch recorded.
#[derive(Debug, Serialize, JsonSchema)]
struct SavingsAnswer {
    /// Records new.
    recorded: usize,
    /// Records seen before with the same content.
    unchanged: usize,
}

/// `POST /policies/savings`'s description.
pub const SAVINGS_DOC: Operation = Operation {
    id: "recordPolicySavings",
    summary: "Record what enterprises saved under policies (once per record id), all or nothing",
    description: "登记企业享受政策减免的金额（1至1000条），同一记录编号只登记一次；内容不同则拒绝。",
    caller: Caller::Agency(SCOPE_POLICY),
    body: Content::Json(schema::<SavingsBatch>),
    body_example: Some(
        r#"{"records": [{"record_id": "CONTRACT-S-0001", "credit_code": "91411502MA4000000H",
            "policy_id": "EMP-01", "on": "2026-02-15", "saved": 100000}]}"#,
    ),
    replies: &[Reply::json(200, "Recorded", schema::<SavingsAnswer>)],
    problems: &[
        (400, &["TAX_BATCH_SIZE", "TAX_FIELD_INVALID"]),
        (400, CreditCodeError::CODES),
        (409, &["TAX_POLICY_SAVING_CONFLICT"]),
    ],
    ..Operation::NEW
};

/// `POST /policies/savings` (agency key `tax:policy`): all or nothing; a record id
/// seen before with the same content counts once, with other content is refused.
pub async fn record_savings(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let (parts, body) = req.into_parts();
    let batch: SavingsBatch = read_json(ctx, &parts.headers, body, 4 * DEFAULT_JSON_LIMIT).await?;
    let records = savings_of(batch)?;
    let a = save_savings(ctx, db, &caller.audit_actor(), &records).await?;
    Ok(json(ctx, 200, &a))
}

fn savings_of(batch: SavingsBatch) -> Result<Vec<(String, SavingRecord)>, TaxError> {
    if batch.records.is_empty() || batch.records.len() > MAX_BATCH {
        return Err(TaxError::Batch { max: MAX_BATCH });
    }
    batch
        .records
        .into_iter()
        .enumerate()
        .map(|(i, dto)| saving_of(dto, &format!("/records/{i}")))
        .collect()
}

async fn save_savings(
    ctx: &RequestContext,
    db: &Db,
    actor: &str,
    records: &[(String, SavingRecord)],
) -> Result<SavingsAnswer, Failure> {
    in_transaction(ctx, db, "recording policy savings", async |db: &Db| {
        let mut a = SavingsAnswer {
            recorded: 0,
            unchanged: 0,
        };
        for (id, r) in records {
            match store::record_saving(db, id, r, actor, ctx.now).await? {
                Recorded::New => a.recorded += 1,
                Recorded::Unchanged => a.unchanged += 1,
                Recorded::Conflict => return Err(TaxError::SavingConflict(id.clone()).into()),
            }
        }
        Ok::<SavingsAnswer, TxError>(a)
    })
    .await
}

#[derive(Debug, Serialize, JsonSchema)]
struct DemoAnswer {
    /// True when the demo catalogue was published now.
    catalogue_published: bool,
    /// Demo enterprises stored now.
    enterprises: usize,
    /// Demo savings recorded now.
    savings: usize,
    /// The matching pass that followed.
    #[serde(rename = "match")]
    matched: MatchAnswer,
}

/// `POST /policies/demo-data`'s description.
pub const DEMO_DOC: Operation = Operation {
    id: "loadPolicyDemoData",
    summary: "Load the demo catalogue, enterprises and savings once, then match",
    description: "加载演示政策目录、企业与减免记录（已有则不重复），随后匹配一次；启动时调用。",
    caller: Caller::Agency(SCOPE_POLICY),
    replies: &[Reply::json(200, "What was loaded", schema::<DemoAnswer>)],
    ..Operation::NEW
};

/// `POST /policies/demo-data` (agency key `tax:policy`, at start-up): the demo
/// catalogue when none was published, demo enterprises and savings when there are
/// none, then one matching pass. Idempotent: a second call adds nothing.
pub async fn demo(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_POLICY).await?;
    let actor = caller.audit_actor();
    let catalogue = PolicyCatalogue::from_json(DEMO_CATALOGUE)
        .map_err(|e| ctx.internal("reading the demo catalogue", e.message_en()))?;
    let demo: super::dto::DemoEnterprises = serde_json::from_str(DEMO_ENTERPRISES)
        .map_err(|e| ctx.internal("reading the demo enterprises", e))?;
    let enterprises = enterprises_of(EnterpriseBatch {
        enterprises: demo.enterprises,
    })
    .map_err(|e| ctx.internal("checking the demo enterprises", format!("{e:?}")))?;
    let savings = savings_of(SavingsBatch {
        records: demo.savings,
    })
    .map_err(|e| ctx.internal("checking the demo savings", format!("{e:?}")))?;

    let (published, n_enterprises, n_savings) =
        in_transaction(ctx, db, "loading the demo policies", async |db: &Db| {
            let published = store::current_catalogue(db).await?.is_none()
                && store::publish_catalogue(db, &catalogue, &actor, ctx.now).await?
                    == Published::New;
            let mut n_e = 0;
            if store::enterprise_count(db).await? == 0 {
                for e in &enterprises {
                    store::put_enterprise(db, e, &actor, ctx.now).await?;
                }
                n_e = enterprises.len();
            }
            let mut n_s = 0;
            if store::saving_count(db).await? == 0 {
                for (id, r) in &savings {
                    store::record_saving(db, id, r, &actor, ctx.now).await?;
                }
                n_s = savings.len();
            }
            Ok::<_, TxError>((published, n_e, n_s))
        })
        .await?;
    let matched = match_due(ctx, db, MATCH_CHUNK).await?;
    Ok(json(
        ctx,
        200,
        &DemoAnswer {
            catalogue_published: published,
            enterprises: n_enterprises,
            savings: n_savings,
            matched,
        },
    ))
}
