//! Scan to enter (先扫码，后入企) and check out. Each officer scans the enterprise's
//! code on his own phone; the core decides whether the scan waits for a second
//! officer, starts the inspection or joins one. The decision and its writes run in one
//! write transaction, so two officers scanning at the same instant are judged one
//! after the other and never start two inspections. A retried scan with the same
//! `Idempotency-Key` gets the first answer.

use super::dto::{InspectionView, LeaveBody, ScanBody};
use super::error::CheckinError;
use super::who::{OFFICER_ROLES, code_secret, officer};
use crate::store::{self, inspections as istore, register as rstore};
use serde::Serialize;
use spin_sdk::http::Request;
use time::OffsetDateTime;
use yingshang_core::calendar::local_date;
use yingshang_core::checkin::code::CodeError;
use yingshang_core::checkin::code::{self, CodeToken};
use yingshang_core::checkin::inspection::{PAIRING_WINDOW, decide, leave as leave_rule};
use yingshang_core::checkin::{Decision, Kind, Outcome, Plan, RuleError, ScanFacts};
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::{AgencyId, Principal, Subject};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body, read_json};
use yingshang_kit::clock::{rfc3339, unix_ms};
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The token in a scanned code: the URL's last segment, or the token itself.
fn token_of(scanned: &str) -> &str {
    let s = scanned.trim();
    let s = s.split(['?', '#']).next().unwrap_or(s);
    s.rsplit('/').next().unwrap_or(s)
}

/// A first officer's scan, waiting for the second.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Waiting {
    /// Always `waiting`.
    status: &'static str,
    /// The scan's id.
    scan: String,
    /// The enterprise's credit code.
    enterprise: String,
    /// Its name.
    enterprise_name: String,
    /// When the scan lapses unless a second officer scans (RFC 3339).
    expires_at: String,
    /// What to do, in Chinese.
    message: &'static str,
}

const TO_INSPECTION: [Link; 4] = [
    Link {
        status: 201,
        name: "GetInspection",
        operation_id: "getInspection",
        parameters: &[("id", "$response.body#/id")],
    },
    Link {
        status: 201,
        name: "CheckOut",
        operation_id: "leaveInspection",
        parameters: &[("id", "$response.body#/id")],
    },
    Link {
        status: 200,
        name: "GetInspection",
        operation_id: "getInspection",
        parameters: &[("id", "$response.body#/id")],
    },
    Link {
        status: 200,
        name: "CheckOut",
        operation_id: "leaveInspection",
        parameters: &[("id", "$response.body#/id")],
    },
];

/// `POST /scans`'s description.
pub const SCAN_DOC: Operation = Operation {
    id: "scanToEnter",
    summary: "An officer scans an enterprise's code to enter (two officers of one agency)",
    description: "执法人员扫码入企（先扫码，后入企）：须同一机关两名执法人员分别扫码；第一人扫码后等待（202），\
                  第二人扫码即开始检查（201），其后扫码的加入（200）。规则：公布事项、执法证有效、常规检查年度上限、\
                  专项检查额度、补扫码 10 个自然日内。",
    caller: Caller::Users(OFFICER_ROLES),
    body: Content::Json(schema::<ScanBody>),
    body_example: Some(
        r#"{"code": "91411502MA4000000H.1.AAAAAAAAAAAAAAAAAAAAAA", "kind": "routine",
            "item": "SC-FOOD-01", "approval_ref": "济市监检〔2026〕12号"}"#,
    ),
    idempotent: true,
    replies: &[
        Reply::json(
            200,
            "Joined the started inspection",
            schema::<InspectionView>,
        ),
        Reply::json(201, "The inspection started", schema::<InspectionView>),
        Reply::json(
            202,
            "Waiting for a second officer of the agency",
            schema::<Waiting>,
        ),
    ],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (403, &["CHECKIN_OFFICERS_ONLY"]),
        (
            403,
            &["CHECKIN_OFFICER_UNKNOWN", "CHECKIN_CERTIFICATE_INVALID"],
        ),
        (
            404,
            &["CHECKIN_AGENCY_NOT_FOUND", "CHECKIN_INSPECTION_NOT_FOUND"],
        ),
        (
            409,
            &[
                "CHECKIN_ONE_OFFICER_ONLY",
                "CHECKIN_SCAN_MISMATCH",
                "CHECKIN_ROUTINE_CAP_REACHED",
                "CHECKIN_CAMPAIGN_QUOTA_REACHED",
            ],
        ),
        (
            422,
            &[
                "CHECKIN_FIELD_INVALID",
                "CHECKIN_ITEM_NOT_PUBLISHED",
                "CHECKIN_CAMPAIGN_INACTIVE",
                "CHECKIN_LATE_WINDOW_PASSED",
                "CHECKIN_ARRIVAL_IN_FUTURE",
                "CHECKIN_LATE_REASON_REQUIRED",
                "CHECKIN_APPROVAL_REQUIRED",
            ],
        ),
        (503, &["CHECKIN_CODE_SECRET_MISSING"]),
    ],
    problem_tables: &[CodeError::PROBLEMS],
    links: &TO_INSPECTION,
    ..Operation::NEW
};

/// The inspection in the path.
pub const INSPECTION_ID: Param = Param::path(
    "id",
    "The inspection's id (a ULID). 检查编号。",
    schema::<String>,
);

/// `POST /inspections/{id}/leave`'s description.
pub const LEAVE_DOC: Operation = Operation {
    id: "leaveInspection",
    summary: "An officer of the inspection checks out, with its outcome",
    description: "执法人员离企登记：检查结果（no_issues、rectification_ordered、case_filed）、情况说明与后续事项。",
    caller: Caller::Users(OFFICER_ROLES),
    params: &[INSPECTION_ID],
    body: Content::Json(schema::<LeaveBody>),
    body_example: Some(r#"{"outcome": "no_issues", "result_note": "未发现问题"}"#),
    replies: &[Reply::json(200, "Checked out", schema::<InspectionView>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (
            403,
            &[
                "CHECKIN_OFFICERS_ONLY",
                "CHECKIN_NOT_AN_OFFICER_OF_THIS_INSPECTION",
            ],
        ),
        (404, &["CHECKIN_INSPECTION_NOT_FOUND"]),
        (409, &["CHECKIN_ALREADY_LEFT"]),
        (
            422,
            &["CHECKIN_FIELD_INVALID", "CHECKIN_LEFT_BEFORE_ARRIVAL"],
        ),
    ],
    links: &[
        Link {
            status: 200,
            name: "GetInspection",
            operation_id: "getInspection",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 200,
            name: "Rate",
            operation_id: "rateInspection",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// `POST /scans`.
pub async fn scan(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, agency, subject) = officer(ctx, db, req.headers()).await?;
    let path = yingshang_kit::context::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let body: ScanBody = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => Some(claim),
        Begin::Unkeyed => None,
    };
    let answer = match judge(ctx, db, &caller, &agency, &subject, &body, claim.as_ref()).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    if let Some(claim) = claim {
        claim.finish(ctx, db, &answer).await?;
    }
    Ok(answer)
}

/// The arrival a plan would have, for the year its cap counts in.
fn likely_arrival(
    plan: &Plan,
    pending_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> OffsetDateTime {
    plan.late
        .as_ref()
        .map(|l| l.arrived_at)
        .or(pending_at.filter(|t| now - *t <= PAIRING_WINDOW))
        .unwrap_or(now)
}

async fn judge(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    agency: &AgencyId,
    subject: &Subject,
    body: &ScanBody,
    claim: Option<&Claim>,
) -> Result<Answer, Failure> {
    let plan = body.plan()?;
    let secret = code_secret(ctx).await?;
    let token: CodeToken = code::verify(secret.as_bytes(), token_of(&body.code))?;
    let cc = token.credit_code.as_str().to_owned();
    let now = unix_ms(ctx.now);
    let lapse_before = unix_ms(ctx.now - PAIRING_WINDOW);
    in_transaction(ctx, db, "judging a scan", async |db: &Db| {
        let registered = rstore::enterprise(db, &cc).await?;
        code::check_current(&token, registered.as_ref().map(|r| r.serial))?;
        let registered = registered.ok_or(code::CodeError::Unknown)?;
        let rules = store::agency(db, agency.as_str())
            .await?
            .ok_or(CheckinError::AgencyNotFound)?;
        let me = store::officer(db, agency.as_str(), subject.as_str()).await?;
        let waiting = istore::waiting(db, &cc, agency.as_str(), lapse_before).await?;
        let started = istore::latest_started(db, &cc, agency.as_str()).await?;
        let arrival = likely_arrival(&plan, waiting.as_ref().map(|(_, p)| p.scanned_at), ctx.now);
        let routine =
            istore::routine_count(db, agency.as_str(), &cc, local_date(arrival).year()).await?;
        let campaign = match &plan.kind {
            Kind::Special(c) => istore::campaign_count(db, agency.as_str(), &cc, c).await?,
            _ => 0,
        };
        let decision = decide(&ScanFacts {
            now: ctx.now,
            scanner: subject,
            officer: me.as_ref(),
            agency: &rules,
            plan: &plan,
            pending: waiting.as_ref().map(|(_, p)| p),
            started: started.as_ref().map(|(_, s)| s),
            routine_this_year: routine,
            campaign_count: campaign,
        })?;
        let me = me.ok_or(RuleError::OfficerUnknown)?;
        let scan_id = ulid(ctx.now);
        let (status, inspection_id, action) = match decision {
            Decision::Wait { .. } => ("waiting", None, "checkin.scan.wait"),
            Decision::Start { arrival, .. } => {
                let id = ulid(ctx.now);
                let item = rules
                    .item(&plan.item)
                    .ok_or_else(|| RuleError::ItemNotPublished(plan.item.clone()))?;
                istore::insert_inspection(
                    db,
                    &istore::NewInspection {
                        id: &id,
                        enterprise: &cc,
                        agency: agency.as_str(),
                        plan: &plan,
                        item_name: &item.name_zh,
                        legal_basis: &item.legal_basis_zh,
                        arrival_ms: unix_ms(arrival),
                        arrival_year: local_date(arrival).year(),
                        started_ms: now,
                    },
                )
                .await?;
                let (first_scan, first) = waiting.as_ref().ok_or_else(|| {
                    Failure::from(ctx.internal("starting an inspection", "no waiting scan"))
                })?;
                let first_cert = store::officer(db, agency.as_str(), first.officer.as_str())
                    .await?
                    .map(|o| o.certificate_number)
                    .unwrap_or_default();
                istore::add_officer(
                    db,
                    &id,
                    first.officer.as_str(),
                    &first_cert,
                    unix_ms(first.scanned_at),
                )
                .await?;
                istore::add_officer(db, &id, subject.as_str(), &me.certificate_number, now).await?;
                istore::scan_started(db, first_scan, &id).await?;
                ("started", Some(id), "checkin.inspection.start")
            }
            Decision::Join => {
                let (id, _) = started.as_ref().ok_or_else(|| {
                    Failure::from(ctx.internal("joining an inspection", "none started"))
                })?;
                istore::add_officer(db, id, subject.as_str(), &me.certificate_number, now).await?;
                ("joined", Some(id.clone()), "checkin.inspection.join")
            }
        };
        istore::insert_scan(
            db,
            &istore::NewScan {
                id: &scan_id,
                agency: agency.as_str(),
                officer: subject.as_str(),
                enterprise: &cc,
                at_ms: now,
                plan: &plan,
                status,
                inspection: inspection_id.as_deref(),
            },
        )
        .await?;
        let subject_ref = match &inspection_id {
            Some(id) => format!("checkin-inspection/{id}"),
            None => format!("checkin-scan/{scan_id}"),
        };
        let entry = AuditEntry::new(
            caller.audit_actor(),
            action,
            subject_ref,
            ctx.now,
            None,
            Some(&serde_json::json!({ "enterprise": cc, "status": status })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        let answer = match &inspection_id {
            None => json(
                ctx,
                202,
                &Waiting {
                    status: "waiting",
                    scan: scan_id.clone(),
                    enterprise: cc.clone(),
                    enterprise_name: registered.enterprise.name.clone(),
                    expires_at: rfc3339(ctx.now + PAIRING_WINDOW),
                    message: "已扫码，请同一机关的另一名执法人员在 10 分钟内扫码后入企。",
                },
            ),
            Some(id) => {
                let row = istore::inspection(db, id)
                    .await?
                    .ok_or(CheckinError::InspectionNotFound)?;
                let officers = istore::officers_of(db, id).await?;
                json(
                    ctx,
                    if status == "started" { 201 } else { 200 },
                    &InspectionView::of(&row, officers),
                )
            }
        };
        if let Some(claim) = claim {
            claim.store(db, &answer).await?;
        }
        Ok::<Answer, TxError>(answer)
    })
    .await
}

/// `POST /inspections/{id}/leave`: an officer of the inspection checks out.
pub async fn leave(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, agency, subject) = officer(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let body: LeaveBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let outcome = Outcome::parse(&body.outcome).ok_or(CheckinError::Field {
        field: "outcome",
        zh: "须为 no_issues、rectification_ordered 或 case_filed",
        en: "must be no_issues, rectification_ordered or case_filed",
    })?;
    if !is_ulid(id) {
        return Err(CheckinError::InspectionNotFound.into());
    }
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "checking out", async |db: &Db| {
        let row = istore::inspection(db, id)
            .await?
            .filter(|r| r.agency == agency.as_str())
            .ok_or(CheckinError::InspectionNotFound)?;
        let officers: Vec<Subject> = istore::officers_of(db, id)
            .await?
            .into_iter()
            .filter_map(|(s, _, _)| Subject::parse(&s).ok())
            .collect();
        leave_rule(
            &officers,
            &subject,
            yingshang_kit::clock::from_unix_ms(row.arrival_ms),
            row.left_ms.is_some(),
            ctx.now,
            &body.result_note,
            &body.follow_up,
        )?;
        if !istore::leave(
            db,
            id,
            now,
            subject.as_str(),
            outcome.as_str(),
            body.result_note.trim(),
            body.follow_up.trim(),
        )
        .await?
        {
            return Err(TxError::from(RuleError::AlreadyLeft));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.inspection.leave",
            format!("checkin-inspection/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "outcome": outcome.as_str() })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        let row = istore::inspection(db, id)
            .await?
            .ok_or(CheckinError::InspectionNotFound)?;
        let officers = istore::officers_of(db, id).await?;
        Ok::<Answer, TxError>(json(ctx, 200, &InspectionView::of(&row, officers)))
    })
    .await
}
