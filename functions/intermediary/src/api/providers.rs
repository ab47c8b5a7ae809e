//! Intermediary agencies: registration with qualifications, staff decisions and the
//! public profile (live rating, stars, card, sanctions). Sanctions, complaints and the
//! credit feed are beside it (`sanctions`, `complaint`, `credit_feed`).

use super::config;
use super::error::{MarketError, field};
use super::who::{ENTERPRISE, STAFF_CALLER, credit_code, enterprise, staff};
use crate::store::providers::{self as pstore, SanctionRow};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::Card;
use yingshang_core::intermediary::evaluation::{card, live_rating};
use yingshang_core::openapi::{Caller, Content, In, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// A qualification an agency holds, for staff to check.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct QualificationBody {
    /// A qualification type of the catalogue (`GET /items`).
    qualification: String,
    /// The certificate's number, 1–64 characters.
    certificate: String,
    /// Valid until.
    valid_until: IsoDate,
}

/// An agency's registration.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    /// The agency's name, 1–100 characters.
    name: String,
    /// Its mobile number (11 digits from 1), never shown publicly.
    #[schemars(regex(pattern = r"^1[0-9]{10}$"))]
    phone: String,
    /// 1–50 qualifications.
    qualifications: Vec<QualificationBody>,
}

/// The path parameter of an agency.
pub(super) const CC: Param = Param::path(
    "cc",
    "The agency's unified social credit code (18 characters). 统一社会信用代码。",
    schema::<String>,
)
.example("91410100MA00000034");

/// Problems of a staff action on an agency.
pub(super) const STAFF_PROBLEMS: &[(u16, &[&str])] = &[
    (400, &["INTERMEDIARY_FIELD_INVALID"]),
    (403, &["INTERMEDIARY_STAFF_ONLY"]),
    (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
];

/// Back to the agency's profile.
pub(super) const TO_PROFILE: Link = Link {
    status: 200,
    name: "GetProvider",
    operation_id: "getProvider",
    parameters: &[("cc", "$response.body#/credit_code")],
};

/// `POST /providers`'s description.
pub const REGISTER_DOC: Operation = Operation {
    id: "registerProvider",
    summary: "Register the caller's enterprise as an intermediary agency, with its qualifications",
    description: "企业用户以本企业（令牌中的统一社会信用代码）入驻为中介机构并提交资质，资质待管理人员审核。",
    caller: Caller::Users(ENTERPRISE),
    body: Content::Json(schema::<RegisterBody>),
    body_example: Some(
        r#"{"name": "郑州测绘评估有限公司", "phone": "13800000099", "qualifications": [{"qualification": "surveying-mapping", "certificate": "CERT-99", "valid_until": "2028-12-31"}]}"#,
    ),
    replies: &[Reply::json(
        201,
        "The agency's profile, its qualifications pending",
        schema::<Profile>,
    )],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_ENTRY_FROZEN"]),
        (409, &["INTERMEDIARY_ALREADY_REGISTERED"]),
    ],
    links: &[
        Link {
            status: 201,
            ..TO_PROFILE
        },
        Link {
            status: 201,
            name: "DecideQualification",
            operation_id: "decideQualification",
            parameters: &[
                ("cc", "$response.body#/credit_code"),
                ("q", "$response.body#/qualifications/0/qualification"),
            ],
        },
    ],
    ..Operation::NEW
};

pub(super) fn short(t: &str, max: usize) -> bool {
    let n = t.trim().chars().count();
    n > 0 && n <= max && !t.chars().any(char::is_control)
}

/// Whether the agency is barred from projects on `day` (a sanction, or a red card).
pub async fn barred(db: &Db, code: &str, day: time::Date) -> Result<bool, DbError> {
    let expelled = pstore::provider_by(db, code)
        .await?
        .is_some_and(|p| p.serious_violation);
    if expelled {
        return Ok(true);
    }
    Ok(pstore::sanctions(db, code).await?.iter().any(|s| {
        match (
            IsoDate::parse(&s.proven_on),
            IsoDate::parse(&s.frozen_until),
        ) {
            (Ok(from), Ok(until)) => from.date() <= day && day < until.date(),
            _ => true,
        }
    }))
}

/// `POST /providers`: an enterprise registers as an intermediary agency.
pub async fn register(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, cc) = enterprise(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let b: RegisterBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.name, 100) {
        return Err(field("name", "须为 1–100 字", "must be 1–100 characters").into());
    }
    let phone_ok = b.phone.len() == 11
        && b.phone.starts_with('1')
        && b.phone.bytes().all(|c| c.is_ascii_digit());
    if !phone_ok {
        return Err(field(
            "phone",
            "须为 11 位手机号码",
            "must be an 11-digit mobile number",
        )
        .into());
    }
    let catalogue = super::items::catalogue(ctx, db).await?;
    if b.qualifications.is_empty() || b.qualifications.len() > 50 {
        return Err(field("qualifications", "须为 1–50 项", "must hold 1–50 entries").into());
    }
    for q in &b.qualifications {
        if !catalogue.has_qualification(&q.qualification) {
            return Err(field(
                "qualifications",
                "含有清单中没有的资质类型",
                "names a qualification type not in the catalogue",
            )
            .into());
        }
        if !short(&q.certificate, 64) {
            return Err(field(
                "qualifications",
                "证书编号须为 1–64 字",
                "certificate numbers are 1–64 characters",
            )
            .into());
        }
    }
    let today = local_date(ctx.now);
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "registering an agency", async |db: &Db| {
        if barred(db, cc.as_str(), today).await? {
            return Err(TxError::from(MarketError::EntryFrozen));
        }
        if !pstore::insert_provider(db, cc.as_str(), b.name.trim(), &b.phone, now).await? {
            return Err(TxError::from(MarketError::AlreadyRegistered));
        }
        for q in &b.qualifications {
            pstore::put_qualification(
                db,
                cc.as_str(),
                &q.qualification,
                q.certificate.trim(),
                &iso(q.valid_until.date()),
            )
            .await?;
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "intermediary.provider.register",
            format!("intermediary-provider/{cc}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "qualifications": b.qualifications.len() })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(())
    })
    .await?;
    profile(ctx, db, cc.as_str(), 201).await
}

/// An agency as anyone sees it: live rating, stars, card, sanctions (no phone).
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct Profile {
    /// Its unified social credit code.
    credit_code: String,
    /// Its name.
    name: String,
    /// When it registered (RFC 3339).
    registered_at: String,
    /// Evaluations received.
    evaluations: usize,
    /// The mean of its scores, 0–100; none before the first evaluation.
    rating: Option<u8>,
    /// Its stars, 1–5.
    stars: Option<u8>,
    /// The warning card it holds.
    pub(super) card: Option<Card>,
    /// The last handling step taken.
    #[schemars(extend("enum" = ["warning_interview", "rectify", "enforcement", null]))]
    pub(super) handling_step: Option<String>,
    /// Whether it is barred from projects today (a sanction or a red card).
    barred: bool,
    /// Its qualifications.
    qualifications: Vec<pstore::QualificationRow>,
    /// Its sanctions.
    sanctions: Vec<SanctionRow>,
}

/// Every agency.
#[derive(Debug, Serialize, JsonSchema)]
struct ProviderList {
    /// At most 1,000 agencies.
    providers: Vec<Profile>,
}

pub(super) async fn build(ctx: &RequestContext, db: &Db, code: &str) -> Result<Profile, Failure> {
    let load = async || -> Result<_, DbError> {
        let Some(p) = pstore::provider_by(db, code).await? else {
            return Ok(None);
        };
        let scores = pstore::scores(db, code).await?;
        let quals = pstore::qualifications(db, code).await?;
        let sanctions = pstore::sanctions(db, code).await?;
        let barred = barred(db, code, local_date(ctx.now)).await?;
        Ok(Some((p, scores, quals, sanctions, barred)))
    };
    let (p, scores, qualifications, sanctions, barred) = load()
        .await
        .map_err(|e| ctx.internal("loading an agency", e))?
        .ok_or(MarketError::ProviderNotFound)?;
    let rules = config::evaluation(ctx).await;
    let live = live_rating(&rules, &scores);
    Ok(Profile {
        registered_at: rfc3339(from_unix_ms(p.registered_ms)),
        credit_code: p.credit_code,
        name: p.name,
        evaluations: scores.len(),
        rating: live.map(|l| l.0),
        stars: live.map(|l| l.1),
        card: card(&rules, &scores, p.serious_violation),
        handling_step: p.handling_step,
        barred,
        qualifications,
        sanctions,
    })
}

pub(super) async fn profile(
    ctx: &RequestContext,
    db: &Db,
    code: &str,
    status: u16,
) -> Result<Answer, Failure> {
    Ok(json(ctx, status, &build(ctx, db, code).await?))
}

/// `GET /providers/{cc}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getProvider",
    summary: "An agency's public profile",
    description: "中介机构公开信息：实时评分、星级、警示卡、惩戒记录（不含电话）。",
    params: &[CC],
    replies: &[Reply::json(200, "The profile", schema::<Profile>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `GET /providers`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listProviders",
    summary: "Every agency with its live rating",
    description: "全部中介机构及其实时评分（至多 1000 家，公开）。",
    replies: &[Reply::json(200, "The agencies", schema::<ProviderList>)],
    ..Operation::NEW
};

/// `GET /providers/{cc}`.
pub async fn show(ctx: &RequestContext, db: &Db, cc: &str) -> Result<Answer, Failure> {
    let code = credit_code(cc)?;
    profile(ctx, db, code.as_str(), 200).await
}

/// `GET /providers`: every agency's live rating (at most 1,000).
pub async fn list(ctx: &RequestContext, db: &Db) -> Result<Answer, Failure> {
    let all = pstore::providers(db, 1000)
        .await
        .map_err(|e| ctx.internal("listing agencies", e))?;
    let mut out = Vec::with_capacity(all.len());
    for p in all {
        out.push(build(ctx, db, &p.credit_code).await?);
    }
    Ok(json(ctx, 200, &ProviderList { providers: out }))
}

/// Staff's decision on a pending qualification.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Decision {
    /// Approve, or reject.
    approve: bool,
    /// Why rejected (1–300 characters; required to reject).
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /providers/{cc}/qualifications/{q}/decision`'s description.
pub const DECIDE_DOC: Operation = Operation {
    id: "decideQualification",
    summary: "Approve or reject an agency's pending qualification (staff)",
    description: "管理人员审核中介机构的待审资质：通过，或说明理由驳回。",
    caller: STAFF_CALLER,
    params: &[
        CC,
        Param {
            name: "q",
            location: In::Path,
            required: true,
            description: "The qualification type. 资质类型。",
            schema: schema::<String>,
            example: Some("surveying-mapping"),
        },
    ],
    body: Content::Json(schema::<Decision>),
    body_example: Some(r#"{"approve": true}"#),
    replies: &[Reply::json(200, "The agency's profile", schema::<Profile>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_STAFF_ONLY"]),
        (409, &["INTERMEDIARY_NOTHING_PENDING"]),
    ],
    links: &[TO_PROFILE],
    ..Operation::NEW
};

/// `POST /providers/{cc}/qualifications/{q}/decision` (staff).
pub async fn decide(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
    q: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let d: Decision = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if !d.approve && !reason.is_some_and(|r| short(r, 300)) {
        return Err(field(
            "reason",
            "驳回须说明理由（1–300 字）",
            "a rejection needs its reason (1–300 characters)",
        )
        .into());
    }
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "deciding a qualification", async |db: &Db| {
        if !pstore::decide(
            db,
            code.as_str(),
            q,
            d.approve,
            reason,
            &caller.audit_actor(),
            now,
        )
        .await?
        {
            return Err(TxError::from(MarketError::NothingPending));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            if d.approve {
                "intermediary.qualification.approve"
            } else {
                "intermediary.qualification.reject"
            },
            format!("intermediary-provider/{code}/{q}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "reason": reason })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    profile(ctx, db, code.as_str(), 200).await
}
