//! The GET workload: a list of paths (one per line), cycled, with fixed headers —
//! e.g. valuation lookups with a bearer token, at a fixed rate.

use crate::drive::Lane;
use crate::http::Req;
use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::StatusCode;
use std::path::Path;
use std::sync::Arc;

/// Reads the non-empty lines of `file`.
pub fn read_paths(file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("while reading {}", file.display()))?;
    let paths: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    anyhow::ensure!(!paths.is_empty(), "{} holds no paths", file.display());
    Ok(paths)
}

/// One connection's walk over the shared list, from its own starting point so the
/// connections do not all ask for the same path at once.
pub struct GetLane {
    paths: Arc<Vec<String>>,
    headers: Arc<Vec<(String, String)>>,
    i: usize,
}

/// `n` lanes over `paths`.
pub fn lanes(paths: Vec<String>, headers: Vec<(String, String)>, n: usize) -> Vec<GetLane> {
    let (paths, headers) = (Arc::new(paths), Arc::new(headers));
    (0..n)
        .map(|l| GetLane {
            i: l * paths.len() / n,
            paths: paths.clone(),
            headers: headers.clone(),
        })
        .collect()
}

impl Lane for GetLane {
    fn next(&mut self) -> Req {
        let path = &self.paths[self.i % self.paths.len()];
        self.i += 1;
        let mut b = hyper::Request::get(path.as_str());
        for (k, v) in self.headers.iter() {
            b = b.header(k.as_str(), v.as_str());
        }
        b.body(Full::new(Bytes::new()))
            .expect("paths and headers of the list are valid")
    }

    fn answered(&mut self, _status: StatusCode, _body: &[u8]) {}

    fn failed(&mut self) {}
}
