//! What a scan of the enterprise's code opens: the enterprise's name, the policies it
//! qualifies for (the tax function's 免申即享 matches — shown only to the enterprise's
//! own users, since they reveal its size and revenue band), the way to raise a
//! complaint (the complaints function's categories and intake), its open surveys, and
//! for officers the scan-to-enter route. A forged, altered or revoked code is refused
//! with its own code, so an officer's phone says why it must not go in.

use super::chain::{self, Policies};
use super::who::code_secret;
use crate::store::{register as rstore, surveys as sstore};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::checkin::code::{self, CodeError};
use yingshang_core::openapi::{AUTH_401, Caller, Content, Operation, Param, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_core::web_files::is_page_navigation;
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::context::{header, origin};
use yingshang_kit::guard::{self, ANY_USER};
use yingshang_kit::responses::{json, raw};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct EnterpriseView {
    credit_code: String,
    name: String,
    address: String,
    industry_code: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct Link {
    method: &'static str,
    url: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct ComplaintsView {
    file: Link,
    channel: &'static str,
    categories: Option<Vec<chain::Category>>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SurveyView {
    id: String,
    agency: String,
    title: String,
    questions: Vec<sstore::Question>,
    closes_at: String,
    answered: Option<bool>,
    answer: Link,
}

/// What a scan opens.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LandingView {
    enterprise: EnterpriseView,
    /// The role of the signed-in caller, if any.
    signed_in_as: Option<&'static str>,
    policies: Policies,
    complaints: ComplaintsView,
    surveys: Vec<SurveyView>,
    inspections: Link,
    report_entry_without_scan: Link,
    scan_to_enter: Link,
}

/// `GET /landing/{token}`'s description.
pub const DOC: Operation = Operation {
    id: "getLanding",
    summary: "What a scan of an enterprise's code opens",
    description: "扫描企业码打开的页面：企业信息、惠企政策（仅企业本身用户可见）、诉求入口、问卷、扫码入企与未扫码举报入口。\
                  无需登录；带令牌时须有效。伪造、篡改或已作废的码分别以各自代码拒绝。\
                  浏览器直接打开（Accept 含 text/html 而不含 application/json）时以 303 转到手机页面 /enterprise?code=…。",
    caller: Caller::Public,
    params: &[Param::path(
        "token",
        "The signed token the code's URL ends in (`<credit code>.<serial>.<mac>`). 企业码令牌。",
        schema::<String>,
    )
    .example("91411502MA4000000H.1.AAAAAAAAAAAAAAAAAAAAAA")],
    replies: &[
        Reply::json(200, "The landing", schema::<LandingView>),
        Reply {
            status: 303,
            description: "A browser opening the code's URL (a phone's camera): to the phone page \
                          `/enterprise?code=<token>` (`Location`), which shows this landing",
            content: Content::Empty,
        },
    ],
    problems: &[
        (401, AUTH_401),
        (403, &["AUTHZ_ROLE_NOT_ALLOWED"]),
        (503, &["CHECKIN_CODE_SECRET_MISSING"]),
    ],
    problem_tables: &[CodeError::PROBLEMS],
    ..Operation::NEW
};

/// `GET /landing/{token}`.
pub async fn landing(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    token: &str,
) -> Result<Answer, Failure> {
    // The code's URL is printed on a poster: a camera app opens it as a page.
    if is_page_navigation(header(req.headers(), "accept")) {
        let page = code::page_path(token);
        return Ok(raw(
            ctx,
            303,
            "text/plain; charset=utf-8",
            String::new(),
            &[("location", page)],
        ));
    }
    let secret = code_secret(ctx).await?;
    let verified = code::verify(secret.as_bytes(), token)?;
    let registered = rstore::enterprise(db, verified.credit_code.as_str())
        .await
        .map_err(|e| ctx.internal("loading an enterprise", e))?;
    code::check_current(&verified, registered.as_ref().map(|r| r.serial))?;
    let Some(registered) = registered else {
        return Err(CodeError::Unknown.into());
    };
    let e = registered.enterprise;
    let authorization = header(req.headers(), "authorization").map(str::to_owned);
    let caller = match &authorization {
        None => None,
        // A credential that does not verify is refused rather than ignored: the
        // phone should know it is signed out.
        Some(_) => Some(guard::user(ctx, db, req.headers(), ANY_USER).await?),
    };
    let own = match &caller {
        Some(Principal::User(u)) => u.membership.enterprise() == Some(&e.credit_code),
        _ => false,
    };
    let policies = match (&authorization, own) {
        (Some(a), true) => chain::policies(ctx, a, e.credit_code.as_str()).await,
        _ => Policies::SignInToSee,
    };
    let categories = chain::categories(ctx).await;
    let now = unix_ms(ctx.now);
    let open = sstore::open_for(db, &e.industry_code, &e.division_code, now)
        .await
        .map_err(|e| ctx.internal("loading surveys", e))?;
    let base = origin(&req);
    let mut surveys = Vec::with_capacity(open.len());
    for s in open {
        let answered = if own {
            Some(
                sstore::answered(db, &s.id, e.credit_code.as_str())
                    .await
                    .map_err(|e| ctx.internal("loading survey answers", e))?,
            )
        } else {
            None
        };
        surveys.push(SurveyView {
            answer: Link {
                method: "POST",
                url: format!("{base}/api/checkin/surveys/{}/answers", s.id),
            },
            id: s.id,
            agency: s.agency,
            title: s.title,
            questions: s.questions,
            closes_at: rfc3339(from_unix_ms(s.closes_ms)),
            answered,
        });
    }
    let view = LandingView {
        signed_in_as: caller
            .as_ref()
            .and_then(Principal::role)
            .map(|r| r.as_str()),
        policies,
        complaints: ComplaintsView {
            file: Link {
                method: "POST",
                url: format!("{base}/api/complaints/cases"),
            },
            channel: "qr",
            categories,
        },
        surveys,
        inspections: Link {
            method: "GET",
            url: format!("{base}/api/checkin/inspections"),
        },
        report_entry_without_scan: Link {
            method: "POST",
            url: format!("{base}/api/checkin/no-scan-reports"),
        },
        scan_to_enter: Link {
            method: "POST",
            url: format!("{base}/api/checkin/scans"),
        },
        enterprise: EnterpriseView {
            credit_code: e.credit_code.as_str().to_owned(),
            name: e.name,
            address: e.address,
            industry_code: e.industry_code,
        },
    };
    Ok(json(ctx, 200, &view))
}
