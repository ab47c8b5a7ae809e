//! The operator dashboard's reads for agency staff tokens: how much of the register
//! the runs cover per district, and the newest re-assessment runs and imports with
//! their progress (the page polls these while a job runs). Who sees which jobs is
//! the core's [`staff_sight`]: a staff member its own agency's, the supervising
//! office every agency's; the coverage is the city's and shown to all staff.

use super::dto::RunView;
use super::error::ValuationError;
use super::import_dto::ImportView;
use crate::store::{self, dashboard, imports as istore};
use serde::Serialize;
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Operation, Param, Reply, schema};
use yingshang_core::query::param;
use yingshang_core::security::Principal;
use yingshang_core::security::authz::{Role, Sight, staff_sight};
use yingshang_core::valuation::coverage::{DistrictCoverage, district_coverage};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Who reads the dashboard.
const STAFF: &[Role] = &[Role::AgencyStaff];
/// Runs and imports listed, each: the newest.
pub const JOBS_LISTED: i64 = 20;

/// The register's coverage by assessments.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CoverageView {
    /// Dwellings registered, all divisions.
    pub registered: u64,
    /// Of those, assessed by some run.
    pub assessed: u64,
    /// Per county-level division: Luoyang's districts in order, then others by code.
    pub districts: Vec<DistrictCoverage>,
}

/// The newest jobs the caller may see.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JobsView {
    /// Re-assessment runs, newest first (at most 20).
    pub runs: Vec<RunView>,
    /// Imports, newest first (at most 20).
    pub imports: Vec<ImportView>,
}

/// The `status` filter of the job list.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum JobStatus {
    /// Runs still running, imports still being staged.
    Running,
    /// Finished runs, applied or rejected imports.
    Finished,
}

/// `GET /dashboard/coverage`'s description.
pub const COVERAGE_DOC: Operation = Operation {
    id: "getDashboardCoverage",
    summary: "Dwellings registered and assessed per district (agency staff)",
    description: "运营看板：各区县登记房屋数与已评估房屋数（机关工作人员）。",
    caller: Caller::Users(STAFF),
    replies: &[Reply::json(
        200,
        "Coverage per district",
        schema::<CoverageView>,
    )],
    ..Operation::NEW
};

/// `GET /dashboard/jobs`'s description.
pub const JOBS_DOC: Operation = Operation {
    id: "listDashboardJobs",
    summary: "The newest re-assessment runs and imports with their progress (agency staff: own agency's; the supervising office: all)",
    description: "运营看板：最近的重新评估任务与导入及其进度；工作人员看本机关的，营商环境办看全部。",
    caller: Caller::Users(STAFF),
    params: &[Param::query(
        "status",
        "`running` or `finished` (default: both). 状态筛选。",
        schema::<JobStatus>,
    )
    .example("running")],
    replies: &[Reply::json(200, "Runs and imports", schema::<JobsView>)],
    problems: &[(400, &["VAL_PARAMETER_INVALID"])],
    ..Operation::NEW
};

async fn staff(ctx: &RequestContext, db: &Db, req: &Request) -> Result<Sight, Failure> {
    let caller: Principal = guard::user(ctx, db, req.headers(), STAFF).await?;
    staff_sight(&caller).map_err(|d| {
        ctx.log_denial(&caller.audit_actor(), d.code());
        d.into()
    })
}

/// `GET /dashboard/coverage`.
pub async fn coverage(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    staff(ctx, db, &req).await?;
    let counts = dashboard::coverage(db)
        .await
        .map_err(|e| ctx.internal("counting coverage", e))?;
    let districts = district_coverage(&counts);
    Ok(json(
        ctx,
        200,
        &CoverageView {
            registered: districts.iter().map(|d| d.registered).sum(),
            assessed: districts.iter().map(|d| d.assessed).sum(),
            districts,
        },
    ))
}

/// `GET /dashboard/jobs?status=running|finished`.
pub async fn jobs(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let sight = staff(ctx, db, &req).await?;
    let (run_status, import_statuses) = match param(req.uri().query(), "status") {
        None => ("", ("", "")),
        Some("running") => ("running", ("received", "")),
        Some("finished") => ("finished", ("applied", "rejected")),
        Some(_) => {
            return Err(ValuationError::InvalidParameter {
                field: "status",
                expected_en: "running or finished",
                expected_zh: "running 或 finished",
            }
            .into());
        }
    };
    // Jobs are created with agency keys: their creator is `agency:<agency>/<key id>`
    // (the core's audit actor; agency ids hold no `%` or `_`).
    let creator_like = match &sight {
        Sight::Everything => String::new(),
        Sight::Agency(a) => format!("agency:{a}/%"),
    };
    let internal = |e| ctx.internal("listing dashboard jobs", e);
    let mut runs = Vec::new();
    for id in dashboard::newest_runs(db, &creator_like, run_status, JOBS_LISTED)
        .await
        .map_err(internal)?
    {
        if let Some(run) = store::runs::run(db, &id).await.map_err(internal)? {
            runs.push(RunView::of(&run, None));
        }
    }
    let mut imports = Vec::new();
    for id in dashboard::newest_imports(db, &creator_like, import_statuses, JOBS_LISTED)
        .await
        .map_err(internal)?
    {
        if let Some(record) = istore::import(db, &id).await.map_err(internal)? {
            imports.push(ImportView::of(&record, ctx.lang));
        }
    }
    Ok(json(ctx, 200, &JobsView { runs, imports }))
}
