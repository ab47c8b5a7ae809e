//! A bad application is refused at start-up, with a message naming the file, the
//! field and the problem.

use yingshang_e2e::try_spawn;

async fn refused(manifest: &str) -> String {
    match try_spawn(manifest, |_| {}).await {
        Ok(_) => panic!("start-up should have failed"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn unknown_field() {
    let msg = refused(
        r#"
spin_manifest_version = 2
[application]
name = "bad"
[component.echo]
source = "{wasm:echo}"
allowed_hosts = ["x"]
"#,
    )
    .await;
    assert!(msg.contains("spin.toml"), "{msg}");
    assert!(msg.contains("unknown field `allowed_hosts`"), "{msg}");
    assert!(msg.contains("line 7"), "{msg}");
}

#[tokio::test]
async fn missing_component_source() {
    let msg = refused(
        r#"
spin_manifest_version = 2
[application]
name = "bad"
[[trigger.http]]
route = "/..."
component = "echo"
[component.echo]
source = "does/not/exist.wasm"
"#,
    )
    .await;
    assert!(msg.contains("component.echo.source"), "{msg}");
    assert!(msg.contains("does not exist"), "{msg}");
}

#[tokio::test]
async fn route_naming_no_component() {
    let msg = refused(
        r#"
spin_manifest_version = 2
[application]
name = "bad"
[[trigger.http]]
route = "/..."
component = "ghost"
[component.echo]
source = "{wasm:echo}"
"#,
    )
    .await;
    assert!(msg.contains("trigger.http[0].component"), "{msg}");
    assert!(msg.contains("`ghost`"), "{msg}");
}

#[tokio::test]
async fn bad_allowed_host() {
    let msg = refused(
        r#"
spin_manifest_version = 2
[application]
name = "bad"
[component.echo]
source = "{wasm:echo}"
allowed_outbound_hosts = ["example.com"]
"#,
    )
    .await;
    assert!(
        msg.contains("component.echo.allowed_outbound_hosts"),
        "{msg}"
    );
}

#[tokio::test]
async fn unsupported_import_is_refused_naming_component_and_interface() {
    let msg = refused(
        r#"
spin_manifest_version = 2
[application]
name = "bad"
[[trigger.http]]
route = "/..."
component = "needs-redis"
[component.needs-redis]
source = "{wasm:unsupported-import}"
"#,
    )
    .await;
    assert!(msg.contains("component `needs-redis`"), "{msg}");
    assert!(msg.contains("spin:redis/redis@3.0.0"), "{msg}");
}
