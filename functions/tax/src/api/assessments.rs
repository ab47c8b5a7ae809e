//! Assessments: `POST /assessments` computes and stores one from the signed contract
//! (assessed price by service chaining, house count from the registry holdings or
//! the pledge); `GET /assessments/{id}` reads the stored numbers back.

use super::dto::{AssessmentRequest, AssessmentView, Contract};
use super::error::TaxError;
use super::{PARTY_ROLES, require_party_or_officer, valuation};
use crate::store::{self, AssessmentRecord, NewAssessment};
use spin_sdk::http::Request;
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::user_actor_role;
use yingshang_core::tax::{
    Basis, CountSource, FamilyView, RuleSet, TransferInput, assess_with_history, count_houses,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::rfc3339;
use yingshang_kit::context::header;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The answer for a stored assessment.
pub fn view_of(r: &AssessmentRecord) -> AssessmentView {
    AssessmentView {
        id: r.id.clone(),
        status: r.status.clone(),
        created_at: rfc3339(r.created_at),
        unit_code: r.assessment.unit_code.clone(),
        rule_set_version: r.assessment.rule_set_version.clone(),
        basis: r.basis.clone(),
        assessment: r.assessment.clone(),
        payment_transaction_id: r.payment_txn.clone(),
    }
}

/// `POST /assessments`.
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::user(ctx, db, req.headers(), PARTY_ROLES).await?;
    let path = yingshang_kit::context::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: AssessmentRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    require_party_or_officer(
        ctx,
        &caller,
        &[
            request.buyer.account.as_deref(),
            request.seller.account.as_deref(),
        ],
    )?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => Some(claim),
        Begin::Unkeyed => None,
    };
    let authorization = header(&parts.headers, "authorization");
    let keyed = claim.as_ref();
    let answer =
        match assess_and_store(ctx, db, &caller, authorization, request, &bytes, keyed).await {
            Ok(answer) => answer,
            Err(failure) => failure.respond(ctx),
        };
    if let Some(claim) = claim {
        claim.finish(ctx, db, &answer).await?;
    }
    Ok(answer)
}

async fn assess_and_store(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    authorization: Option<&str>,
    request: AssessmentRequest,
    raw: &[u8],
    claim: Option<&Claim>,
) -> Result<Answer, Failure> {
    let contract = Contract::try_from(request)?;
    let registry = store::registry_answer(db, &contract.family.members())
        .await
        .map_err(|e| ctx.internal("loading registry holdings", e))?;
    let count = count_houses(
        &contract.family,
        registry.as_ref(),
        contract.pledge.as_ref(),
        &contract.unit_code,
    )
    .map_err(TaxError::HouseCount)?;
    let assessed_price = valuation::assessed_price(
        ctx,
        authorization,
        &contract.unit_code,
        contract.contract_date,
    )
    .await?;
    let input = TransferInput {
        unit_code: contract.unit_code.clone(),
        contract_price: contract.contract_price,
        assessed_price,
        area: contract.area,
        contract_date: contract.contract_date,
        tax_date: contract.tax_date,
        usage: contract.usage,
        location: contract.location,
        buyer_house_count: count.clone(),
        seller: contract.seller_facts.clone(),
    };
    let assessment =
        assess_with_history(&RuleSet::builtin_history(), &input).map_err(TaxError::Assessment)?;
    let basis = Basis {
        notes: Basis::notes_for(&count),
        house_count: count.clone(),
        family: FamilyView::from(&contract.family),
        contract_price_fen: contract.contract_price.get(),
        assessed_price_fen: assessed_price.get(),
        pledge: contract
            .pledge
            .clone()
            .filter(|_| count.source == CountSource::Pledge),
        documents: contract.documents.clone(),
        buyer_name: contract.names.0.clone(),
        seller_name: contract.names.1.clone(),
    };
    let id = ulid(ctx.now);
    let actor = caller.audit_actor();
    let owner_subject = match caller {
        Principal::User(u) => Some(u.subject.as_str().to_owned()),
        _ => None,
    };
    let owner_prefix = super::declaration::owner_of(caller)?.prefix();
    let request_text = String::from_utf8_lossy(raw).into_owned();
    let new = NewAssessment {
        id: &id,
        created_by: &actor,
        owner_subject: owner_subject.as_deref(),
        owner_prefix: &owner_prefix,
        buyer_account: contract.buyer_account.as_deref(),
        seller_account: contract.seller_account.as_deref(),
        buyer_id_number: contract.family.buyer().as_str(),
        seller_id_number: contract.seller.as_str(),
        assessment: &assessment,
        basis: &basis,
        request: &request_text,
    };
    let after =
        serde_json::to_value(&assessment).map_err(|e| ctx.internal("encoding an assessment", e))?;
    tx::in_transaction(ctx, db, "storing an assessment", async |db: &Db| {
        store::insert_assessment(db, &new, ctx.now).await?;
        let entry = AuditEntry::new(
            actor.as_str(),
            "tax.assessment.create",
            format!("tax_assessment/{id}"),
            ctx.now,
            None,
            Some(&after),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        let stored = store::assessment(db, &id).await?;
        let record = stored.ok_or(TxError::Db(store::corrupt("tax_assessments", "vanished")))?;
        let answer = json(ctx, 201, &view_of(&record));
        if let Some(claim) = claim {
            claim.store(db, &answer).await?;
        }
        Ok(answer)
    })
    .await
}

/// Loads an assessment the caller may see.
pub async fn load_visible(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
) -> Result<AssessmentRecord, Failure> {
    let caller = guard::user(ctx, db, req.headers(), PARTY_ROLES).await?;
    if !is_ulid(id) {
        return Err(TaxError::AssessmentNotFound.into());
    }
    let record = store::assessment(db, id)
        .await
        .map_err(|e| ctx.internal("loading an assessment", e))?
        .ok_or(TaxError::AssessmentNotFound)?;
    let creator = record
        .owner_subject
        .as_deref()
        .filter(|_| user_actor_role(&record.created_by).is_some());
    require_party_or_officer(
        ctx,
        &caller,
        &[
            record.buyer_account.as_deref(),
            record.seller_account.as_deref(),
            creator,
        ],
    )?;
    Ok(record)
}

/// `GET /assessments/{id}`: the stored numbers, never recomputed.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let record = load_visible(ctx, db, &req, id).await?;
    Ok(json(ctx, 200, &view_of(&record)))
}
