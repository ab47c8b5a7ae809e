//! The GET workload: a list of paths (one per line), cycled, with fixed headers —
//! e.g. valuation lookups with a bearer token, at a fixed rate. And the POST
//! workload: one JSON body, each request under its own idempotency key, so that
//! every request is a new record (an intake's write path).

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

/// One connection's POSTs: the same body, a fresh `Idempotency-Key` each time.
pub struct PostLane {
    path: Arc<String>,
    body: Bytes,
    headers: Arc<Vec<(String, String)>>,
    /// Unique per run and lane: `<run>-<lane>-<n>`.
    prefix: String,
    n: u64,
}

/// `n` lanes posting `body` to `path`; `run` makes the keys unique across runs.
pub fn post_lanes(
    path: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    n: usize,
    run: u64,
) -> Vec<PostLane> {
    let (path, headers, body) = (Arc::new(path), Arc::new(headers), Bytes::from(body));
    (0..n)
        .map(|l| PostLane {
            path: path.clone(),
            body: body.clone(),
            headers: headers.clone(),
            prefix: format!("bench-{run}-{l}"),
            n: 0,
        })
        .collect()
}

impl Lane for PostLane {
    fn next(&mut self) -> Req {
        self.n += 1;
        let mut b = hyper::Request::post(self.path.as_str())
            .header("content-type", "application/json")
            .header("idempotency-key", format!("{}-{}", self.prefix, self.n));
        for (k, v) in self.headers.iter() {
            b = b.header(k.as_str(), v.as_str());
        }
        b.body(Full::new(self.body.clone()))
            .expect("the path and headers are valid")
    }

    fn answered(&mut self, _status: StatusCode, _body: &[u8]) {}

    fn failed(&mut self) {}
}
