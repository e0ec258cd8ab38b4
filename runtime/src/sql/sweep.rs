//! The SQL duplicate stores purge their expired ids on their own, amortised over their claims:
//! every [`EVERY`] claims (a store's clones count together) one bounded `DELETE` of at most
//! [`BATCH`] expired rows runs beside the claims, as of the time the claim carries.
//!
//! Why claims and not a timer: the stores hold no clock (every call carries `now`), so a sweep
//! by the claims' own time purges what the receiver's policy expired, and a test moves it with
//! the time it passes; a store that takes no claims grows no rows, so it needs no sweep; and no
//! background task outlives the store. Why bounded: one sweep never holds the table for long
//! (on PostgreSQL it skips rows a claim holds), and as each claim adds at most one row, up to
//! [`BATCH`] rows every [`EVERY`] claims keeps up with twice the rate rows expire. Why beside
//! the claim (a task of its own, at most one at a time per store): a claim never waits for it,
//! and a sweep that fails is logged at `warn` and changes no claim's answer; the next one tries
//! again.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::dedup::DedupError;

/// Claims between two sweeps, unless set otherwise (`purge_every`).
pub(crate) const EVERY: u32 = 500;

/// The most rows one sweep deletes.
pub(crate) const BATCH: i64 = 1_000;

/// A store's sweep schedule, shared by its clones.
#[derive(Debug)]
pub(crate) struct Sweep {
    every: u64,
    claims: AtomicU64,
    running: Arc<AtomicBool>,
}

impl Sweep {
    /// A sweep every `every` claims; never with 0.
    pub(crate) fn new(every: u32) -> Arc<Self> {
        Arc::new(Sweep {
            every: u64::from(every),
            claims: AtomicU64::new(0),
            running: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Counts a claim. True when this claim is due to start a sweep and none is running (the
    /// caller then starts one with [`spawn`](Self::spawn)).
    pub(crate) fn due(&self) -> bool {
        if self.every == 0 {
            return false;
        }
        let claims = self.claims.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        claims.is_multiple_of(self.every) && !self.running.swap(true, Ordering::AcqRel)
    }

    /// Runs `purge` on a task of its own (after [`due`](Self::due) said so); its failure is
    /// logged, never returned. Outside a tokio runtime nothing runs.
    pub(crate) fn spawn<F>(&self, database: &'static str, purge: F)
    where
        F: Future<Output = Result<u64, DedupError>> + Send + 'static,
    {
        let running = Running(Arc::clone(&self.running));
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let _running = running;
            match purge.await {
                Ok(removed) => {
                    tracing::debug!(database, removed, "duplicate store: expired ids purged");
                }
                Err(error) => tracing::warn!(
                    database,
                    %error,
                    "duplicate store: purging expired ids failed (claims are not affected; the \
                     next sweep tries again)"
                ),
            }
        });
    }
}

/// Marks the sweep finished when dropped (also when its task panics or is dropped).
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_once_every_n_claims_and_never_twice_at_once() {
        let sweep = Sweep::new(3);
        let due: Vec<bool> = (0..6).map(|_| sweep.due()).collect();
        assert_eq!(due, [false, false, true, false, false, false]);
        // The first sweep never finished: the sixth claim started none.
        sweep.running.store(false, Ordering::Release);
        let due: Vec<bool> = (0..3).map(|_| sweep.due()).collect();
        assert_eq!(due, [false, false, true]);
        assert!((0..10).all(|_| !Sweep::new(0).due()));
    }

    #[tokio::test]
    async fn a_failed_sweep_is_finished_and_the_next_one_runs() {
        let sweep = Sweep::new(1);
        assert!(sweep.due());
        let (sent, done) = tokio::sync::oneshot::channel();
        sweep.spawn("test", async move {
            let _ = sent.send(());
            Err(DedupError::new("the database is down"))
        });
        done.await.unwrap();
        for _ in 0..100 {
            if !sweep.running.load(Ordering::Acquire) {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(sweep.due(), "the failed sweep still counts as running");
    }
}
