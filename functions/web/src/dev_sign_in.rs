//! `POST /api/web/dev-sign-in`: a bearer token for a demo user, so that the pages can
//! be tried locally. Answered only when the variable `dev_sign_in` is `true`, which
//! our gateway sets only while tokens are signed with the secret it generated for
//! its state folder (a local run); everywhere else the route does not exist (404),
//! and the pages take their token from the platform's identity provider.

use spin_sdk::http::Request;
use yingshang_core::problem::{ApiError, Lang};
use yingshang_core::security::Subject;
use yingshang_core::security::demo_users::{
    DemoUserError, demo_id_number, demo_membership, demo_subject,
};
use yingshang_core::security::token::{Claims, SigningKey, issue};
use yingshang_kit::auth::VAR_JWT_SECRET;
use yingshang_kit::body::read_json;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Failure, RequestContext};

/// The variable that turns the route on.
pub const VAR_DEV_SIGN_IN: &str = "dev_sign_in";
/// How long a development token is valid.
const LIFETIME_HOURS: i64 = 8;
/// Small: a role and an organisation code.
const BODY_LIMIT: usize = 1024;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    role: String,
    #[serde(default)]
    org: Option<String>,
}

#[derive(serde::Serialize)]
struct Token {
    token: String,
    role: String,
    expires_in: i64,
}

/// Why a development sign-in was refused.
#[derive(Debug)]
enum DevSignInError {
    UnknownRole,
    BadOrganisation,
}

impl ApiError for DevSignInError {
    fn status(&self) -> u16 {
        400
    }
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownRole => "WEB_ROLE_UNKNOWN",
            Self::BadOrganisation => "WEB_ORG_INVALID",
        }
    }
    fn title(&self, lang: Lang) -> String {
        match self {
            Self::UnknownRole => lang.pick("未知身份", "Unknown role"),
            Self::BadOrganisation => lang.pick("单位代码无效", "Invalid organisation code"),
        }
        .to_owned()
    }
    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::UnknownRole => lang.pick(
                "身份须为 citizen、enterprise、officer 或 agency_staff。",
                "The role must be citizen, enterprise, officer or agency_staff.",
            ),
            Self::BadOrganisation => lang.pick(
                "企业须为 18 位统一社会信用代码；机关须为机关编号。",
                "An enterprise needs an 18-character unified social credit code; an agency its id.",
            ),
        }
        .to_owned()
    }
}

/// Whether development sign-in is on (an unreadable variable: off).
pub async fn enabled() -> bool {
    matches!(spin_sdk::variables::get(VAR_DEV_SIGN_IN).await, Ok(v) if v.trim() == "true")
}

/// Issues the token (the caller checked [`enabled`]).
pub async fn sign_in(ctx: &RequestContext, req: Request) -> Result<Answer, Failure> {
    if req.method().as_str() != "POST" {
        return Err(Failure::method_not_allowed(&["POST"]));
    }
    let (parts, body) = req.into_parts();
    let asked: SignIn = read_json(ctx, &parts.headers, body, BODY_LIMIT).await?;
    let membership = demo_membership(&asked.role, asked.org.as_deref()).map_err(|e| match e {
        DemoUserError::UnknownRole(_) => DevSignInError::UnknownRole,
        DemoUserError::BadOrganisation(_) => DevSignInError::BadOrganisation,
    })?;
    let secret = spin_sdk::variables::get(VAR_JWT_SECRET)
        .await
        .map_err(|e| ctx.internal("reading the token secret", format!("{e:?}")))?;
    let key = SigningKey::hs256(secret.as_bytes())
        .map_err(|e| ctx.internal("using the token secret", format!("{e:?}")))?;
    let subject = Subject::parse(&demo_subject(&asked.role))
        .map_err(|e| ctx.internal("naming the demo user", format!("{e:?}")))?;
    let mut claims = Claims::new(
        subject,
        membership,
        ctx.now,
        time::Duration::hours(LIFETIME_HOURS),
    );
    // The demo citizen is real-name verified, as the identity provider's citizens are.
    if let Some(id_number) = demo_id_number(&asked.role) {
        claims = claims.with_id_number(id_number);
    }
    Ok(json(
        ctx,
        200,
        &Token {
            token: issue(&claims, &key),
            role: asked.role,
            expires_in: LIFETIME_HOURS * 3600,
        },
    ))
}
