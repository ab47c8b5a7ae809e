//! `loadgen`: the gateway's load generator for what wrk cannot do — requests that
//! must each be signed at send time (meter readings), an open-loop mode measured
//! from the intended send time, and a check after the run that the server did
//! exactly what it acknowledged. See `bench/load.sh` for how it is run.

mod args;
mod drive;
mod get;
mod http;
mod meter;
mod scan;
mod script;
mod stats;

use args::{Args, Scenario};
use drive::{Lane, Window};
use serde_json::json;
use stats::Stats;
use tokio::time::Instant;

fn main() -> std::process::ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    // One thread, like `wrk -t1`: the other core stays with the server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("loadgen: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Drives `lanes` in the mode the arguments ask for; answers when measuring began.
async fn load<L: Lane>(a: &Args, authority: &str, lanes: Vec<L>) -> (Vec<L>, Stats, Instant) {
    let start = Instant::now();
    let w = Window {
        measure_from: start + a.warmup,
        until: start + a.warmup + a.duration,
    };
    let (lanes, stats) = match a.rate {
        Some(rate) => drive::open(lanes, authority, rate, start, w).await,
        None => drive::closed(lanes, authority, w).await,
    };
    (lanes, stats, w.measure_from)
}

/// Runs the scenario; answers false if its verification failed.
async fn run(a: Args) -> anyhow::Result<bool> {
    let authority = http::authority(&a.url)?;
    let mode = match a.rate {
        Some(r) => json!({ "mode": "open", "rate": r }),
        None => json!({ "mode": "closed" }),
    };
    let mut script_counts = None;
    let mut scan_counts = None;
    let (stats, from, verification) = match a.scenario {
        Scenario::Meter => {
            let setup = meter::setup(&authority, &a.meter).await?;
            let (lanes, token) = setup.lanes(a.connections, a.meter.step_wh, a.meter.batch);
            let (lanes, stats, from) = load(&a, &authority, lanes).await;
            let v = meter::verify(&authority, &lanes, &token).await?;
            (stats, from, Some(v))
        }
        Scenario::Get => {
            let paths = get::read_paths(a.paths.as_deref().ok_or_else(|| {
                anyhow::anyhow!("--paths FILE is required for the get scenario")
            })?)?;
            let lanes = get::lanes(paths, a.headers.clone(), a.connections);
            let (_, stats, from) = load(&a, &authority, lanes).await;
            (stats, from, None)
        }
        Scenario::Post => {
            let (path, file) = (a.post_path.clone(), a.body.clone());
            let (Some(path), Some(file)) = (path, file) else {
                anyhow::bail!("post needs --path and --body");
            };
            let body = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("while reading {}: {e}", file.display()))?;
            let run = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let lanes = get::post_lanes(path, body, a.headers.clone(), a.connections, run);
            let (_, stats, from) = load(&a, &authority, lanes).await;
            (stats, from, None)
        }
        Scenario::Script => {
            let file = a
                .script
                .clone()
                .ok_or_else(|| anyhow::anyhow!("script needs --script"))?;
            let lanes = script::read(&file)?;
            let (lanes, stats, from) = load(&a, &authority, lanes).await;
            let expected: u64 = lanes.iter().map(|l| l.expected).sum();
            let mut unexpected = std::collections::BTreeMap::new();
            for l in &lanes {
                for (status, n) in &l.unexpected {
                    *unexpected.entry(status.to_string()).or_insert(0u64) += n;
                }
            }
            script_counts = Some(
                json!({ "lanes": lanes.len(), "expected": expected, "unexpected": unexpected }),
            );
            (stats, from, None)
        }
        Scenario::Scan => {
            let (Some(tokens), Some(codes), Some(item), Some(path)) = (
                a.tokens.as_deref(),
                a.codes.as_deref(),
                a.item.clone(),
                a.post_path.clone(),
            ) else {
                anyhow::bail!("scan needs --tokens, --codes and --item");
            };
            let mut tokens = scan::read_tokens(tokens)?;
            anyhow::ensure!(
                tokens.len() >= a.connections,
                "{} pairs of officers for {} connections: one line of --tokens per connection",
                tokens.len(),
                a.connections
            );
            tokens.truncate(a.connections);
            let codes = scan::read_codes(codes)?;
            anyhow::ensure!(
                codes.len() >= a.connections,
                "{} codes for {} connections: each lane needs at least one",
                codes.len(),
                a.connections
            );
            let run = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let decl = scan::Declaration { item };
            let lanes = scan::lanes(path, &decl, tokens, &codes, run);
            let (lanes, stats, from) = load(&a, &authority, lanes).await;
            let mut statuses = std::collections::BTreeMap::new();
            for l in &lanes {
                for (status, n) in &l.statuses {
                    *statuses.entry(status.to_string()).or_insert(0u64) += n;
                }
            }
            let exhausted = lanes.iter().filter(|l| l.exhausted()).count();
            let unexpected: u64 = lanes.iter().map(|l| l.unexpected).sum();
            if exhausted > 0 {
                eprintln!(
                    "loadgen: {exhausted} of {} lanes used up their codes before the end: give more codes",
                    lanes.len()
                );
            }
            if let Some(p) = lanes.iter().find_map(|l| l.first_problem.as_deref()) {
                eprintln!("loadgen: first unexpected answer: {p}");
            }
            scan_counts = Some(json!({
                "lanes": lanes.len(), "codes": codes.len(), "exhausted_lanes": exhausted,
                "started": statuses.get(&scan::STARTED.to_string()).copied().unwrap_or(0),
                "waiting": statuses.get(&scan::WAITING.to_string()).copied().unwrap_or(0),
                "unexpected": unexpected, "statuses": statuses,
            }));
            (stats, from, None)
        }
    };
    let sent = stats.sent_total;
    let summary = stats.summary(from, a.duration);
    let mut out = summary.to_json();
    out["scenario"] = json!(match a.scenario {
        Scenario::Meter => "meter",
        Scenario::Get => "get",
        Scenario::Post => "post",
        Scenario::Script => "script",
        Scenario::Scan => "scan",
    });
    if let Some(c) = script_counts {
        out["script"] = c;
    }
    if let Some(c) = scan_counts {
        out["scan"] = c;
    }
    out["mode"] = mode["mode"].clone();
    out["rate"] = mode.get("rate").cloned().unwrap_or(serde_json::Value::Null);
    out["connections"] = json!(a.connections);
    out["duration_s"] = json!(a.duration.as_secs_f64());
    out["sent_with_warmup"] = json!(sent);
    if let Some(v) = &verification {
        out["verification"] = v.to_json();
    }
    if a.scenario == Scenario::Meter {
        // Each request carries `batch` readings.
        let batch = a.meter.batch as f64;
        out["batch"] = json!(a.meter.batch);
        out["readings_per_s"] = json!(out["rps"].as_f64().map(|r| (r * batch).round()));
    }
    println!("{out}");
    eprintln!("{}", summary.human());
    let passed = verification
        .as_ref()
        .is_none_or(meter::Verification::passed);
    if let Some(v) = &verification {
        eprintln!(
            "verification {}: {}/{} meters match, {} readings acknowledged, {} Wh and {} fen charged, {} readings failed",
            if v.passed() { "PASSED" } else { "FAILED" },
            v.matching,
            v.meters,
            v.acked,
            v.energy_wh,
            v.charged_fen,
            v.failed
        );
        for p in &v.problems {
            eprintln!("  {p}");
        }
    }
    Ok(passed)
}
