//! Demo data for `yingshang up`, seeded once (only while there are no agencies): four
//! intermediary agencies with approved qualifications, and an open notice of the demo
//! enterprise's for an environmental impact assessment, drawn at random.

use super::SCOPE_DEMO;
use super::ocds::{Stage, publish};
use crate::store::projects::{self as prstore, Project};
use crate::store::providers as pstore;
use schemars::JsonSchema;
use serde::Serialize;
use spin_sdk::http::Request;
use time::Duration;
use yingshang_core::intermediary::Commitment;
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::credit_code::CreditCode;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::{random_bytes, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The demo agencies: (first 17 characters of the credit code, name, phone).
const AGENCIES: &[(&str, &str, &str)] = &[
    (
        "91410100MA0000001",
        "河南中原环境科技有限公司",
        "13800000001",
    ),
    (
        "91410100MA0000002",
        "郑州绿源环保咨询有限公司",
        "13800000002",
    ),
    (
        "91410100MA0000003",
        "河南天测地理信息有限公司",
        "13800000003",
    ),
    (
        "91410100MA0000004",
        "郑州港区工程测绘有限公司",
        "13800000004",
    ),
];

/// The demo owner: the enterprise of the tax and check-in demos.
const OWNER: &str = "91411502MA4000000H";

/// What the demo load did.
#[derive(Debug, Serialize, JsonSchema)]
struct DemoView {
    /// Agencies seeded: 4 the first time, 0 once there are agencies.
    agencies: usize,
}

/// `POST /demo-data`'s description.
pub const LOAD_DOC: Operation = Operation {
    id: "loadDemoData",
    summary: "Seed the demo: four qualified agencies and an open notice (only while there are no agencies)",
    description: "加载演示数据：四家已审核资质的中介机构和一个随机抽取的环评项目公告（仅在尚无机构时执行，幂等）。",
    caller: Caller::Agency(SCOPE_DEMO),
    replies: &[Reply::json(200, "What was seeded", schema::<DemoView>)],
    ..Operation::NEW
};

/// `POST /demo-data` (agency key `intermediary:demo`).
pub async fn load(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_DEMO).await?;
    let now = unix_ms(ctx.now);
    let seed = random_bytes(32);
    let id = ulid(ctx.now);
    let project = Project {
        ocid: format!("{}{id}", super::config::ocid_prefix().await),
        id,
        owner: format!("enterprise:{OWNER}"),
        owner_name: "信阳市浉河区豫南新材料有限公司".into(),
        owner_phone: "13900000001".into(),
        title: "新材料产业园二期项目环境影响评价".into(),
        item: "AP-01".into(),
        budget_cap_fen: 48_000_000,
        method: "random_draw".into(),
        price_weight: None,
        statutory_working_days: 20,
        contractual_days: 15,
        round: 1,
        bid_deadline_ms: unix_ms(ctx.now + Duration::days(2)),
        commitment: Commitment::to(&seed).0,
        seed: hex::encode(&seed),
        status: "open".into(),
        winner: None,
        award_price_fen: None,
        score_centi: None,
        valid_bidders: None,
        signed_on: None,
        statutory_due: None,
        contractual_due: None,
        delivered_on: None,
        result_summary: None,
        published_ms: now,
        closed_ms: None,
        awarded_ms: None,
    };
    let seeded = in_transaction(ctx, db, "seeding the marketplace demo", async |db: &Db| {
        if !pstore::providers(db, 1).await?.is_empty() {
            return Ok::<usize, TxError>(0);
        }
        for (i, (first17, name, phone)) in AGENCIES.iter().enumerate() {
            let code = CreditCode::complete(first17).ok_or_else(|| {
                TxError::Db(yingshang_kit::db::corrupt("a demo credit code", first17))
            })?;
            pstore::insert_provider(db, code.as_str(), name, phone, now).await?;
            let qualification = if i < 2 {
                "env-assessment"
            } else {
                "surveying-mapping"
            };
            pstore::put_qualification(
                db,
                code.as_str(),
                qualification,
                &format!("DEMO-{}", i + 1),
                "2028-12-31",
            )
            .await?;
            pstore::decide(
                db,
                code.as_str(),
                qualification,
                true,
                None,
                "agency:bootstrap/demo-data",
                now,
            )
            .await?;
        }
        prstore::insert(db, &project, now).await?;
        publish(ctx, db, &project, Stage::Tender, 0).await?;
        Ok(AGENCIES.len())
    })
    .await?;
    Ok(json(ctx, 200, &DemoView { agencies: seeded }))
}
