//! One code per enterprise: its URL (the landing route with a signed token), the QR
//! image as PNG and SVG, and the printable A4 poster with the enterprise's name. The
//! enterprise's users and register agencies read them; reissuing raises the serial,
//! which revokes every earlier code at once (no list of revoked tokens to keep).

use super::SCOPE_REGISTER;
use super::error::CheckinError;
use super::who::{ENTERPRISE_ROLES, code_keeper, code_secret, credit_code};
use crate::store::register::{self as rstore, Registered};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::checkin::code;
use yingshang_core::checkin::qr::{self, Poster};
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::origin;
use yingshang_kit::responses::{json, raw};
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The module size of the PNG unless `?scale=` says otherwise.
const DEFAULT_SCALE: u32 = 8;

/// An enterprise's current code.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CodeView {
    /// The enterprise's credit code.
    credit_code: String,
    /// Its name.
    name: String,
    /// The code's issue (raised by each reissue; older codes are revoked).
    serial: u32,
    /// What the QR code carries: the landing URL with the signed token.
    url: String,
    /// The signed token alone (the URL's last segment).
    token: String,
    /// The QR image as PNG.
    png: String,
    /// The QR image as SVG.
    svg: String,
    /// The printable A4 poster (SVG).
    poster: String,
}

/// The enterprise's credit code in the path (a demo enterprise with matched policies).
const CC: Param = Param::path(
    "cc",
    "The enterprise's unified social credit code. 统一社会信用代码。",
    schema::<String>,
)
.example(DEMO_ENTERPRISE);

/// The enterprise whose examples the description gives (tax's demo enterprise, also
/// in check-in's demo register).
pub const DEMO_ENTERPRISE: &str = "91411502MA4000000H";

/// What reading or drawing a code can answer besides the credential's refusals.
const CODE_PROBLEMS: &[(u16, &[&str])] = &[
    (400, &["CHECKIN_FIELD_INVALID"]),
    (403, &["AUTHZ_NOT_OWN_ORG"]),
    (404, &["CHECKIN_ENTERPRISE_NOT_FOUND"]),
    (503, &["CHECKIN_CODE_SECRET_MISSING"]),
];

const CODE_LINKS: &[Link] = &[Link {
    status: 200,
    name: "OpenLanding",
    operation_id: "getLanding",
    parameters: &[("token", "$response.body#/token")],
}];

/// `GET /enterprises/{cc}/code`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getEnterpriseCode",
    summary: "An enterprise's current code: its URL, token, serial and image links",
    description: "查询企业现行的码上服务二维码：链接、令牌、序号及图片地址。企业本身用户或持 checkin:register 的机关系统可查。",
    caller: Caller::UsersOrAgency(ENTERPRISE_ROLES, SCOPE_REGISTER),
    params: &[CC],
    replies: &[Reply::json(200, "The current code", schema::<CodeView>)],
    problems: CODE_PROBLEMS,
    links: CODE_LINKS,
    ..Operation::NEW
};

/// `POST /enterprises/{cc}/code`'s description.
pub const REISSUE_DOC: Operation = Operation {
    id: "reissueEnterpriseCode",
    summary: "Reissue an enterprise's code (every earlier code is revoked)",
    description: "换发企业码：序号加一，此前所有二维码随即作废。",
    caller: Caller::UsersOrAgency(ENTERPRISE_ROLES, SCOPE_REGISTER),
    params: &[CC],
    replies: &[Reply::json(201, "The new code", schema::<CodeView>)],
    problems: CODE_PROBLEMS,
    links: &[Link {
        status: 201,
        name: "OpenLanding",
        operation_id: "getLanding",
        parameters: &[("token", "$response.body#/token")],
    }],
    ..Operation::NEW
};

/// `GET /enterprises/{cc}/code.png`'s description.
pub const PNG_DOC: Operation = Operation {
    id: "getEnterpriseCodePng",
    summary: "The enterprise's QR code as PNG",
    description: "企业码二维码 PNG 图片（scale 为每模块像素数，1–32，默认 8）。",
    caller: Caller::UsersOrAgency(ENTERPRISE_ROLES, SCOPE_REGISTER),
    params: &[
        CC,
        Param::query(
            "scale",
            "Pixels per module, 1-32 (default 8). 每模块像素数。",
            schema::<u32>,
        )
        .example("8"),
    ],
    replies: &[Reply {
        status: 200,
        description: "The QR code",
        content: Content::Bytes("image/png"),
    }],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID", "CHECKIN_QR_SCALE"]),
        (403, &["AUTHZ_NOT_OWN_ORG"]),
        (404, &["CHECKIN_ENTERPRISE_NOT_FOUND"]),
        (500, &["CHECKIN_QR_TOO_LONG", "CHECKIN_QR_ENCODE"]),
        (503, &["CHECKIN_CODE_SECRET_MISSING"]),
    ],
    ..Operation::NEW
};

const SVG_PROBLEMS: &[(u16, &[&str])] = &[
    (400, &["CHECKIN_FIELD_INVALID"]),
    (403, &["AUTHZ_NOT_OWN_ORG"]),
    (404, &["CHECKIN_ENTERPRISE_NOT_FOUND"]),
    (500, &["CHECKIN_QR_TOO_LONG", "CHECKIN_QR_ENCODE"]),
    (503, &["CHECKIN_CODE_SECRET_MISSING"]),
];

/// `GET /enterprises/{cc}/code.svg`'s description.
pub const SVG_DOC: Operation = Operation {
    id: "getEnterpriseCodeSvg",
    summary: "The enterprise's QR code as SVG",
    description: "企业码二维码 SVG 图片。",
    caller: Caller::UsersOrAgency(ENTERPRISE_ROLES, SCOPE_REGISTER),
    params: &[CC],
    replies: &[Reply {
        status: 200,
        description: "The QR code",
        content: Content::Bytes("image/svg+xml"),
    }],
    problems: SVG_PROBLEMS,
    ..Operation::NEW
};

/// `GET /enterprises/{cc}/poster.svg`'s description.
pub const POSTER_DOC: Operation = Operation {
    id: "getEnterprisePoster",
    summary: "The printable A4 poster with the enterprise's code and name (SVG)",
    description: "可打印的 A4 张贴海报（SVG），含企业名称与码上服务二维码。",
    caller: Caller::UsersOrAgency(ENTERPRISE_ROLES, SCOPE_REGISTER),
    params: &[CC],
    replies: &[Reply {
        status: 200,
        description: "The poster",
        content: Content::Bytes("image/svg+xml"),
    }],
    problems: SVG_PROBLEMS,
    ..Operation::NEW
};

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
            token: url.rsplit('/').next().unwrap_or_default().to_owned(),
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
