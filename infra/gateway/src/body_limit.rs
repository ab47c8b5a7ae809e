//! How long a request body may take to arrive. A client that sends its headers and
//! then a byte now and then would otherwise keep an instance (and whatever the
//! guest holds while it reads) until the request time limit; 64 of them at one byte
//! a second are a cheap way to stall a service.
//!
//! The rule, as Apache's `mod_reqtimeout` puts it (`body=…,MinRate=…`): once the
//! guest first asks for the body, the body must have arrived within
//! [`BodyLimit::timeout`] (`--body-timeout-secs`) plus one second for every
//! [`BodyLimit::min_rate`] bytes received. So a large upload that keeps flowing at
//! least at that rate on average is never cut off however long it takes (only the
//! request time limit bounds it), while a trickle is cut off soon after the timeout.
//! A pure "no progress for N seconds" rule would not do: one byte a second is
//! progress. The clock starts when the body is first asked for, not when the
//! request arrived, so a guest that works before it reads is not the client's fault.
//!
//! When the limit passes, the request is given up ([`crate::deadline`]): its
//! instance stops and the gateway answers 408 `GATEWAY_BODY_TIMEOUT`, closing the
//! connection. The guest sees the body fail (a read timeout) if it is still running.

use crate::deadline::Verdict;
use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use wasmtime_wasi_http::{Error, WasiBody};

/// The limit on a request body's arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit {
    /// Time the body has from the moment it is first asked for.
    pub timeout: Duration,
    /// Bytes per second: each this many bytes received add a second.
    pub min_rate: u64,
}

impl Default for BodyLimit {
    /// 10 s, plus a second per KiB received.
    fn default() -> Self {
        BodyLimit {
            timeout: Duration::from_secs(10),
            min_rate: 1024,
        }
    }
}

impl BodyLimit {
    /// The time a body has once `received` bytes of it have arrived.
    pub fn allowance(&self, received: u64) -> Duration {
        let earned = received.checked_div(self.min_rate).unwrap_or(0);
        let fraction = received.checked_rem(self.min_rate).unwrap_or(0);
        let nanos = fraction
            .saturating_mul(1_000_000_000)
            .checked_div(self.min_rate)
            .unwrap_or(0);
        self.timeout
            .saturating_add(Duration::from_secs(earned))
            .saturating_add(Duration::from_nanos(nanos))
    }
}

/// One request body's watch: shared by the body (which notices the limit pass),
/// the request's expiration (which gives the request up) and the dispatcher (which
/// answers 408).
#[derive(Debug)]
pub struct BodyWatch {
    limit: BodyLimit,
    late: AtomicBool,
    changed: Notify,
    /// The request's verdict: a late body gives the request up.
    verdict: Arc<Verdict>,
}

impl BodyWatch {
    /// A watch for one request.
    pub fn new(limit: BodyLimit) -> Arc<BodyWatch> {
        Arc::new(BodyWatch {
            limit,
            late: AtomicBool::new(false),
            changed: Notify::new(),
            verdict: Verdict::new(),
        })
    }

    /// `body`, watched.
    pub fn wrap(self: &Arc<Self>, body: WasiBody) -> WasiBody {
        use http_body_util::BodyExt as _;
        WatchedBody {
            inner: body,
            watch: self.clone(),
            asked: None,
            received: 0,
            sleep: None,
        }
        .boxed_unsync()
    }

    /// The verdict of the request whose body this watches.
    pub fn verdict(&self) -> &Arc<Verdict> {
        &self.verdict
    }

    /// Whether the body failed to arrive in time.
    pub fn is_late(&self) -> bool {
        self.late.load(Ordering::SeqCst)
    }

    /// Resolves once the body is late.
    pub async fn late(&self) {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_late() {
                return;
            }
            notified.await;
        }
    }

    fn give_up(&self) {
        self.late.store(true, Ordering::SeqCst);
        self.verdict.give_up();
        self.changed.notify_waiters();
    }
}

/// A body that gives its request up when it does not arrive in time.
struct WatchedBody {
    inner: WasiBody,
    watch: Arc<BodyWatch>,
    /// When the body was first asked for.
    asked: Option<Instant>,
    received: u64,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        if this.watch.is_late() {
            return Poll::Ready(Some(Err(Error::ConnectionReadTimeout)));
        }
        let asked = *this.asked.get_or_insert_with(Instant::now);
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let n = frame.data_ref().map_or(0, Bytes::len);
                this.received = this.received.saturating_add(n as u64);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                let deadline = tokio::time::Instant::from_std(
                    asked + this.watch.limit.allowance(this.received),
                );
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if sleep.deadline() != deadline {
                    sleep.as_mut().reset(deadline);
                }
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => {
                        this.watch.give_up();
                        Poll::Ready(Some(Err(Error::ConnectionReadTimeout)))
                    }
                }
            }
            done => done,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt as _, StreamBody};

    #[test]
    fn every_min_rate_bytes_earn_a_second() {
        let limit = BodyLimit {
            timeout: Duration::from_secs(10),
            min_rate: 1024,
        };
        assert_eq!(limit.allowance(0), Duration::from_secs(10));
        assert_eq!(limit.allowance(1), Duration::from_nanos(10_000_976_562));
        assert_eq!(
            limit.allowance(20 << 20),
            Duration::from_secs(10 + 20 * 1024)
        );
        let total = BodyLimit {
            min_rate: 0,
            ..limit
        };
        assert_eq!(total.allowance(u64::MAX), Duration::from_secs(10));
    }

    fn trickle(chunks: usize, every: Duration, size: usize) -> WasiBody {
        let frames = futures::stream::unfold(0, move |i| async move {
            if i == chunks {
                return None;
            }
            tokio::time::sleep(every).await;
            Some((Ok(Frame::data(Bytes::from(vec![b'x'; size]))), i + 1))
        });
        StreamBody::new(frames).boxed_unsync()
    }

    #[tokio::test]
    async fn a_trickle_is_cut_off_and_a_flowing_upload_is_not() {
        let limit = BodyLimit {
            timeout: Duration::from_millis(200),
            min_rate: 1024,
        };
        // 40 KiB over a second: five times the timeout, but at 40 KiB/s.
        let watch = BodyWatch::new(limit);
        let flowing = watch.wrap(trickle(20, Duration::from_millis(50), 2048));
        let bytes = flowing.collect().await.unwrap().to_bytes();
        assert_eq!(bytes.len(), 40 << 10);
        assert!(!watch.is_late());

        let stop = crate::deadline::Stop::new();
        let watch = BodyWatch::new(limit);
        let _tracked = stop.track(Instant::now() + Duration::from_secs(60), watch.verdict());
        let trickling = watch.wrap(trickle(100, Duration::from_millis(100), 1));
        let e = trickling.collect().await.err().unwrap();
        assert!(matches!(e, Error::ConnectionReadTimeout), "{e:?}");
        assert!(watch.is_late());
        assert!(watch.verdict().is_given_up() && stop.is_abandoned());
        watch.late().await;
    }
}
