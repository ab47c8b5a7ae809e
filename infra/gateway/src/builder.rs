//! Builds components that are missing or stale before start-up, by running each
//! component's `[component.<id>.build] command`, as `spin up --build` would. A
//! component is stale when a file matched by its `watch` globs is newer than its
//! `.wasm`. A build that targets `wasm32-wasip2` gets the target installed first.

use crate::manifest::{Component, Manifest};
use anyhow::Context as _;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Whether the component's `.wasm` must be (re)built.
pub fn is_stale(manifest: &Manifest, component: &Component) -> anyhow::Result<bool> {
    let Some(wasm_time) = modified(&manifest.source_path(component)) else {
        return Ok(true);
    };
    let Some(build) = &component.build else {
        return Ok(false);
    };
    let workdir = manifest.root.join(build.workdir.as_deref().unwrap_or("."));
    for pattern in &build.watch {
        let full = workdir.join(pattern);
        let full = full.to_string_lossy();
        for entry in glob::glob(&full).with_context(|| format!("invalid watch glob `{pattern}`"))? {
            if let Ok(path) = entry
                && modified(&path).is_some_and(|t| t > wasm_time)
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Makes sure the `wasm32-wasip2` target is installed (through rustup).
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("while asking rustup for installed targets (is rustup on PATH?)")?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-wasip2")
    {
        return Ok(());
    }
    tracing::info!("installing the wasm32-wasip2 target with rustup");
    let status = Command::new("rustup")
        .args(["target", "add", "wasm32-wasip2"])
        .status()
        .context("while running rustup target add wasm32-wasip2")?;
    anyhow::ensure!(status.success(), "rustup target add wasm32-wasip2 failed");
    Ok(())
}

/// Builds every component whose `.wasm` is missing or stale.
pub fn build_stale(manifest: &Manifest) -> anyhow::Result<()> {
    let mut target_checked = false;
    for (id, component) in &manifest.components {
        let Some(build) = &component.build else {
            continue;
        };
        if !is_stale(manifest, component)? {
            continue;
        }
        if !target_checked && build.command.contains("wasm32-wasip2") {
            ensure_wasm_target()?;
            target_checked = true;
        }
        let workdir = manifest.root.join(build.workdir.as_deref().unwrap_or("."));
        tracing::info!(component = %id, command = %build.command, "building");
        let status = Command::new("sh")
            .arg("-c")
            .arg(&build.command)
            .current_dir(&workdir)
            .status()
            .with_context(|| format!("component `{id}`: cannot run its build command"))?;
        anyhow::ensure!(
            status.success(),
            "{}: component.{id}.build.command: `{}` failed with {status}",
            manifest.path.display(),
            build.command
        );
    }
    Ok(())
}
