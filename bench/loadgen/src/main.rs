//! `loadgen`: the gateway's load generator for what wrk cannot do — requests that
//! must each be signed at send time (meter readings), an open-loop mode measured
//! from the intended send time, and a check after the run that the server did
//! exactly what it acknowledged. See `bench/load.sh` for how it is run.

mod args;
mod drive;
mod get;
mod http;
mod meter;
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
    let (stats, from, verification) = match a.scenario {
        Scenario::Meter => {
            let setup = meter::setup(&authority, &a.meter).await?;
            let (lanes, token) = setup.lanes(a.connections, a.meter.step_wh);
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
    };
    let sent = stats.sent_total;
    let summary = stats.summary(from, a.duration);
    let mut out = summary.to_json();
    out["scenario"] = json!(match a.scenario {
        Scenario::Meter => "meter",
        Scenario::Get => "get",
        Scenario::Post => "post",
    });
    out["mode"] = mode["mode"].clone();
    out["rate"] = mode.get("rate").cloned().unwrap_or(serde_json::Value::Null);
    out["connections"] = json!(a.connections);
    out["duration_s"] = json!(a.duration.as_secs_f64());
    out["sent_with_warmup"] = json!(sent);
    if let Some(v) = &verification {
        out["verification"] = v.to_json();
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
