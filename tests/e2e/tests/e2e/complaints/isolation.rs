//! Issue item 5: an enterprise sees only its own cases, a department those it leads
//! or co-handles, the supervising office all; nobody reads or changes another's
//! case; lists page with limit/cursor and filter by status.

use super::*;

const JUSTICE: &str = "justice-bureau";

#[tokio::test]
async fn no_caller_reads_or_changes_another_parties_case() {
    let c = start().await;
    let (acme, beta) = (Who::Enterprise(ACME), Who::Enterprise(BETA));
    let (market, tax, justice) = (Who::Staff(MARKET), Who::Staff(TAX), Who::Staff(JUSTICE));
    let office = Who::Staff(OFFICE);
    let a = c.file_complaint(ACME).await;
    let b = c.file_complaint(BETA).await;
    for id in [&a, &b] {
        c.must(&office, id, json!({ "action": "log" })).await;
        c.accept(&office, id).await;
    }
    c.assign(&a, MARKET, &[TAX]).await;
    c.assign(&b, JUSTICE, &[]).await;

    // Enterprises: their own only.
    assert_eq!(c.ids(&acme, "").await, vec![a.clone()]);
    assert_eq!(c.ids(&beta, "").await, vec![b.clone()]);
    let (s, p) = c.case(&acme, &b).await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (404, Some("COMPLAINTS_CASE_NOT_FOUND"))
    );
    let (s, _) = c
        .act(
            &acme,
            &b,
            json!({ "action": "feedback", "satisfaction": "not_satisfied" }),
        )
        .await;
    assert_eq!(s, 404);

    // Departments: lead or co-handler.
    assert_eq!(c.ids(&market, "").await, vec![a.clone()]);
    assert_eq!(c.ids(&tax, "").await, vec![a.clone()]);
    assert_eq!(c.ids(&justice, "").await, vec![b.clone()]);
    assert_eq!(c.case(&market, &b).await.0, 404);
    assert_eq!(c.case(&justice, &a).await.0, 404);
    let (s, _) = c
        .act(
            &market,
            &b,
            json!({ "action": "reply", "text": "越权答复。" }),
        )
        .await;
    assert_eq!(s, 404);
    let (_, v) = c.case(&justice, &b).await;
    assert_eq!(v["case"]["status"], "assigned");
    assert_eq!(
        v["available_actions"],
        json!(["transfer", "respond", "reply", "tag"])
    );

    // The office sees all, newest first; the bootstrap key acts as the office.
    assert_eq!(c.ids(&office, "").await, [b.clone(), a.clone()]);
    assert_eq!(c.ids(&Who::Bootstrap, "").await, [b.clone(), a.clone()]);
    // A citizen and a staff token of no department take no part.
    assert_eq!(c.get_as(&Who::Citizen, "/cases").await.0, 403);
    let (s, p) = c.get_as(&Who::Staff("no-such-dept"), "/cases").await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("COMPLAINTS_NOT_A_DEPARTMENT"))
    );
    // And no token at all: 401.
    let r = c.app.client.get(c.url("/cases")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn lists_page_by_cursor_and_filter_by_status() {
    let c = start().await;
    let office = Who::Staff(OFFICE);
    let mut filed = Vec::new();
    for _ in 0..5 {
        filed.push(c.file_complaint(ACME).await);
    }
    c.must(&office, &filed[1], json!({ "action": "log" })).await;
    filed.reverse(); // newest first

    let mut seen = Vec::new();
    let mut path = "/cases?limit=2".to_owned();
    loop {
        let (s, v) = c.get_as(&office, &path).await;
        assert_eq!(s, 200, "{v}");
        let page: Vec<String> = v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(page.len() <= 2);
        seen.extend(page);
        match v["next_cursor"].as_str() {
            Some(cursor) => path = format!("/cases?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, filed);
    assert_eq!(c.ids(&office, "?status=logged").await, [filed[3].clone()]);
    assert_eq!(
        c.ids(&Who::Enterprise(ACME), "?status=received&limit=100")
            .await
            .len(),
        4
    );
    let (s, p) = c.get_as(&office, "/cases?cursor=nonsense").await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/cursor"))
    );
}
