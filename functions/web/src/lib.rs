//! The web pages: the phone pages and the operator dashboard, one single-page app
//! built by Vite (`web/`). `spin.toml` mounts the build (`web/dist`) into this
//! component with `files`, read-only at `/`, on the real Spin and on our gateway
//! alike; this component only answers with those files. Which file a path names,
//! its media type and caching are the core's rules (`yingshang_core::web_files`).
//!
//! Text files are sent gzip-compressed when the client accepts it: the build writes
//! `<file>.gz` beside each, so no compression runs per request.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;
use yingshang_core::problem::RequestError;
use yingshang_core::web_files::{
    self, SHELL, Wanted, accepts_gzip, cache_control, compressible, media_type,
};
use yingshang_kit::context::header;
use yingshang_kit::responses::raw;
use yingshang_kit::{Answer, Failure, RequestContext};

/// The variable naming the object store's endpoint, whose origin the pages may
/// reach (photos go there with presigned PUTs); empty: only this origin.
const VAR_UPLOAD_ORIGIN: &str = "upload_origin";

mod dev_sign_in;

/// The web component's own API (beside the pages).
const DEV_SIGN_IN_PATH: &str = "/api/web/dev-sign-in";

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let ctx = RequestContext::from_headers(req.headers());
    let result = if req.uri().path() == DEV_SIGN_IN_PATH && dev_sign_in::enabled().await {
        dev_sign_in::sign_in(&ctx, req).await
    } else {
        let upload = spin_sdk::variables::get(VAR_UPLOAD_ORIGIN)
            .await
            .unwrap_or_default();
        answer(&ctx, &req, &upload)
    };
    match result {
        Ok(answer) => answer,
        Err(failure) => failure.respond(&ctx),
    }
}

/// A file of the pages; the shell carries the policy naming `upload_endpoint`'s origin.
fn answer(ctx: &RequestContext, req: &Request, upload_endpoint: &str) -> Result<Answer, Failure> {
    // The pages are only read: a write to any path here names nothing (404, as
    // for a path no component serves), not a page that refuses the method.
    let method = req.method().as_str();
    if method != "GET" && method != "HEAD" {
        return Err(RequestError::NotFound.into());
    }
    let file = match web_files::wanted(req.uri().path()) {
        Wanted::File(file) => file,
        Wanted::Shell => SHELL.to_owned(),
        Wanted::NotFound => return Err(RequestError::NotFound.into()),
    };
    let gzip = compressible(&file) && accepts_gzip(header(req.headers(), "accept-encoding"));
    let (body, encoded) = match gzip.then(|| read(&format!("{file}.gz"))).flatten() {
        Some(body) => (body, true),
        None => (read(&file).ok_or(RequestError::NotFound)?, false),
    };
    let mut headers = vec![
        ("cache-control", cache_control(&file).to_owned()),
        ("x-content-type-options", "nosniff".to_owned()),
        ("referrer-policy", "same-origin".to_owned()),
    ];
    if file == SHELL {
        headers.push((
            "content-security-policy",
            web_files::content_security_policy(upload_endpoint),
        ));
    }
    if compressible(&file) {
        headers.push(("vary", "accept-encoding".to_owned()));
    }
    if encoded {
        headers.push(("content-encoding", "gzip".to_owned()));
    }
    // HEAD: the server sends the headers only (hyper drops the body, on Spin too).
    Ok(raw(ctx, 200, media_type(&file), body, &headers))
}

/// A file of the mounted build (`None`: not there).
fn read(file: &str) -> Option<Vec<u8>> {
    std::fs::read(format!("/{file}")).ok()
}
