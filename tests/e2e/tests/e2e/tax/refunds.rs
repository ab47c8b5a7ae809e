//! The sell-then-buy refund computation through the API.

use super::*;

fn claim(bought_region: &str, new_price_fen: i64) -> Value {
    json!({
        "sold_region": "410302", "sold_on": "2026-02-01",
        "sold_price": 100_000_000_i64, "iit_paid": 1_000_000_i64,
        "bought_region": bought_region, "bought_on": "2026-06-01",
        "new_price": new_price_fen,
    })
}

#[tokio::test]
async fn sell_then_buy_refunds_in_full_in_proportion_or_not_at_all() {
    let t = start().await;
    let post = |token: String, body: Value| {
        let r = t
            .post("/api/tax/refunds/sell-then-buy")
            .bearer_auth(token)
            .json(&body)
            .send();
        async move { super::body(r.await.unwrap()).await }
    };
    // Same city (Luoyang 4103), cheaper new home: 10,000 × 800,000 / 1,000,000.
    let (status, v) = post(citizen("seller-1"), claim("410303", 80_000_000)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["refund_fen"], 800_000);
    assert_eq!(v["outcome"]["outcome"], "refund");
    assert_eq!(v["outcome"]["full"], false);
    assert_eq!(
        v["assumptions"][0]["code"],
        "ASSUME_REFUND_WINDOW_2026_2027"
    );
    // A dearer new home: all of it.
    let (status, v) = post(officer(), claim("410305", 120_000_000)).await;
    assert_eq!(
        (status.as_u16(), &v["refund_fen"]),
        (200, &json!(1_000_000))
    );
    assert_eq!(v["outcome"]["full"], true);
    // Another city: nothing, and why.
    let (status, v) = post(citizen("seller-1"), claim("410102", 120_000_000)).await;
    assert_eq!((status.as_u16(), &v["refund_fen"]), (200, &json!(0)));
    assert_eq!(v["outcome"]["reason"], "different_city");
    // A malformed region: 400 that says so.
    let (status, p) = post(citizen("seller-1"), claim("41A302", 1)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("TAX_REFUND_REGION_MALFORMED"))
    );
    t.app.shutdown().await;
}
