//! Payment confirmations from the payment channel (signed body, kit `channel`):
//! idempotent by the channel's transaction id. Marking the assessment paid and
//! queueing its paid-tax record for the registry happen in one transaction, so a
//! paid assessment always has its record in `registry_outbox`.

use super::dto::{ConfirmationRequest, record_id_ok};
use super::error::TaxError;
use crate::store::outbox::PAYMENTS;
use crate::store::{self, outbox};
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::money::Fen;
use yingshang_core::openapi::{Caller, Content, Operation, Reply, schema};
use yingshang_core::payment::{Payable, PaymentRefusal};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::tax::PaidTaxRecord;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::rfc3339;
use yingshang_kit::ids::is_ulid;
use yingshang_kit::payments::{self, Confirmed};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// A confirmed payment (also a repeated confirmation's answer).
#[derive(Debug, Serialize, JsonSchema)]
struct ConfirmationAnswer {
    /// The assessment paid.
    assessment_id: String,
    /// Always `paid`.
    #[schemars(extend("const" = "paid"))]
    status: &'static str,
    /// The channel's transaction id.
    transaction_id: String,
    /// The amount paid, in fen.
    amount_fen: i64,
}

/// `POST /payments/confirmations`'s description.
pub const CONFIRM_DOC: Operation = Operation {
    id: "confirmTaxPayment",
    summary: "The payment channel confirms that an assessment was paid (signed body)",
    description: "支付渠道确认缴款（请求体签名）：按渠道流水号幂等；标记已缴并在同一事务中排队向登记系统推送完税记录。",
    caller: Caller::Channel,
    body: Content::Json(schema::<ConfirmationRequest>),
    replies: &[Reply::json(
        200,
        "The assessment is paid",
        schema::<ConfirmationAnswer>,
    )],
    problems: &[
        (400, &["TAX_FIELD_INVALID"]),
        (404, &["TAX_ASSESSMENT_NOT_FOUND"]),
        (409, &["TAX_PAYMENT_CONFLICT", "TAX_ALREADY_PAID"]),
        (422, &["TAX_PAYMENT_AMOUNT_MISMATCH"]),
    ],
    ..Operation::NEW
};

/// The tax answer for a refused confirmation.
fn refused(why: PaymentRefusal) -> TaxError {
    match why {
        PaymentRefusal::TxnUsedElsewhere => TaxError::PaymentConflict,
        PaymentRefusal::UnknownTarget => TaxError::AssessmentNotFound,
        PaymentRefusal::AmountMismatch { due, got } => TaxError::AmountMismatch {
            expected: due.0,
            paid: got.0,
        },
        PaymentRefusal::AlreadyPaidByOther => TaxError::AlreadyPaid,
    }
}

/// `POST /payments/confirmations`.
pub async fn confirm(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    yingshang_kit::channel::verify(ctx, &parts.headers, &bytes).await?;
    let c: ConfirmationRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    if !record_id_ok(&c.transaction_id) {
        return Err(TaxError::InvalidField {
            field: "/transaction_id".to_owned(),
            expected_zh: "1至64个可见ASCII字符",
            expected_en: "1 to 64 printable ASCII characters",
        }
        .into());
    }
    if !is_ulid(&c.assessment_id) {
        return Err(TaxError::AssessmentNotFound.into());
    }
    let paid_at = rfc3339(ctx.now);
    in_transaction(ctx, db, "confirming a tax payment", async |db: &Db| {
        let (txn, amount) = (c.transaction_id.as_str(), Fen(c.amount_fen));
        let load = async |db: &Db| {
            let record = store::assessment(db, &c.assessment_id).await?;
            Ok(record.map(|r| {
                let due = Fen(r.total_fen);
                let paid = r.payment_txn.is_some();
                (r, Payable { due, paid })
            }))
        };
        let record =
            match payments::confirm(db, &PAYMENTS, txn, &c.assessment_id, amount, load).await? {
                Confirmed::Apply(record) => record,
                // A repeated confirmation: nothing changes, the same answer.
                Confirmed::Replay => return Ok(()),
                Confirmed::Refuse(why) => return Err(refused(why).into()),
            };
        // Paid between the read and this write by another confirmation: the same 409.
        if !outbox::mark_paid(db, &record.id, &c.transaction_id, ctx.now).await? {
            return Err(TaxError::AlreadyPaid.into());
        }
        if !payments::record(db, &PAYMENTS, txn, &record.id, amount, ctx.now).await? {
            return Err(TaxError::PaymentConflict.into());
        }
        let paid = PaidTaxRecord::of(
            &record.id,
            &record.assessment,
            &record.buyer_id_number,
            &record.seller_id_number,
            &c.transaction_id,
            &paid_at,
        );
        let paid_json = serde_json::to_string(&paid)
            .map_err(|e| TxError::Db(store::corrupt("a paid-tax record", e)))?;
        outbox::insert_record(db, &record.id, &paid_json, ctx.now).await?;
        let after = serde_json::json!({ "status": "paid", "transaction_id": c.transaction_id });
        let entry = AuditEntry::new(
            "payment-channel",
            "tax.assessment.paid",
            format!("tax_assessment/{}", record.id),
            ctx.now,
            None,
            Some(&after),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &ConfirmationAnswer {
            assessment_id: c.assessment_id.clone(),
            status: "paid",
            transaction_id: c.transaction_id.clone(),
            amount_fen: c.amount_fen,
        },
    ))
}
