//! Codes that must not work: a reissued code revokes the old one; forged, altered and
//! malformed codes are refused with their own problem codes; only the enterprise and
//! register keys read its code.

use super::codes::*;
use super::*;
use yingshang_core::checkin::code;

#[tokio::test]
async fn reissuing_revokes_the_old_code_for_landings_and_scans() {
    let c = start().await;
    let ent = demo_enterprise(40);
    let me = Who::Enterprise(ent.clone());
    let old = c.code_url(&ent).await;

    let (status, fresh) = c
        .post_as(&me, &format!("/enterprises/{ent}/code"), &json!({}))
        .await;
    assert_eq!(status, 201, "{fresh}");
    assert_eq!(fresh["serial"], 2);
    let new = fresh["url"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(token_of(&new).starts_with(&format!("{ent}.2.")), "{new}");
    assert_eq!(c.code_url(&ent).await, new);

    // The old code: gone, with a reason a phone can show.
    let r = c.fetch_raw(&Who::Anonymous, &old, None).await;
    let p = assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    assert_eq!(r.header("content-language"), "zh-CN");
    assert!(p["detail"].as_str().unwrap().contains("已作废"), "{p}");
    let r = c.fetch_raw(&Who::Anonymous, &old, Some("en")).await;
    let p = assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");
    // The new one lands.
    let (status, landing) = body(reqwest::get(&new).await.unwrap()).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["credit_code"], ent.as_str());

    // An officer scanning the old code is told not to go in; the new one works.
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine(&old)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (410, Some("CHECKIN_CODE_REVOKED")),
        "{p}"
    );
    let (status, waiting) = c.scan(MARKET, "officer-zhang", &routine(&new)).await;
    assert_eq!(status, 202, "{waiting}");

    // A register key reissues too; every earlier code is revoked at once.
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    let (status, third) = c
        .post_as(&register, &format!("/enterprises/{ent}/code"), &json!({}))
        .await;
    assert_eq!(status, 201, "{third}");
    assert_eq!(third["serial"], 3);
    let third = third["url"].as_str().unwrap().to_owned();
    for revoked in [&old, &new] {
        let r = c.fetch_raw(&Who::Anonymous, revoked, None).await;
        assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    }
    assert_eq!(
        reqwest::get(&third).await.unwrap().status(),
        200,
        "the current code lands"
    );
    // The images follow the current code.
    let png = c
        .fetch_raw(&me, &format!("/enterprises/{ent}/code.png"), None)
        .await;
    let (w, h, luma) = png_luma(&png.bytes);
    assert_eq!(decode(w, h, &luma), third);
    let svg = c
        .fetch_raw(&me, &format!("/enterprises/{ent}/code.svg"), None)
        .await;
    assert_eq!(decode_svg(&svg.text()), third);
    assert_eq!(
        c.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.code.reissue' \
             AND subject = 'checkin-enterprise/{ent}'"
        ))
        .await,
        2
    );

    // Nobody else reissues it; an enterprise not in the register has no code.
    let (status, p) = c
        .post_as(
            &Who::Enterprise(demo_enterprise(41)),
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .post_as(
            &Who::Officer(MARKET, "officer-zhang"),
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .post_as(
            &Who::Anonymous,
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 401, "{p}");
    let unknown = demo_enterprise(500);
    let (status, p) = c
        .post_as(
            &register,
            &format!("/enterprises/{unknown}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("CHECKIN_ENTERPRISE_NOT_FOUND")),
        "{p}"
    );
    assert_eq!(c.code_url(&ent).await, third, "unchanged by the refusals");
    c.app.shutdown().await;
}

#[tokio::test]
async fn forged_altered_and_malformed_codes_are_refused_with_clear_errors() {
    let c = start().await;
    let ent = demo_enterprise(50);
    let cc = CreditCode::parse(&ent).unwrap();
    let url = c.code_url(&ent).await;
    let token = token_of(&url).to_owned();
    let tag = token.rsplit_once('.').unwrap().1.to_owned();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);

    // Signed with another secret.
    let forged = code::issue(b"another-secret-not-ours-0123456789", &cc, 1);
    let r = c
        .fetch_raw(&Who::Anonymous, &c.landing_url(&forged), None)
        .await;
    let p = assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    assert_eq!(r.header("content-language"), "zh-CN");
    assert!(p["detail"].as_str().unwrap().contains("伪造或篡改"), "{p}");
    let r = c
        .fetch_raw(&Who::Anonymous, &c.landing_url(&forged), Some("en"))
        .await;
    let p = assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    assert!(
        p["detail"].as_str().unwrap().contains("forged or altered"),
        "{p}"
    );

    // Altered: one character of the MAC, the serial, another enterprise's code with
    // this MAC — all still well-formed, none verifies.
    let first = if tag.starts_with('A') { 'B' } else { 'A' };
    let other = demo_enterprise(51);
    let altered = [
        format!("{ent}.1.{first}{}", &tag[1..]),
        format!("{ent}.2.{tag}"),
        format!("{other}.1.{tag}"),
        // Signed with our secret under a serial never issued: only a leaked secret
        // could make one.
        code::issue(CODE_SECRET.as_bytes(), &cc, 7),
    ];
    for token in &altered {
        let r = c
            .fetch_raw(&Who::Anonymous, &c.landing_url(token), None)
            .await;
        assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    }

    // Not a code of ours at all.
    let wrong_check = if ent.ends_with('0') { '1' } else { '0' };
    let malformed = [
        "garbage".to_owned(),
        format!("{ent}.1"),
        format!("{ent}.1.{tag}.x"),
        format!("{}.1.{tag}", ent.to_lowercase()),
        format!("{ent}.01.{tag}"),
        format!("{ent}.1.{}", &tag[..tag.len() - 2]),
        format!("{ent}.1.{}*", &tag[..tag.len() - 1]),
        format!("{}{wrong_check}.1.{tag}", &ent[..17]),
        "A".repeat(200),
    ];
    for token in &malformed {
        let r = c
            .fetch_raw(&Who::Anonymous, &c.landing_url(token), None)
            .await;
        let p = assert_problem(&r, 400, "CHECKIN_CODE_MALFORMED");
        assert!(p["detail"].as_str().unwrap().contains("企业码"), "{p}");
    }

    // Well signed, but for an enterprise not in the register.
    let stranger = CreditCode::parse(&demo_enterprise(500)).unwrap();
    let r = c
        .fetch_raw(
            &Who::Anonymous,
            &c.landing_url(&code::issue(CODE_SECRET.as_bytes(), &stranger, 1)),
            None,
        )
        .await;
    assert_problem(&r, 404, "CHECKIN_CODE_UNKNOWN");

    // An officer's scan is refused the same way, and nothing is recorded.
    let forged_url = code::url(&c.app.base, &forged);
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine(&forged_url)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("CHECKIN_CODE_FORGED")),
        "{p}"
    );
    let altered_url = code::url(&c.app.base, &altered[0]);
    let (status, p) = c
        .scan(MARKET, "officer-zhang", &routine(&altered_url))
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("CHECKIN_CODE_FORGED")),
        "{p}"
    );
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine("garbage")).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("CHECKIN_CODE_MALFORMED")),
        "{p}"
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_inspections").await, 0);
    // The genuine code still works.
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    c.app.shutdown().await;
}

#[tokio::test]
async fn only_the_enterprise_and_register_keys_read_its_code() {
    let c = start().await;
    let ent = demo_enterprise(60);
    let paths = [
        format!("/enterprises/{ent}/code"),
        format!("/enterprises/{ent}/code.png"),
        format!("/enterprises/{ent}/code.svg"),
        format!("/enterprises/{ent}/poster.svg"),
    ];
    let rules = Who::Key(c.key("jy-market", "checkin:agency").await);
    for path in &paths {
        let r = c
            .fetch_raw(&Who::Enterprise(demo_enterprise(61)), path, None)
            .await;
        assert_problem(&r, 403, "AUTHZ_NOT_OWN_ORG");
        for who in [
            Who::Citizen,
            Who::Officer(MARKET, "officer-zhang"),
            Who::Staff(MARKET),
            rules.clone(),
        ] {
            let r = c.fetch_raw(&who, path, None).await;
            assert_eq!(r.status, 403, "{who:?} {path}: {}", r.json());
            assert!(r.content_type().starts_with(PROBLEM));
        }
        let r = c.fetch_raw(&Who::Anonymous, path, None).await;
        assert_eq!(r.status, 401, "{path}: {}", r.json());
        let r = c.fetch_raw(&Who::Enterprise(ent.clone()), path, None).await;
        assert_eq!(r.status, 200, "{path}");
    }

    // A valid credit code not in the register: its own user and a register key are
    // told so.
    let unknown = demo_enterprise(500);
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    for who in [Who::Enterprise(unknown.clone()), register.clone()] {
        for path in [
            format!("/enterprises/{unknown}/code"),
            format!("/enterprises/{unknown}/code.png"),
            format!("/enterprises/{unknown}/poster.svg"),
        ] {
            let r = c.fetch_raw(&who, &path, None).await;
            let p = assert_problem(&r, 404, "CHECKIN_ENTERPRISE_NOT_FOUND");
            assert!(p["detail"].as_str().unwrap().contains("名录"), "{p}");
        }
    }
    // Not a credit code at all.
    let r = c
        .fetch_raw(&register, "/enterprises/not-a-credit-code/code", None)
        .await;
    assert_problem(&r, 400, "CHECKIN_FIELD_INVALID");
    c.app.shutdown().await;
}
