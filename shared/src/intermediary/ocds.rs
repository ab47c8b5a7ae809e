//! Open data: each project as OCDS 1.1 releases (Open Contracting Data Standard), one
//! per stage — the tender (with the draw's commitment), the award (the number of
//! tenderers, the winner, the revealed seed), the contract (the dual deadlines as its
//! period and milestones) and its implementation (milestones met or not) — and release
//! packages around them. Built as JSON values from plain inputs; valid against the
//! official 1.1.5 schemas (tested). Amounts are in yuan with two decimals, from fen:
//! exact as JSON numbers for every amount below 2^53 fen, far above any cap here.

use serde_json::{Value, json};

/// The scheme of our item classification in OCDS (an open codelist value).
pub const ITEM_SCHEME: &str = "X-YINGSHANG-INTERMEDIARY";
/// The organisation identifier scheme of credit codes (org-id.guide).
pub const ORG_SCHEME: &str = "CN-USCC";

/// The stage a release publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The notice (and, after a close without award, the round's end).
    Tender,
    /// The award.
    Award,
    /// The contract.
    Contract,
    /// Delivery: the milestones met or not.
    Implementation,
}

impl Stage {
    /// The release tag.
    pub fn tag(self) -> &'static str {
        match self {
            Stage::Tender => "tender",
            Stage::Award => "award",
            Stage::Contract => "contract",
            Stage::Implementation => "implementation",
        }
    }
}

/// Whether an ocid prefix has the registered shape: `ocds-` and six letters or
/// digits, then a hyphen.
pub fn prefix_ok(prefix: &str) -> bool {
    let b = prefix.as_bytes();
    b.len() == 12
        && prefix.starts_with("ocds-")
        && b[5..11].iter().all(u8::is_ascii_alphanumeric)
        && b[11] == b'-'
}

/// What a release says of a project at its stage.
#[derive(Debug, Clone)]
pub struct ProjectFacts<'a> {
    /// The ocid.
    pub ocid: &'a str,
    /// The project id.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The owner's id and name.
    pub owner: (&'a str, &'a str),
    /// The item's code and name.
    pub item: (&'a str, &'a str),
    /// The budget cap in fen.
    pub cap_fen: i64,
    /// `direct`, `random_draw` or `scoring`.
    pub method: &'a str,
    /// The round.
    pub round: i64,
    /// The bid deadline (RFC 3339).
    pub bid_deadline: &'a str,
    /// The round's commitment.
    pub commitment: &'a str,
    /// The seed, once revealed.
    pub seed: Option<&'a str>,
    /// `open`, `failed`, `choosing`, … .
    pub status: &'a str,
    /// Bids received in the round.
    pub tenderers: usize,
    /// The winner's credit code and name, and the price in fen.
    pub award: Option<(&'a str, &'a str, i64)>,
    /// When it was awarded (RFC 3339).
    pub awarded_at: Option<&'a str>,
    /// The signing day, the contractual and statutory deadlines (YYYY-MM-DD).
    pub contract: Option<(&'a str, &'a str, &'a str)>,
    /// The delivery day.
    pub delivered_on: Option<&'a str>,
}

fn amount(fen: i64) -> Value {
    let text = format!("{}.{:02}", fen / 100, (fen % 100).abs());
    json!(text.parse::<f64>().unwrap_or_default())
}

fn cny(fen: i64) -> Value {
    json!({ "amount": amount(fen), "currency": "CNY" })
}

/// A day as an OCDS date-time (midnight, China Standard Time).
fn day(d: &str) -> String {
    format!("{d}T00:00:00+08:00")
}

fn org(id: &str, name: &str, roles: &[&str]) -> Value {
    json!({ "id": id, "name": name, "roles": roles })
}

/// The release of `stage`, dated `date` (RFC 3339), numbered `n` within the project.
pub fn release(f: &ProjectFacts<'_>, stage: Stage, date: &str, n: usize) -> Value {
    let procurement_method = match f.method {
        "direct" => "direct",
        _ => "open",
    };
    let tender_status = match (stage, f.status) {
        (Stage::Tender, "open") => "active",
        (Stage::Tender, "failed") => "unsuccessful",
        _ => "complete",
    };
    let mut rationale = format!(
        "第 {} 轮。随机抽取的种子承诺（SHA-256）：{}。",
        f.round, f.commitment
    );
    if let Some(seed) = f.seed {
        rationale.push_str(&format!("公布的种子：{seed}。"));
    }
    let mut parties = vec![org(f.owner.0, f.owner.1, &["buyer", "procuringEntity"])];
    let mut r = json!({
        "ocid": f.ocid,
        "id": format!("{}-{}-{n}", f.ocid, stage.tag()),
        "date": date,
        "tag": [stage.tag()],
        "initiationType": "tender",
        "language": "zh",
        "buyer": { "id": f.owner.0, "name": f.owner.1 },
        "tender": {
            "id": format!("{}-r{}", f.id, f.round),
            "title": f.title,
            "status": tender_status,
            "items": [{
                "id": "1",
                "description": f.item.1,
                "classification": { "scheme": ITEM_SCHEME, "id": f.item.0, "description": f.item.1 },
                "quantity": 1
            }],
            "value": cny(f.cap_fen),
            "procurementMethod": procurement_method,
            "procurementMethodDetails": f.method,
            "procurementMethodRationale": rationale,
            "tenderPeriod": { "endDate": f.bid_deadline },
            "numberOfTenderers": f.tenderers,
        },
    });
    if let (Some((code, name, price)), true) = (f.award, stage != Stage::Tender) {
        let supplier = format!("{ORG_SCHEME}-{code}");
        parties.push(json!({
            "id": supplier, "name": name, "roles": ["supplier", "tenderer"],
            "identifier": { "scheme": ORG_SCHEME, "id": code, "legalName": name },
        }));
        r["awards"] = json!([{
            "id": format!("{}-award", f.id),
            "title": f.title,
            "status": "active",
            "date": f.awarded_at,
            "value": cny(price),
            "suppliers": [{ "id": supplier, "name": name }],
        }]);
        if let Some((signed, contractual, statutory)) = f.contract {
            let met = |due: &str| match f.delivered_on {
                Some(d) if d <= due => ("met", Some(day(d))),
                Some(_) => ("notMet", None),
                None => ("scheduled", None),
            };
            let milestone = |id: &str, title: &str, due: &str| {
                let (status, date_met) = met(due);
                json!({ "id": id, "title": title, "type": "delivery", "dueDate": day(due), "status": status, "dateMet": date_met })
            };
            let mut contract = json!({
                "id": format!("{}-contract", f.id),
                "awardID": format!("{}-award", f.id),
                "title": f.title,
                "status": if f.delivered_on.is_some() { "terminated" } else { "active" },
                "period": { "startDate": day(signed), "endDate": day(contractual) },
                "value": cny(price),
                "dateSigned": day(signed),
                "milestones": [
                    milestone("contractual", "合同约定时限", contractual),
                    milestone("statutory", "法定时限", statutory),
                ],
            });
            if stage == Stage::Implementation {
                contract["implementation"] = json!({
                    "milestones": [
                        milestone("delivery-contractual", "成果交付（合同约定时限）", contractual),
                        milestone("delivery-statutory", "成果交付（法定时限）", statutory),
                    ]
                });
            }
            r["contracts"] = json!([contract]);
        }
    }
    r["parties"] = Value::Array(parties);
    r
}

/// A release package of `releases`.
pub fn package(uri: &str, published: &str, publisher: &str, releases: Vec<Value>) -> Value {
    json!({
        "uri": uri,
        "version": "1.1",
        "publishedDate": published,
        "publisher": { "name": publisher },
        "releases": releases,
    })
}

#[cfg(test)]
#[path = "ocds_tests.rs"]
mod tests;
