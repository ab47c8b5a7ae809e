//! Assessments: `POST /assessments` computes and stores one from the signed contract
//! (assessed price by service chaining, house count from the registry holdings or
//! the pledge); `GET /assessments/{id}` reads the stored numbers back.
//!
//! The registry's holdings are personal data. A citizen may ask for an assessment only
//! as the buyer, with a token whose verified ID number is the buyer's; a tax officer
//! for anyone. The family's homes are all counted, but the parties are shown only the
//! unit codes the buyer holds (tax officers see every one): naming someone as a spouse
//! or a child discloses no unit of theirs.

use super::dto::{AssessmentRequest, AssessmentView, Contract};
use super::error::TaxError;
use super::{PARTY_ROLES, access, valuation};
use crate::store::{self, AssessmentRecord, NewAssessment};
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::tax::{
    AreaError, AssessmentError, Basis, CountSource, FamilyView, HouseCountError, IdNumber,
    IdNumberError, Reader, RuleSet, TransferInput, assess_with_history, count_houses,
    units_held_by,
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

/// The answer for a stored assessment, as `reader` is shown it.
pub fn view_of(r: &AssessmentRecord, reader: Reader) -> AssessmentView {
    AssessmentView {
        id: r.id.clone(),
        status: r.status.clone(),
        created_at: rfc3339(r.created_at),
        unit_code: r.assessment.unit_code.clone(),
        rule_set_version: r.assessment.rule_set_version.clone(),
        basis: r.basis.shown_to(reader),
        assessment: r.assessment.clone(),
        payment_transaction_id: r.payment_txn.clone(),
    }
}

/// Who may not read or ask for an assessment, and why (403), beside the role guard's.
pub const READ_403: &[&str] = &["TAX_NOT_A_PARTY", "TAX_OFFICER_NOT_TAX_AUTHORITY"];

/// `POST /assessments`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createAssessment",
    summary: "Assess the taxes of a signed transfer contract and store the assessment",
    description: "按已签订的存量房买卖合同计税并保存：计税价格取合同价与评估价（经服务调用评估系统）孰高，\
                  房屋套次取自不动产登记信息或购房人的诚信保证。购房人本人（令牌须带经实名认证的身份证号码）\
                  或税务人员可申请。",
    caller: Caller::Users(PARTY_ROLES),
    body: Content::Json(schema::<AssessmentRequest>),
    // The demo register's first dwelling; the demo buyer `buyer-1` (real-name verified)
    // with a pledge, since the registry may hold nothing for the family.
    body_example: Some(
        r#"{"unit_code": "410302001001GB00001F00010101", "contract_price_fen": 120000000,
            "area_m2": "89.50", "contract_date": "2026-03-01", "usage": "residential",
            "location": "city",
            "buyer": {"id_number": "410302199005170110", "account": "buyer-1", "name": "张三",
                      "spouse_id_number": "41030219910802022X"},
            "seller": {"id_number": "410302197001090333", "account": "seller-1", "name": "李四",
                       "facts": {"certificate_date": "2020-03-01", "family_only_home": false}},
            "pledge": {"signed_by": "410302199005170110", "signed_on": "2026-03-01", "homes_owned": 0},
            "documents": ["contract-2026-0001"]}"#,
    ),
    idempotent: true,
    replies: &[Reply::json(
        201,
        "The assessment as stored, line by line",
        schema::<AssessmentView>,
    )],
    problems: &[
        (400, &["TAX_DATE_INVALID", "TAX_UNIT_CODE_INVALID"]),
        (400, IdNumberError::CODES),
        (400, AreaError::CODES),
        (400, HouseCountError::CODES),
        (400, AssessmentError::CODES),
        (403, READ_403),
        (403, &["TAX_BUYER_NOT_VERIFIED"]),
        (404, &["TAX_UNIT_NOT_FOUND"]),
        // Valuation cannot value the unit on the contract date (its code under `errors`).
        (
            422,
            &["TAX_NON_RESIDENTIAL_MANUAL", "TAX_VALUATION_REFUSED"],
        ),
        (503, &["TAX_VALUATION_UNAVAILABLE"]),
    ],
    links: &[
        Link {
            status: 201,
            name: "GetAssessment",
            operation_id: "getAssessment",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 201,
            name: "GetDeclaration",
            operation_id: "getAssessmentDeclaration",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// The `{id}` of an assessment.
pub const ID_PARAM: Param = Param::path(
    "id",
    "The assessment's id (a ULID). 计税编号。",
    schema::<String>,
);

/// `GET /assessments/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getAssessment",
    summary: "A stored assessment, as the caller may see it",
    description: "查询已保存的计税结果（不重新计算）；合同当事人、申请人或税务人员可查看，\
                  当事人只看到购房人本人名下的房屋单元号。",
    caller: Caller::Users(PARTY_ROLES),
    params: &[ID_PARAM],
    replies: &[Reply::json(200, "The assessment", schema::<AssessmentView>)],
    problems: &[(403, READ_403), (404, &["TAX_ASSESSMENT_NOT_FOUND"])],
    ..Operation::NEW
};

/// `POST /assessments`.
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::user(ctx, db, req.headers(), PARTY_ROLES).await?;
    let verified = access::verified_id_number(ctx, req.headers(), &caller).await?;
    let path = yingshang_kit::context::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: AssessmentRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let reader = access::reader(
        ctx,
        &caller,
        &[
            request.buyer.account.as_deref(),
            request.seller.account.as_deref(),
        ],
        None,
    )
    .await?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => Some(claim),
        Begin::Unkeyed => None,
    };
    let authorization = header(&parts.headers, "authorization");
    let asker = Asker {
        caller: &caller,
        reader,
        verified: verified.as_ref(),
        authorization,
    };
    let answer = match assess_and_store(ctx, db, &asker, request, &bytes, claim.as_ref()).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    if let Some(claim) = claim {
        claim.finish(ctx, db, &answer).await?;
    }
    Ok(answer)
}

/// Who asks for an assessment, as authorized.
struct Asker<'a> {
    caller: &'a Principal,
    /// A tax officer, or a party (a citizen named in the contract).
    reader: Reader,
    /// The citizen's verified ID number, if the token carries one.
    verified: Option<&'a IdNumber>,
    /// Forwarded to valuation.
    authorization: Option<&'a str>,
}

impl Asker<'_> {
    /// A party asks only as the buyer, bound by the verified ID number: the answer
    /// rests on the registry's holdings of the buyer's family.
    fn require_buyer(&self, ctx: &RequestContext, contract: &Contract) -> Result<(), TaxError> {
        if self.reader == Reader::TaxOfficer || self.verified == Some(contract.family.buyer()) {
            return Ok(());
        }
        ctx.log_denial(&self.caller.audit_actor(), "TAX_BUYER_NOT_VERIFIED");
        Err(TaxError::BuyerNotVerified)
    }
}

async fn assess_and_store(
    ctx: &RequestContext,
    db: &Db,
    asker: &Asker<'_>,
    request: AssessmentRequest,
    raw: &[u8],
    claim: Option<&Claim>,
) -> Result<Answer, Failure> {
    let caller = asker.caller;
    let contract = Contract::try_from(request)?;
    asker.require_buyer(ctx, &contract)?;
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
        asker.authorization,
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
        units_shown_to_parties: Some(units_held_by(
            &count,
            registry.as_ref(),
            contract.family.buyer(),
        )),
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
        let answer = json(ctx, 201, &view_of(&record, asker.reader));
        if let Some(claim) = claim {
            claim.store(db, &answer).await?;
        }
        Ok(answer)
    })
    .await
}

/// Loads an assessment the caller may see, and how the caller is shown it.
pub async fn load_visible(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    id: &str,
) -> Result<(AssessmentRecord, Reader), Failure> {
    let caller = guard::user(ctx, db, req.headers(), PARTY_ROLES).await?;
    if !is_ulid(id) {
        return Err(TaxError::AssessmentNotFound.into());
    }
    let record = store::assessment(db, id)
        .await
        .map_err(|e| ctx.internal("loading an assessment", e))?
        .ok_or(TaxError::AssessmentNotFound)?;
    let reader = access::reader(
        ctx,
        &caller,
        &[
            record.buyer_account.as_deref(),
            record.seller_account.as_deref(),
        ],
        Some(&record.created_by),
    )
    .await?;
    Ok((record, reader))
}

/// `GET /assessments/{id}`: the stored numbers, never recomputed.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (record, reader) = load_visible(ctx, db, &req, id).await?;
    Ok(json(ctx, 200, &view_of(&record, reader)))
}
