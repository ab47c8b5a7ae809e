//! Giving up on a request: when its time limit passes, or its body does not arrive
//! in time ([`crate::body_limit`]), the gateway stops the request's work instead of
//! letting it finish unseen. From that moment nothing the guest does reaches the
//! outside — a `spin:sqlite` statement, a key-value write, an outbound request or a
//! chained call is refused — and its instance is dropped, never reused. Dropping the
//! instance drops its database connections, and a connection dropped inside a
//! transaction is closed, which rolls the transaction back
//! ([`crate::sqlite_files::Lease`], [`crate::host::sqlite`]).
//!
//! The error answer (504, or 408) is written only after that, and after every effect
//! already under way when the request was given up (a statement on the blocking
//! pool, a chained call) has ended: a client that sees the error knows nothing
//! commits later, so retrying without an idempotency key cannot make a duplicate.
//! A chained call inherits its caller's deadline ([`InheritedDeadline`]), so the
//! work it started is given up at the same moment.
//!
//! A request that has not answered by its deadline is given up, whichever comes
//! first: its expiration future (see [`crate::instances`]) or, when a guest that
//! burns CPU kept that future from running, a late answer (which is then dropped
//! for the 504). Its effects were refused from the deadline on either way.
//!
//! [`Stop`] is one instance's latch. Its host calls take an [`Effect`] before they
//! touch the outside; the request's expiration future gives the instance up and
//! waits for its effects; the worker's expiration drops the instance once it is
//! given up and no effect is under way. [`Verdict`] is one request's side: whether
//! the gateway gave up on it, which the dispatcher reads to answer. The whole instance goes because wasmtime 48 cannot cancel one guest task
//! (wasmtime issue #11833); with more than one request per instance
//! (`--max-instance-concurrent-reuse-count`), the others sharing it are given up too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Instant;
use tokio::sync::Notify;

/// One instance's latch: given up or not, the deadlines of its requests in flight,
/// and the effects under way.
#[derive(Default)]
pub struct Stop {
    state: Mutex<State>,
    /// Woken when the instance is given up and when its last effect ends.
    changed: Notify,
}

#[derive(Default)]
struct State {
    abandoned: bool,
    in_flight: usize,
    /// Deadlines of the requests in flight, by a number of their own.
    deadlines: Vec<(u64, Instant)>,
    /// How to cut short the effects under way that can be, by their number.
    interrupts: Vec<(u64, Interrupt)>,
    next: u64,
    /// The worker's expiration, polled from outside the store's event loop.
    waker: Option<Waker>,
}

type Interrupt = Box<dyn Fn() + Send + Sync>;

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.lock();
        f.debug_struct("Stop")
            .field("abandoned", &s.abandoned)
            .field("in_flight", &s.in_flight)
            .field("deadlines", &s.deadlines)
            .finish_non_exhaustive()
    }
}

/// Why an effect was refused: the request it belongs to was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenUp;

impl std::fmt::Display for GivenUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the gateway gave up on this request (its time limit passed)")
    }
}

impl std::error::Error for GivenUp {}

/// An effect under way (a statement, a write, a chained call): while one is alive
/// the error answer of a given-up request waits.
#[derive(Debug)]
#[must_use = "the effect counts as under way only while this is alive"]
pub struct Effect(Arc<Stop>, u64);

impl Drop for Effect {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.in_flight -= 1;
        let id = self.1;
        s.interrupts.retain(|(i, _)| *i != id);
        if s.in_flight == 0 && s.abandoned {
            let waker = s.waker.take();
            drop(s);
            self.0.changed.notify_waiters();
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

/// A request's deadline, counted while this is alive (the request's expiration
/// future owns it, and drops it when the request has answered). Dropped at or after
/// the deadline — an answer that came too late — it gives the request up.
#[derive(Debug)]
pub struct Tracked {
    stop: Arc<Stop>,
    id: u64,
    deadline: Instant,
    verdict: Arc<Verdict>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.stop.lock().deadlines.retain(|(id, _)| *id != self.id);
        if Instant::now() >= self.deadline {
            self.verdict.give_up();
        }
    }
}

/// One request's side of giving up, shared by the dispatcher and the instance that
/// serves the request.
#[derive(Debug, Default)]
pub struct Verdict {
    given_up: AtomicBool,
    instance: OnceLock<Arc<Stop>>,
}

impl Verdict {
    /// A verdict for a new request.
    pub fn new() -> Arc<Verdict> {
        Arc::default()
    }

    /// The request is given up: so is its instance.
    pub fn give_up(&self) {
        self.given_up.store(true, Ordering::SeqCst);
        if let Some(stop) = self.instance.get() {
            stop.abandon();
        }
    }

    /// Whether the gateway gave up on the request.
    pub fn is_given_up(&self) -> bool {
        self.given_up.load(Ordering::SeqCst)
    }

    /// Resolves once no effect of the request's instance is under way.
    pub async fn settled(&self) {
        if let Some(stop) = self.instance.get() {
            stop.drained().await;
        }
    }
}

/// The deadline a chained request inherits from its caller (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InheritedDeadline(pub Instant);

impl Stop {
    /// A latch for a new instance.
    pub fn new() -> Arc<Stop> {
        Arc::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts `deadline` as the deadline of a request of this instance, judged by
    /// `verdict`, until the result is dropped.
    pub fn track(self: &Arc<Self>, deadline: Instant, verdict: &Arc<Verdict>) -> Tracked {
        let _first = verdict.instance.set(self.clone());
        let mut s = self.lock();
        let id = s.next;
        s.next += 1;
        s.deadlines.push((id, deadline));
        Tracked {
            stop: self.clone(),
            id,
            deadline,
            verdict: verdict.clone(),
        }
    }

    /// The earliest deadline of the requests in flight.
    pub fn deadline(&self) -> Option<Instant> {
        self.lock().deadlines.iter().map(|(_, d)| *d).min()
    }

    /// Refused once the instance is given up, or once a deadline of a request in
    /// flight has passed (even before its expiration future has run: a guest that
    /// spins past its deadline and then commits must not commit).
    pub fn check(&self) -> Result<(), GivenUp> {
        Self::refuses(&self.lock())
    }

    fn refuses(s: &State) -> Result<(), GivenUp> {
        if s.abandoned || s.deadlines.iter().any(|(_, d)| *d <= Instant::now()) {
            Err(GivenUp)
        } else {
            Ok(())
        }
    }

    /// Starts an effect, unless [`Self::check`] refuses.
    pub fn effect(self: &Arc<Self>) -> Result<Effect, GivenUp> {
        let mut s = self.lock();
        Self::refuses(&s)?;
        s.in_flight += 1;
        let id = s.next;
        s.next += 1;
        Ok(Effect(self.clone(), id))
    }

    /// Starts an effect that `interrupt` cuts short (e.g. a long query on the
    /// blocking pool), called if the instance is given up while it is under way, so
    /// that the error answer does not wait for it to run its course.
    pub fn interruptible_effect(
        self: &Arc<Self>,
        interrupt: impl Fn() + Send + Sync + 'static,
    ) -> Result<Effect, GivenUp> {
        let effect = self.effect()?;
        self.lock().interrupts.push((effect.1, Box::new(interrupt)));
        Ok(effect)
    }

    /// Gives the instance up: no effect starts from now on, and those under way that
    /// can be are interrupted.
    pub fn abandon(&self) {
        let mut s = self.lock();
        if s.abandoned {
            return;
        }
        s.abandoned = true;
        // Called under the lock: an effect that ends meanwhile waits to deregister,
        // so an interrupt never reaches what its effect no longer owns.
        for (_, interrupt) in &s.interrupts {
            interrupt();
        }
        let waker = s.waker.take();
        drop(s);
        self.changed.notify_waiters();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether the instance was given up.
    pub fn is_abandoned(&self) -> bool {
        self.lock().abandoned
    }

    /// Waits until `done` holds for the state.
    async fn until(&self, done: impl Fn(&State) -> bool) {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            // Registered before the state is read, so a change in between wakes it.
            notified.as_mut().enable();
            if done(&self.lock()) {
                return;
            }
            notified.await;
        }
    }

    /// Resolves once the instance is given up (by any of its requests).
    pub async fn given_up(&self) {
        self.until(|s| s.abandoned).await;
    }

    /// Resolves once no effect is under way.
    pub async fn drained(&self) {
        self.until(|s| s.in_flight == 0).await;
    }

    /// Ready once the instance is given up and no effect is under way: then it can
    /// be dropped. Wakes `cx` when that becomes true.
    pub fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.lock();
        if s.abandoned && s.in_flight == 0 {
            return Poll::Ready(());
        }
        match &mut s.waker {
            Some(w) => w.clone_from(cx.waker()),
            none => *none = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn effects_are_refused_once_given_up_or_past_a_deadline() {
        let stop = Stop::new();
        assert!(stop.effect().is_ok());
        let late = Verdict::new();
        let tracked = stop.track(Instant::now() - Duration::from_millis(1), &late);
        assert_eq!(stop.effect().err(), Some(GivenUp));
        assert!(!stop.is_abandoned() && !late.is_given_up());
        // It answers (the tracking ends) after its deadline: given up, with its
        // instance.
        drop(tracked);
        assert!(late.is_given_up() && stop.is_abandoned());

        let stop = Stop::new();
        let in_time = Verdict::new();
        let tracked = stop.track(Instant::now() + Duration::from_secs(60), &in_time);
        assert!(stop.check().is_ok());
        drop(tracked);
        assert!(!in_time.is_given_up() && stop.check().is_ok());
        stop.abandon();
        assert_eq!(stop.check(), Err(GivenUp));
    }

    #[test]
    fn the_earliest_deadline_is_inherited() {
        let stop = Stop::new();
        assert_eq!(stop.deadline(), None);
        let now = Instant::now();
        let _a = stop.track(now + Duration::from_secs(9), &Verdict::new());
        let b = stop.track(now + Duration::from_secs(3), &Verdict::new());
        assert_eq!(stop.deadline(), Some(now + Duration::from_secs(3)));
        drop(b);
        assert_eq!(stop.deadline(), Some(now + Duration::from_secs(9)));
    }

    #[tokio::test]
    async fn giving_up_waits_for_the_effects_under_way() {
        let stop = Stop::new();
        let effect = stop.effect().unwrap();
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        stop.abandon();
        assert!(stop.poll_finished(&mut cx).is_pending());
        let s = stop.clone();
        let drained = tokio::spawn(async move { s.drained().await });
        tokio::task::yield_now().await;
        assert!(!drained.is_finished());
        drop(effect);
        drained.await.unwrap();
        assert!(stop.poll_finished(&mut cx).is_ready());
        stop.given_up().await;
    }

    #[test]
    fn giving_up_interrupts_what_can_be_interrupted() {
        use std::sync::atomic::AtomicUsize;
        let stop = Stop::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let (c1, c2) = (calls.clone(), calls.clone());
        let ended = stop
            .interruptible_effect(move || {
                c1.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        drop(ended);
        let _running = stop
            .interruptible_effect(move || {
                c2.fetch_add(10, Ordering::SeqCst);
            })
            .unwrap();
        stop.abandon();
        stop.abandon();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            10,
            "only the one under way, once"
        );
    }
}
