//! One code per enterprise: its URL (the landing route with a signed token), the QR
//! image as PNG and SVG, and the printable A4 poster with the enterprise's name. The
//! enterprise's users and register agencies read them; reissuing raises the serial,
//! which revokes every earlier code at once (no list of revoked tokens to keep).

use super::error::CheckinError;
use super::who::{code_keeper, code_secret, credit_code};
use crate::store::register::{self as rstore, Registered};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::checkin::code;
use yingshang_core::checkin::qr::{self, Poster};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::origin;
use yingshang_kit::responses::{json, raw};
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The module size of the PNG unless `?scale=` says otherwise.
const DEFAULT_SCALE: u32 = 8;

#[derive(Debug, Serialize)]
struct CodeView {
    credit_code: String,
    name: String,
    serial: u32,
    url: String,
    png: String,
    svg: String,
    poster: String,
}

async fn load(ctx: &RequestContext, db: &Db, code: &CreditCode) -> Result<Registered, Failure> {
    rstore::enterprise(db, code.as_str())
        .await
        .map_err(|e| ctx.internal("loading an enterprise", e))?
        .ok_or_else(|| CheckinError::EnterpriseNotFound.into())
}

/// The enterprise, its caller checked, and the URL its current code carries.
async fn current(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    cc: &str,
) -> Result<(Registered, String), Failure> {
    let code = credit_code(cc)?;
    code_keeper(ctx, db, req.headers(), &code).await?;
    let registered = load(ctx, db, &code).await?;
    let secret = code_secret(ctx).await?;
    let token = code::issue(secret.as_bytes(), &code, registered.serial);
    Ok((registered, code::url(&origin(req), &token)))
}

fn view(ctx: &RequestContext, req: &Request, r: &Registered, url: String) -> Answer {
    let base = format!(
        "{}/api/checkin/enterprises/{}",
        origin(req),
        r.enterprise.credit_code
    );
    json(
        ctx,
        200,
        &CodeView {
            credit_code: r.enterprise.credit_code.as_str().to_owned(),
            name: r.enterprise.name.clone(),
            serial: r.serial,
            url,
            png: format!("{base}/code.png"),
            svg: format!("{base}/code.svg"),
            poster: format!("{base}/poster.svg"),
        },
    )
}

/// `GET /enterprises/{cc}/code`.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let (r, url) = current(ctx, db, &req, cc).await?;
    Ok(view(ctx, &req, &r, url))
}

/// `POST /enterprises/{cc}/code`: a new code; every earlier one is revoked.
pub async fn reissue(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let code = credit_code(cc)?;
    let caller = code_keeper(ctx, db, req.headers(), &code).await?;
    let now = unix_ms(ctx.now);
    let registered = in_transaction(ctx, db, "reissuing a code", async |db: &Db| {
        if !rstore::reissue(db, code.as_str(), now).await? {
            return Err(TxError::from(CheckinError::EnterpriseNotFound));
        }
        let r = rstore::enterprise(db, code.as_str())
            .await?
            .ok_or(CheckinError::EnterpriseNotFound)?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.code.reissue",
            format!("checkin-enterprise/{}", code.as_str()),
            ctx.now,
            Some(&serde_json::json!({ "serial": r.serial - 1 })),
            Some(&serde_json::json!({ "serial": r.serial })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(r)
    })
    .await?;
    let secret = code_secret(ctx).await?;
    let url = code::url(
        &origin(&req),
        &code::issue(secret.as_bytes(), &code, registered.serial),
    );
    let mut answer = view(ctx, &req, &registered, url);
    *answer.status_mut() = spin_sdk::http::StatusCode::CREATED;
    Ok(answer)
}

/// Images change when the code is reissued: caches must ask again.
fn image(
    ctx: &RequestContext,
    content_type: &str,
    body: impl Into<yingshang_kit::responses::Body>,
) -> Answer {
    raw(
        ctx,
        200,
        content_type,
        body,
        &[("cache-control", "private, no-cache".to_owned())],
    )
}

/// `GET /enterprises/{cc}/code.png?scale=N` (N module pixels, 1–32, default 8).
pub async fn png(ctx: &RequestContext, db: &Db, req: Request, cc: &str) -> Result<Answer, Failure> {
    let scale = match yingshang_core::query::param(req.uri().query(), "scale") {
        None => DEFAULT_SCALE,
        Some(s) => s.parse().map_err(|_| CheckinError::Field {
            field: "scale",
            zh: "须为 1–32 的整数",
            en: "must be an integer 1–32",
        })?,
    };
    let (_, url) = current(ctx, db, &req, cc).await?;
    let bytes = qr::png(&url, scale)?;
    Ok(image(ctx, "image/png", bytes))
}

/// `GET /enterprises/{cc}/code.svg`.
pub async fn svg(ctx: &RequestContext, db: &Db, req: Request, cc: &str) -> Result<Answer, Failure> {
    let (_, url) = current(ctx, db, &req, cc).await?;
    Ok(image(ctx, "image/svg+xml", qr::svg(&url)?))
}

/// `GET /enterprises/{cc}/poster.svg`: the A4 poster to print and hang at the door.
pub async fn poster(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let (r, url) = current(ctx, db, &req, cc).await?;
    let lines = [
        "执法人员入企检查前须扫描本码，登记检查事项与执法证件",
        "企业扫码可查看惠企政策、提出诉求、参与问卷",
        "未扫码入企的，企业可拒绝检查并通过本码举报",
    ];
    let page = qr::poster_svg(
        &url,
        &Poster {
            enterprise_name: &r.enterprise.name,
            credit_code: r.enterprise.credit_code.as_str(),
            title_zh: "码上服务 · 入企扫码",
            lines_zh: &lines,
        },
    )?;
    Ok(image(ctx, "image/svg+xml", page))
}
