//! The payment channel's signatures over Spin (the rule is the core's
//! `security::channel`): the secret is the Spin variable [`VAR_CHANNEL_SECRET`];
//! confirmations from the channel are verified over their raw body, and requests to
//! the channel (refunds) are signed the same way.

use crate::context::{RequestContext, header};
use crate::responses::Failure;
use spin_sdk::http::HeaderMap;
use yingshang_core::security::channel::{self, HEADER_CHANNEL_SIGNATURE};

/// The Spin variable holding the secret shared with the payment channel.
pub const VAR_CHANNEL_SECRET: &str = "payment_channel_secret";

async fn secret(ctx: &RequestContext) -> Result<String, Failure> {
    spin_sdk::variables::get(VAR_CHANNEL_SECRET)
        .await
        .map_err(|e| {
            ctx.internal("reading the channel secret", format!("{e:?}"))
                .into()
        })
}

/// Verifies the channel's signature header over the raw `body` (401 if it does not).
pub async fn verify(ctx: &RequestContext, headers: &HeaderMap, body: &[u8]) -> Result<(), Failure> {
    let secret = secret(ctx).await?;
    channel::verify_body(
        secret.as_bytes(),
        body,
        header(headers, HEADER_CHANNEL_SIGNATURE),
    )
    .map_err(|e| {
        ctx.log_denial("payment channel", e.code());
        Failure::from(e)
    })
}

/// The signature header value for a request body we send to the channel.
pub async fn sign(ctx: &RequestContext, body: &[u8]) -> Result<String, Failure> {
    let secret = secret(ctx).await?;
    channel::sign_body(secret.as_bytes(), body).map_err(|e| {
        ctx.log_denial("payment channel secret", e.code());
        Failure::from(e)
    })
}
