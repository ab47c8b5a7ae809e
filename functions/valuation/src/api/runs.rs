//! Re-assessment of a whole city (or one district) after new base prices: a run is
//! created, then processed chunk by chunk (keyset on unit code, so each call is short
//! and bounded), results upserted into `assessments`. Processing a chunk twice gives
//! the same rows; a finished run stays finished; progress is counted by the request
//! that moves the cursor over a chunk. A run may be cut into lanes (ranges of its
//! unit codes of about equal size, each with its own cursor: `next?lane=K`), so that
//! several callers process one run at once; runs of different districts cover
//! disjoint dwellings too, so a driver may also process them side by side.

use super::SCOPE_IMPORT;
use super::dto::{CreateRunRequest, RunView, parse_date};
use super::error::ValuationError;
use crate::store::runs::{self, ChunkDone, LaneRecord};
use crate::store::{self, ChunkRange, RUN_FINISHED, RunRecord};
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::query::{count, param};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::valuation::lanes::{DEFAULT_LANES, first_open_lane, lane_sizes, lanes_allowed};
use yingshang_core::valuation::{
    AssessError, BasePrices, assess_many, default_assessment_date, select_table, unit_code_prefix,
};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Dwellings per `next` call by default: well inside one request's time limit.
pub const DEFAULT_CHUNK: i64 = 1_000;
/// The most dwellings one `next` call may process: about half a second of work at
/// Luoyang scale (results are written [`store::UPSERT_BATCH`] rows per statement),
/// far inside the request time limit and the instance's memory.
pub const MAX_CHUNK: i64 = 10_000;

async fn agency(ctx: &RequestContext, db: &Db, req: &Request) -> Result<Principal, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_IMPORT).await?;
    Ok(caller)
}

async fn load_run(ctx: &RequestContext, db: &Db, id: &str) -> Result<RunRecord, Failure> {
    if !is_ulid(id) {
        return Err(ValuationError::RunNotFound.into());
    }
    runs::run(db, id)
        .await
        .map_err(|e| ctx.internal("loading a run", e))?
        .ok_or_else(|| ValuationError::RunNotFound.into())
}

/// `POST /reassessments`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createReassessment",
    summary: "Start a re-assessment run over a city's or county's dwellings",
    description: "对一个市或县的全部登记房屋发起重新评估任务（分块执行）。",
    caller: Caller::Agency(SCOPE_IMPORT),
    body: Content::Json(schema::<CreateRunRequest>),
    body_example: Some(r#"{"city_code": "410300", "assessed_on": "2025-06-30", "lanes": 2}"#),
    idempotent: true,
    replies: &[Reply::json(
        201,
        "The run, not yet started",
        schema::<RunView>,
    )],
    problems: &[
        (
            400,
            &[
                "VAL_CITY_CODE_INVALID",
                "VAL_DATE_INVALID",
                "VAL_PARAMETER_INVALID",
            ],
        ),
        (
            422,
            &["VAL_NO_COEFFICIENT_TABLE", "VAL_TABLE_NOT_YET_EFFECTIVE"],
        ),
    ],
    links: &[
        Link {
            status: 201,
            name: "GetRun",
            operation_id: "getReassessment",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 201,
            name: "NextChunk",
            operation_id: "runReassessmentChunk",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// `GET /reassessments/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getReassessment",
    summary: "A re-assessment run and its progress",
    description: "查询重新评估任务及其进度。",
    caller: Caller::Agency(SCOPE_IMPORT),
    params: &[Param::path(
        "id",
        "The run's id (a ULID). 任务编号。",
        schema::<String>,
    )],
    replies: &[Reply::json(200, "The run", schema::<RunView>)],
    problems: &[(404, &["VAL_RUN_NOT_FOUND"])],
    ..Operation::NEW
};

/// `POST /reassessments/{id}/next`'s description.
pub const NEXT_DOC: Operation = Operation {
    id: "runReassessmentChunk",
    summary: "Process the next chunk of a run",
    description: "执行重新评估任务（或其一个分段）的下一块；分段或任务完成后再调用不再处理。",
    caller: Caller::Agency(SCOPE_IMPORT),
    params: &[
        Param::path("id", "The run's id (a ULID). 任务编号。", schema::<String>),
        Param::query(
            "limit",
            "Dwellings to process, 1-10000 (default 1000). 本次处理户数。",
            schema::<u32>,
        ),
        Param::query(
            "lane",
            "The lane to process (from 0 to the run's `lanes` less one; default the first \
             unfinished one, so callers working at once must each name their own). 分段编号。",
            schema::<u32>,
        ),
    ],
    replies: &[Reply::json(
        200,
        "The run, with `processed_now`",
        schema::<RunView>,
    )],
    problems: &[
        (400, &["VAL_PARAMETER_INVALID"]),
        (404, &["VAL_RUN_NOT_FOUND"]),
    ],
    links: &[Link {
        status: 200,
        name: "GetRun",
        operation_id: "getReassessment",
        parameters: &[("id", "$response.body#/id")],
    }],
    ..Operation::NEW
};

/// `POST /reassessments`: creates a run for a city on a date (Idempotency-Key honoured).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = agency(ctx, db, &req).await?;
    let path = yingshang_kit::context::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: CreateRunRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => Some(claim),
        Begin::Unkeyed => None,
    };
    let answer = match create_run(ctx, db, &caller, &request, claim.as_ref()).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    if let Some(claim) = claim {
        claim.finish(ctx, db, &answer).await?;
    }
    Ok(answer)
}

async fn create_run(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    request: &CreateRunRequest,
    claim: Option<&Claim>,
) -> Result<Answer, Failure> {
    let city = request.city_code.as_str();
    if city.len() != 6 || !city.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValuationError::InvalidCityCode.into());
    }
    let lanes = request.lanes.unwrap_or(DEFAULT_LANES);
    if !lanes_allowed(lanes) {
        return Err(ValuationError::InvalidParameter {
            field: "/lanes",
            expected_en: "a whole number from 1 to 16",
            expected_zh: "1 至 16 的整数",
        }
        .into());
    }
    let on = match &request.assessed_on {
        Some(text) => parse_date("/assessed_on", text)?,
        None => default_assessment_date(ctx.now),
    };
    let tables = store::tables_for(db, city)
        .await
        .map_err(|e| ctx.internal("loading coefficient tables", e))?;
    let table = select_table(&tables, city, on).ok_or_else(|| ValuationError::NoTable {
        division: city.to_owned(),
    })?;
    if on < table.effective_from() {
        return Err(ValuationError::Assess(AssessError::TableNotYetEffective {
            on,
            effective_from: table.effective_from(),
        })
        .into());
    }
    let prefix = unit_code_prefix(city);
    let total = store::count_dwellings_with_prefix(db, prefix)
        .await
        .map_err(|e| ctx.internal("counting dwellings", e))?;
    let ends = runs::lane_ends(db, prefix, &lane_sizes(total, lanes))
        .await
        .map_err(|e| ctx.internal("cutting a run into lanes", e))?;
    let now = unix_ms(ctx.now);
    let run = RunRecord {
        id: ulid(ctx.now),
        city_code: city.to_owned(),
        unit_prefix: prefix.to_owned(),
        assessed_on: store::iso(on),
        table_version: table.version().to_owned(),
        status: store::RUN_RUNNING.to_owned(),
        total,
        created_by: caller.audit_actor(),
        created_at: now,
        updated_at: now,
        finished_at: None,
        processed: 0,
        failed: 0,
        lanes: runs::lane_records(&ends),
    };
    let after = serde_json::json!({
        "id": run.id, "city_code": run.city_code, "assessed_on": run.assessed_on,
        "table_version": run.table_version, "total": run.total, "lanes": run.lanes.len(),
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "valuation.reassessment.create",
        format!("reassessment/{}", run.id),
        ctx.now,
        None,
        Some(&after),
    );
    let answer = json(ctx, 201, &RunView::of(&run, None));
    tx::in_transaction(ctx, db, "creating a run", async |db: &Db| {
        runs::insert_run(db, &run).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        if let Some(claim) = claim {
            claim.store(db, &answer).await?;
        }
        Ok(())
    })
    .await?;
    Ok(answer)
}

/// `GET /reassessments/{id}`: the run and its progress.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    agency(ctx, db, &req).await?;
    let run = load_run(ctx, db, id).await?;
    Ok(json(ctx, 200, &RunView::of(&run, None)))
}

/// The lane `?lane=` names (a number below the run's lanes), or without it the first
/// unfinished lane; `None` when the run has none left.
fn chosen_lane<'r>(
    query: Option<&str>,
    run: &'r RunRecord,
) -> Result<Option<&'r LaneRecord>, Failure> {
    let Some(text) = param(query, "lane") else {
        return Ok(
            first_open_lane(run.lanes.iter().map(LaneRecord::finished)).map(|i| &run.lanes[i])
        );
    };
    let lane = text.parse::<usize>().ok().and_then(|i| run.lanes.get(i));
    lane.map(Some).ok_or_else(|| {
        ValuationError::InvalidParameter {
            field: "lane",
            expected_en: "one of the run's lanes, from 0",
            expected_zh: "本任务的分段编号（从 0 起）",
        }
        .into()
    })
}

/// `POST /reassessments/{id}/next?limit=N&lane=K`: processes the next chunk of a
/// run's lane (the first unfinished one when `lane` is not given).
pub async fn next(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    agency(ctx, db, &req).await?;
    let limit = count(req.uri().query(), "limit", DEFAULT_CHUNK, MAX_CHUNK)
        .map_err(ValuationError::from)?;
    let run = load_run(ctx, db, id).await?;
    let lane = chosen_lane(req.uri().query(), &run)?;
    let Some(lane) = lane.filter(|l| !l.finished() && run.status != RUN_FINISHED) else {
        return Ok(json(ctx, 200, &RunView::of(&run, Some(0))));
    };
    let on = parse_date("assessed_on", &run.assessed_on)
        .map_err(|e| ctx.internal("reading a run's date", format!("{e:?}")))?;
    let table = store::table(db, &run.table_version)
        .await
        .map_err(|e| ctx.internal("loading the run's table", e))?
        .ok_or_else(|| ctx.internal("loading the run's table", "table is gone"))?;
    let upper = lane.upper(&run.unit_prefix);
    let chunk = ChunkRange {
        prefix: &run.unit_prefix,
        after: &lane.last_unit,
        upper: &upper,
        limit,
    };
    let dwellings = store::dwellings_in(db, &chunk)
        .await
        .map_err(|e| ctx.internal("loading a chunk", e))?;
    let prices = store::base_prices_in(db, &chunk)
        .await
        .map_err(|e| ctx.internal("loading a chunk's base prices", e))?;
    let prices = BasePrices::new(prices).map_err(|e| ctx.internal("indexing base prices", e))?;
    let results = assess_many(&dwellings, &prices, &table, on);
    let failed = results.iter().filter(|r| r.is_err()).count() as i64;
    let to = dwellings
        .last()
        .map_or_else(|| lane.last_unit.clone(), |d| d.unit_code().to_string());
    let done = ChunkDone {
        run_id: &run.id,
        lane: lane.lane,
        moved: (&lane.last_unit, &to),
        finished: (dwellings.len() as i64) < limit,
        counts: (dwellings.len() as i64, failed),
    };
    let now = ctx.now;
    tx::in_transaction(
        ctx,
        db,
        "storing a chunk",
        async |db: &Db| -> Result<bool, TxError> {
            store::upsert_assessments(db, &run.id, &dwellings, &results, on, table.version(), now)
                .await?;
            if !dwellings.is_empty() {
                store::note_assessed(db, &run.id, done.moved.0, done.moved.1).await?;
            }
            // Another request may have moved the cursor already: the rows written are the
            // same, so the work stands either way.
            Ok(runs::advance_lane(db, &done, now).await?)
        },
    )
    .await?;
    let run = load_run(ctx, db, id).await?;
    Ok(json(ctx, 200, &RunView::of(&run, Some(dwellings.len()))))
}
