//! The web component over HTTP: the shell, hashed assets, compression, client-route
//! fallback, what is not a page, and the development sign-in's conditions.

use super::{DEMO_UNIT, dev_token, load_valuation_demo, start, start_with};
use serde_json::Value;

/// The script the shell loads (`/assets/index-<hash>.js`).
fn entry_script(shell: &str) -> String {
    let at = shell
        .find("/assets/index-")
        .expect("the shell loads its entry script");
    let end = shell[at..].find('"').unwrap();
    shell[at..at + end].to_owned()
}

#[tokio::test]
async fn the_shell_assets_and_client_routes_are_served_as_a_browser_needs() {
    let app = start().await;
    let r = app.get("/").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let shell = r.text().await.unwrap();
    assert!(shell.contains("<div id=\"app\"></div>"), "{shell}");

    // A client route gets the same shell (the app routes it in the browser).
    for route in ["/valuation", "/sign-in", "/no/such/page"] {
        let r = app.get(route).await;
        assert_eq!(r.status(), 200, "{route}");
        assert_eq!(r.text().await.unwrap(), shell, "{route}");
    }

    // Hashed assets are cached for a year, and sent compressed when accepted.
    let script = entry_script(&shell);
    let plain = app.get(&script).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(
        plain.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let gz = app
        .client
        .get(format!("{}{script}", app.base))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["vary"], "accept-encoding");
    let gz = gz.bytes().await.unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        gz.len() * 2 < plain.len(),
        "{} vs {}",
        gz.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped, plain, "the .gz twin is the same file");

    // HEAD: the headers alone.
    let r = app
        .client
        .head(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.bytes().await.unwrap().is_empty());
    app.shutdown().await;
}

#[tokio::test]
async fn what_is_not_a_page_is_a_404_problem() {
    let app = start().await;
    for path in [
        "/assets/missing-0000.js",
        "/api/nothing/here",
        "/.env",
        "/assets/..%2f..%2fspin.toml",
        "/favicon.svg.gz",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "REQ_NOT_FOUND", "{path}");
    }
    // The pages are only read.
    let r = app.post_json("/", &serde_json::json!({})).await;
    assert_eq!(r.status(), 404);
    app.shutdown().await;
}

#[tokio::test]
async fn development_sign_in_issues_working_tokens_only_with_the_generated_secret() {
    let app = start().await;
    load_valuation_demo(&app).await;
    let token = dev_token(&app, "citizen").await;
    // The token is the real thing: the valuation function accepts it.
    let r = app
        .client
        .get(format!("{}/api/valuation/units/{DEMO_UNIT}", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .post_json("/api/web/dev-sign-in", &serde_json::json!({"role": "root"}))
        .await;
    assert_eq!(r.status(), 400);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["code"], "WEB_ROLE_UNKNOWN");
    let r = app
        .post_json(
            "/api/web/dev-sign-in",
            &serde_json::json!({"role": "enterprise", "org": "not-a-credit-code"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["code"], "WEB_ORG_INVALID");
    app.shutdown().await;

    // An operator's secret: no development sign-in, whatever else is set.
    let app = start_with(|o| {
        o.variables.insert(
            "auth_jwt_secret".into(),
            "an-operators-secret-0123456789abcdef".into(),
        );
    })
    .await;
    let r = app
        .post_json(
            "/api/web/dev-sign-in",
            &serde_json::json!({"role": "citizen"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    app.shutdown().await;
    // Turned off explicitly, with the generated secret.
    let app = start_with(|o| {
        o.variables.insert("dev_sign_in".into(), "false".into());
    })
    .await;
    let r = app
        .post_json(
            "/api/web/dev-sign-in",
            &serde_json::json!({"role": "citizen"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    app.shutdown().await;
}
