//! Issue item 4: deadlines in working days on every case view, the scheduled sweep
//! accepting by rule what was not decided in time (with the reason in the audit
//! log), warnings for the supervising office, and a deadline in a year the calendar
//! does not know shown as unknown — never guessed, never a 500.

use super::*;
use time::macros::datetime;

#[tokio::test]
async fn the_sweep_accepts_by_rule_what_was_not_decided_in_time() {
    let c = start().await;
    let old = c.file_complaint(ACME).await;
    let fresh = c.file_complaint(BETA).await;
    // Received on Monday 2026-11-02: the decision was due by Thursday 11-05.
    c.received_at(&old, datetime!(2026-11-02 09:00 +08:00))
        .await;

    let report = c.sweep().await;
    assert_eq!(report["auto_accepted"], json!([old.clone()]), "{report}");
    let (_, v) = c.case(&Who::Enterprise(ACME), &old).await;
    assert_eq!(v["case"]["status"], "accepted");
    assert_eq!(v["case"]["decision"]["outcome"], "auto_accepted");
    let decide = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "decide")
        .unwrap();
    assert_eq!(
        decide["due"],
        json!({ "state": "known", "date": "2026-11-05" })
    );
    // Never logged in time: the log step was missed.
    let log = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "log")
        .unwrap();
    assert_eq!(log["status"], "missed");
    let (_, f) = c.case(&Who::Enterprise(BETA), &fresh).await;
    assert_eq!(f["case"]["status"], "received");

    let audit = c.audit_actions(&old).await;
    assert_eq!(
        audit.last().unwrap(),
        &(
            "system:complaints-sweep".to_owned(),
            "complaints.case.auto_accept".to_owned()
        )
    );
    // Why, in the ledger's language, in the audit row's record.
    let db = default_db(&c.app).await;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE subject = $1 AND action = 'complaints.case.auto_accept'",
    )
    .bind(format!("complaints/case/{old}"))
    .fetch_one(&db)
    .await
    .unwrap();
    db.close().await;
    assert_eq!(n, 1);

    // Its answer is overdue (15 working days from 11-02): a warning; a second sweep
    // changes nothing.
    let again = c.sweep().await;
    assert_eq!(again["auto_accepted"], json!([]));
    let overdue = &again["warnings"]["overdue"];
    assert!(
        overdue
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["case"] == old.as_str() && w["kind"] == "reply"),
        "{again}"
    );
    let (s, w) = c.get_as(&Who::Staff(OFFICE), "/warnings").await;
    assert_eq!(s, 200);
    assert_eq!(w["overdue"], *overdue);
    let (s, p) = c.get_as(&Who::Staff(MARKET), "/warnings").await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (403, Some("COMPLAINTS_OFFICE_ONLY"))
    );
    // The sweep is the scheduler's: a user token cannot run it.
    let (s, _) = c.post_as(&Who::Staff(OFFICE), "/sweep", &json!({})).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_deadline_in_an_unknown_year_shows_as_unknown() {
    let c = start().await;
    let (s, v) = c
        .try_file(
            &Who::Enterprise(ACME),
            &filing("online", ACME, "unlawful-fees"),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["case"]["id"].as_str().unwrap().to_owned();
    // Received 2026-12-15: 30 working days run into 2027, which the calendar lacks.
    c.received_at(&id, datetime!(2026-12-15 10:00 +08:00)).await;
    let (s, v) = c.case(&Who::Enterprise(ACME), &id).await;
    assert_eq!(s, 200, "{v}");
    let reply = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "reply")
        .unwrap();
    assert_eq!(
        reply["due"],
        json!({ "state": "unknown", "year": 2027 }),
        "{v}"
    );
    let decide = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "decide")
        .unwrap();
    assert_eq!(
        decide["due"],
        json!({ "state": "known", "date": "2026-12-18" })
    );
    // Lists and the office's warnings answer too.
    assert_eq!(c.ids(&Who::Staff(OFFICE), "").await, [id]);
    assert_eq!(c.get_as(&Who::Staff(OFFICE), "/warnings").await.0, 200);
}
