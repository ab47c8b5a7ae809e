//! Reading inspections and the enterprise's side: an enterprise sees every inspection
//! of itself, rates one after the check-out, complains about one (a complaints case by
//! service chaining), and reports officers who entered without scanning (a case for the
//! discipline office). Officers and staff see their agency's inspections, the justice
//! bureau all; anyone else learns nothing (404).

use super::SCOPE_AGENCY;
use super::chain;
use super::dto::{ComplaintBody, InspectionView, NoScanBody, RatingBody};
use super::error::CheckinError;
use super::scans::INSPECTION_ID;
use super::who::{ENTERPRISE_ROLES, VIEWER_ROLES, Viewer, enterprise_user, viewer};
use crate::store::inspections::{self as istore, InspectionRow, Scope};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::checkin::RuleError;
use yingshang_core::checkin::inspection::{MAX_NOTE, rate as rate_rule};
use yingshang_core::openapi::{Caller, Content, In, Link, Operation, Param, Reply, schema};
use yingshang_core::query::param;
use yingshang_core::security::AgencyId;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::context::header;
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The complaints category of a complaint about an inspection.
pub const CATEGORY_ENFORCEMENT: &str = "enforcement";
/// The complaints category of entry without a scan (the discipline office leads it).
pub const CATEGORY_NO_SCAN: &str = "enforcement-without-scan";
/// Default and largest page.
const PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

fn may_see(viewer: &Viewer, row: &InspectionRow) -> bool {
    match viewer {
        Viewer::Enterprise(cc) => row.enterprise == cc.as_str(),
        Viewer::Agency(a) => row.agency == a.as_str(),
        Viewer::Justice => true,
    }
}

async fn visible(
    ctx: &RequestContext,
    db: &Db,
    viewer: &Viewer,
    id: &str,
) -> Result<InspectionRow, Failure> {
    if !is_ulid(id) {
        return Err(CheckinError::InspectionNotFound.into());
    }
    istore::inspection(db, id)
        .await
        .map_err(|e| ctx.internal("loading an inspection", e))?
        .filter(|r| may_see(viewer, r))
        .ok_or_else(|| CheckinError::InspectionNotFound.into())
}

async fn view(
    ctx: &RequestContext,
    db: &Db,
    row: &InspectionRow,
) -> Result<InspectionView, Failure> {
    let officers = istore::officers_of(db, &row.id)
        .await
        .map_err(|e| ctx.internal("loading officers", e))?;
    Ok(InspectionView::of(row, officers))
}

/// A page of inspections, newest arrival first.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Page {
    /// The inspections.
    inspections: Vec<InspectionView>,
    /// The next page's path, if there is one.
    next: Option<String>,
}

/// `GET /inspections`'s description.
pub const LIST_DOC: Operation = Operation {
    id: "listInspections",
    summary: "Inspections the caller may see, newest first",
    description: "查询入企检查记录：企业看本企业的，执法人员、机关工作人员和机关系统看本机关的，司法局看全部。",
    caller: Caller::UsersOrAgency(VIEWER_ROLES, SCOPE_AGENCY),
    params: &[
        Param::query(
            "enterprise",
            "Only this enterprise's (credit code; agencies and the justice bureau). 企业统一社会信用代码。",
            schema::<String>,
        )
        .example("91411502MA4000000H"),
        Param::query("limit", "Page size, 1-200 (default 50). 每页条数。", schema::<u32>)
            .example("50"),
        Param::query(
            "before",
            "The last id of the previous page (a ULID). 上一页最后一条的编号。",
            schema::<String>,
        ),
    ],
    replies: &[Reply::json(200, "A page", schema::<Page>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (403, &["CHECKIN_OFFICERS_ONLY"]),
        (404, &["CHECKIN_INSPECTION_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `GET /inspections/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getInspection",
    summary: "One inspection, with its officers, outcome and rating",
    description: "查询一次入企检查：执法人员及执法证、检查事项与依据、离企结果、企业评价与投诉。",
    caller: Caller::UsersOrAgency(VIEWER_ROLES, SCOPE_AGENCY),
    params: &[INSPECTION_ID],
    replies: &[Reply::json(200, "The inspection", schema::<InspectionView>)],
    problems: &[
        (403, &["CHECKIN_OFFICERS_ONLY"]),
        (404, &["CHECKIN_INSPECTION_NOT_FOUND"]),
    ],
    ..Operation::NEW
};

/// `POST /inspections/{id}/rating`'s description.
pub const RATE_DOC: Operation = Operation {
    id: "rateInspection",
    summary: "The enterprise inspected rates the inspection after the check-out, once",
    description: "企业对离企后的检查进行评价（1–5 星），每次检查一次。",
    caller: Caller::Users(ENTERPRISE_ROLES),
    params: &[INSPECTION_ID],
    body: Content::Json(schema::<RatingBody>),
    body_example: Some(r#"{"stars": 5, "comment": "执法规范，未影响经营"}"#),
    replies: &[Reply::json(200, "Rated", schema::<InspectionView>)],
    problems: &[
        (404, &["CHECKIN_INSPECTION_NOT_FOUND"]),
        (
            409,
            &["CHECKIN_RATING_BEFORE_LEAVING", "CHECKIN_ALREADY_RATED"],
        ),
        (422, &["CHECKIN_FIELD_INVALID"]),
    ],
    ..Operation::NEW
};

/// What the complaints function's refusal of a chained case can answer (its status
/// passed on).
const REFUSED: &[(u16, &[&str])] = &[
    (400, &["CHECKIN_COMPLAINT_REFUSED"]),
    (403, &["CHECKIN_COMPLAINT_REFUSED"]),
    (409, &["CHECKIN_COMPLAINT_REFUSED"]),
    (422, &["CHECKIN_COMPLAINT_REFUSED"]),
    (429, &["CHECKIN_COMPLAINT_REFUSED"]),
    (503, &["CHECKIN_COMPLAINTS_UNAVAILABLE"]),
];

/// `POST /inspections/{id}/complaint`'s description.
pub const COMPLAIN_DOC: Operation = Operation {
    id: "complainAboutInspection",
    summary: "The enterprise inspected complains about the inspection (a complaints case)",
    description: "企业就一次检查提出投诉：在诉求平台立案（enforcement 类），每次检查一次。",
    caller: Caller::Users(ENTERPRISE_ROLES),
    params: &[INSPECTION_ID],
    body: Content::Json(schema::<ComplaintBody>),
    body_example: Some(r#"{"description": "检查人员未出示执法证，检查持续一整天影响营业。"}"#),
    replies: &[Reply::json(
        201,
        "The case filed; the inspection names it",
        schema::<InspectionView>,
    )],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (404, &["CHECKIN_INSPECTION_NOT_FOUND"]),
        (409, &["CHECKIN_ALREADY_COMPLAINED"]),
    ],
    problem_tables: &[REFUSED],
    links: &[Link {
        status: 201,
        name: "GetInspection",
        operation_id: "getInspection",
        parameters: &[("id", "$response.body#/id")],
    }],
    ..Operation::NEW
};

/// `POST /no-scan-reports`'s description.
pub const NO_SCAN_DOC: Operation = Operation {
    id: "reportEntryWithoutScan",
    summary: "An enterprise reports officers who entered without scanning (a case for the discipline office)",
    description: "企业举报执法人员未扫码入企：在诉求平台立案（enforcement-without-scan 类，纪检监察部门牵头），计入月度统计。\
                  须带 Idempotency-Key，重试不重复立案。",
    caller: Caller::Users(ENTERPRISE_ROLES),
    params: &[Param {
        name: "Idempotency-Key",
        location: In::Header,
        required: true,
        description: "Required: a retry with the same key files no second case. 幂等键（必填）。",
        schema: idempotency_key,
        example: Some("no-scan-2026-11-02-01"),
    }],
    body: Content::Json(schema::<NoScanBody>),
    body_example: Some(
        r#"{"agency": "jy-market", "occurred_on": "2026-11-02",
            "description": "两名执法人员未扫码即进入车间检查。"}"#,
    ),
    replies: &[Reply::json(201, "Reported", schema::<NoScanAnswer>)],
    problems: &[(
        400,
        &["CHECKIN_FIELD_INVALID", "CHECKIN_IDEMPOTENCY_KEY_REQUIRED"],
    )],
    problem_tables: &[REFUSED],
    ..Operation::NEW
};

/// The `Idempotency-Key` `POST /no-scan-reports` requires.
fn idempotency_key(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[\\x21-\\x7e]+$"
    })
}

/// `GET /inspections?enterprise=&limit=&before=<id>`.
pub async fn list(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (_, viewer) = viewer(ctx, db, req.headers()).await?;
    let query = req.uri().query();
    let limit = match param(query, "limit") {
        None => PAGE,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or(CheckinError::Field {
                field: "limit",
                zh: "须为 1–200 的整数",
                en: "must be an integer 1–200",
            })?,
    };
    let enterprise = match param(query, "enterprise") {
        None => None,
        Some(t) => Some(CreditCode::parse(t).map_err(|_| CheckinError::Field {
            field: "enterprise",
            zh: "须为 18 位统一社会信用代码",
            en: "must be an 18-character unified social credit code",
        })?),
    };
    let before = match param(query, "before") {
        None => None,
        Some(id) => Some(visible(ctx, db, &viewer, id).await?),
    };
    let ent = enterprise.as_ref().map(CreditCode::as_str);
    let scope = match &viewer {
        Viewer::Enterprise(cc) => Scope::Enterprise(cc.as_str()),
        Viewer::Agency(a) => Scope::Agency(a.as_str(), ent),
        Viewer::Justice => Scope::All(ent),
    };
    let rows = istore::list(
        db,
        scope,
        before.as_ref().map(|r| (r.arrival_ms, r.id.as_str())),
        limit + 1,
    )
    .await
    .map_err(|e| ctx.internal("listing inspections", e))?;
    let more = rows.len() as i64 > limit;
    let mut inspections = Vec::new();
    for row in rows.iter().take(limit as usize) {
        inspections.push(view(ctx, db, row).await?);
    }
    let next = more
        .then(|| {
            inspections
                .last()
                .map(|v| format!("/api/checkin/inspections?limit={limit}&before={}", v.id))
        })
        .flatten();
    Ok(json(ctx, 200, &Page { inspections, next }))
}

/// `GET /inspections/{id}`.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (_, viewer) = viewer(ctx, db, req.headers()).await?;
    let row = visible(ctx, db, &viewer, id).await?;
    Ok(json(ctx, 200, &view(ctx, db, &row).await?))
}

/// `POST /inspections/{id}/rating`: the enterprise inspected rates it, once.
pub async fn rate(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, cc) = enterprise_user(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let body: RatingBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let viewer = Viewer::Enterprise(cc);
    if !is_ulid(id) {
        return Err(CheckinError::InspectionNotFound.into());
    }
    let now = unix_ms(ctx.now);
    in_transaction(ctx, db, "rating an inspection", async |db: &Db| {
        let row = istore::inspection(db, id)
            .await?
            .filter(|r| may_see(&viewer, r))
            .ok_or(CheckinError::InspectionNotFound)?;
        rate_rule(
            body.stars,
            &body.comment,
            row.left_ms.is_some(),
            row.rating_stars.is_some(),
        )?;
        if !istore::rate(db, id, body.stars, body.comment.trim(), now).await? {
            return Err(TxError::from(RuleError::AlreadyRated));
        }
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.inspection.rate",
            format!("checkin-inspection/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "stars": body.stars })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    let row = visible(ctx, db, &viewer, id).await?;
    Ok(json(ctx, 200, &view(ctx, db, &row).await?))
}

fn description(text: &str) -> Result<String, Failure> {
    let t = text.trim();
    let n = t.chars().count();
    if !(5..=MAX_NOTE).contains(&n) || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CheckinError::Field {
            field: "description",
            zh: "须为 5–500 字，不含控制字符",
            en: "must be 5–500 characters without control characters",
        }
        .into());
    }
    Ok(t.to_owned())
}

/// `POST /inspections/{id}/complaint`: a complaints case about the inspection, filed
/// as the enterprise (its token forwarded), once per inspection.
pub async fn complain(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (caller, cc) = enterprise_user(ctx, db, req.headers()).await?;
    let authorization = header(req.headers(), "authorization")
        .unwrap_or_default()
        .to_owned();
    let (parts, body) = req.into_parts();
    let body: ComplaintBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let text = description(&body.description)?;
    let viewer = Viewer::Enterprise(cc.clone());
    let row = visible(ctx, db, &viewer, id).await?;
    if row.complaint_case.is_some() {
        return Err(CheckinError::AlreadyComplained.into());
    }
    let full = format!(
        "【入企检查投诉】检查编号 {id}，机关 {}，事项 {}（{}），到达 {}。{text}",
        row.agency,
        row.item,
        row.item_name,
        yingshang_kit::clock::rfc3339(yingshang_kit::clock::from_unix_ms(row.arrival_ms)),
    );
    // One key per inspection: a retry after a lost answer finds the same case.
    let key = format!("checkin-inspection-{id}");
    let case = chain::file_case(
        ctx,
        &authorization,
        &key,
        cc.as_str(),
        CATEGORY_ENFORCEMENT,
        &full,
    )
    .await?;
    in_transaction(ctx, db, "linking a complaint", async |db: &Db| {
        istore::set_complaint(db, id, &case).await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.inspection.complain",
            format!("checkin-inspection/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "case": case })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<(), TxError>(())
    })
    .await?;
    let row = visible(ctx, db, &viewer, id).await?;
    Ok(json(ctx, 201, &view(ctx, db, &row).await?))
}

/// A no-scan report as recorded.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NoScanAnswer {
    id: String,
    agency: String,
    occurred_on: String,
    case: String,
}

/// `POST /no-scan-reports` (Idempotency-Key required): officers of an agency entered
/// without scanning; a case for the discipline office, counted in the statistics.
pub async fn no_scan(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let (caller, cc) = enterprise_user(ctx, db, req.headers()).await?;
    let authorization = header(req.headers(), "authorization")
        .unwrap_or_default()
        .to_owned();
    let key = header(req.headers(), "idempotency-key")
        .map(str::to_owned)
        .ok_or(CheckinError::IdempotencyKeyRequired)?;
    if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CheckinError::IdempotencyKeyRequired.into());
    }
    let (parts, body) = req.into_parts();
    let body: NoScanBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let agency = AgencyId::parse(&body.agency).map_err(|_| CheckinError::Field {
        field: "agency",
        zh: "须为机关代码",
        en: "must be an agency id",
    })?;
    let day = body.occurred_on.date();
    let today = yingshang_core::calendar::local_date(ctx.now);
    if day > today || (today - day).whole_days() > 365 {
        return Err(CheckinError::Field {
            field: "occurred_on",
            zh: "须为一年内、不晚于今天的日期",
            en: "must be a day within the last year, not after today",
        }
        .into());
    }
    let text = description(&body.description)?;
    let occurred = yingshang_core::calendar::iso(day);
    let full = format!(
        "【未扫码入企举报】{occurred}，{} 的执法人员未扫码即入企检查。{text}",
        agency.as_str()
    );
    // The enterprise's key, scoped to this route, reaches the complaints function:
    // a retry files no second case.
    let chained_key = format!("checkin-no-scan-{}-{key}", cc.as_str());
    let case = chain::file_case(
        ctx,
        &authorization,
        &chained_key,
        cc.as_str(),
        CATEGORY_NO_SCAN,
        &full,
    )
    .await?;
    let id = ulid(ctx.now);
    let now = unix_ms(ctx.now);
    let inserted = in_transaction(ctx, db, "recording a no-scan report", async |db: &Db| {
        // The same case again (a retried request): the report exists already.
        let existing = db
            .query_one(
                "SELECT id FROM checkin_no_scan_reports WHERE case_id = $1",
                vec![yingshang_kit::db::text(case.as_str())],
            )
            .await?;
        if let Some(row) = existing {
            return Ok::<String, TxError>(row.text(0)?);
        }
        istore::insert_no_scan(
            db,
            &istore::NoScanReport {
                id: &id,
                enterprise: cc.as_str(),
                agency: agency.as_str(),
                occurred_on: &occurred,
                description: &text,
                case_id: &case,
                reported_by: &caller.audit_actor(),
                at_ms: now,
            },
        )
        .await?;
        let entry = AuditEntry::new(
            caller.audit_actor(),
            "checkin.no_scan.report",
            format!("checkin-no-scan/{id}"),
            ctx.now,
            None,
            Some(&serde_json::json!({ "agency": agency.as_str(), "case": case })),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(id.clone())
    })
    .await?;
    Ok(json(
        ctx,
        201,
        &NoScanAnswer {
            id: inserted,
            agency: agency.as_str().to_owned(),
            occurred_on: occurred,
            case,
        },
    ))
}
