//! After-the-fact risk screening (事后风险筛查): agencies report refunds paid out and
//! certificates issued (`POST /risk/records`); a schedule screens them with the paid
//! transfers (`POST /risk/screen`, the core's `screen`) and keeps each flag once;
//! officers read the flags (`GET /risk-flags`).

use super::SCOPE_RISK;
use crate::store::risk::{self, PaidTransfer};
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::local_date;
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

/// `POST /risk/records`: what other agencies report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportedRecords {
    #[serde(default)]
    refunds: Vec<RefundRecord>,
    #[serde(default)]
    certificates: Vec<CertificateRecord>,
}

#[derive(Debug, Serialize)]
struct ReportAnswer {
    refunds: usize,
    certificates: usize,
}

#[derive(Debug, Serialize)]
struct ScreenAnswer {
    transfers: usize,
    refunds: usize,
    certificates: usize,
    flags: usize,
    new_flags: usize,
}

#[derive(Debug, Serialize)]
struct FlagView {
    #[serde(flatten)]
    flag: RiskFlag,
    first_seen_at: String,
}

fn encode<T: Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| crate::store::corrupt("a risk record", e))
}

/// `POST /risk/records` (agency key `tax:risk`).
pub async fn report(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_RISK).await?;
    let (parts, body) = req.into_parts();
    let r: ReportedRecords = read_json(ctx, &parts.headers, body, 4 * DEFAULT_JSON_LIMIT).await?;
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
    let caller = guard::user(ctx, db, req.headers(), &[Role::Officer]).await?;
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
    Ok(json(ctx, 200, &serde_json::json!({ "flags": views })))
}
