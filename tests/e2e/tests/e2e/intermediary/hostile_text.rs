//! Free texts that PostgreSQL's text columns cannot hold (a NUL) are refused as the
//! field they are, on every backend, never a server error.

use super::flow::{awarded, bid, market_with, today};
use super::*;

/// Free texts with a NUL (JSON `\u0000`): PostgreSQL's text columns refuse it, so each
/// was a 500 there. Each is refused as the field it is, on every backend.
const NUL_TEXT: &str = "报告已交付\u{0}";

async fn assert_field_refused(r: (StatusCode, Value), field: &str) {
    let (s, body) = r;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["code"], "INTERMEDIARY_FIELD_INVALID");
    assert_eq!(body["errors"][0]["pointer"], format!("/{field}"));
}

#[tokio::test]
async fn a_proposal_with_a_nul_is_refused_not_a_server_error() {
    let (m, item, _, agencies, owner) = market_with(1).await;
    let p = m
        .publish(&owner, &item, json!({ "method": "random_draw" }))
        .await;
    let id = p["id"].as_str().unwrap();
    let r = m
        .post_as(
            &Who::Enterprise(agencies[0].clone()),
            &format!("/projects/{id}/bids"),
            &json!({ "price_fen": 100_000, "proposal": NUL_TEXT }),
        )
        .await;
    assert_field_refused(r, "proposal").await;
    // A proposal over several lines is still a proposal.
    let (s, b) = m
        .post_as(
            &Who::Enterprise(agencies[0].clone()),
            &format!("/projects/{id}/bids"),
            &json!({ "price_fen": 100_000, "proposal": "项目组 6 人。\n\t15 个工作日完成。" }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn a_delivery_summary_or_evidence_with_a_nul_is_refused_not_a_server_error() {
    let (m, id, winner, owner) = awarded().await;
    let (s, _) = m
        .post_as(
            &Who::Enterprise(owner.clone()),
            &format!("/projects/{id}/contract"),
            &json!({ "signed_on": today() }),
        )
        .await;
    assert_eq!(s, 200);
    let agency = Who::Enterprise(winner.clone());
    let path = format!("/projects/{id}/delivery");
    let r = m
        .post_as(
            &agency,
            &path,
            &json!({ "delivered_on": today(), "summary": NUL_TEXT }),
        )
        .await;
    assert_field_refused(r, "summary").await;
    let (s, _) = m
        .post_as(
            &agency,
            &path,
            &json!({ "delivered_on": today(), "summary": "报告已交付。" }),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = m
        .post_as(
            &Who::Enterprise(owner),
            &format!("/projects/{id}/evaluation"),
            &json!({ "quality": 20, "attitude": 20, "fees": 20 }),
        )
        .await;
    assert_eq!(s, 201);
    let r = m
        .post_as(
            &agency,
            &format!("/projects/{id}/evidence"),
            &json!({ "evidence": NUL_TEXT }),
        )
        .await;
    assert_field_refused(r, "evidence").await;
}

#[tokio::test]
async fn proposal_scores_keyed_by_anything_but_a_credit_code_are_refused_not_a_server_error() {
    let (m, item, _, agencies, owner) = market_with(2).await;
    let p = m
        .publish(
            &owner,
            &item,
            json!({ "method": "scoring", "price_weight": 40 }),
        )
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    for a in &agencies {
        assert_eq!(bid(&m, a, &id, 100_000).await.0, 201);
    }
    m.pass_deadline(&id).await;
    let me = Who::Enterprise(owner);
    let (_, closed) = m
        .post_as(&me, &format!("/projects/{id}/close"), &json!({}))
        .await;
    assert_eq!(closed["status"], "scoring", "{closed}");
    let r = m
        .post_as(
            &me,
            &format!("/projects/{id}/scores"),
            &json!({ "scores": { "\u{0}": 50 } }),
        )
        .await;
    assert_field_refused(r, "scores").await;
}
