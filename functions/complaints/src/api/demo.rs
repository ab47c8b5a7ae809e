//! Demo data for `yingshang up`: a handful of cases at different steps of the loop,
//! seeded once (only while the ledger is empty), so the lists, deadlines, warnings
//! and Open311 answer something. Every case goes through the core's own rules
//! (`open_case`, `apply`), each step with its audit row, all in one transaction.

use super::SCOPE_DEMO;
use super::actions::audit_entry;
use super::party::{calendar, catalogue};
use crate::store;
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::complaints::{
    Action, Actor, Assignment, CaseId, Intake, IntakeRequest, Note, ReplyText, Satisfaction, apply,
    open_case,
};
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The demo enterprise of `yingshang dev token --role enterprise`.
const DEMO_ENTERPRISE: &str = "91350100M000100Y43";

/// (channel, category, description, how far along: 0 filed … 3 closed).
const CASES: &[(&str, &str, &str, u8)] = &[
    (
        "qr",
        "tax-policy",
        "小规模纳税人减免政策能否适用于我公司新设分支机构？",
        0,
    ),
    (
        "online",
        "business-registration",
        "办理营业执照变更时被要求重复提交已提交过的材料。",
        1,
    ),
    ("online", "permits", "施工许可审批超过承诺时限仍未办结。", 2),
    ("online", "utilities", "新厂区报装用水三个月未通水。", 3),
];

const DEMO_ACTOR: &str = "agency:bootstrap/demo-data";

/// What loading the demo data answers.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct Seeded {
    /// Cases seeded now (0: the ledger had cases already).
    seeded: usize,
}

/// `POST /demo-data`'s description.
pub const LOAD_DOC: Operation = Operation {
    id: "loadDemoData",
    summary: "Seed demo cases at different steps of the loop (only into an empty ledger)",
    description: "加载演示数据：几件处于不同办理阶段的诉求（仅在台账为空时写入）。",
    caller: Caller::Agency(SCOPE_DEMO),
    replies: &[Reply::json(
        200,
        "How many cases were seeded",
        schema::<Seeded>,
    )],
    ..Operation::NEW
};

/// `POST /demo-data` (agency key `complaints:demo`; a no-op when there are cases).
pub async fn load(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_DEMO).await?;
    let enterprise = CreditCode::parse(DEMO_ENTERPRISE)
        .map_err(|e| ctx.internal("the demo enterprise", e.message_en()))?;
    let seeded = tx::in_transaction(ctx, db, "seeding demo cases", async |db: &Db| {
        if store::count(db).await? > 0 {
            return Ok(0);
        }
        let filer = Actor::Enterprise {
            credit_code: enterprise.clone(),
        };
        for (i, (channel, category, description, steps)) in CASES.iter().enumerate() {
            let at = ctx.now - Duration::minutes(10 * (CASES.len() - i) as i64);
            let request = IntakeRequest {
                channel: (*channel).to_owned(),
                enterprise: DEMO_ENTERPRISE.to_owned(),
                category: (*category).to_owned(),
                description: (*description).to_owned(),
                attachments: Vec::new(),
                received_at: None,
            };
            let intake = Intake::parse(catalogue(), &request)?;
            let id = CaseId::parse(&ulid(at))?;
            let opened = open_case(intake, id, &filer, at)?;
            yingshang_kit::audit::record(ctx, db, &audit_entry(DEMO_ACTOR, &opened.event)).await?;
            let mut state = opened.state;
            for (action, actor) in script(&state.category, *steps)? {
                let t = apply(&state, action, &actor, at, &calendar())?;
                yingshang_kit::audit::record(ctx, db, &audit_entry(DEMO_ACTOR, &t.event)).await?;
                state = t.state;
            }
            store::insert(db, &state, unix_ms(ctx.now)).await?;
        }
        Ok::<usize, TxError>(CASES.len())
    })
    .await?;
    Ok(json(ctx, 200, &serde_json::json!({ "seeded": seeded })))
}

/// The steps a demo case takes: 1 accepted and assigned, 2 also answered, 3 closed.
fn script(
    category: &yingshang_core::complaints::CategoryCode,
    steps: u8,
) -> Result<Vec<(Action, Actor)>, TxError> {
    let lead = catalogue()
        .category_by_code(category)
        .map(|c| c.lead.clone())
        .ok_or_else(|| TxError::Refused(super::error::ComplaintsError::CaseNotFound.into()))?;
    let staff = Actor::Staff {
        department: lead.clone(),
    };
    let mut out = Vec::new();
    if steps >= 1 {
        out.push((Action::Log, Actor::Office));
        out.push((Action::Accept, Actor::Office));
        out.push((
            Action::Assign(Assignment::parse(catalogue(), lead.as_str(), &[])?),
            Actor::Office,
        ));
    }
    if steps >= 2 {
        out.push((
            Action::Reply {
                text: ReplyText::parse("已协调相关科室加快办理，预计五个工作日内办结。")?,
            },
            staff.clone(),
        ));
    }
    if steps >= 3 {
        let credit_code = CreditCode::parse(DEMO_ENTERPRISE)
            .map_err(|_| TxError::Refused(super::error::ComplaintsError::CaseNotFound.into()))?;
        let enterprise = Actor::Enterprise { credit_code };
        out.push((
            Action::Feedback {
                satisfaction: Satisfaction::Satisfied,
                comment: None,
            },
            enterprise,
        ));
        out.push((
            Action::Callback {
                note: Note::parse("电话回访，企业表示满意。")?,
            },
            Actor::Office,
        ));
        out.push((Action::Close, Actor::Office));
    }
    Ok(out)
}
