//! What-if assessments of a described dwelling: officers and agency staff only.

use super::*;

/// A `dwellings` row as the test reads it back.
type DwellingRow = (
    String,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    String,
);

/// The stored dwelling's wire form, as a what-if body.
async fn dwelling_dto(v: &Valuation, unit: &str) -> Value {
    let db = default_db(&v.app).await;
    let row: DwellingRow = sqlx::query_as(
        "SELECT community_id, building_id, floor, total_storeys, has_lift, orientation, layout, \
             view_key, build_year, decoration, area_centi_m2, end_unit, structure \
             FROM dwellings WHERE unit_code = $1",
    )
    .bind(unit)
    .fetch_one(&db)
    .await
    .unwrap();
    json!({
        "unit_code": unit, "community_id": row.0, "building_id": row.1, "floor": row.2,
        "total_storeys": row.3, "has_lift": row.4 == 1, "orientation": row.5, "layout": row.6,
        "view": row.7, "build_year": row.8, "decoration": row.9,
        "area_m2": format!("{}.{:02}", row.10 / 100, row.10 % 100), "end_unit": row.11 == 1,
        "structure": row.12,
    })
}

#[tokio::test]
async fn what_if_assessment_is_for_officers_and_staff() {
    let v = start().await;
    v.load_demo().await;
    let unit = v.first_unit().await;
    let dwelling = dwelling_dto(&v, &unit).await;
    let url = "/api/valuation/assessments";
    let request = json!({"dwelling": dwelling, "assessed_on": "2025-06-30"});

    // The stored dwelling described in full gets the same answer as its lookup.
    let (status, what_if) = body(
        v.post(url)
            .bearer_auth(officer())
            .json(&request)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{what_if}");
    let lookup = v
        .get(&format!("{UNIT}/{unit}?date=2025-06-30"))
        .bearer_auth(officer())
        .send()
        .await
        .unwrap();
    assert_eq!(body(lookup).await.1, what_if);

    // Own base prices: a 10,000.00 yuan community price from 2025-01-01.
    let mut own = request.clone();
    own["base_prices"] = json!([{
        "community_id": dwelling["community_id"], "building_id": null,
        "effective_from": "2025-01-01", "price_per_m2": 1_000_000
    }]);
    let staff = token(Membership::AgencyStaff(
        AgencyId::parse("luoyang-tax").unwrap(),
    ));
    let (status, a) = body(
        v.post(url)
            .bearer_auth(&staff)
            .json(&own)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["base_price"]["amount_fen"], 1_000_000);
    assert_eq!(a["base_price"]["level"], "community");

    // A wrong field is named; a citizen and an agency key may not ask.
    let mut bad = request.clone();
    bad["dwelling"]["floor"] = json!(999);
    let (status, p) = body(
        v.post(url)
            .bearer_auth(officer())
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{p}");
    assert_eq!(p["errors"][0]["pointer"], "/dwelling/floor");
    let (status, p) = body(
        v.post(url)
            .bearer_auth(citizen())
            .json(&request)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("AUTHZ_ROLE_NOT_ALLOWED"))
    );
    let reader = v.agency_key(2, "valuation:read").await;
    let r = v
        .post(url)
        .header("x-api-key", reader)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Not JSON: 415; unknown field: 400 naming it.
    let r = v
        .post(url)
        .bearer_auth(officer())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let mut extra = request.clone();
    extra["colour"] = json!("red");
    let (status, p) = body(
        v.post(url)
            .bearer_auth(officer())
            .json(&extra)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("REQ_FIELD_UNKNOWN"))
    );
    v.app.shutdown().await;
}
