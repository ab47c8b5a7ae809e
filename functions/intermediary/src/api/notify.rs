//! Notifications through the outbox, written in the transaction of the change that
//! causes them: SMS to the owner and the agency (the SMS gateway's signed webhook)
//! and the delivered result to the construction-project approval system. Locally both
//! are the `stand-ins` component's private routes; in production the variables name
//! the real endpoints (and their hosts join `allowed_outbound_hosts`). Each message's
//! id is derived from what it is about, so a repeated step never queues it twice.

use super::SCOPE_SWEEP;
use crate::store::outbox::{NOTIFICATIONS, queue};
use crate::store::projects::{EvaluationRow, Project};
use crate::store::providers as pstore;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::channel::sign_body;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::outbox::{self, DispatchReport, Due, post_signed_json};
use yingshang_kit::responses::json;
use yingshang_kit::tx::TxError;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The SMS gateway's webhook.
pub const VAR_SMS_URL: &str = "sms_gateway_url";
/// The approval system's intake for intermediary results.
pub const VAR_APPROVAL_URL: &str = "approval_system_url";
/// The secret both webhooks are signed with.
pub const VAR_SECRET: &str = "intermediary_webhook_secret";
/// The signature header (HMAC-SHA256 of the body, as the core's `sign_body`).
pub const HEADER_SIGNATURE: &str = "x-yingshang-signature";

/// Queues an SMS to `phone`.
pub async fn sms(
    ctx: &RequestContext,
    db: &Db,
    id: &str,
    phone: &str,
    text: &str,
) -> Result<(), TxError> {
    let body = serde_json::json!({ "to": phone, "text": text, "sender": "营商中介超市" });
    queue(db, &format!("sms-{id}"), "sms", &body, unix_ms(ctx.now)).await?;
    Ok(())
}

async fn provider_phone(db: &Db, code: &str) -> Result<String, TxError> {
    Ok(pstore::provider_by(db, code)
        .await?
        .map(|p| p.phone)
        .unwrap_or_default())
}

/// Both sides learn of the award.
pub async fn awarded(
    ctx: &RequestContext,
    db: &Db,
    p: &Project,
    winner: &str,
) -> Result<(), TxError> {
    let phone = provider_phone(db, winner).await?;
    let yuan = |f: i64| format!("{}.{:02}", f / 100, f % 100);
    let price = yuan(p.award_price_fen.unwrap_or_default());
    sms(
        ctx,
        db,
        &format!("{}-r{}-award-agency", p.id, p.round),
        &phone,
        &format!(
            "【营商中介超市】贵机构中选项目“{}”，中选价 {price} 元，请与业主签订合同。",
            p.title
        ),
    )
    .await?;
    sms(
        ctx,
        db,
        &format!("{}-r{}-award-owner", p.id, p.round),
        &p.owner_phone,
        &format!(
            "【营商中介超市】项目“{}”已选定中介机构（{winner}），请及时签订合同。",
            p.title
        ),
    )
    .await
}

/// Both sides learn the dual deadlines.
pub async fn contracted(ctx: &RequestContext, db: &Db, p: &Project) -> Result<(), TxError> {
    let winner = p.winner.clone().unwrap_or_default();
    let text = format!(
        "【营商中介超市】项目“{}”已签约：合同约定 {} 前完成，法定时限 {}。",
        p.title,
        p.contractual_due.as_deref().unwrap_or(""),
        p.statutory_due.as_deref().unwrap_or("")
    );
    sms(
        ctx,
        db,
        &format!("{}-contract-agency", p.id),
        &provider_phone(db, &winner).await?,
        &text,
    )
    .await?;
    sms(
        ctx,
        db,
        &format!("{}-contract-owner", p.id),
        &p.owner_phone,
        &text,
    )
    .await
}

/// The result goes to the approval system; the owner is told.
pub async fn delivered(ctx: &RequestContext, db: &Db, p: &Project) -> Result<(), TxError> {
    let body = serde_json::json!({
        "project": p.id, "ocid": p.ocid, "item": p.item, "owner": p.owner, "owner_name": p.owner_name,
        "agency": p.winner, "delivered_on": p.delivered_on, "statutory_due": p.statutory_due,
        "contractual_due": p.contractual_due, "summary": p.result_summary,
    });
    queue(
        db,
        &format!("approval-{}", p.id),
        "approval_result",
        &body,
        unix_ms(ctx.now),
    )
    .await?;
    sms(
        ctx,
        db,
        &format!("{}-delivered-owner", p.id),
        &p.owner_phone,
        &format!(
            "【营商中介超市】项目“{}”的中介服务成果已提交，请及时评价。",
            p.title
        ),
    )
    .await
}

/// The agency must answer a score below 60 with evidence.
pub async fn burden_reversed(
    ctx: &RequestContext,
    db: &Db,
    p: &Project,
    e: &EvaluationRow,
) -> Result<(), TxError> {
    let text = format!(
        "【营商中介超市】项目“{}”评价得分 {}，低于 60 分，请于 {} 前提交证据说明（举证倒置）。",
        p.title,
        e.total,
        e.evidence_due.as_deref().unwrap_or("")
    );
    sms(
        ctx,
        db,
        &format!("{}-burden", p.id),
        &provider_phone(db, &e.provider).await?,
        &text,
    )
    .await
}

/// A reminder or an overdue notice to both sides.
pub async fn both(
    ctx: &RequestContext,
    db: &Db,
    p: &Project,
    id: &str,
    text: &str,
) -> Result<(), TxError> {
    let winner = p.winner.clone().unwrap_or_default();
    sms(
        ctx,
        db,
        &format!("{id}-agency"),
        &provider_phone(db, &winner).await?,
        text,
    )
    .await?;
    sms(ctx, db, &format!("{id}-owner"), &p.owner_phone, text).await
}

async fn variable(ctx: &RequestContext, name: &str) -> Result<String, Failure> {
    spin_sdk::variables::get(name).await.map_err(|e| {
        ctx.internal(&format!("reading {name}"), format!("{e:?}"))
            .into()
    })
}

/// `POST /notifications/dispatch`'s description.
pub const DISPATCH_DOC: Operation = Operation {
    id: "dispatchNotifications",
    summary: "Send the due notifications (SMS, results to the approval system) from the outbox",
    description: "定时任务：发送发件箱中到期的通知（短信、推送审批系统的成果），失败按退避重试。",
    caller: Caller::Agency(SCOPE_SWEEP),
    replies: &[Reply::json(200, "What was sent", schema::<DispatchReport>)],
    ..Operation::NEW
};

/// `POST /notifications/dispatch` (schedule): sends what is due.
pub async fn dispatch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_SWEEP).await?;
    let sms_url = variable(ctx, VAR_SMS_URL).await?;
    let approval_url = variable(ctx, VAR_APPROVAL_URL).await?;
    let secret = variable(ctx, VAR_SECRET).await?;
    let send = async |due: &Due| {
        let kind = due.row.text(2).map_err(|e| e.to_string())?;
        let body = due.row.text(3).map_err(|e| e.to_string())?.into_bytes();
        let url = if kind == "sms" {
            &sms_url
        } else {
            &approval_url
        };
        let signature =
            sign_body(secret.as_bytes(), &body).map_err(|e| format!("signing: {}", e.code()))?;
        post_signed_json(
            url,
            &due.key,
            body,
            (HEADER_SIGNATURE, signature),
            "receipt_id",
        )
        .await
    };
    let report = outbox::dispatch(ctx, db, &NOTIFICATIONS, send).await?;
    Ok(json(ctx, 200, &report))
}
