//! Slow: `/slow/sleep?ms=N` waits N ms (yielding to the host); `/slow/spin?ms=N`
//! burns CPU for N ms without yielding; both then answer `done`.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;
use std::time::{Duration, Instant};

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let ms: u64 = req
        .uri()
        .query()
        .and_then(|q| q.strip_prefix("ms="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    if req.uri().path().ends_with("/spin") {
        let start = Instant::now();
        let mut x: u64 = 0;
        while start.elapsed() < Duration::from_millis(ms) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        format!("done {}", x % 2)
    } else {
        spin_sdk::time::sleep(Duration::from_millis(ms)).await;
        "done".to_owned()
    }
}
