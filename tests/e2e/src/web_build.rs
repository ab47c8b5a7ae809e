//! The web pages' build for the tests: `npm ci` when needed and `npm run build`
//! once per test binary, under a lock shared with the tests that copy the result.

use crate::{target_dir, workspace_root};
use std::sync::OnceLock;

/// A lock on `web/dist` between processes (flock(2), as the `flock` command takes):
/// exclusive while the pages are built (Vite empties the folder first), shared while
/// a test copies them, so that tests run side by side never copy half a build.
/// Held until the returned file is dropped.
pub fn web_build_lock(exclusive: bool) -> std::fs::File {
    let path = target_dir().join("web-build.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let locked = if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    };
    locked.unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    file
}

static BUILT_WEB: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds the web pages once per test binary, as the web component's build command
/// does: `npm ci` when the installed packages are missing or older than the lock
/// file, then `npm run build` (API types, type check, Vite) into `web/dist`.
pub fn build_web() {
    let result = BUILT_WEB.get_or_init(|| {
        let web = workspace_root().join("web");
        let installed = web.join("node_modules/.package-lock.json");
        let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let fresh = match (
            modified(&installed),
            modified(&web.join("package-lock.json")),
        ) {
            (Some(i), Some(l)) => i >= l,
            _ => false,
        };
        let npm = |args: &[&str]| -> Result<(), String> {
            let status = std::process::Command::new("npm")
                .args(args)
                .current_dir(&web)
                .status()
                .map_err(|e| format!("cannot run npm (Node.js 20.19+ is needed): {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("npm {} failed: {status}", args.join(" ")))
            }
        };
        let _building = web_build_lock(true);
        if !fresh {
            npm(&["ci", "--no-audit", "--no-fund"])?;
        }
        npm(&["run", "build"])
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
