//! Issue item 8: Open311 GeoReport v2 — discovery, services (JSON and XML), a
//! request POSTed form-encoded with an agency key and read back in both formats,
//! public GETs without enterprise data, and errors in the spec's format.

use super::*;

/// The tags of an XML document balance (a small well-formedness check: one root,
/// every start tag closed in order, self-closing tags allowed).
fn elements(xml: &str) -> Vec<String> {
    let body = xml.trim_start_matches(|c| c != '>').trim_start_matches('>');
    assert!(xml.starts_with("<?xml"), "{xml}");
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = body;
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag ends") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "{xml}");
        } else {
            let name = tag
                .trim_end_matches('/')
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            if stack.is_empty() {
                roots += 1;
            }
            seen.push(name.clone());
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty() && roots == 1, "{xml}");
    seen
}

async fn text(c: &Complaints, path: &str) -> (StatusCode, String, String) {
    let r = c.app.client.get(c.url(path)).send().await.unwrap();
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    (r.status(), ct, r.text().await.unwrap())
}

#[tokio::test]
async fn services_and_requests_in_json_and_xml_without_enterprise_data() {
    let c = start().await;
    let (s, ct, body) = text(&c, "/open311/v2/discovery.json").await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    let d: Value = serde_json::from_str(&body).unwrap();
    assert!(
        d["endpoints"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/api/complaints/open311/v2"),
        "{d}"
    );
    let (s, _, xml) = text(&c, "/open311/v2/discovery.xml").await;
    assert_eq!(s, 200);
    assert!(elements(&xml).contains(&"endpoint".to_owned()));

    let (s, _, body) = text(&c, "/open311/v2/services.json").await;
    assert_eq!(s, 200);
    let services: Value = serde_json::from_str(&body).unwrap();
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"business-registration") && codes.contains(&"unlawful-fees"),
        "{codes:?}"
    );
    let (s, ct, xml) = text(&c, "/open311/v2/services.xml").await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/xml"), "{ct}");
    let tags = elements(&xml);
    assert_eq!(tags[0], "services");
    assert_eq!(tags.iter().filter(|t| *t == "service").count(), codes.len());
    let (s, _, xml) = text(&c, "/open311/v2/services/permits.xml").await;
    assert_eq!(s, 200, "{xml}");
    elements(&xml);

    // POST a request form-encoded with the bootstrap key as `api_key`.
    let description = "某某科技有限公司反映：办理许可证被要求重复提交材料。";
    let form = format!(
        "api_key={}&service_code=permits&account_id={ACME}&description={}",
        c.bootstrap,
        description
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    );
    let r = c
        .app
        .client
        .post(c.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    let (s, receipt) = super::body(r).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // It is a case in the ledger, logged by staff.
    let (_, v) = c.case(&Who::Staff(OFFICE), &id).await;
    assert_eq!(v["case"]["status"], "logged");
    assert_eq!(v["case"]["enterprise"], ACME);

    // Read back, public: neither the enterprise nor its words.
    let (s, _, body) = text(&c, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(s, 200);
    let got: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(got[0]["service_code"], "permits");
    assert_eq!(got[0]["status"], "open");
    assert!(!body.contains(ACME) && !body.contains("某某科技"), "{body}");
    let (s, _, xml) = text(&c, &format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(s, 200);
    assert!(elements(&xml).contains(&"service_request_id".to_owned()));
    assert!(
        xml.contains(&format!("<service_request_id>{id}</service_request_id>")),
        "{xml}"
    );
    let (_, _, body) = text(&c, "/open311/v2/requests.json?service_code=permits").await;
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let (_, _, body) = text(&c, "/open311/v2/requests.json?service_code=tax-policy").await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!([]));

    // Errors in the spec's format: a bad key, an unknown request, a bad field.
    let r = c
        .app
        .client
        .post(c.url("/open311/v2/requests.xml"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.replace(&c.bootstrap, "ysk_not_a_key"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16() / 100, 4);
    let xml = r.text().await.unwrap();
    assert_eq!(
        elements(&xml)[..2],
        ["errors".to_owned(), "error".to_owned()]
    );
    let (s, _, body) = text(&c, "/open311/v2/requests/01NOSUCHCASE.json").await;
    assert_eq!(s, 404);
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e[0]["code"], 404);
    let r = c
        .app
        .client
        .post(c.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "api_key={}&service_code=permits&account_id=123&description=x",
            c.bootstrap
        ))
        .send()
        .await
        .unwrap();
    let (s, e) = super::body(r).await;
    assert_eq!(s, 400, "{e}");
    assert!(
        e[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("account_id"),
        "{e}"
    );
    let (s, _, body) = text(&c, "/open311/v2/services/no-such.json").await;
    assert_eq!(s, 404, "{body}");
}
