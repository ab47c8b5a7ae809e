//! The landing a scan of an enterprise's code opens: the enterprise, its policies
//! (its own users only, from the tax function), the complaint categories and the
//! open surveys.

use super::codes::*;
use super::*;

#[tokio::test]
async fn the_landing_shows_policies_to_the_enterprise_and_complaints_and_surveys_to_all() {
    let c = start().await;
    let me = Who::Enterprise(XINYANG.to_owned());
    let (status, code) = c.get_as(&me, &format!("/enterprises/{XINYANG}/code")).await;
    assert_eq!(status, 200, "{code}");
    let png = c.fetch_raw(&me, code["png"].as_str().unwrap(), None).await;
    let (w, h, luma) = png_luma(&png.bytes);
    let url = decode(w, h, &luma);
    assert_eq!(url, code["url"].as_str().unwrap());

    // A stranger's phone: the enterprise, how to complain, the surveys; no policies.
    let (status, anonymous) = body(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 200, "{anonymous}");
    assert_eq!(anonymous["enterprise"]["name"], XINYANG_NAME);
    assert_eq!(anonymous["enterprise"]["credit_code"], XINYANG);
    assert_eq!(anonymous["enterprise"]["industry_code"], "C1371");
    assert_eq!(
        anonymous["policies"],
        json!({ "status": "sign_in_to_see" }),
        "{anonymous}"
    );
    assert!(anonymous["signed_in_as"].is_null());
    let categories: Vec<&str> = anonymous["complaints"]["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("complaint categories: {anonymous}"))
        .iter()
        .map(|k| k["service_code"].as_str().unwrap())
        .collect();
    assert!(
        categories.contains(&"enforcement-without-scan"),
        "{categories:?}"
    );
    assert_eq!(
        anonymous["complaints"]["file"]["url"],
        format!("{}/api/complaints/cases", c.app.base)
    );
    assert_eq!(anonymous["complaints"]["channel"], "qr");
    let surveys = anonymous["surveys"].as_array().unwrap();
    assert_eq!(surveys.len(), 1, "{anonymous}");
    assert_eq!(surveys[0]["questions"].as_array().unwrap().len(), 2);
    assert!(surveys[0]["answered"].is_null(), "{anonymous}");
    assert_eq!(
        anonymous["scan_to_enter"]["url"],
        format!("{}/api/checkin/scans", c.app.base)
    );

    // The enterprise itself, before the tax function has matched it: not yet.
    let r = c.fetch_raw(&me, &url, None).await;
    assert_eq!(r.status, 200, "{}", r.json());
    assert_eq!(
        r.json()["policies"]["status"],
        "not_matched",
        "{}",
        r.json()
    );

    // The tax function's demo data and its matching run.
    let tax = format!("{}/api/tax/policies", c.app.base);
    let client = reqwest::Client::new();
    let (status, demo) = body(
        client
            .post(format!("{tax}/demo-data"))
            .header("x-api-key", &c.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{demo}");
    let (status, matched) = body(
        client
            .post(format!("{tax}/match"))
            .header("x-api-key", &c.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{matched}");

    // Now the enterprise's own phone sees its policies; nobody else does.
    let r = c.fetch_raw(&me, &url, None).await;
    let own = r.json();
    assert_eq!(r.status, 200, "{own}");
    assert_eq!(own["signed_in_as"], "enterprise", "{own}");
    assert_eq!(own["policies"]["status"], "matched", "{own}");
    assert!(own["policies"]["catalogue_version"].is_string(), "{own}");
    let mut ids: Vec<&str> = own["policies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, XINYANG_POLICIES, "{own}");
    let inn = own["policies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy_id"] == "INN-01")
        .unwrap();
    assert_eq!(inn["group"], "innovation");
    assert!(!inn["name_zh"].as_str().unwrap().is_empty());
    assert_eq!(own["surveys"][0]["answered"], false, "{own}");
    for other in [
        Who::Enterprise(demo_enterprise(3)),
        Who::Citizen,
        Who::Officer(MARKET, "officer-zhang"),
    ] {
        let r = c.fetch_raw(&other, &url, None).await;
        assert_eq!(r.status, 200, "{other:?}: {}", r.json());
        assert_eq!(
            r.json()["policies"]["status"],
            "sign_in_to_see",
            "{other:?}"
        );
    }
    // A credential that does not verify is refused rather than ignored.
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    c.app.shutdown().await;
}

#[tokio::test]
async fn a_phone_camera_opening_the_code_is_sent_to_the_landing_page() {
    let c = start().await;
    let me = Who::Enterprise(XINYANG.to_owned());
    let (status, code) = c.get_as(&me, &format!("/enterprises/{XINYANG}/code")).await;
    assert_eq!(status, 200, "{code}");
    let url = code["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // What Chromium sends when a camera app opens the URL.
    let navigation =
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    let r = no_redirects
        .get(url)
        .header("accept", navigation)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/enterprise?code={token}").as_str()
    );
    // A forged code goes to the page too, which shows the API's refusal.
    let r = no_redirects
        .get(format!(
            "{}/api/checkin/landing/NOT-A-CODE.1.AAAA",
            c.app.base
        ))
        .header("accept", navigation)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/enterprise?code=NOT-A-CODE.1.AAAA"
    );
    // Programs (the pages' own calls, curl, anything else) still get the JSON.
    for accept in [Some("application/json"), Some("*/*"), None] {
        let mut req = no_redirects.get(url);
        if let Some(a) = accept {
            req = req.header("accept", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 200, "{accept:?}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["enterprise"]["credit_code"], XINYANG, "{accept:?}");
    }
}
