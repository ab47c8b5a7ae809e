//! Memory hog: `/memory-hog/grow?mib=N` allocates and touches N MiB; a request
//! beyond the instance's memory cap fails inside the guest.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let mib: usize = req
        .uri()
        .query()
        .and_then(|q| q.strip_prefix("mib="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    for i in 0..mib {
        blocks.push(vec![(i % 251) as u8; 1 << 20]);
    }
    let total: usize = blocks.iter().map(|b| b[b.len() - 1] as usize).sum();
    format!("allocated {mib} MiB ({total})")
}
