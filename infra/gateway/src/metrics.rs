//! Prometheus metrics: requests by component and status, a latency histogram,
//! live instances and traps. Served as text on the admin listener.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    /// By component, then status: looked up by `&str`, so that counting a request
    /// allocates nothing once its component has been seen.
    requests: BTreeMap<String, BTreeMap<u16, u64>>,
    latency: BTreeMap<String, Histogram>,
    instances: BTreeMap<String, i64>,
    instances_created: BTreeMap<String, u64>,
    traps: BTreeMap<String, u64>,
}

/// The gateway's counters.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with(&self, f: impl FnOnce(&mut Inner)) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard);
    }

    /// Records one answered request. `component` is `-` for unrouted requests.
    pub fn request(&self, component: &str, status: u16, latency: Duration) {
        self.with(|i| {
            let by_status = match i.requests.get_mut(component) {
                Some(m) => m,
                None => i.requests.entry(component.to_owned()).or_default(),
            };
            *by_status.entry(status).or_default() += 1;
            let h = match i.latency.get_mut(component) {
                Some(h) => h,
                None => i.latency.entry(component.to_owned()).or_default(),
            };
            let secs = latency.as_secs_f64();
            for (n, bound) in BUCKETS.iter().enumerate() {
                if secs <= *bound {
                    h.counts[n] += 1;
                }
            }
            h.sum += secs;
            h.count += 1;
        });
    }

    /// An instance was created.
    pub fn instance_created(&self, component: &str) {
        self.with(|i| {
            *i.instances.entry(component.to_owned()).or_default() += 1;
            *i.instances_created.entry(component.to_owned()).or_default() += 1;
        });
    }

    /// An instance was dropped.
    pub fn instance_dropped(&self, component: &str) {
        self.with(|i| *i.instances.entry(component.to_owned()).or_default() -= 1);
    }

    /// A guest trapped.
    pub fn trap(&self, component: &str) {
        self.with(|i| *i.traps.entry(component.to_owned()).or_default() += 1);
    }

    /// Instances created so far for a component (used by tests and benchmarks).
    pub fn instances_created(&self, component: &str) -> u64 {
        let mut n = 0;
        self.with(|i| n = i.instances_created.get(component).copied().unwrap_or(0));
        n
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.with(|i| {
            out.push_str("# HELP yingshang_requests_total Requests answered, by component and status.\n# TYPE yingshang_requests_total counter\n");
            for (c, by_status) in &i.requests {
                for (s, n) in by_status {
                    let _ = writeln!(out, "yingshang_requests_total{{component=\"{c}\",status=\"{s}\"}} {n}");
                }
            }
            out.push_str("# HELP yingshang_request_duration_seconds Time to answer a request.\n# TYPE yingshang_request_duration_seconds histogram\n");
            for (c, h) in &i.latency {
                for (n, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(out, "yingshang_request_duration_seconds_bucket{{component=\"{c}\",le=\"{bound}\"}} {}", h.counts[n]);
                }
                let _ = writeln!(out, "yingshang_request_duration_seconds_bucket{{component=\"{c}\",le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(out, "yingshang_request_duration_seconds_sum{{component=\"{c}\"}} {}", h.sum);
                let _ = writeln!(out, "yingshang_request_duration_seconds_count{{component=\"{c}\"}} {}", h.count);
            }
            out.push_str("# HELP yingshang_instances Live component instances.\n# TYPE yingshang_instances gauge\n");
            for (c, n) in &i.instances {
                let _ = writeln!(out, "yingshang_instances{{component=\"{c}\"}} {n}");
            }
            out.push_str("# HELP yingshang_instances_created_total Component instances created.\n# TYPE yingshang_instances_created_total counter\n");
            for (c, n) in &i.instances_created {
                let _ = writeln!(out, "yingshang_instances_created_total{{component=\"{c}\"}} {n}");
            }
            out.push_str("# HELP yingshang_traps_total Instances ended by a trap.\n# TYPE yingshang_traps_total counter\n");
            for (c, n) in &i.traps {
                let _ = writeln!(out, "yingshang_traps_total{{component=\"{c}\"}} {n}");
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::default();
        m.request("tax", 200, Duration::from_millis(3));
        m.request("tax", 500, Duration::from_millis(30));
        m.instance_created("tax");
        m.trap("tax");
        let t = m.render();
        assert!(t.contains("yingshang_requests_total{component=\"tax\",status=\"200\"} 1"));
        assert!(t.contains(
            "yingshang_request_duration_seconds_bucket{component=\"tax\",le=\"0.005\"} 1"
        ));
        assert!(t.contains("yingshang_request_duration_seconds_count{component=\"tax\"} 2"));
        assert!(t.contains("yingshang_traps_total{component=\"tax\"} 1"));
        assert_eq!(m.instances_created("tax"), 1);
    }
}
