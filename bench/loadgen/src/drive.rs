//! The load engine: closed loop (each connection sends its next request when the
//! answer is in) or open loop (requests due at constant intervals, handed to the
//! connections round-robin; latency counts from when a request was *due*, so a slow
//! server cannot hide its queue — no coordinated omission).
//!
//! Each connection drives one [`Lane`]: the workload's request source for that
//! connection, which also sees every answer. Lanes come back at the end so the
//! workload can check what the server did.

use crate::http::{Conn, Req};
use crate::stats::Stats;
use hyper::StatusCode;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout};

/// Longest wait for one answer; after that the request counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection's request source.
pub trait Lane: Send + 'static {
    /// The next request (built, and signed, now: at send time).
    fn next(&mut self) -> Req;
    /// Whether `status` is a right answer to the request [`Lane::next`] gave last
    /// (asked before [`Lane::answered`]); any other answer counts as an error.
    fn ok(&self, status: StatusCode) -> bool {
        status.is_success()
    }
    /// The answer to the request [`Lane::next`] gave last.
    fn answered(&mut self, status: StatusCode, body: &[u8]);
    /// That request got no answer (I/O error or timeout).
    fn failed(&mut self);
    /// Whether the lane has nothing more to send (a finite script); endless otherwise.
    fn done(&self) -> bool {
        false
    }
}

/// When the run measures: from `measure_from` (after the warm-up) to `until`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// End of the warm-up.
    pub measure_from: Instant,
    /// No request is started (closed) or due (open) after this.
    pub until: Instant,
}

/// Sends one request, records it if it was due inside the measured window.
async fn one<L: Lane>(lane: &mut L, conn: &mut Conn, due: Instant, w: Window, stats: &mut Stats) {
    let req = lane.next();
    stats.sent_total += 1;
    let ok = match timeout(REQUEST_TIMEOUT, conn.send(req)).await {
        Ok(Ok((status, body))) => {
            let ok = lane.ok(status);
            lane.answered(status, &body);
            ok
        }
        Ok(Err(_)) | Err(_) => {
            lane.failed();
            false
        }
    };
    if due >= w.measure_from {
        let now = Instant::now();
        stats.record(now - due, ok, now);
    }
}

/// Closed loop over `lanes` (one connection each).
pub async fn closed<L: Lane>(lanes: Vec<L>, authority: &str, w: Window) -> (Vec<L>, Stats) {
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|mut lane| {
            let mut conn = Conn::new(authority);
            tokio::spawn(async move {
                let mut stats = Stats::default();
                loop {
                    let now = Instant::now();
                    if now >= w.until || lane.done() {
                        break;
                    }
                    one(&mut lane, &mut conn, now, w, &mut stats).await;
                }
                (lane, stats)
            })
        })
        .collect();
    gather(tasks).await
}

/// Open loop at `rate` requests/s over `lanes`, starting at `start`.
pub async fn open<L: Lane>(
    lanes: Vec<L>,
    authority: &str,
    rate: f64,
    start: Instant,
    w: Window,
) -> (Vec<L>, Stats) {
    let mut senders = Vec::with_capacity(lanes.len());
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|mut lane| {
            let (tx, mut rx) = mpsc::unbounded_channel::<Instant>();
            senders.push(tx);
            let mut conn = Conn::new(authority);
            tokio::spawn(async move {
                let mut stats = Stats::default();
                while let Some(due) = rx.recv().await {
                    // A finished lane lets its share of the rate go unsent.
                    if !lane.done() {
                        one(&mut lane, &mut conn, due, w, &mut stats).await;
                    }
                }
                (lane, stats)
            })
        })
        .collect();
    let interval = 1.0 / rate;
    let mut i: u64 = 0;
    loop {
        let due = start + Duration::from_secs_f64(i as f64 * interval);
        if due >= w.until {
            break;
        }
        // The timer wakes on a millisecond tick: everything due by then goes out at
        // once, each still measured from its own due time.
        sleep_until(due).await;
        let lane = (i % senders.len() as u64) as usize;
        if senders[lane].send(due).is_err() {
            break;
        }
        i += 1;
    }
    drop(senders);
    gather(tasks).await
}

async fn gather<L: Lane>(tasks: Vec<tokio::task::JoinHandle<(L, Stats)>>) -> (Vec<L>, Stats) {
    let mut lanes = Vec::with_capacity(tasks.len());
    let mut total = Stats::default();
    for t in tasks {
        let (lane, stats) = t.await.expect("a connection task panicked");
        lanes.push(lane);
        total.merge(stats);
    }
    (lanes, total)
}
