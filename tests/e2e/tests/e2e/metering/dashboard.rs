//! The operator dashboard's read: uses, energy and revenue per site over a span of
//! days, for agency staff tokens — their own agency's sites, or every site for the
//! supervising office; nobody else.

use super::*;

fn staff(agency: &str) -> String {
    let claims = Claims::new(
        Subject::parse("staff-1").unwrap(),
        Membership::AgencyStaff(AgencyId::parse(agency).unwrap()),
        OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    issue(
        &claims,
        &SigningKey::hs256(TOKEN_SECRET.as_bytes()).unwrap(),
    )
}

#[tokio::test]
async fn staff_see_energy_and_revenue_of_their_agencys_sites() {
    let p = start().await;
    p.setup().await;
    // One use: 1 kWh billed (60 fen), the rest of the 10 yuan refunded.
    let alice = citizen("alice");
    p.paid_session(&alice, 1000, "WX-D1").await;
    p.meter_posts(&reading(1, 1_000)).await;
    p.meter_posts(&reading(2, 2_000)).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let sweeper = p.agency_key(3, "power:sweep").await;
    let r = p
        .post("/api/power/sessions/close-stale")
        .bearer_auth(&sweeper)
        .json(&json!({ "after_s": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let today = OffsetDateTime::now_utc()
        .to_offset(yingshang_core::metering::CHINA)
        .date();
    let day = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let reporter = p.agency_key(2, "power:reports").await;
    let r = p
        .post(&format!("/api/power/statements/daily?date={}", day(today)))
        .bearer_auth(&reporter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let url = "/api/power/dashboard/sites";
    let read = |bearer: String, path: String| {
        let rb = p.get(&path).bearer_auth(bearer);
        async move { body(rb.send().await.unwrap()).await }
    };
    // Only agency staff tokens read it.
    assert_eq!(p.get(url).send().await.unwrap().status(), 401);
    for bearer in [citizen("bob"), officer(), reporter.clone()] {
        let (status, v) = read(bearer, url.to_owned()).await;
        assert_eq!(
            (status.as_u16(), v["code"].as_str()),
            (403, Some("AUTHZ_ROLE_NOT_ALLOWED")),
            "{v}"
        );
    }

    // The site's operator agency and the supervising office see its totals.
    for agency in [OPERATOR_AGENCY, "yingshang-office"] {
        let (status, v) = read(staff(agency), url.to_owned()).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["to"], day(today));
        assert_eq!(
            v["sites"],
            json!([{
                "site_id": "xuchang-night-market", "name": "许昌夜市", "uses": 1,
                "energy_wh": 1000, "revenue_fen": 60, "refunded_fen": 940,
            }]),
            "{agency}: {v}"
        );
    }
    // Another agency's staff see none of its sites.
    let (status, v) = read(staff("ly-tax"), url.to_owned()).await;
    assert_eq!((status.as_u16(), &v["sites"]), (200, &json!([])), "{v}");

    // A span without statements: the site, with zeros.
    let before = today - time::Duration::days(10);
    let (_, v) = read(
        staff(OPERATOR_AGENCY),
        format!("{url}?from={}&to={}", day(before), day(before)),
    )
    .await;
    assert_eq!(v["sites"][0]["uses"], 0, "{v}");
    assert_eq!(v["sites"][0]["revenue_fen"], 0, "{v}");

    // Bad spans are refused.
    for q in [
        format!("from={}&to={}", day(today), day(before)),
        "from=2026-02-30".to_owned(),
        "from=2024-01-01&to=2026-01-01".to_owned(),
    ] {
        let (status, v) = read(staff(OPERATOR_AGENCY), format!("{url}?{q}")).await;
        assert_eq!(
            (status.as_u16(), v["code"].as_str()),
            (400, Some("METER_DATE_INVALID")),
            "{q}: {v}"
        );
    }
    p.app.shutdown().await;
}
