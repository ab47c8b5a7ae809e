//! Demo data for `yingshang up`, seeded once (only while the register is empty): 200
//! Jiyuan enterprises from the core's deterministic register plus the tax function's
//! demo enterprises (so their landing shows matched policies), two agencies with
//! published items, caps and a campaign, their officers (and the demo agency of the
//! development sign-in, whose `dev-officer` can scan), and an open survey.

use super::SCOPE_DEMO;
use crate::store::{self, register as rstore, surveys as sstore};
use spin_sdk::http::Request;
use time::macros::date;
use yingshang_core::checkin::register::{Enterprise, demo_register};
use yingshang_core::checkin::{AgencyRules, Campaign, InspectionItem, Officer};
use yingshang_core::openapi::{Caller, Operation, Reply, schema};
use yingshang_core::security::Subject;
use yingshang_core::security::credit_code::CreditCode;
use yingshang_core::security::demo_users::{DEMO_AGENCY, DEMO_SECOND_OFFICER, demo_subject};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{TxError, in_transaction};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Jiyuan enterprises from the demo register.
const DEMO_ENTERPRISES: usize = 200;

/// The tax function's demo enterprises (functions/tax/demo/enterprises.json), plus
/// the demo enterprise of `yingshang dev token --role enterprise`.
const CHAINED: &[(&str, &str, &str, &str)] = &[
    (
        "91411502MA4000000H",
        "信阳市浉河区豫南新材料有限公司",
        "411502",
        "C1371",
    ),
    (
        "91411503MA40000000",
        "信阳市平桥区茶都软件科技有限公司",
        "411503",
        "I6513",
    ),
    (
        "92411502MA4000000E",
        "信阳市浉河区老街副食店",
        "411502",
        "F5221",
    ),
    (
        "91350100M000100Y43",
        "福州榕城商贸有限公司（豫分公司）",
        "350100",
        "F5199",
    ),
];

fn item(code: &str, name: &str, basis: &str) -> InspectionItem {
    InspectionItem {
        code: code.to_owned(),
        name_zh: name.to_owned(),
        legal_basis_zh: basis.to_owned(),
    }
}

fn officer(sub: &str, name: &str, cert: &str) -> Officer {
    Officer {
        subject: Subject::parse(sub).expect("demo subjects are valid"),
        name_zh: name.to_owned(),
        certificate_number: cert.to_owned(),
        valid_from: date!(2024 - 01 - 01),
        valid_until: date!(2028 - 12 - 31),
    }
}

/// The demo agencies, their rules and officers.
fn agencies() -> Vec<(&'static str, AgencyRules, Vec<Officer>)> {
    vec![
        (
            "jy-market",
            AgencyRules {
                name_zh: "济源市市场监督管理局".into(),
                routine_cap_per_year: 2,
                items: vec![
                    item(
                        "SC-FOOD-01",
                        "食品生产经营监督检查",
                        "《中华人民共和国食品安全法》第一百一十条",
                    ),
                    item(
                        "SC-SPEC-02",
                        "特种设备安全监督检查",
                        "《中华人民共和国特种设备安全法》第五十七条",
                    ),
                    item(
                        "SC-PRICE-03",
                        "价格行为监督检查",
                        "《中华人民共和国价格法》第三十四条",
                    ),
                ],
                campaigns: vec![Campaign {
                    id: "2026-winter-food".into(),
                    name_zh: "2026 年冬季食品安全专项检查".into(),
                    quota_per_enterprise: 1,
                    from: date!(2026 - 11 - 01),
                    until: date!(2027 - 02 - 28),
                }],
            },
            vec![
                officer("officer-zhang", "张伟", "41900120230001"),
                officer("officer-li", "李娜", "41900120230002"),
                officer("officer-wang", "王强", "41900120230003"),
            ],
        ),
        // The agency of the web pages' demo officer (`dev-officer` of `ly-tax`, the
        // development sign-in's default), with a second officer to pair with.
        (
            DEMO_AGENCY,
            AgencyRules {
                name_zh: "洛阳市税务局".into(),
                routine_cap_per_year: 2,
                items: vec![item(
                    "SW-JC-01",
                    "税务检查",
                    "《中华人民共和国税收征收管理法》第五十四条",
                )],
                campaigns: Vec::new(),
            },
            vec![
                officer(&demo_subject("officer"), "演示执法人员", "41030020260001"),
                officer(DEMO_SECOND_OFFICER, "陈静", "41030020260002"),
            ],
        ),
        (
            "jy-fire",
            AgencyRules {
                name_zh: "济源市消防救援支队".into(),
                routine_cap_per_year: 1,
                items: vec![item(
                    "XF-01",
                    "消防安全检查",
                    "《中华人民共和国消防法》第五十三条",
                )],
                campaigns: Vec::new(),
            },
            vec![
                officer("fire-zhao", "赵磊", "41900120240011"),
                officer("fire-sun", "孙敏", "41900120240012"),
            ],
        ),
    ]
}

/// What `POST /demo-data` answers.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct Seeded {
    /// Enterprises added to the register (0 when it was not empty).
    enterprises: usize,
}

/// `POST /demo-data`'s description.
pub const LOAD_DOC: Operation = Operation {
    id: "loadDemoData",
    summary: "Seed the demo register, agencies, officers and a survey (once)",
    description: "加载演示数据：企业名录、两个机关的检查事项与执法人员、一份问卷（名录非空时不变）。",
    caller: Caller::Agency(SCOPE_DEMO),
    replies: &[Reply::json(
        200,
        "Seeded, or already there",
        schema::<Seeded>,
    )],
    ..Operation::NEW
};

/// `POST /demo-data` (agency key `checkin:demo`; a no-op when the register is not empty).
pub async fn load(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    guard::agency(ctx, db, req.headers(), SCOPE_DEMO).await?;
    let mut register = demo_register(DEMO_ENTERPRISES);
    for (code, name, division, industry) in CHAINED {
        register.push(Enterprise {
            credit_code: CreditCode::parse(code)
                .map_err(|e| ctx.internal("a demo enterprise", e.message_en()))?,
            name: (*name).to_owned(),
            address: "河南省".to_owned() + name,
            division_code: (*division).to_owned(),
            industry_code: (*industry).to_owned(),
        });
    }
    let now = unix_ms(ctx.now);
    let seeded = in_transaction(ctx, db, "seeding check-in demo data", async |db: &Db| {
        if rstore::count(db).await? > 0 {
            return Ok::<usize, TxError>(0);
        }
        for e in &register {
            rstore::upsert(db, e, None, now).await?;
        }
        for (agency, rules, officers) in agencies() {
            store::put_agency(db, agency, &rules, "agency:bootstrap/demo-data", now).await?;
            for o in &officers {
                store::put_officer(db, agency, o, now).await?;
            }
        }
        let survey = sstore::Survey {
            id: ulid(ctx.now),
            agency: "jy-market".into(),
            title: "2026 年涉企检查满意度调查".into(),
            questions: vec![
                sstore::Question {
                    text: "今年以来，执法人员入企检查前是否都已扫码？".into(),
                    choices: vec!["都已扫码".into(), "部分未扫码".into(), "均未扫码".into()],
                },
                sstore::Question {
                    text: "您对入企检查频次的感受".into(),
                    choices: vec![
                        "减少明显".into(),
                        "略有减少".into(),
                        "没有变化".into(),
                        "有所增加".into(),
                    ],
                },
            ],
            industry_prefix: String::new(),
            division_prefix: String::new(),
            opens_ms: now,
            closes_ms: now + 90 * 24 * 3600 * 1000,
        };
        sstore::insert(db, &survey, now).await?;
        Ok(register.len())
    })
    .await?;
    Ok(json(
        ctx,
        200,
        &Seeded {
            enterprises: seeded,
        },
    ))
}
