//! 免申即享 (policies enjoyed without application) and 红利账单 (the dividend bill).
//!
//! The tax bureau publishes the policy catalogue as data (`PUT /policies/catalogue`,
//! checked by the core, versions immutable) and keeps enterprise attributes current
//! (`PUT /enterprises/{credit_code}`, `POST /enterprises`); a schedule matches the
//! enterprises that are due (`POST /policies/match`, bounded chunks, safe to re-run);
//! the tax system records what each enterprise saved (`POST /policies/savings`, once
//! per record id). An enterprise reads the policies it enjoys and its bill for a
//! period; officers of the tax authority may read any enterprise's.

use super::dto::{
    EnterpriseBatch, EnterpriseDto, SavingsBatch, enterprise_of, parse_date, saving_of,
};
use super::error::TaxError;
use super::{SCOPE_POLICY, query_param};
use crate::store::policies::{self as store, MatchChange, Published, Recorded};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::query::count;
use yingshang_core::security::CreditCode;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::authz::Role;
use yingshang_core::tax::{
    BillPeriod, Enterprise, PolicyCatalogue, PolicyMatch, SavingRecord, dividend_bill,
    match_policies,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body, read_json};
use yingshang_kit::clock::rfc3339;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// Enterprises or savings per batch at most.
pub const MAX_BATCH: usize = 1_000;
/// Enterprises matched per scheduled call unless `?limit=` says fewer.
pub const MATCH_CHUNK: i64 = 500;
/// The demo catalogue loaded at start-up when none was published.
const DEMO_CATALOGUE: &str = include_str!("../../demo/policy-catalogue.json");
/// Demo enterprises and their recorded savings.
const DEMO_ENTERPRISES: &str = include_str!("../../demo/enterprises.json");

#[derive(Debug, Serialize)]
struct PublishAnswer<'a> {
    version: &'a str,
    policies: usize,
    unchanged: bool,
}

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

async fn current(ctx: &RequestContext, db: &Db) -> Result<PolicyCatalogue, Failure> {
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

#[derive(Debug, Serialize)]
struct ImportAnswer {
    imported: usize,
}

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
    Ok(json(ctx, 200, &ImportAnswer { imported: 1 }))
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
        &ImportAnswer {
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

fn parse_code(field: String, text: &str) -> Result<CreditCode, TaxError> {
    CreditCode::parse(text).map_err(|error| TaxError::CreditCode { field, error })
}

#[derive(Debug, Default, Serialize)]
struct MatchAnswer {
    catalogue_version: Option<String>,
    enterprises_matched: usize,
    policies_started: usize,
    policies_ended: usize,
    remaining: i64,
}

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

#[derive(Debug, Serialize)]
struct SavingsAnswer {
    recorded: usize,
    unchanged: usize,
}

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

/// The enterprise named in the path, read by its own users or by tax officers.
async fn reader(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    credit_code: &str,
) -> Result<CreditCode, Failure> {
    let caller = guard::user(ctx, db, req.headers(), &[Role::Enterprise, Role::Officer]).await?;
    let code = parse_code("credit_code".to_owned(), credit_code)?;
    if caller.role() == Some(Role::Enterprise) {
        guard::own_enterprise(ctx, &caller, &code)?;
    }
    super::access::require_tax_officer(ctx, &caller).await?;
    Ok(code)
}

#[derive(Debug, Serialize)]
struct EnjoyedPolicy {
    #[serde(flatten)]
    policy: PolicyMatch,
    since: String,
}

#[derive(Debug, Serialize)]
struct PoliciesAnswer {
    credit_code: String,
    catalogue_version: Option<String>,
    matched_at: Option<String>,
    policies: Vec<EnjoyedPolicy>,
}

/// `GET /enterprises/{credit_code}/policies`: what the enterprise enjoys, and why.
pub async fn enjoyed(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    credit_code: &str,
) -> Result<Answer, Failure> {
    let code = reader(ctx, db, &req, credit_code).await?;
    let load = async || -> Result<_, DbError> {
        let Some((version, at)) = store::enterprise_matched(db, code.as_str()).await? else {
            return Ok(None);
        };
        Ok(Some((
            version,
            at,
            store::open_matches(db, code.as_str()).await?,
        )))
    };
    let (version, at, matches) = load()
        .await
        .map_err(|e| ctx.internal("loading policy matches", e))?
        .ok_or(TaxError::EnterpriseUnknown)?;
    Ok(json(
        ctx,
        200,
        &PoliciesAnswer {
            credit_code: code.as_str().to_owned(),
            catalogue_version: version,
            matched_at: at.map(rfc3339),
            policies: matches
                .into_iter()
                .map(|(policy, since)| EnjoyedPolicy {
                    policy,
                    since: rfc3339(since),
                })
                .collect(),
        },
    ))
}

/// `GET /enterprises/{credit_code}/dividend-bill?from=YYYY-MM-DD&until=YYYY-MM-DD`.
pub async fn bill(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    credit_code: &str,
) -> Result<Answer, Failure> {
    let code = reader(ctx, db, &req, credit_code).await?;
    let query = req.uri().query();
    let date = |field: &'static str| -> Result<time::Date, TaxError> {
        let text = query_param(query, field).ok_or(TaxError::ParameterRequired(field))?;
        parse_date(field, text)
    };
    let (from, until) = (date("from")?, date("until")?);
    let period = BillPeriod::new(from, until).map_err(TaxError::Dividend)?;
    let catalogue = current(ctx, db).await?;
    let records = store::savings(db, code.as_str(), from, until)
        .await
        .map_err(|e| ctx.internal("loading policy savings", e))?;
    let bill =
        dividend_bill(&catalogue, code.as_str(), period, &records).map_err(TaxError::Dividend)?;
    Ok(json(ctx, 200, &bill))
}

#[derive(Debug, Serialize)]
struct DemoAnswer {
    catalogue_published: bool,
    enterprises: usize,
    savings: usize,
    #[serde(rename = "match")]
    matched: MatchAnswer,
}

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
