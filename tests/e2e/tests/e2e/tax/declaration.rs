//! The reduction/exemption declaration: rendered from the stored lines, stored once in
//! object storage under the creator's prefix, answered as a presigned link.

use super::*;

#[tokio::test]
async fn the_declaration_is_stored_once_and_linked() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(&unit, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
    let (status, a) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(status, 201, "{a}");
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/tax/assessments/{id}/declaration");

    let (status, d) = body(
        t.get(&path)
            .bearer_auth(citizen("seller-1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let key = d["key"].as_str().unwrap().to_owned();
    assert_eq!(key, format!("citizen/buyer-1/tax-declaration/{id}.txt"));
    let mut get = t.app.client.get(d["download"]["url"].as_str().unwrap());
    for h in d["download"]["headers"].as_array().unwrap() {
        get = get.header(h[0].as_str().unwrap(), h[1].as_str().unwrap());
    }
    let r = get.send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with("减免税申报表"), "{text}");
    assert!(text.contains(&format!("申报编号：{id}")), "{text}");
    assert!(text.contains(&buyer_id()), "{text}");
    let lines = a["assessment"]["declaration"].as_array().unwrap().len();
    assert_eq!(text.matches("减免依据：").count(), lines, "{text}");

    // Asked again: the same object.
    let (status, again) = body(t.get(&path).bearer_auth(officer()).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), again["key"].as_str()),
        (200, Some(key.as_str()))
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM tax_assessments WHERE declaration_key IS NOT NULL")
            .await,
        1
    );
    let (status, _) = body(
        t.get(&path)
            .bearer_auth(citizen("stranger"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    t.app.shutdown().await;
}
