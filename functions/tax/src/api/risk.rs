//! After-the-fact risk screening (事后风险筛查): agencies report refunds paid out and
//! certificates issued (`POST /risk/records`); a schedule screens them with the paid
//! transfers (`POST /risk/screen`, the core's `screen`) and keeps each flag once;
//! officers read the flags (`GET /risk-flags`).

use super::SCOPE_RISK;
use super::dto::record_id_ok;
use super::error::TaxError;
use crate::store::risk::{self, PaidTransfer};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::local_date;
use yingshang_core::openapi::{Caller, Content, Operation, Reply, schema};
use yingshang_core::security::authz::Role;
use yingshang_core::tax::{
    CertificateRecord, IdNumber, Party, RefundRecord, RiskFlag, RiskRecords, TransferRecord, screen,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::rfc3339;
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// Flags answered at most.
const FLAG_LIMIT: i64 = 500;

/// Who may read the flags: officers (of the tax authority, checked after the guard).
const FLAG_READERS: &[Role] = &[Role::Officer];

/// `POST /risk/records`: what other agencies report.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReportedRecords {
    /// Refunds paid out (the same `refund_id` again replaces it).
    #[serde(default)]
    refunds: Vec<RefundRecord>,
    /// Ownership certificates issued (the same `certificate_id` again replaces it).
    #[serde(default)]
    certificates: Vec<CertificateRecord>,
}

/// What was stored.
#[derive(Debug, Serialize, JsonSchema)]
struct ReportAnswer {
    /// Refunds stored.
    refunds: usize,
    /// Certificates stored.
    certificates: usize,
}

/// What a screening looked at and found.
#[derive(Debug, Serialize, JsonSchema)]
struct ScreenAnswer {
    /// Paid transfers screened.
    transfers: usize,
    /// Refunds screened.
    refunds: usize,
    /// Certificates screened.
    certificates: usize,
    /// Flags found.
    flags: usize,
    /// Of them, never found before.
    new_flags: usize,
}

/// A flag, and when it was first found.
#[derive(Debug, Serialize, JsonSchema)]
struct FlagView {
    #[serde(flatten)]
    flag: RiskFlag,
    /// When the screening first found it (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    first_seen_at: String,
}

/// The flags for review.
#[derive(Debug, Serialize, JsonSchema)]
struct FlagsAnswer {
    /// Newest first, at most 500.
    flags: Vec<FlagView>,
}

/// `POST /risk/records`'s description.
pub const REPORT_DOC: Operation = Operation {
    id: "reportRiskRecords",
    summary: "Report refunds paid out and ownership certificates issued, for the screening",
    description: "其他机关报送已支付的退税与已核发的不动产权证书，供事后风险筛查使用。",
    caller: Caller::Agency(SCOPE_RISK),
    body: Content::Json(schema::<ReportedRecords>),
    body_example: Some(
        r#"{"refunds": [{"refund_id": "RF-2026-0001", "transfer_id": "T-0001",
            "taxpayer_id": "410302197001090333", "taxpayer_name": "李四",
            "payee_name": "王五", "amount": 120000, "refunded_on": "2026-04-01"}],
            "certificates": [{"certificate_id": "C-2026-0001", "transfer_id": "T-0001",
            "issued_on": "2026-04-02"}]}"#,
    ),
    replies: &[Reply::json(200, "Stored", schema::<ReportAnswer>)],
    problems: &[(400, &["TAX_FIELD_INVALID"])],
    ..Operation::NEW
};

/// `POST /risk/screen`'s description.
pub const SCREEN_DOC: Operation = Operation {
    id: "screenRisks",
    summary: "Screen the paid transfers, refunds and certificates (a schedule calls it)",
    description: "对已缴税的交易、退税与发证记录做事后风险筛查，每个风险只记录一次；由定时任务调用。",
    caller: Caller::Agency(SCOPE_RISK),
    replies: &[Reply::json(
        200,
        "What was screened and found",
        schema::<ScreenAnswer>,
    )],
    ..Operation::NEW
};

/// `GET /risk-flags`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listRiskFlags",
    summary: "The risk flags for review (officers of the tax authority)",
    description: "税务人员查看风险筛查发现的疑点（最新在前，至多500条）。",
    caller: Caller::Users(FLAG_READERS),
    replies: &[Reply::json(200, "The flags", schema::<FlagsAnswer>)],
    problems: &[(403, &["TAX_OFFICER_NOT_TAX_AUTHORITY"])],
    ..Operation::NEW
};

fn encode<T: Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| crate::store::corrupt("a risk record", e))
}

/// Every record id is 1–64 printable ASCII characters: ids are stored as keys, where a
/// NUL or a control character could not be (400 `TAX_FIELD_INVALID` at the first).
fn check_ids(r: &ReportedRecords) -> Result<(), TaxError> {
    let refunds = r.refunds.iter().enumerate().flat_map(|(i, f)| {
        [
            (format!("/refunds/{i}/refund_id"), &f.refund_id),
            (format!("/refunds/{i}/transfer_id"), &f.transfer_id),
        ]
    });
    let certificates = r.certificates.iter().enumerate().flat_map(|(i, c)| {
        [
            (
                format!("/certificates/{i}/certificate_id"),
                &c.certificate_id,
            ),
            (format!("/certificates/{i}/transfer_id"), &c.transfer_id),
        ]
    });
    match refunds
        .chain(certificates)
        .find(|(_, id)| !record_id_ok(id))
    {
        Some((field, _)) => Err(TaxError::InvalidField {
            field,
            expected_zh: "1至64个可见ASCII字符",
            expected_en: "1 to 64 printable ASCII characters",
        }),
        None => Ok(()),
    }
}

/// `POST /risk/records` (agency key `tax:risk`).
pub async fn report(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_RISK).await?;
    let (parts, body) = req.into_parts();
    let r: ReportedRecords = read_json(ctx, &parts.headers, body, 4 * DEFAULT_JSON_LIMIT).await?;
    check_ids(&r)?;
    let source = caller.audit_actor();
    in_transaction(ctx, db, "storing risk records", async |db: &Db| {
        for refund in &r.refunds {
            let json = encode(refund)?;
            risk::put_input(db, "refund", &refund.refund_id, &json, &source, ctx.now).await?;
        }
        for c in &r.certificates {
            let json = encode(c)?;
            risk::put_input(
                db,
                "certificate",
                &c.certificate_id,
                &json,
                &source,
                ctx.now,
            )
            .await?;
        }
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &ReportAnswer {
            refunds: r.refunds.len(),
            certificates: r.certificates.len(),
        },
    ))
}

/// A paid assessment as a completed transfer: the buyer with the family counted, the
/// seller as named.
fn transfer_of(p: &PaidTransfer) -> Result<TransferRecord, DbError> {
    let id = |t: &str| IdNumber::parse(t).map_err(|e| crate::store::corrupt("an ID number", e));
    let buyer = id(&p.buyer_id_number)?;
    let family_members = p
        .basis
        .family
        .members
        .iter()
        .map(|m| id(m))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|m| *m != buyer)
        .collect();
    Ok(TransferRecord {
        transfer_id: p.id.clone(),
        unit_code: p.unit_code.clone(),
        seller: Party {
            id: id(&p.seller_id_number)?,
            name: p.basis.seller_name.clone().unwrap_or_default(),
            spouse: None,
            family_members: Vec::new(),
        },
        buyer: Party {
            id: buyer,
            name: p.basis.buyer_name.clone().unwrap_or_default(),
            spouse: None,
            family_members,
        },
        completed_on: local_date(p.paid_at),
    })
}

fn decode<T: serde::de::DeserializeOwned>(rows: Vec<String>) -> Result<Vec<T>, DbError> {
    rows.iter()
        .map(|r| serde_json::from_str(r).map_err(|e| crate::store::corrupt("tax_risk_inputs", e)))
        .collect()
}

/// `POST /risk/screen` (agency key `tax:risk`, a schedule).
pub async fn run_screen(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_RISK).await?;
    let load = async || -> Result<RiskRecords, DbError> {
        let paid = risk::paid_transfers(db).await?;
        Ok(RiskRecords {
            transfers: paid.iter().map(transfer_of).collect::<Result<_, _>>()?,
            refunds: decode(risk::inputs(db, "refund").await?)?,
            certificates: decode(risk::inputs(db, "certificate").await?)?,
        })
    };
    let records = load()
        .await
        .map_err(|e| ctx.internal("loading risk records", e))?;
    let flags = screen(&records);
    let new_flags = in_transaction(ctx, db, "storing risk flags", async |db: &Db| {
        let mut new = 0;
        for f in &flags {
            if risk::insert_flag(db, f, ctx.now).await? {
                new += 1;
            }
        }
        Ok::<usize, TxError>(new)
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &ScreenAnswer {
            transfers: records.transfers.len(),
            refunds: records.refunds.len(),
            certificates: records.certificates.len(),
            flags: flags.len(),
            new_flags,
        },
    ))
}

/// `GET /risk-flags` (officers of the tax authority only).
pub async fn list(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::user(ctx, db, req.headers(), FLAG_READERS).await?;
    super::access::require_tax_officer(ctx, &caller).await?;
    let flags = risk::flags(db, FLAG_LIMIT)
        .await
        .map_err(|e| ctx.internal("loading risk flags", e))?;
    let views: Vec<FlagView> = flags
        .into_iter()
        .map(|(flag, at)| FlagView {
            flag,
            first_seen_at: rfc3339(at),
        })
        .collect();
    Ok(json(ctx, 200, &FlagsAnswer { flags: views }))
}
