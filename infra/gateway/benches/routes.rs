//! Criterion benchmarks of the gateway's per-request routing work: matching a path
//! against a route table the size of the application (ten functions, exact,
//! wildcard and `:name` routes), and building the `spin-*` headers of a match.
//!
//! Run with `cargo bench -p yingshang-gateway --bench routes`; results are in
//! `BENCHMARKS.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use yingshang_gateway::routes::Router;

/// A route table shaped like the application's: one wildcard per function, a few
/// exact and parameterised routes, a catch-all.
const ROUTES: [(&str, &str); 16] = [
    ("/api/valuation/...", "valuation"),
    ("/api/tax/...", "tax"),
    ("/api/tax/health", "tax-health"),
    ("/api/metering/...", "metering"),
    ("/api/metering/webhook/:meter", "metering-webhook"),
    ("/api/licences/...", "licences"),
    ("/api/licences/:id/status", "licence-status"),
    ("/api/registry/...", "registry"),
    ("/api/enforcement/...", "enforcement"),
    ("/api/enforcement/inspections/:id", "inspection"),
    ("/api/policies/...", "policies"),
    ("/api/refunds/...", "refunds"),
    ("/api/storage/...", "storage"),
    ("/api/dividends/...", "dividends"),
    ("/hello", "hello"),
    ("/...", "fallback"),
];

fn routing(c: &mut Criterion) {
    let (router, duplicates) = Router::build("/", ROUTES).expect("valid routes");
    assert!(duplicates.is_empty());
    for (name, path) in [
        ("route exact (/hello)", "/hello"),
        (
            "route wildcard (/api/valuation/units/…)",
            "/api/valuation/units/410305001001GB00012F00011203",
        ),
        (
            "route :param (/api/metering/webhook/:meter)",
            "/api/metering/webhook/123456789012",
        ),
        ("route fallback (/nothing/here)", "/nothing/here"),
    ] {
        assert!(router.route(path).is_some());
        c.bench_function(name, |b| b.iter(|| router.route(black_box(path))));
    }
    let m = router
        .route("/api/metering/webhook/123456789012")
        .expect("a match");
    c.bench_function("spin headers of a :param match", |b| {
        b.iter(|| {
            black_box(&m).spin_headers(
                "http://127.0.0.1:3000/api/metering/webhook/123456789012",
                "127.0.0.1:40000",
            )
        })
    });
}

/// The group lives in a private module: `criterion_group!` makes an undocumented
/// `pub fn`.
mod group {
    use super::*;
    criterion_group!(benches, routing);
}
criterion_main!(group::benches);
