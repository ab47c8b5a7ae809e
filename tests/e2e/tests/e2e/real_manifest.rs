//! The repository's own `spin.toml`, not an inline copy: every function crate has a
//! component (and every component a function crate), every variable of every
//! component resolves, the gateway starts on it (which checks that every `.wasm`
//! imports only what the gateway provides, and refuses it otherwise), every public
//! route reaches its component, and the private stand-ins are not reachable from
//! outside.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use yingshang_e2e::{TestApp, function_wasm, functions, workspace_root};
use yingshang_gateway::app::{UpOptions, up};
use yingshang_gateway::app_tool::AppTool;
use yingshang_gateway::manifest::Manifest;
use yingshang_gateway::variables::Resolver;

fn manifest() -> Manifest {
    Manifest::load(&workspace_root().join("spin.toml")).expect("spin.toml is valid")
}

#[test]
fn every_function_crate_is_a_component_built_where_the_manifest_says() {
    let m = manifest();
    let components: BTreeSet<&str> = m.components.keys().map(String::as_str).collect();
    let crates: BTreeSet<&str> = functions().iter().map(String::as_str).collect();
    assert_eq!(
        components, crates,
        "components of spin.toml vs crates under functions/"
    );
    for name in crates {
        let source = m.root.join(&m.components[name].source);
        assert_eq!(
            source.canonicalize().ok(),
            function_wasm(name).canonicalize().ok(),
            "component {name}: source {} is not the built crate",
            source.display()
        );
        let build = m.components[name].build.as_ref().expect("a build command");
        assert!(
            build.command.contains(&format!("-p {name}")),
            "component {name}: build command {:?}",
            build.command
        );
    }
    let routed: BTreeSet<&str> = m
        .http_triggers
        .iter()
        .map(|t| t.component.as_str())
        .collect();
    assert_eq!(routed, components, "every component has a trigger");
}

#[test]
fn every_component_variable_resolves() {
    let m = manifest();
    let tool = AppTool::of(&m).expect("application tool settings");
    // What `yingshang up` generates for a fresh state folder.
    let generated: BTreeMap<String, String> = tool
        .generated_secrets
        .iter()
        .map(|n| (n.clone(), yingshang_gateway::secrets::generate(n)))
        .collect();
    let resolver = Resolver::resolve(&m, &BTreeMap::new(), |_| None, &generated)
        .expect("every required variable has a value");
    for (name, component) in &m.components {
        for var in component.variables.keys() {
            let value = resolver.component_variable(&component.variables, var);
            assert!(value.is_ok(), "component {name}: variable {var}: {value:?}");
        }
    }
}

async fn start() -> TestApp {
    for f in functions() {
        function_wasm(f); // built once, as spin.toml builds them
    }
    // The web component mounts the built pages.
    yingshang_e2e::build_web();
    let state = tempfile::tempdir().unwrap();
    let mut options = UpOptions::new(workspace_root().join("spin.toml"));
    options.listen = "127.0.0.1:0".parse().unwrap();
    options.admin_listen = Some("127.0.0.1:0".parse().unwrap());
    options.state_dir = state.path().join("state");
    options.build = false;
    options.cache = false;
    options.schedules = false;
    let database_url = yingshang_e2e::database_for(state.path(), &mut options);
    let running = up(options).await.expect("the gateway starts on spin.toml");
    TestApp {
        base: format!("http://{}", running.addr),
        admin: format!("http://{}", running.admin_addr.expect("admin listener")),
        state,
        client: reqwest::Client::new(),
        running: Some(running),
        database_url,
    }
}

#[tokio::test]
async fn every_public_route_reaches_its_component_and_the_stand_ins_are_private() {
    let app = start().await;
    let m = manifest();
    for trigger in &m.http_triggers {
        let Some(route) = &trigger.route else {
            continue;
        };
        if route == "/..." {
            // The web pages: every path no function serves (checked below).
            assert_eq!(trigger.component, "web");
            continue;
        }
        // `/api/tax/...` → `/api/tax/no-such-route`: the function's own router answers
        // (its 404 code), not the gateway's.
        let base = route.trim_end_matches("...").trim_end_matches('/');
        let r = app.get(&format!("{base}/no-such-route")).await;
        assert_eq!(r.status(), 404, "{route}");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            p["code"], "REQ_NOT_FOUND",
            "{route} → component {}",
            trigger.component
        );
    }
    // The pages' shell at `/` and for client routes; an API path no function serves
    // is a 404 problem from the web component, never the shell.
    for path in ["/", "/valuation"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    }
    let r = app.get("/api/no-such-function/x").await;
    assert_eq!(r.status(), 404);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["code"], "REQ_NOT_FOUND");
    let private: Vec<&str> = m
        .http_triggers
        .iter()
        .filter(|t| t.route.is_none())
        .map(|t| t.component.as_str())
        .collect();
    assert_eq!(private, ["stand-ins"]);
    // The stand-ins' paths, and where they used to be public, answer 404.
    for path in [
        "/channel/refunds",
        "/registry/records",
        "/api/power/dev/channel/refunds",
        "/api/tax/dev/registry/records",
    ] {
        let r = app
            .client
            .post(format!("{}{path}", app.base))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    app.shutdown().await;
}
