//! The registry hand-off: the dispatcher that drains `registry_outbox` to the
//! registry's intake (`registry_handoff_url`) on the kit's one outbox.
//!
//! Each record is sent as a real HTTP request, its body signed with the secret shared
//! with the registry (`registry_handoff_secret`, header [`HEADER_REGISTRY_SIGNATURE`])
//! and carrying the assessment id as `Idempotency-Key`: a retry after a lost answer
//! gets the same receipt back, never a second record. A 2xx with a `receipt_id` marks
//! it delivered; anything else is retried with the core's backoff, and given up with
//! an alarm after the last try. Locally the intake is the `stand-ins` component.

use super::SCOPE_HANDOFF;
use crate::store::outbox::REGISTRY_OUTBOX;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::channel::sign_body;
use yingshang_core::tax::HEADER_REGISTRY_SIGNATURE;
use yingshang_kit::guard;
use yingshang_kit::outbox::{self, DispatchReport, Due, post_signed_json};
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The Spin variable with the registry's intake endpoint.
pub const VAR_HANDOFF_URL: &str = "registry_handoff_url";
/// The Spin variable with the secret shared with the registry.
pub const VAR_HANDOFF_SECRET: &str = "registry_handoff_secret";

async fn variable(ctx: &RequestContext, name: &str) -> Result<String, Failure> {
    spin_sdk::variables::get(name).await.map_err(|e| {
        ctx.internal(&format!("reading {name}"), format!("{e:?}"))
            .into()
    })
}

/// `POST /registry/handoff/dispatch`'s description.
pub const DISPATCH_DOC: Operation = Operation {
    id: "dispatchRegistryHandoff",
    summary: "Send the due paid-tax records to the registry (a schedule calls it)",
    description: "向不动产登记系统推送到期的完税记录（签名、幂等；失败按退避重试，最终放弃时告警），由定时任务调用。",
    caller: Caller::Agency(SCOPE_HANDOFF),
    replies: &[Reply::json(
        200,
        "What was delivered, failed, given up",
        schema::<DispatchReport>,
    )],
    ..Operation::NEW
};

/// `POST /registry/handoff/dispatch`: sends due records.
pub async fn dispatch(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_HANDOFF).await?;
    let url = variable(ctx, VAR_HANDOFF_URL).await?;
    let secret = variable(ctx, VAR_HANDOFF_SECRET).await?;
    let send = async |due: &Due| {
        let body = due.row.text(2).map_err(|e| e.to_string())?.into_bytes();
        let signature =
            sign_body(secret.as_bytes(), &body).map_err(|e| format!("signing: {}", e.code()))?;
        let header = (HEADER_REGISTRY_SIGNATURE, signature);
        post_signed_json(&url, &due.key, body, header, "receipt_id").await
    };
    let report = outbox::dispatch(ctx, db, &REGISTRY_OUTBOX, send).await?;
    Ok(json(ctx, 200, &report))
}
