//! Deliveries in flight: the bound on concurrent requests, the count of running deliveries,
//! and graceful shutdown.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, Semaphore, SemaphorePermit, watch};

use super::report::DeliveryReport;

/// Shared by a sender's clones and its running deliveries.
#[derive(Debug)]
pub(crate) struct Pool {
    /// One permit per request in flight.
    permits: Semaphore,
    /// `true` once shutdown has begun: read on every attempt, so a plain flag.
    down: AtomicBool,
    /// The same, for waiting on: deliveries waiting for a slot or a retry wake on it.
    shutdown: watch::Sender<bool>,
    /// Deliveries started and not finished (spawned ones from when they are spawned).
    active: AtomicUsize,
    /// Notified when `active` drops to zero.
    idle: Notify,
    /// Spawned deliveries that ended because of shutdown, handed back by it.
    pending: Mutex<Vec<DeliveryReport>>,
}

/// Marks one message as running; dropping it marks it finished (also when its future is
/// cancelled).
#[derive(Debug)]
pub(crate) struct Active {
    pool: Arc<Pool>,
}

impl Drop for Active {
    fn drop(&mut self) {
        if self.pool.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.pool.idle.notify_waiters();
        }
    }
}

/// Why a message stopped waiting.
#[derive(Debug)]
pub(crate) struct ShuttingDown;

impl Pool {
    pub(crate) fn new(max_in_flight: usize) -> Self {
        Self {
            permits: Semaphore::new(max_in_flight.min(Semaphore::MAX_PERMITS)),
            down: AtomicBool::new(false),
            shutdown: watch::Sender::new(false),
            active: AtomicUsize::new(0),
            idle: Notify::new(),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// Registers a message, unless shutdown has begun.
    ///
    /// The count goes up before the flag is read, and shutdown sets the flag before it reads
    /// the count, so either shutdown waits for this message or the message sees the flag.
    pub(crate) fn enter(self: &Arc<Self>) -> Option<Active> {
        self.active.fetch_add(1, Ordering::SeqCst);
        let active = Active {
            pool: Arc::clone(self),
        };
        if self.is_shut_down() {
            return None;
        }
        Some(active)
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    /// Completes once shutdown begins.
    pub(crate) async fn shut_down(&self) {
        let mut receiver = self.shutdown.subscribe();
        // The sender lives as long as `self`, so this only returns once the flag is set.
        let _ = receiver.wait_for(|down| *down).await;
    }

    /// A permit to send one request, or `Err` when shutdown begins first.
    pub(crate) async fn permit(&self) -> Result<SemaphorePermit<'_>, ShuttingDown> {
        if self.is_shut_down() {
            return Err(ShuttingDown);
        }
        // Fast path: a free slot, without subscribing to the shutdown signal.
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        tokio::select! {
            biased;
            () = self.shut_down() => Err(ShuttingDown),
            permit = self.permits.acquire() => permit.map_err(|_| ShuttingDown),
        }
    }

    /// Waits `sleep`, or `Err` when shutdown begins first.
    pub(crate) async fn wait(&self, sleep: impl Future<Output = ()>) -> Result<(), ShuttingDown> {
        tokio::select! {
            biased;
            () = self.shut_down() => Err(ShuttingDown),
            () = sleep => Ok(()),
        }
    }

    /// Keeps a spawned message that shutdown interrupted, for [`shutdown`](Self::shutdown).
    pub(crate) fn hand_back(&self, report: DeliveryReport) {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(report);
    }

    /// Begins shutdown, waits until no message is running, and returns the spawned
    /// deliveries it interrupted.
    pub(crate) async fn shutdown(&self) -> Vec<DeliveryReport> {
        self.down.store(true, Ordering::SeqCst);
        self.shutdown.send_replace(true);
        loop {
            let idle = self.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if self.active.load(Ordering::SeqCst) == 0 {
                break;
            }
            idle.await;
        }
        std::mem::take(
            &mut *self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Requests in flight now.
    pub(crate) fn in_flight(&self, max: usize) -> usize {
        max.saturating_sub(self.permits.available_permits())
    }
}
