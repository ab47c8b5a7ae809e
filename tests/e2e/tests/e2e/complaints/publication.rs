//! Issue items 6 and 7: a closed, tagged case published as a typical case
//! (anonymised, public, no enterprise data), suggested to the office once enough
//! closed cases share its key, and the office's monthly analysis as JSON and as CSV
//! with a UTF-8 BOM.

use super::*;

#[tokio::test]
async fn a_typical_case_is_published_anonymised_and_listed_publicly() {
    let c = start().await;
    let office = Who::Staff(OFFICE);
    let id = c.file_complaint(ACME).await;
    let publish = json!({
        "summary": format!("企业（统一社会信用代码 {ACME}）办理营业执照变更时被要求重复提交材料。"),
        "solution": "窗口实行一次性告知，材料清单在网上公开。",
    });
    // Not closed yet: refused.
    let (s, p) = c
        .post_as(&office, &format!("/cases/{id}/typical"), &publish)
        .await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (409, Some("COMPLAINTS_TYPICAL_NOT_CLOSED")),
        "{p}"
    );
    c.close_case(&id, "repeat-documents").await;
    // Only the office publishes.
    let (s, _) = c
        .post_as(
            &Who::Staff(MARKET),
            &format!("/cases/{id}/typical"),
            &publish,
        )
        .await;
    assert_eq!(s, 403);
    let (s, v) = c
        .post_as(&office, &format!("/cases/{id}/typical"), &publish)
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, p) = c
        .post_as(&office, &format!("/cases/{id}/typical"), &publish)
        .await;
    assert_eq!(
        (s.as_u16(), p["code"].as_str()),
        (409, Some("COMPLAINTS_TYPICAL_ALREADY_PUBLISHED"))
    );

    // Public, without a credential, and without the enterprise.
    let r = c.app.client.get(c.url("/typical")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.contains(ACME) && !text.contains(&id), "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    let t = &list["typical_cases"][0];
    assert_eq!(t["problem_key"], "repeat-documents");
    assert_eq!(t["category"], "business-registration");
    assert!(
        t["summary"]
            .as_str()
            .unwrap()
            .contains("[统一社会信用代码已隐去]"),
        "{t}"
    );
    assert_eq!(list["typical_cases"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_monthly_analysis_as_json_and_csv() {
    let c = start().await;
    let office = Who::Staff(OFFICE);
    let closed = c.file_complaint(ACME).await;
    c.close_case(&closed, "repeat-documents").await;
    c.file_complaint(BETA).await;
    let month = OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    let month = format!("{:04}-{:02}", month.year(), u8::from(month.month()));

    let (s, v) = c
        .get_as(&office, &format!("/analysis/monthly?month={month}"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["month"], month.as_str());
    assert_eq!(v["total"]["figures"]["received"], 2);
    assert_eq!(v["total"]["figures"]["closed"], 1);
    assert_eq!(v["by_department"][0]["code"], MARKET);

    for (query, accept) in [
        (format!("?month={month}&format=csv"), "*/*"),
        (format!("?month={month}"), "text/csv"),
    ] {
        let r = c
            .auth(
                c.app
                    .client
                    .get(c.url(&format!("/analysis/monthly{query}"))),
                &office,
            )
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a UTF-8 BOM first");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let mut lines = text.split("\r\n");
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("month,scope,code,name_zh,name_en,received")
        );
        assert!(
            lines.next().unwrap().starts_with(&format!("{month},")),
            "{text}"
        );
    }

    // Only the office; a month that is not YYYY-MM names its field.
    assert_eq!(
        c.get_as(
            &Who::Enterprise(ACME),
            &format!("/analysis/monthly?month={month}")
        )
        .await
        .0,
        403
    );
    let (s, p) = c.get_as(&office, "/analysis/monthly?month=2026-13").await;
    assert_eq!(
        (s.as_u16(), p["errors"][0]["pointer"].as_str()),
        (400, Some("/month"))
    );
}

impl Complaints {
    /// The office's publication suggestions (asserting 200).
    async fn suggestions(&self) -> Value {
        let (s, v) = self
            .get_as(&Who::Staff(OFFICE), "/typical/suggestions")
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["threshold"], 3, "the catalogue's default");
        assert_eq!(v["truncated"], false);
        v
    }

    /// Files `n` cases of ACME and closes each tagged with `key`; answers their ids.
    async fn closed_cases(&self, n: usize, key: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for _ in 0..n {
            let id = self.file_complaint(ACME).await;
            self.close_case(&id, key).await;
            ids.push(id);
        }
        ids.sort();
        ids
    }
}

/// The keys suggested, in the answer's order.
fn suggested_keys(v: &Value) -> Vec<&str> {
    v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["problem_key"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn closed_cases_sharing_a_key_suggest_a_typical_case_until_one_is_published() {
    let c = start().await;
    let office = Who::Staff(OFFICE);
    assert_eq!(c.suggestions().await["suggestions"], json!([]));

    let repeated = c.closed_cases(3, "repeat-documents").await;
    let refunds = c.closed_cases(2, "late-refund").await;
    // A third case with the refund key, tagged but still open: it does not count.
    let open = c.file_complaint(ACME).await;
    c.must(&office, &open, json!({ "action": "log" })).await;
    c.accept(&office, &open).await;
    c.assign(&open, MARKET, &[]).await;
    c.must(
        &Who::Staff(MARKET),
        &open,
        json!({ "action": "tag", "key": "late-refund" }),
    )
    .await;

    // Three closed cases make one suggestion; two closed (and one open) do not.
    let v = c.suggestions().await;
    assert_eq!(suggested_keys(&v), ["repeat-documents"], "{v}");
    let s = &v["suggestions"][0];
    assert_eq!(s["categories"], json!(["business-registration"]));
    assert_eq!(s["case_count"], 3);
    assert_eq!(s["cases"], json!(repeated), "every case, in id order");

    // Only the office: an enterprise and a department get what the other office-only
    // routes answer.
    let (ws, wp) = c.get_as(&Who::Enterprise(ACME), "/warnings").await;
    assert_eq!(ws, 403, "{wp}");
    for who in [Who::Enterprise(ACME), Who::Staff(MARKET)] {
        let (s, p) = c.get_as(&who, "/typical/suggestions").await;
        assert_eq!((s, &p["code"]), (ws, &wp["code"]), "{p}");
        assert!(p.get("suggestions").is_none(), "{p}");
    }

    // The office publishes one of them: the class is no longer suggested.
    let (s, v) = c
        .post_as(
            &office,
            &format!("/cases/{}/typical", repeated[1]),
            &json!({
                "summary": "办理营业执照变更时被要求重复提交材料。",
                "solution": "窗口实行一次性告知，材料清单在网上公开。",
            }),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(c.suggestions().await["suggestions"], json!([]));

    // A third closed refund case reaches the threshold: that key now, with its closed
    // cases only; the published key stays out although a fourth case shares it.
    let third = c.closed_cases(1, "late-refund").await;
    c.closed_cases(1, "repeat-documents").await;
    let v = c.suggestions().await;
    assert_eq!(suggested_keys(&v), ["late-refund"], "{v}");
    let mut expected = [refunds, third].concat();
    expected.sort();
    assert_eq!(v["suggestions"][0]["case_count"], 3);
    assert_eq!(v["suggestions"][0]["cases"], json!(expected));
}
