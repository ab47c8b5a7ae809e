//! Intermediary agencies: registration with qualifications, staff decisions, the
//! public profile (live rating, stars, card, sanctions), the triple sanction, red
//! cards, the three handling steps, the credit feed, and one-click complaints.

use super::config;
use super::error::{MarketError, field};
use super::who::{ENTERPRISE, STAFF_CALLER, credit_code, enterprise, staff};
use crate::store::providers::{self as pstore, SanctionRow};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::evaluation::{card, live_rating};
use yingshang_core::intermediary::sanction::{Step, TripleSanction, next_step};
use yingshang_core::intermediary::{Card, Misconduct};
use yingshang_core::openapi::{Caller, Content, In, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::chain::{Filed, file_complaint};
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::context::header;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

/// The complaints category of a complaint about an intermediary agency.
pub const CATEGORY: &str = "intermediary-services";

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
const CC: Param = Param::path(
    "cc",
    "The agency's unified social credit code (18 characters). 统一社会信用代码。",
    schema::<String>,
)
.example("91410100MA00000034");

/// Problems of a staff action on an agency.
const STAFF_PROBLEMS: &[(u16, &[&str])] = &[
    (400, &["INTERMEDIARY_FIELD_INVALID"]),
    (403, &["INTERMEDIARY_STAFF_ONLY"]),
    (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
];

/// Back to the agency's profile.
const TO_PROFILE: Link = Link {
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

fn short(t: &str, max: usize) -> bool {
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
struct Profile {
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
    card: Option<Card>,
    /// The last handling step taken.
    #[schemars(extend("enum" = ["warning_interview", "rectify", "enforcement", null]))]
    handling_step: Option<String>,
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

async fn build(ctx: &RequestContext, db: &Db, code: &str) -> Result<Profile, Failure> {
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

async fn profile(
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

/// Proven misconduct.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SanctionBody {
    /// What was proven.
    #[schemars(extend("enum" = ["plagiarised_report", "fee_fraud", "bid_rigging"]))]
    misconduct: String,
    /// When it was proven (not after today).
    proven_on: IsoDate,
    /// The facts proven, 1–500 characters.
    note: String,
}

/// `POST /providers/{cc}/sanctions`'s description.
pub const SANCTION_DOC: Operation = Operation {
    id: "sanctionProvider",
    summary: "Impose the triple sanction for proven misconduct (staff)",
    description: "对查实失信行为的中介机构实施“三联惩戒”：禁止参与项目、冻结入驻两年、在信用信息中公示。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<SanctionBody>),
    body_example: Some(
        r#"{"misconduct": "plagiarised_report", "proven_on": "2026-01-15", "note": "环评报告抄袭他人成果，经查属实。"}"#,
    ),
    replies: &[Reply::json(
        201,
        "The agency's profile, with the sanction",
        schema::<Profile>,
    )],
    problems: STAFF_PROBLEMS,
    links: &[Link {
        status: 201,
        ..TO_PROFILE
    }],
    ..Operation::NEW
};

/// `POST /providers/{cc}/sanctions` (staff): the triple sanction — barred from
/// projects, entry frozen for two years, the credit event published on the feed.
pub async fn sanction(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: SanctionBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let misconduct = Misconduct::parse(&b.misconduct).ok_or_else(|| {
        field(
            "misconduct",
            "须为 plagiarised_report、fee_fraud 或 bid_rigging",
            "must be plagiarised_report, fee_fraud or bid_rigging",
        )
    })?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须写明查实的事实（1–500 字）",
            "must state what was proven (1–500 characters)",
        )
        .into());
    }
    if b.proven_on.date() > local_date(ctx.now) {
        return Err(field("proven_on", "不能晚于今天", "cannot be after today").into());
    }
    let s = TripleSanction::impose(misconduct, b.proven_on.date());
    let row = SanctionRow {
        id: ulid(ctx.now),
        misconduct: b.misconduct.clone(),
        proven_on: iso(s.from),
        frozen_until: iso(s.frozen_until),
        note: b.note.trim().to_owned(),
    };
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "imposing a sanction", async |db: &Db| {
        pstore::provider_by(db, code.as_str()).await?.ok_or(MarketError::ProviderNotFound)?;
        pstore::insert_sanction(db, code.as_str(), &row, &caller.audit_actor(), now).await?;
        let event = serde_json::json!({
            "credit_code": code.as_str(), "kind": "triple_sanction", "misconduct": row.misconduct,
            "proven_on": row.proven_on, "barred_from_projects": true, "entry_frozen_until": row.frozen_until,
            "note": row.note,
        });
        pstore::publish_credit_event(db, &ulid(ctx.now), code.as_str(), "triple_sanction", &event, now).await?;
        let entry = AuditEntry::new(caller.audit_actor(), "intermediary.provider.sanction", format!("intermediary-provider/{code}"), ctx.now, None, Some(&event));
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    profile(ctx, db, code.as_str(), 201).await
}

/// A note of what was found or done.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    /// 1–500 characters.
    note: String,
}

/// `POST /providers/{cc}/red-card`'s description.
pub const RED_CARD_DOC: Operation = Operation {
    id: "redCardProvider",
    summary: "Record a serious violation: a red card, the agency expelled (staff)",
    description: "管理人员记录严重违规，给予红牌并清退该中介机构，在信用信息中公示。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<NoteBody>),
    body_example: Some(r#"{"note": "伪造检测数据，经查属实。"}"#),
    replies: &[Reply::json(200, "The agency's profile", schema::<Profile>)],
    problems: STAFF_PROBLEMS,
    links: &[TO_PROFILE],
    ..Operation::NEW
};

/// `POST /providers/{cc}/handling`'s description.
pub const HANDLING_DOC: Operation = Operation {
    id: "advanceProviderHandling",
    summary: "Take the next handling step for an agency holding a card (staff)",
    description: "对持有警示卡的中介机构采取下一步处置（约谈警示、限期整改、依法处理），不得跳步。",
    caller: STAFF_CALLER,
    params: &[CC],
    body: Content::Json(schema::<NoteBody>),
    body_example: Some(r#"{"note": "已约谈机构负责人。"}"#),
    replies: &[Reply::json(200, "The agency's profile", schema::<Profile>)],
    problems: &[
        (400, &["INTERMEDIARY_FIELD_INVALID"]),
        (403, &["INTERMEDIARY_STAFF_ONLY"]),
        (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
        (409, &["INTERMEDIARY_WRONG_STATE"]),
    ],
    links: &[TO_PROFILE],
    ..Operation::NEW
};

/// `POST /providers/{cc}/red-card` (staff): a serious violation; the agency is expelled.
pub async fn red_card(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: NoteBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须写明违规事实（1–500 字）",
            "must state the violation (1–500 characters)",
        )
        .into());
    }
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "expelling an agency", async |db: &Db| {
        pstore::provider_by(db, code.as_str()).await?.ok_or(MarketError::ProviderNotFound)?;
        pstore::set_red(db, code.as_str()).await?;
        let event = serde_json::json!({ "credit_code": code.as_str(), "kind": "red_card", "note": b.note.trim() });
        pstore::publish_credit_event(db, &ulid(ctx.now), code.as_str(), "red_card", &event, now).await?;
        let entry = AuditEntry::new(caller.audit_actor(), "intermediary.provider.red_card", format!("intermediary-provider/{code}"), ctx.now, None, Some(&event));
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    profile(ctx, db, code.as_str(), 200).await
}

fn step_name(s: Step) -> &'static str {
    match s {
        Step::WarningInterview => "warning_interview",
        Step::Rectify => "rectify",
        Step::Enforcement => "enforcement",
    }
}

fn step_of(text: Option<&str>) -> Option<Step> {
    match text {
        Some("warning_interview") => Some(Step::WarningInterview),
        Some("rectify") => Some(Step::Rectify),
        Some("enforcement") => Some(Step::Enforcement),
        _ => None,
    }
}

/// `POST /providers/{cc}/handling` (staff): the next handling step of an agency with
/// a card (warning interview, deadline to rectify, enforcement), never skipped.
pub async fn handling(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let caller = staff(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let (parts, body) = req.into_parts();
    let b: NoteBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.note, 500) {
        return Err(field(
            "note",
            "须记录处置情况（1–500 字）",
            "must record the handling (1–500 characters)",
        )
        .into());
    }
    let profile_now = build(ctx, db, code.as_str()).await?;
    if profile_now.card.is_none() {
        return Err(MarketError::WrongState {
            status: "no card".into(),
        }
        .into());
    }
    let next = next_step(step_of(profile_now.handling_step.as_deref())).ok_or(
        MarketError::WrongState {
            status: "enforcement".into(),
        },
    )?;
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "recording a handling step", async |db: &Db| {
        pstore::set_step(db, code.as_str(), step_name(next)).await?;
        let event = serde_json::json!({ "credit_code": code.as_str(), "kind": "handling", "step": step_name(next), "card": profile_now.card, "note": b.note.trim() });
        pstore::publish_credit_event(db, &ulid(ctx.now), code.as_str(), "handling", &event, now).await?;
        let entry = AuditEntry::new(caller.audit_actor(), "intermediary.provider.handling", format!("intermediary-provider/{code}"), ctx.now, None, Some(&event));
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    profile(ctx, db, code.as_str(), 200).await
}

/// A complaint about an agency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ComplaintBody {
    /// What happened, 5–500 characters.
    description: String,
}

/// A complaints case filed.
#[derive(Debug, Serialize, JsonSchema)]
struct ComplaintFiled {
    /// The agency complained about.
    provider: String,
    /// The complaints case's id (`GET /api/complaints/cases/{id}`).
    case: String,
}

/// The complaint's required idempotency key (at most 100 visible ASCII characters).
fn complaint_key(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[\\x21-\\x7e]+$"})
}

/// `POST /providers/{cc}/complaint`'s description.
pub const COMPLAIN_DOC: Operation = Operation {
    id: "complainAboutProvider",
    summary: "File a complaints case about an agency (one click; Idempotency-Key required)",
    description: "企业一键投诉中介机构：以本企业名义在诉求平台立案；须带 Idempotency-Key，重试不重复立案。\
                  诉求平台的拒绝以其状态码和 INTERMEDIARY_COMPLAINT_REFUSED 转告。",
    caller: Caller::Users(ENTERPRISE),
    params: &[
        CC,
        Param {
            name: "Idempotency-Key",
            location: In::Header,
            required: true,
            description: "Files the case once: a retry with the same key answers the same case. 幂等键。",
            schema: complaint_key,
            example: None,
        },
    ],
    body: Content::Json(schema::<ComplaintBody>),
    body_example: Some(r#"{"description": "报告质量差且拖延交付，多次催告无果。"}"#),
    replies: &[Reply::json(201, "The case filed", schema::<ComplaintFiled>)],
    problems: &[
        (
            400,
            &[
                "INTERMEDIARY_FIELD_INVALID",
                "INTERMEDIARY_COMPLAINT_REFUSED",
            ],
        ),
        (403, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (404, &["INTERMEDIARY_PROVIDER_NOT_FOUND"]),
        (409, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (422, &["INTERMEDIARY_COMPLAINT_REFUSED"]),
        (503, &["INTERMEDIARY_COMPLAINTS_UNAVAILABLE"]),
    ],
    ..Operation::NEW
};

/// `POST /providers/{cc}/complaint` (an enterprise user, `Idempotency-Key`
/// required): a complaints case about the agency, filed as the enterprise.
pub async fn complain(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    cc: &str,
) -> Result<Answer, Failure> {
    let (_, me) = enterprise(ctx, db, req.headers()).await?;
    let code = credit_code(cc)?;
    let authorization = header(req.headers(), "authorization")
        .unwrap_or_default()
        .to_owned();
    let key = header(req.headers(), "idempotency-key")
        .filter(|k| !k.is_empty() && k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .ok_or_else(|| {
            field(
                "idempotency-key",
                "投诉须带 Idempotency-Key 请求头",
                "a complaint needs an Idempotency-Key header",
            )
        })?;
    let (parts, body) = req.into_parts();
    let b: ComplaintBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let n = b.description.trim().chars().count();
    if !(5..=500).contains(&n) {
        return Err(field("description", "须为 5–500 字", "must be 5–500 characters").into());
    }
    let provider = pstore::provider_by(db, code.as_str())
        .await
        .map_err(|e| ctx.internal("loading an agency", e))?
        .ok_or(MarketError::ProviderNotFound)?;
    let text = format!(
        "【中介机构投诉】{}（{}）：{}",
        provider.name,
        code.as_str(),
        b.description.trim()
    );
    let chained_key = format!("intermediary-{}-{key}", me.as_str());
    match file_complaint(
        ctx,
        &authorization,
        &chained_key,
        me.as_str(),
        CATEGORY,
        &text,
    )
    .await
    {
        Filed::Case(case) => Ok(json(
            ctx,
            201,
            &ComplaintFiled {
                provider: code.as_str().to_owned(),
                case,
            },
        )),
        Filed::Refused { status, code } => {
            Err(MarketError::ComplaintRefused { status, code }.into())
        }
        Filed::Unavailable => Err(MarketError::ComplaintsUnavailable.into()),
    }
}

/// One event of the credit feed.
#[derive(Debug, Serialize, JsonSchema)]
struct CreditEvent {
    /// Its id (a ULID): the cursor of the next page.
    id: String,
    /// The agency's credit code.
    provider: String,
    /// What happened.
    #[schemars(extend("enum" = ["triple_sanction", "red_card", "handling", "card"]))]
    kind: String,
    /// When it was published (RFC 3339).
    published_at: String,
    /// The event as published (`credit_code`, `kind` and the facts of its kind).
    event: serde_json::Map<String, serde_json::Value>,
}

/// A page of the credit feed.
#[derive(Debug, Serialize, JsonSchema)]
struct CreditEventPage {
    /// Events, oldest first.
    events: Vec<CreditEvent>,
    /// The next page's path; none when this page is empty.
    next: Option<String>,
}

/// `GET /credit-events`'s description.
pub const CREDIT_EVENTS_DOC: Operation = Operation {
    id: "listCreditEvents",
    summary: "The credit feed: sanctions, red cards, handling steps and cards, oldest first",
    description: "信用信息推送：三联惩戒、红牌、处置措施、警示卡，按发布先后（公开，供其他平台读取）。",
    params: &[
        Param::query(
            "after",
            "The last event id already read (up to 26 letters or digits). 上次读到的事件编号。",
            schema::<String>,
        ),
        Param::query(
            "limit",
            "Events per page, 1–500 (default 100). 每页条数。",
            schema::<u32>,
        )
        .example("100"),
    ],
    replies: &[Reply::json(
        200,
        "A page of events",
        schema::<CreditEventPage>,
    )],
    problems: &[(400, &["INTERMEDIARY_FIELD_INVALID"])],
    ..Operation::NEW
};

/// `GET /credit-events?after=<event id>&limit=`: the feed, oldest first.
pub async fn credit_events(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let query = req.uri().query();
    let after = yingshang_core::query::param(query, "after").unwrap_or("");
    if after.len() > 26 || !after.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(field("after", "须为事件编号", "must be an event id").into());
    }
    let limit = match yingshang_core::query::param(query, "limit") {
        None => 100,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| field("limit", "须为 1–500", "must be 1–500"))?,
    };
    let rows = pstore::credit_events(db, after, limit)
        .await
        .map_err(|e| ctx.internal("reading the credit feed", e))?;
    let events: Vec<CreditEvent> = rows
        .into_iter()
        .map(|(id, provider, kind, body, at)| CreditEvent {
            id,
            provider,
            kind,
            published_at: rfc3339(from_unix_ms(at)),
            // Written by this function as a JSON object; anything else is corrupt.
            event: serde_json::from_str(&body).unwrap_or_default(),
        })
        .collect();
    let next = events
        .last()
        .map(|e| format!("/api/intermediary/credit-events?after={}", e.id));
    Ok(json(ctx, 200, &CreditEventPage { events, next }))
}
