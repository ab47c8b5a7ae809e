//! The marketplace's flow as its users see it: registration and qualification, a
//! notice with its commitment, bids, a draw anyone recomputes, contract, delivery to
//! the approval system, evaluation, reminders, cards and the triple sanction.

use super::*;
use sha2::{Digest, Sha256};

pub(super) const UNTIL: &str = "2028-12-31";

/// Agencies 1..=n qualified for the item; the owner is enterprise 900.
pub(super) async fn market_with(n: usize) -> (Market, String, String, Vec<String>, String) {
    let m = start().await;
    let (item, qualification) = m.simple_item().await;
    let mut agencies = Vec::new();
    for i in 1..=n {
        agencies.push(m.qualified_agency(i, &qualification, UNTIL).await);
    }
    let owner = agency_code(900);
    (m, item, qualification, agencies, owner)
}

pub(super) async fn bid(m: &Market, agency: &str, project: &str, yuan: i64) -> (StatusCode, Value) {
    m.post_as(
        &Who::Enterprise(agency.to_owned()),
        &format!("/projects/{project}/bids"),
        &json!({ "price_fen": yuan * 100, "proposal": "项目组 6 人，15 个工作日完成现场调查与报告编制。" }),
    )
    .await
}

/// The documented draw, recomputed here from the published data alone.
fn recompute(seed_hex: &str, bidders: &[String]) -> String {
    let seed = hex_decode(seed_hex);
    let mut sorted = bidders.to_vec();
    sorted.sort();
    let mut h = Sha256::new();
    h.update(&seed);
    h.update(b"\n");
    h.update(sorted.join("\n").as_bytes());
    let d = h.finalize();
    let n = u128::from_be_bytes(d[..16].try_into().unwrap()) % sorted.len() as u128;
    sorted[n as usize].clone()
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_random_draw_is_recomputed_from_the_published_data_alone() {
    let (m, item, qualification, agencies, owner) = market_with(3).await;
    // An agency whose qualification is still pending, and one of another kind.
    let pending = agency_code(5);
    let (s, _) = m
        .post_as(&Who::Enterprise(pending.clone()), "/providers", &json!({
            "name": "郑州待审评估有限公司", "phone": "13800009999",
            "qualifications": [{ "qualification": qualification, "certificate": "C-5", "valid_until": UNTIL }],
        }))
        .await;
    assert_eq!(s, 201);
    let p = m
        .publish(&owner, &item, json!({ "method": "random_draw" }))
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    let commitment = p["commitment"].as_str().unwrap().to_owned();
    assert_eq!(commitment.len(), 64);
    assert_eq!(
        p["seed"],
        Value::Null,
        "the seed stays secret until the close"
    );
    assert!(p["ocid"].as_str().unwrap().starts_with("ocds-ysmkt1-"));

    for (a, yuan) in agencies.iter().zip([420_000, 380_000, 450_000]) {
        let (s, b) = bid(&m, a, &id, yuan).await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, p1) = bid(&m, &pending, &id, 300_000).await;
    assert_eq!(
        (s, p1["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_NOT_QUALIFIED"))
    );
    let (s, p1) = bid(&m, &agencies[0], &id, 400_000).await;
    assert_eq!(
        (s, p1["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_ALREADY_BID"))
    );
    let fourth = m.qualified_agency(4, &qualification, UNTIL).await;
    let (s, p1) = bid(&m, &fourth, &id, 500_001).await;
    assert_eq!(
        (s, p1["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("INTERMEDIARY_PRICE_INVALID")
        )
    );
    // Until the close an agency sees its own bid only; the owner sees none.
    let (s, mine) = m
        .get_as(
            &Who::Enterprise(agencies[1].clone()),
            &format!("/projects/{id}/bids"),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(mine["bids"].as_array().unwrap().len(), 1);
    assert_eq!(mine["bids"][0]["provider"], agencies[1].as_str());
    let (_, owners) = m
        .get_as(
            &Who::Enterprise(owner.clone()),
            &format!("/projects/{id}/bids"),
        )
        .await;
    assert_eq!(owners["bids"].as_array().unwrap().len(), 0);
    // Not before the deadline.
    let (s, p1) = m
        .post_as(
            &Who::Enterprise(owner.clone()),
            &format!("/projects/{id}/close"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (s, p1["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_WRONG_STATE"))
    );

    m.pass_deadline(&id).await;
    let (s, swept) = m.post_as(&Who::Schedule, "/sweep", &json!({})).await;
    assert_eq!(s, 200, "{swept}");
    assert_eq!(swept["closed"], json!([id]));
    let (_, closed) = m.get_as(&Who::Anonymous, &format!("/projects/{id}")).await;
    assert_eq!(closed["status"], "awarded", "{closed}");
    // Anyone: the seed opens the commitment, and the algorithm names the winner.
    let seed = closed["seed"].as_str().unwrap();
    assert_eq!(hex(&Sha256::digest(hex_decode(seed))), commitment);
    let bidders: Vec<String> = closed["valid_bidders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().to_owned())
        .collect();
    let mut expected = agencies.clone();
    expected.sort();
    assert_eq!(bidders, expected);
    assert_eq!(
        closed["winner"].as_str().unwrap(),
        recompute(seed, &bidders)
    );
    // After the close the bidders see every price, proposals stay the owner's.
    let (_, all) = m
        .get_as(
            &Who::Enterprise(agencies[1].clone()),
            &format!("/projects/{id}/bids"),
        )
        .await;
    assert_eq!(all["bids"].as_array().unwrap().len(), 3);
    assert!(
        all["bids"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["provider"] != agencies[1].as_str())
            .all(|b| b["proposal"].is_null())
    );
    let (_, owners) = m
        .get_as(
            &Who::Enterprise(owner.clone()),
            &format!("/projects/{id}/bids"),
        )
        .await;
    assert!(
        owners["bids"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["proposal"].is_string())
    );
}

/// A project awarded to one of three agencies by draw: (market, project id, winner, owner).
pub(super) async fn awarded() -> (Market, String, String, String) {
    let (m, item, _, agencies, owner) = market_with(3).await;
    let p = m
        .publish(&owner, &item, json!({ "method": "random_draw" }))
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    for a in &agencies {
        assert_eq!(bid(&m, a, &id, 400_000).await.0, 201);
    }
    m.pass_deadline(&id).await;
    let (s, closed) = m
        .post_as(
            &Who::Enterprise(owner.clone()),
            &format!("/projects/{id}/close"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{closed}");
    let winner = closed["winner"].as_str().unwrap().to_owned();
    (m, id, winner, owner)
}

pub(super) fn today() -> String {
    (OffsetDateTime::now_utc() + time::Duration::hours(8))
        .date()
        .to_string()
}

#[tokio::test]
async fn contract_delivery_and_evaluation_reach_both_sides_and_the_approval_system() {
    let (m, id, winner, owner) = awarded().await;
    let me = Who::Enterprise(owner.clone());
    let (s, p) = m
        .post_as(
            &Who::Enterprise(winner.clone()),
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_NOT_OWNER"))
    );
    let (s, contracted) = m
        .post_as(
            &me,
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() }),
        )
        .await;
    assert_eq!(s, 200, "{contracted}");
    assert_eq!(contracted["status"], "contracted");
    let statutory = contracted["statutory_due"].as_str().unwrap().to_owned();
    let contractual = contracted["contractual_due"].as_str().unwrap().to_owned();
    assert!(contractual <= statutory, "{contractual} {statutory}");
    let (s, p) = m
        .post_as(
            &me,
            &format!("/projects/{id}/delivery"),
            &json!({ "delivered_on": today(), "summary": "x" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INTERMEDIARY_NOT_WINNER"))
    );
    let (s, delivered) = m
        .post_as(&Who::Enterprise(winner.clone()), &format!("/projects/{id}/delivery"), &json!({ "delivered_on": today(), "summary": "环境影响报告书（报批稿）已提交，结论：项目环境可行。" }))
        .await;
    assert_eq!(s, 200, "{delivered}");
    let (s, sent) = m
        .post_as(&Who::Schedule, "/notifications/dispatch", &json!({}))
        .await;
    assert_eq!(s, 200, "{sent}");
    assert!(sent["delivered"].as_array().unwrap().len() >= 5, "{sent}");
    assert_eq!(
        m.count("SELECT COUNT(*) FROM dev_approval_results").await,
        1
    );
    let db = default_db(&m.app).await;
    let (result,): (String,) = sqlx::query_as("SELECT body FROM dev_approval_results")
        .fetch_one(&db)
        .await
        .unwrap();
    let texts: Vec<(String,)> = sqlx::query_as("SELECT body FROM dev_sms_messages")
        .fetch_all(&db)
        .await
        .unwrap();
    db.close().await;
    let result: Value = serde_json::from_str(&result).unwrap();
    assert_eq!(result["project"], id.as_str());
    assert_eq!(result["agency"], winner.as_str());
    assert!(
        texts.iter().any(|(t,)| t.contains(&contractual)),
        "a contract SMS names the deadline"
    );
    // Dispatching again sends nothing twice.
    let (_, again) = m
        .post_as(&Who::Schedule, "/notifications/dispatch", &json!({}))
        .await;
    assert_eq!(again["delivered"].as_array().unwrap().len(), 0);

    // A low score reverses the burden of proof: the agency must answer with evidence.
    let (s, e) = m
        .post_as(
            &me,
            &format!("/projects/{id}/evaluation"),
            &json!({ "quality": 30, "attitude": 40, "fees": 50 }),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["score"]["timeliness"], 100, "delivered on time");
    assert_eq!(e["score"]["total"], 55);
    assert_eq!(e["score"]["stars"], 1);
    assert_eq!(e["score"]["burden_reversed"], true);
    assert!(e["evaluation"]["evidence_due"].is_string());
    let (s, p) = m
        .post_as(
            &me,
            &format!("/projects/{id}/evaluation"),
            &json!({ "quality": 90, "attitude": 90, "fees": 90 }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_WRONG_STATE"))
    );
    let (s, ev) = m.post_as(&Who::Enterprise(winner.clone()), &format!("/projects/{id}/evidence"), &json!({ "evidence": "现场调查记录与监测数据见附件，质量问题系业主资料延迟提供所致。" })).await;
    assert_eq!(s, 200, "{ev}");
    let (s, p) = m
        .post_as(
            &Who::Enterprise(winner.clone()),
            &format!("/projects/{id}/evidence"),
            &json!({ "evidence": "again" }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("INTERMEDIARY_NO_EVIDENCE_DUE"))
    );
    let (_, profile) = m
        .get_as(&Who::Anonymous, &format!("/providers/{winner}"))
        .await;
    assert_eq!(profile["rating"], 55);
    assert_eq!(profile["stars"], 1);
    assert_eq!(profile["card"], "orange");
}

#[tokio::test]
async fn reminders_before_each_deadline_go_out_once_and_overdue_work_is_flagged() {
    let (m, id, _winner, owner) = awarded().await;
    let (s, _) = m
        .post_as(
            &Who::Enterprise(owner),
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() }),
        )
        .await;
    assert_eq!(s, 200);
    let in_three = ((OffsetDateTime::now_utc() + time::Duration::hours(8)).date()
        + time::Duration::days(3))
    .to_string();
    let db = default_db(&m.app).await;
    sqlx::query("UPDATE intermediary_projects SET contractual_due = $1 WHERE id = $2")
        .bind(&in_three)
        .bind(&id)
        .execute(&db)
        .await
        .unwrap();
    let (s, swept) = m.post_as(&Who::Schedule, "/sweep", &json!({})).await;
    assert_eq!(s, 200, "{swept}");
    assert_eq!(swept["reminders"], 1, "{swept}");
    let (_, again) = m.post_as(&Who::Schedule, "/sweep", &json!({})).await;
    assert_eq!(again["reminders"], 0, "nothing twice");
    let yesterday = ((OffsetDateTime::now_utc() + time::Duration::hours(8)).date()
        - time::Duration::days(1))
    .to_string();
    sqlx::query("UPDATE intermediary_projects SET contractual_due = $1 WHERE id = $2")
        .bind(&yesterday)
        .bind(&id)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let (_, late) = m.post_as(&Who::Schedule, "/sweep", &json!({})).await;
    assert_eq!(
        late["overdue"],
        json!([format!("{id}:contractual")]),
        "{late}"
    );
    let (_, sent) = m
        .post_as(&Who::Schedule, "/notifications/dispatch", &json!({}))
        .await;
    assert!(!sent["delivered"].as_array().unwrap().is_empty());
    let db = default_db(&m.app).await;
    let texts: Vec<(String,)> = sqlx::query_as("SELECT body FROM dev_sms_messages")
        .fetch_all(&db)
        .await
        .unwrap();
    db.close().await;
    assert!(
        texts.iter().any(|(t,)| t.contains(&in_three)),
        "the reminder names the deadline"
    );
}

#[tokio::test]
async fn too_few_bids_fail_the_round_and_it_is_announced_again_then_direct_and_scoring_select() {
    let (m, item, _, agencies, owner) = market_with(3).await;
    let me = Who::Enterprise(owner.clone());
    let p = m
        .publish(&owner, &item, json!({ "method": "random_draw" }))
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    for a in &agencies[..2] {
        assert_eq!(bid(&m, a, &id, 300_000).await.0, 201);
    }
    m.pass_deadline(&id).await;
    let (_, failed) = m
        .post_as(&me, &format!("/projects/{id}/close"), &json!({}))
        .await;
    assert_eq!(failed["status"], "failed", "a draw needs three: {failed}");
    let first_commitment = p["commitment"].clone();
    let deadline = (OffsetDateTime::now_utc() + time::Duration::days(3))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (s, again) = m
        .post_as(
            &me,
            &format!("/projects/{id}/reannounce"),
            &json!({ "bid_deadline": deadline }),
        )
        .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["round"], 2);
    assert_ne!(
        again["commitment"], first_commitment,
        "a new round, a new seed"
    );
    // The earlier round's bids do not carry over.
    assert_eq!(bid(&m, &agencies[0], &id, 300_000).await.0, 201);

    let direct = m
        .publish(&owner, &item, json!({ "method": "direct" }))
        .await;
    let did = direct["id"].as_str().unwrap().to_owned();
    for a in &agencies[..2] {
        assert_eq!(bid(&m, a, &did, 350_000).await.0, 201);
    }
    m.pass_deadline(&did).await;
    let (_, choosing) = m
        .post_as(&me, &format!("/projects/{did}/close"), &json!({}))
        .await;
    assert_eq!(choosing["status"], "choosing");
    let (s, p2) = m
        .post_as(
            &me,
            &format!("/projects/{did}/choice"),
            &json!({ "provider": agencies[2] }),
        )
        .await;
    assert_eq!(
        (s, p2["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("INTERMEDIARY_SELECTION_INVALID")
        )
    );
    let (s, chosen) = m
        .post_as(
            &me,
            &format!("/projects/{did}/choice"),
            &json!({ "provider": agencies[1] }),
        )
        .await;
    assert_eq!(s, 200, "{chosen}");
    assert_eq!(chosen["winner"], agencies[1].as_str());

    let scoring = m
        .publish(
            &owner,
            &item,
            json!({ "method": "scoring", "price_weight": 40 }),
        )
        .await;
    let sid = scoring["id"].as_str().unwrap().to_owned();
    assert_eq!(bid(&m, &agencies[0], &sid, 100_000).await.0, 201);
    assert_eq!(bid(&m, &agencies[1], &sid, 80_000).await.0, 201);
    m.pass_deadline(&sid).await;
    let (_, scoring_now) = m
        .post_as(&me, &format!("/projects/{sid}/close"), &json!({}))
        .await;
    assert_eq!(scoring_now["status"], "scoring");
    let scores = json!({ "scores": { agencies[0].clone(): 90, agencies[1].clone(): 70 } });
    let (s, scored) = m
        .post_as(&me, &format!("/projects/{sid}/scores"), &scores)
        .await;
    assert_eq!(s, 200, "{scored}");
    // 40 % price: a 0.4×80 + 0.6×90 = 86.00, b 0.4×100 + 0.6×70 = 82.00.
    assert_eq!(scored["winner"], agencies[0].as_str());
    assert_eq!(scored["score_centi"], 8600);
}
