//! Intermediary agencies: registration with qualifications, staff decisions, the
//! public profile (live rating, stars, card, sanctions), the triple sanction, red
//! cards, the three handling steps, the credit feed, and one-click complaints.

use super::config;
use super::error::{MarketError, field};
use super::who::{credit_code, enterprise, staff};
use crate::store::providers::{self as pstore, SanctionRow};
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::calendar::{IsoDate, iso, local_date};
use yingshang_core::intermediary::evaluation::{card, live_rating};
use yingshang_core::intermediary::sanction::{Step, TripleSanction, next_step};
use yingshang_core::intermediary::{Card, Misconduct};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QualificationBody {
    qualification: String,
    certificate: String,
    valid_until: IsoDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    name: String,
    phone: String,
    qualifications: Vec<QualificationBody>,
}

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

#[derive(Debug, Serialize)]
struct Profile {
    credit_code: String,
    name: String,
    registered_at: String,
    evaluations: usize,
    rating: Option<u8>,
    stars: Option<u8>,
    card: Option<Card>,
    handling_step: Option<String>,
    barred: bool,
    qualifications: Vec<pstore::QualificationRow>,
    sanctions: Vec<SanctionRow>,
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
    Ok(json(ctx, 200, &serde_json::json!({ "providers": out })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    approve: bool,
    #[serde(default)]
    reason: Option<String>,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SanctionBody {
    misconduct: String,
    proven_on: IsoDate,
    note: String,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: String,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplaintBody {
    description: String,
}

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
            &serde_json::json!({ "provider": code.as_str(), "case": case }),
        )),
        Filed::Refused { status, code } => {
            Err(MarketError::ComplaintRefused { status, code }.into())
        }
        Filed::Unavailable => Err(MarketError::ComplaintsUnavailable.into()),
    }
}

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
    let events: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|(id, provider, kind, body, at)| {
            serde_json::json!({
                "id": id, "provider": provider, "kind": kind, "published_at": rfc3339(from_unix_ms(at)),
                "event": serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
            })
        })
        .collect();
    let next = events
        .last()
        .and_then(|e| e["id"].as_str())
        .map(|id| format!("/api/intermediary/credit-events?after={id}"));
    Ok(json(
        ctx,
        200,
        &serde_json::json!({ "events": events, "next": next }),
    ))
}
