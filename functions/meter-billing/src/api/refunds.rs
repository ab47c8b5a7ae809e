//! Refunds: the dispatcher that drains `refund_outbox` to the payment channel on the
//! kit's one outbox.
//!
//! Each refund is sent as a real HTTP request to `payment_channel_refund_url`,
//! signed like the channel's own messages (`x-channel-signature`) and carrying the
//! session id as `Idempotency-Key`: a retry after a lost answer gets the same refund
//! back, never a second one. A 2xx with a `refund_id` marks it delivered; anything
//! else is retried with the core's backoff, and given up with an alarm after the
//! last try. Locally the channel is the `stand-ins` component.

use super::SCOPE_REFUNDS;
use crate::store::outbox::REFUND_OUTBOX;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::channel::{HEADER_CHANNEL_SIGNATURE, RefundRequest};
use yingshang_kit::guard;
use yingshang_kit::outbox::{self, DispatchReport, Due, post_signed_json};
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The Spin variable with the channel's refund endpoint.
pub const VAR_REFUND_URL: &str = "payment_channel_refund_url";

/// `POST /refunds/dispatch`'s description.
pub const DISPATCH_DOC: Operation = Operation {
    id: "dispatchRefunds",
    summary: "Send the due refunds to the payment channel (a schedule calls it)",
    description: "将待退款项发送至支付渠道（签名、按订单幂等，失败按退避重试；定时任务调用）。",
    caller: Caller::Agency(SCOPE_REFUNDS),
    replies: &[Reply::json(
        200,
        "What was delivered, retried or given up",
        schema::<DispatchReport>,
    )],
    ..Operation::NEW
};

/// `POST /refunds/dispatch`: sends due refunds.
pub async fn dispatch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_REFUNDS).await?;
    let url = spin_sdk::variables::get(VAR_REFUND_URL)
        .await
        .map_err(|e| ctx.internal("reading the refund endpoint", format!("{e:?}")))?;
    let send = async |due: &Due| {
        let request = RefundRequest {
            refund_request_id: due.key.clone(),
            payment_transaction_id: due.row.opt_text(2).map_err(|e| e.to_string())?,
            amount_fen: due.row.int(3).map_err(|e| e.to_string())?,
        };
        let body = serde_json::to_vec(&request).map_err(|e| format!("encoding: {e}"))?;
        let signature = yingshang_kit::channel::sign(ctx, &body)
            .await
            .map_err(|f| format!("signing: {}", f.code()))?;
        let header = (HEADER_CHANNEL_SIGNATURE, signature);
        post_signed_json(&url, &due.key, body, header, "refund_id").await
    };
    let report = outbox::dispatch(ctx, db, &REFUND_OUTBOX, send).await?;
    Ok(json(ctx, 200, &report))
}
