//! Graceful shutdown: a request in flight finishes; new connections are refused.

use std::time::Duration;
use yingshang_e2e::spawn;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "shutdown"
[[trigger.http]]
route = "/slow/..."
component = "slow"
[component.slow]
source = "{wasm:slow}"
"#;

#[tokio::test]
async fn in_flight_request_completes_during_shutdown() {
    let mut app = spawn(APP, |_| {}).await;
    let client = app.client.clone();
    let url = format!("{}/slow/sleep?ms=1500", app.base);
    let in_flight = tokio::spawn(async move {
        let r = client.get(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let running = app.running.take().unwrap();
    let base = app.base.clone();
    let stopped = tokio::spawn(running.shutdown());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = reqwest::Client::new()
        .get(format!("{base}/slow/sleep?ms=1"))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "new connections are refused while draining"
    );
    assert_eq!(in_flight.await.unwrap(), (200, "done".to_owned()));
    stopped.await.unwrap();
}
