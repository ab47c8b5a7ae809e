//! The load benchmark's component (`tc-hello`): what `bench/load.sh` measures must
//! be a correct answer, on every path, counted in the metrics.

use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "hello"
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "{wasm:hello}"
"#;

#[tokio::test]
async fn hello_answers_its_fixed_body_on_every_path() {
    let app = spawn(APP, |_| {}).await;
    for path in ["/", "/any/path?q=1", "/"] {
        for _ in 0..10 {
            let r = app.get(path).await;
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-type"], "text/plain");
            assert!(r.headers().contains_key("x-request-id"));
            assert_eq!(r.text().await.unwrap(), "Hello, Yingshang!\n");
        }
    }
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("yingshang_requests_total{component=\"hello\",status=\"200\"} 30"),
        "{metrics}"
    );
    app.shutdown().await;
}
