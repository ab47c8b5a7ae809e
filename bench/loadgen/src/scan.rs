//! The scan-to-enter workload (check-in, 先扫码，后入企): each connection is a pair of
//! officers of one agency, A and B, walking its own share of enterprise codes. For each
//! enterprise A scans first (the scan waits for a second officer: 202), then B scans
//! (the inspection starts: 201), then the pair moves on. The scans are case-driven
//! (`"kind":"case","reason":"data_alert"`), so no routine cap ever refuses one. Every
//! request carries its own `Idempotency-Key`.
//!
//! Lane `l` of `L` takes the codes on lines `l`, `l + L`, `l + 2L`, … and visits each
//! once: scanning an enterprise again within ten minutes of its inspection (not
//! checked out) would be a join, refused to the same officers (409
//! `CHECKIN_ONE_OFFICER_ONLY`). A lane that has used its share stops (it is counted as
//! exhausted; in open loop its share of the rate goes unsent): give the run enough
//! codes for its rate and length.
//!
//! An answer other than the one expected (202 for A, 201 for B) is an error, 2xx or not.

use crate::drive::Lane;
use crate::http::Req;
use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::StatusCode;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What the first officer's scan gets: it waits for the second.
pub const WAITING: u16 = 202;
/// What the second officer's scan gets: the inspection starts.
pub const STARTED: u16 = 201;

/// The non-empty, trimmed lines of `file`.
fn lines(file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("while reading {}", file.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Reads the officers' tokens: one line per lane, `<token A> <token B>`.
pub fn read_tokens(file: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let pairs = lines(file)?
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(a), Some(b), None) => Ok((a.to_owned(), b.to_owned())),
                _ => anyhow::bail!(
                    "{} line {}: want `<token A> <token B>`",
                    file.display(),
                    n + 1
                ),
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(!pairs.is_empty(), "{} holds no tokens", file.display());
    Ok(pairs)
}

/// Reads the enterprise codes (their URLs or tokens), one per line.
pub fn read_codes(file: &Path) -> anyhow::Result<Vec<String>> {
    let codes = lines(file)?;
    anyhow::ensure!(!codes.is_empty(), "{} holds no codes", file.display());
    Ok(codes)
}

/// Lane `lane`'s share of `codes` among `lanes`: lines `lane`, `lane + lanes`, ….
pub fn share(codes: &[String], lane: usize, lanes: usize) -> Vec<String> {
    codes
        .iter()
        .skip(lane)
        .step_by(lanes.max(1))
        .cloned()
        .collect()
}

/// What the scan bodies say besides the code.
#[derive(Debug, Clone)]
pub struct Declaration {
    /// The published inspection item.
    pub item: String,
}

/// One pair of officers and its enterprises.
pub struct ScanLane {
    path: Arc<String>,
    item: Arc<String>,
    /// Bearer headers of officer A and officer B.
    bearer: [String; 2],
    codes: Vec<String>,
    /// Requests given so far; request `n` is officer `n % 2` on code `n / 2`.
    n: usize,
    /// `Idempotency-Key` prefix, unique per run and lane.
    prefix: String,
    /// Answers by status (0: no answer), warm-up included.
    pub statuses: BTreeMap<u16, u64>,
    /// Answers other than expected, warm-up included.
    pub unexpected: u64,
    /// The first unexpected answer, for the report.
    pub first_problem: Option<String>,
}

/// `tokens.len()` lanes (one per pair), each with its share of `codes`; `run` makes
/// the idempotency keys unique across runs.
pub fn lanes(
    path: String,
    decl: &Declaration,
    tokens: Vec<(String, String)>,
    codes: &[String],
    run: u64,
) -> Vec<ScanLane> {
    let (path, item) = (Arc::new(path), Arc::new(decl.item.clone()));
    let n = tokens.len();
    tokens
        .into_iter()
        .enumerate()
        .map(|(l, (a, b))| ScanLane {
            path: path.clone(),
            item: item.clone(),
            bearer: [format!("Bearer {a}"), format!("Bearer {b}")],
            codes: share(codes, l, n),
            n: 0,
            prefix: format!("bench-scan-{run}-{l}"),
            statuses: BTreeMap::new(),
            unexpected: 0,
            first_problem: None,
        })
        .collect()
}

impl ScanLane {
    /// The status the last request given should get.
    fn expected(&self) -> u16 {
        if self.n.saturating_sub(1).is_multiple_of(2) {
            WAITING
        } else {
            STARTED
        }
    }

    /// Whether the lane has used every code of its share.
    pub fn exhausted(&self) -> bool {
        self.n >= 2 * self.codes.len()
    }

    fn count(&mut self, status: u16, body: &[u8]) {
        *self.statuses.entry(status).or_default() += 1;
        if status != self.expected() {
            self.unexpected += 1;
            if self.first_problem.is_none() {
                let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
                self.first_problem = Some(format!(
                    "request {} (officer {}): {status} instead of {}: {text}",
                    self.n,
                    if self.expected() == WAITING { "A" } else { "B" },
                    self.expected()
                ));
            }
        }
    }
}

impl Lane for ScanLane {
    fn next(&mut self) -> Req {
        let (officer, code) = (self.n % 2, &self.codes[(self.n / 2) % self.codes.len()]);
        self.n += 1;
        let body = serde_json::json!({
            "code": code, "kind": "case", "reason": "data_alert",
            "item": self.item.as_str(), "approval_ref": "bench",
        });
        hyper::Request::post(self.path.as_str())
            .header("content-type", "application/json")
            .header("authorization", self.bearer[officer].as_str())
            .header("idempotency-key", format!("{}-{}", self.prefix, self.n))
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("the path, token and key are valid header text")
    }

    fn ok(&self, status: StatusCode) -> bool {
        status.as_u16() == self.expected()
    }

    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        self.count(status.as_u16(), body);
    }

    fn failed(&mut self) {
        self.count(0, b"no answer");
    }

    fn done(&self) -> bool {
        self.exhausted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("http://x/api/checkin/landing/c{i}"))
            .collect()
    }

    #[test]
    fn each_lane_takes_every_lanes_th_code_from_its_own_line() {
        let c = codes(7);
        assert_eq!(share(&c, 0, 3), [&c[0], &c[3], &c[6]].map(String::clone));
        assert_eq!(share(&c, 1, 3), [&c[1], &c[4]].map(String::clone));
        assert_eq!(share(&c, 2, 3), [&c[2], &c[5]].map(String::clone));
        assert!(share(&c, 7, 8).is_empty());
        // Every code goes to exactly one lane.
        let mut all: Vec<String> = (0..3).flat_map(|l| share(&c, l, 3)).collect();
        all.sort();
        let mut want = c.clone();
        want.sort();
        assert_eq!(all, want);
    }

    #[test]
    fn officer_a_then_b_on_each_code_with_a_key_each_then_the_lane_stops() {
        let tokens = vec![("ta0".into(), "tb0".into()), ("ta1".into(), "tb1".into())];
        let decl = Declaration {
            item: "IT-00-1".into(),
        };
        let mut ls = lanes("/api/checkin/scans".into(), &decl, tokens, &codes(4), 9);
        assert_eq!(ls.len(), 2);
        let l = &mut ls[1];
        let mut seen = Vec::new();
        for (status, expect_ok) in [(202, true), (201, true), (202, true), (409, false)] {
            assert!(!l.done());
            let r = l.next();
            let auth = r.headers()["authorization"].to_str().unwrap().to_owned();
            let key = r.headers()["idempotency-key"].to_str().unwrap().to_owned();
            assert_eq!(r.uri().path(), "/api/checkin/scans");
            let body: serde_json::Value = {
                use http_body_util::BodyExt;
                let bytes = ready(r.into_body().collect()).unwrap().to_bytes();
                serde_json::from_slice(&bytes).unwrap()
            };
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(l.ok(status), expect_ok);
            l.answered(status, b"{\"code\":\"CHECKIN_ONE_OFFICER_ONLY\"}");
            seen.push((auth, key, body["code"].as_str().unwrap().to_owned()));
            assert_eq!(
                (&body["kind"], &body["reason"], &body["item"]),
                (&"case".into(), &"data_alert".into(), &"IT-00-1".into())
            );
        }
        // Lane 1 of 2 over 4 codes: codes 1 and 3, A then B on each.
        let c = codes(4);
        let want = [
            ("Bearer ta1", &c[1]),
            ("Bearer tb1", &c[1]),
            ("Bearer ta1", &c[3]),
            ("Bearer tb1", &c[3]),
        ];
        for ((auth, _, code), (want_auth, want_code)) in seen.iter().zip(want) {
            assert_eq!((auth.as_str(), code), (want_auth, want_code));
        }
        let mut keys: Vec<&String> = seen.iter().map(|(_, k, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 4, "each request its own Idempotency-Key");
        assert!(keys.iter().all(|k| k.starts_with("bench-scan-9-1-")));
        assert!(l.done(), "the lane stops instead of scanning code 1 again");
        assert_eq!(l.unexpected, 1);
        assert_eq!(l.statuses, BTreeMap::from([(201, 1), (202, 2), (409, 1)]));
        assert!(
            l.first_problem
                .as_deref()
                .unwrap()
                .contains("409 instead of 201")
        );
    }

    #[test]
    fn a_missing_answer_is_unexpected() {
        let decl = Declaration { item: "i".into() };
        let mut ls = lanes(
            "/s".into(),
            &decl,
            vec![("a".into(), "b".into())],
            &codes(1),
            1,
        );
        let _ = ls[0].next();
        ls[0].failed();
        assert_eq!((ls[0].unexpected, ls[0].statuses.get(&0)), (1, Some(&1)));
    }

    #[test]
    fn token_lines_need_two_tokens() {
        let file = std::env::temp_dir().join(format!("loadgen-scan-{}", std::process::id()));
        std::fs::write(&file, "a1 b1\n\n  a2\tb2  \n").unwrap();
        assert_eq!(
            read_tokens(&file).unwrap(),
            vec![("a1".into(), "b1".into()), ("a2".into(), "b2".into())]
        );
        std::fs::write(&file, "a1 b1\na2\n").unwrap();
        assert!(read_tokens(&file).is_err());
        std::fs::write(&file, "a1 b1 c1\n").unwrap();
        assert!(read_tokens(&file).is_err());
        std::fs::write(&file, "\n").unwrap();
        assert!(read_tokens(&file).is_err());
        assert!(read_codes(&file).is_err());
        std::fs::remove_file(&file).unwrap();
    }

    /// Polls a future that is ready at once (a `Full` body is).
    fn ready<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        match f
            .as_mut()
            .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
        {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("a full body is ready at once"),
        }
    }
}
