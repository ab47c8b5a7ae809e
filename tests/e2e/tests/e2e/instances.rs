//! Instance reuse as Spin 4 does it, and with a random range so that state leaking
//! between requests shows up.

use serde_json::Value;
use std::time::Duration;
use yingshang_e2e::spawn;
use yingshang_gateway::instances::ReuseConfig;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "instances"
[[trigger.http]]
route = "/..."
component = "echo"
[component.echo]
source = "{wasm:echo}"
"#;

async fn served(app: &yingshang_e2e::TestApp) -> u64 {
    let v: Value = app.get("/").await.json().await.unwrap();
    v["served_by_instance"].as_u64().unwrap()
}

fn instances_created(metrics: &str) -> u64 {
    metrics
        .lines()
        .find(|l| l.starts_with("yingshang_instances_created_total{component=\"echo\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_instance_serves_many_requests_by_default() {
    let app = spawn(APP, |_| {}).await;
    let mut counts = Vec::new();
    for _ in 0..5 {
        counts.push(served(&app).await);
    }
    assert_eq!(counts, vec![1, 2, 3, 4, 5]);
    assert_eq!(instances_created(&app.metrics().await), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn reuse_limits_drawn_from_a_range_are_respected() {
    let app = spawn(APP, |o| {
        o.reuse = ReuseConfig {
            max_reuse: 1..=3,
            max_concurrent: 1..=4,
            idle_timeout: Duration::from_millis(50)..=Duration::from_millis(500),
        }
    })
    .await;
    let mut max_seen = 0;
    for _ in 0..40 {
        let n = served(&app).await;
        assert!((1..=3).contains(&n), "an instance served {n} requests");
        max_seen = max_seen.max(n);
    }
    let created = instances_created(&app.metrics().await);
    assert!(
        created >= 14,
        "40 requests at most 3 per instance need at least 14 instances, saw {created}"
    );
    assert!(max_seen >= 2, "some instance should be reused");
    app.shutdown().await;
}

#[tokio::test]
async fn an_idle_instance_is_dropped() {
    let app = spawn(APP, |o| {
        o.reuse.idle_timeout = Duration::from_millis(100)..=Duration::from_millis(100);
    })
    .await;
    assert_eq!(served(&app).await, 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        served(&app).await,
        1,
        "a fresh instance after the idle timeout"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn concurrent_requests_are_all_answered() {
    let app = spawn(APP, |_| {}).await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let client = app.client.clone();
        let url = format!("{}/c", app.base);
        tasks.push(tokio::spawn(async move {
            client.get(url).send().await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    app.shutdown().await;
}
