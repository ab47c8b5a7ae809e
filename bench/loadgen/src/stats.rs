//! What a run measured: latencies of the measured window, answers and errors, and
//! the summary printed as one JSON line and one human line.

use serde_json::{Value, json};
use std::time::Duration;
use tokio::time::Instant;

/// Counts and latencies of one connection, merged at the end.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Latency of every measured request, µs (sorted by [`Stats::summary`]).
    pub latencies_us: Vec<u32>,
    /// Measured requests answered as the workload expects (2xx unless it says otherwise).
    pub ok: u64,
    /// Measured requests answered otherwise, or not answered (I/O, timeout).
    pub errors: u64,
    /// Every request sent, warm-up included.
    pub sent_total: u64,
    /// When the last measured answer came.
    pub last_done: Option<Instant>,
}

impl Stats {
    /// Records one measured request.
    pub fn record(&mut self, latency: Duration, ok: bool, done: Instant) {
        self.last_done = self.last_done.max(Some(done));
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        if ok {
            self.ok += 1;
        } else {
            self.errors += 1;
        }
    }

    /// Adds another connection's figures.
    pub fn merge(&mut self, other: Stats) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        self.errors += other.errors;
        self.sent_total += other.sent_total;
        self.last_done = self.last_done.max(other.last_done);
    }

    /// The summary of a window that started at `from` and was meant to last
    /// `planned`. Throughput is over the time until the last answer came, so an open
    /// loop the server cannot keep up with reports what was served, not what was asked.
    pub fn summary(mut self, from: Instant, planned: Duration) -> Summary {
        let window = self
            .last_done
            .map_or(planned, |d| d.saturating_duration_since(from).max(planned));
        self.latencies_us.sort_unstable();
        let v = &self.latencies_us;
        // Nearest-rank percentile, in ms.
        let pct = |q: f64| -> f64 {
            if v.is_empty() {
                return f64::NAN;
            }
            let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
            f64::from(v[rank - 1]) / 1000.0
        };
        let requests = v.len() as u64;
        Summary {
            requests,
            ok: self.ok,
            errors: self.errors,
            rps: requests as f64 / window.as_secs_f64().max(1e-9),
            p50_ms: pct(0.50),
            p90_ms: pct(0.90),
            p99_ms: pct(0.99),
            max_ms: pct(1.0),
        }
    }
}

/// The figures of a run.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Measured requests.
    pub requests: u64,
    /// Of which answered as expected (2xx unless the workload says otherwise).
    pub ok: u64,
    /// Of which answered otherwise or not answered.
    pub errors: u64,
    /// Measured requests per second.
    pub rps: f64,
    /// Latency percentiles, ms.
    pub p50_ms: f64,
    /// 90th.
    pub p90_ms: f64,
    /// 99th.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

fn round3(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

impl Summary {
    /// The machine-readable fields.
    pub fn to_json(self) -> Value {
        json!({
            "requests": self.requests, "ok": self.ok, "errors": self.errors,
            "rps": (self.rps * 10.0).round() / 10.0,
            "p50_ms": round3(self.p50_ms), "p90_ms": round3(self.p90_ms),
            "p99_ms": round3(self.p99_ms), "max_ms": round3(self.max_ms),
        })
    }

    /// One line for people.
    pub fn human(self) -> String {
        format!(
            "{:.0} req/s, {} requests ({} ok, {} errors), latency ms p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}",
            self.rps,
            self.requests,
            self.ok,
            self.errors,
            self.p50_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Stats::default();
        let from = Instant::now();
        for ms in 1..=100u64 {
            s.record(Duration::from_millis(ms), ms != 100, from);
        }
        let m = s.summary(from, Duration::from_secs(10));
        assert_eq!((m.requests, m.ok, m.errors), (100, 99, 1));
        assert_eq!((m.p50_ms, m.p99_ms, m.max_ms), (50.0, 99.0, 100.0));
        assert!((m.rps - 10.0).abs() < 1e-9);
    }
}
