//! The script workload: a file of requests, one JSON object per line —
//! `{"lane": n, "method": "POST", "path": "/…", "headers": [["k", "v"]], "body": {…},
//! "expect": 201}` — each sent exactly once, in file order within its lane (one
//! connection per lane). For flows whose requests depend on each other (two officers
//! scanning one code, one agency's single bid), where a cycled body would be refused.
//! A lane stops when its requests are done; an answer other than `expect` counts as
//! unexpected (and as an error when it is not a success).

use crate::drive::Lane;
use crate::http::Req;
use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One scripted request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The connection it goes on.
    pub lane: usize,
    /// The method.
    #[serde(default = "get")]
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// A JSON body, if any.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// The status the step should get.
    pub expect: u16,
}

fn get() -> String {
    "GET".to_owned()
}

/// One connection's steps.
pub struct ScriptLane {
    steps: Vec<Step>,
    i: usize,
    /// Answers other than the expected status, by status.
    pub unexpected: BTreeMap<u16, u64>,
    /// Answers as expected.
    pub expected: u64,
}

/// Reads a script into its lanes (lane numbers 0..n, each used).
pub fn read(file: &Path) -> anyhow::Result<Vec<ScriptLane>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("while reading {}", file.display()))?;
    let mut by_lane: BTreeMap<usize, Vec<Step>> = BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let step: Step = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", file.display(), n + 1))?;
        anyhow::ensure!(
            step.path.starts_with('/'),
            "line {}: the path must start with /",
            n + 1
        );
        by_lane.entry(step.lane).or_default().push(step);
    }
    anyhow::ensure!(!by_lane.is_empty(), "{} holds no steps", file.display());
    anyhow::ensure!(
        by_lane.keys().copied().eq(0..by_lane.len()),
        "lanes must be numbered 0..n without gaps"
    );
    Ok(by_lane
        .into_values()
        .map(|steps| ScriptLane {
            steps,
            i: 0,
            unexpected: BTreeMap::new(),
            expected: 0,
        })
        .collect())
}

impl Lane for ScriptLane {
    fn next(&mut self) -> Req {
        let step = &self.steps[self.i.min(self.steps.len() - 1)];
        self.i += 1;
        let mut b = hyper::Request::builder()
            .method(step.method.as_str())
            .uri(step.path.as_str());
        for (k, v) in &step.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let body = match &step.body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                Bytes::from(v.to_string())
            }
            None => Bytes::new(),
        };
        b.body(Full::new(body))
            .expect("the script's requests are valid")
    }

    fn answered(&mut self, status: StatusCode, _body: &[u8]) {
        let expect = self.steps[(self.i - 1).min(self.steps.len() - 1)].expect;
        if status.as_u16() == expect {
            self.expected += 1;
        } else {
            *self.unexpected.entry(status.as_u16()).or_default() += 1;
        }
    }

    fn failed(&mut self) {
        *self.unexpected.entry(0).or_default() += 1;
    }

    fn done(&self) -> bool {
        self.i >= self.steps.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_to_their_lanes_in_order_and_lanes_stop_when_done() {
        let dir = std::env::temp_dir().join(format!("loadgen-script-{}", std::process::id()));
        std::fs::write(
            &dir,
            "{\"lane\":1,\"method\":\"POST\",\"path\":\"/b\",\"body\":{\"x\":1},\"expect\":201}\n\
             {\"lane\":0,\"path\":\"/a\",\"expect\":200}\n\
             {\"lane\":1,\"method\":\"POST\",\"path\":\"/c\",\"headers\":[[\"k\",\"v\"]],\"expect\":202}\n",
        )
        .unwrap();
        let mut lanes = read(&dir).unwrap();
        std::fs::remove_file(&dir).unwrap();
        assert_eq!(lanes.len(), 2);
        let l1 = &mut lanes[1];
        assert_eq!(l1.next().uri().path(), "/b");
        l1.answered(StatusCode::CREATED, b"");
        let r = l1.next();
        assert_eq!(
            (r.uri().path(), r.headers()["k"].to_str().unwrap()),
            ("/c", "v")
        );
        l1.answered(StatusCode::CONFLICT, b"");
        assert!(l1.done());
        assert_eq!(
            (l1.expected, l1.unexpected.get(&409).copied()),
            (1, Some(1))
        );
        assert!(!lanes[0].done());
    }

    #[test]
    fn gaps_in_lane_numbers_and_bad_lines_are_refused() {
        let dir = std::env::temp_dir().join(format!("loadgen-script-bad-{}", std::process::id()));
        std::fs::write(&dir, "{\"lane\":1,\"path\":\"/a\",\"expect\":200}\n").unwrap();
        assert!(read(&dir).is_err());
        std::fs::write(&dir, "{\"lane\":0,\"path\":\"a\",\"expect\":200}\n").unwrap();
        assert!(read(&dir).is_err());
        std::fs::write(
            &dir,
            "{\"lane\":0,\"path\":\"/a\",\"expect\":200,\"x\":1}\n",
        )
        .unwrap();
        assert!(read(&dir).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
