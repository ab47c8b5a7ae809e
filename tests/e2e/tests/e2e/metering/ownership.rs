//! Who may act on what: a site and its sockets belong to the operator agency that
//! created them (another agency's key, the bootstrap key included, is refused), its
//! statements are that agency's alone, and a customer's session is keyed on the kind
//! of account as well as the subject.

use super::*;

/// The second operator agency of these tests.
const OTHER_AGENCY: &str = "luohe-power";

/// Today in China, `YYYY-MM-DD`.
fn today() -> String {
    yingshang_core::calendar::iso(
        OffsetDateTime::now_utc()
            .to_offset(yingshang_core::metering::CHINA)
            .date(),
    )
}

#[tokio::test]
async fn another_operators_key_cannot_take_over_a_site_or_socket() {
    let p = start().await;
    p.setup().await;
    let other = yingshang_e2e::store_agency_key(&p.app, OTHER_AGENCY, 50, "power:operate").await;
    // Mid-session: a customer uses the socket while the other agency tries its luck.
    let id = p.paid_session(&citizen("alice"), 1000, "WX-O1").await;
    let site = "xuchang-night-market";
    let refused = |(status, v): (StatusCode, Value)| {
        assert_eq!(
            (status.as_u16(), v["code"].as_str()),
            (403, Some("METER_NOT_OPERATOR")),
            "{v}"
        );
    };

    // Rename the site; replace the socket's secret and raise its price; put a socket
    // of its own on the site: all refused, for the bootstrap key as well.
    refused(p.put_site(&other, site, "改名").await);
    refused(p.put_site(&p.bootstrap, site, "改名").await);
    let mut hijack = socket_body(METER, Some("attacker-secret-0123456789"));
    hijack["tariff"][0]["tariff"]["price"] = json!(600_000_000);
    refused(p.put_socket(&other, SOCKET, &hijack).await);
    refused(p.put_socket(&p.bootstrap, SOCKET, &hijack).await);
    let intruder = socket_body("000000000077", Some("intruder-secret-0123456789"));
    refused(p.put_socket(&other, "intruder-01", &intruder).await);

    // Nothing changed: name, secret, price, owner; no intruding socket.
    let db = default_db(&p.app).await;
    let (name, owner): (String, String) =
        sqlx::query_as("SELECT name, owner_agency FROM power_sites WHERE site_id = $1")
            .bind(site)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), owner.as_str()),
        ("许昌夜市", OPERATOR_AGENCY)
    );
    let (secret, owner): (String, String) = sqlx::query_as(
        "SELECT device_secret, owner_agency FROM power_sockets WHERE socket_id = $1",
    )
    .bind(SOCKET)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (secret.as_str(), owner.as_str()),
        (DEVICE_SECRET, OPERATOR_AGENCY)
    );
    let intruders: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM power_sockets WHERE socket_id = 'intruder-01'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(intruders, 0);
    let (_, sock) = body(
        p.get(&format!("/api/power/sockets/{SOCKET}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(sock["price"]["yuan_per_kwh"], "0.60");
    assert_eq!(p.session(&citizen("alice"), &id).await["status"], "active");

    // The other agency runs its own site; the first cannot touch it in turn.
    let (status, v) = p.put_site(&other, "luohe-market", "漯河集市").await;
    assert_eq!(status, 201, "{v}");
    refused(p.put_site(&p.operator, "luohe-market", "改名").await);
    // Any key of the owning agency may change what the agency owns.
    let second = p.agency_key(91, "power:operate").await;
    let (status, v) = p.put_site(&second, site, "许昌夜市（东）").await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = p
        .put_socket(&second, SOCKET, &socket_body(METER, None))
        .await;
    assert_eq!(status, 200, "{v}");
    p.app.shutdown().await;
}

#[tokio::test]
async fn statements_are_for_the_agency_that_owns_the_site() {
    let p = start().await;
    p.setup().await;
    let alice = citizen("alice");
    let id = p.paid_session(&alice, 1000, "WX-R1").await;
    p.meter_posts(&reading(1, 1_000)).await;
    p.meter_posts(&reading(2, 2_000)).await;
    let (status, _) = body(
        p.post(&format!("/api/power/sessions/{id}/stop"))
            .bearer_auth(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let day = today();
    let daily = |key: String| {
        p.post(&format!("/api/power/statements/daily?date={day}"))
            .bearer_auth(key)
            .send()
    };
    let own = p.agency_key(92, "power:reports").await;
    let other = yingshang_e2e::store_agency_key(&p.app, OTHER_AGENCY, 51, "power:reports").await;

    // The schedule (bootstrap key) computes every site's statement, and shows none it
    // does not own.
    let (status, v) = body(daily(p.bootstrap.clone()).await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["computed"], 1);
    assert_eq!(v["statements"], json!([]));
    let db = default_db(&p.app).await;
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM power_statements WHERE site_id = 'xuchang-night-market' AND day = $1",
    )
    .bind(&day)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(rows, 1);

    // Another agency's report key neither reads the site's statements nor sees them
    // in the job's answer.
    let statements =
        format!("/api/power/sites/xuchang-night-market/statements?from={day}&to={day}");
    let (status, v) = body(p.get(&statements).bearer_auth(&other).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["code"].as_str()),
        (403, Some("METER_NOT_OPERATOR")),
        "{v}"
    );
    let (status, v) = body(
        p.get(&statements)
            .bearer_auth(&p.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403, "{v}");
    let (status, v) = body(daily(other.clone()).await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["statements"], json!([]));
    assert!(!v.to_string().contains("xuchang-night-market"), "{v}");

    // The owner reads them.
    let (status, v) = body(p.get(&statements).bearer_auth(&own).send().await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["statements"][0]["uses"], 1);
    assert_eq!(v["statements"][0]["revenue"], 60);
    let (_, v) = body(daily(own.clone()).await.unwrap()).await;
    assert_eq!(v["statements"][0]["site"], "xuchang-night-market");
    p.app.shutdown().await;
}

#[tokio::test]
async fn an_enterprise_user_named_alice_is_not_citizen_alice() {
    let p = start().await;
    p.setup().await;
    let citizen_alice = citizen("alice");
    let id = p.paid_session(&citizen_alice, 1000, "WX-N1").await;
    let impostor = enterprise("alice");
    let refused = |(status, v): (StatusCode, Value)| {
        assert_eq!(
            (status.as_u16(), v["code"].as_str()),
            (403, Some("METER_SESSION_NOT_OWNER")),
            "{v}"
        );
    };
    refused(
        body(
            p.get(&format!("/api/power/sessions/{id}"))
                .bearer_auth(&impostor)
                .send()
                .await
                .unwrap(),
        )
        .await,
    );
    refused(
        body(
            p.post(&format!("/api/power/sessions/{id}/stop"))
                .bearer_auth(&impostor)
                .send()
                .await
                .unwrap(),
        )
        .await,
    );
    // Citizen alice's session runs on, hers alone.
    let s = p.session(&citizen_alice, &id).await;
    assert_eq!(s["status"], "active");
    let db = default_db(&p.app).await;
    let owner: String = sqlx::query_scalar("SELECT owner FROM power_sessions WHERE id = $1")
        .bind(&id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(owner, "citizen:alice");
    p.app.shutdown().await;
}
