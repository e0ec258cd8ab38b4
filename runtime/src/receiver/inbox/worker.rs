//! [`InboxWorker`]: runs a receiver's handlers for the deliveries its inbox holds, with
//! retries, backoff and dead letters.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::Timestamp;
use crate::inbox::{ClaimedDelivery, DeadLetter, InboxError};
use crate::receiver::Receiver;
use crate::receiver::deadline;
use crate::receiver::inbox::Queue;
use crate::receiver::inbox::job;
use crate::retry::RetryPolicy;

/// Runs a [`Receiver`]'s handlers for the deliveries stored in its inbox (made by
/// [`Receiver::inbox_worker`]).
///
/// - It claims up to [`concurrency`](Self::concurrency) due deliveries at a time, each under a
///   [`lease`](Self::lease) (5 minutes by default), and runs them at once. It wakes when a
///   request of this process stores a delivery, and polls every
///   [`poll_interval`](Self::poll_interval) (1 s) for what other replicas stored and for
///   retries coming due.
/// - **Leases and time limits**: a handler runs at most its
///   [`handler_timeout`](Self::handler_timeout), measured from the claim on the receiver's
///   clock (the clock the lease's end was computed with), which sits below the lease by a
///   margin (a quarter of the lease, at most 15 s: 4 min 45 s of a 5 minute lease), so a
///   handler is stopped and its failure recorded before another replica may claim the delivery
///   again: one run at a time. Stopping drops the handler's future at its next `.await`; a
///   handler that blocks its thread cannot be stopped, so keep blocking work in
///   `spawn_blocking` with its own limit.
/// - A handler that succeeds marks the delivery done (its id stays a duplicate for the
///   config's `dedup_ttl`, 3 days by default; a running worker purges older ones every
///   minute). One that fails, panics or outlives its lease is
///   retried on the [`retry`](Self::retry) schedule (5 s, 30 s, 2 min, 10 min, 30 min, 1 h,
///   2 h, 4 h, each ±20%: 9 runs over about 8 hours); after the last, the delivery is a dead
///   letter ([`dead_letters`](Self::dead_letters), [`retry_dead`](Self::retry_dead)). A body
///   that does not parse into its type is a dead letter at once: retrying cannot fix it, a
///   deployment can (then retry it).
/// - A worker that dies mid-handler loses nothing: the delivery is due again when its lease
///   ends. Results are fenced by the claim's token, so a worker that lost its lease changes
///   nothing. Handlers run at least once: make their effects idempotent (on the delivery id)
///   where running twice after a crash matters.
/// - **Poison work ends**: every claim counts as a run, recorded or not. A delivery claimed as
///   many times as the retry schedule allows runs (9 by default) whose last run recorded
///   nothing (it crashed or aborted its process every time, say) is not run again: the next
///   claim makes it a dead letter whose error says so
///   ([`gave_up`](crate::inbox::gave_up)). A delivery taken over from an ended lease
///   ([`recovered`](crate::inbox::ClaimedDelivery::recovered)) may be what crashed the last worker,
///   so it runs alone: the worker lets what it has in flight finish first (waiting at most
///   half the recovered delivery's time limit, then starting it beside any slow handler still
///   running) and claims nothing while it runs, so a crash it causes costs no other delivery
///   a run.
///
/// ```
/// use hookwire::inbox::MemoryInbox;
/// use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
/// use hookwire::signature::StandardWebhooks;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
/// let receiver: Receiver = Receiver::new(config)
///     .unknown(|d: Delivery<Box<serde_json::value::RawValue>>| async move { println!("{}", d.event_type) })
///     .inbox(MemoryInbox::new(), "shop");
/// let worker = receiver.inbox_worker(());
/// let app: axum::Router = receiver.into_router();
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let running = tokio::spawn(worker.run(async move { let _ = stopped.await; }));
/// // ... serve `app` ...
/// stop.send(()).unwrap();
/// running.await.unwrap()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct InboxWorker<S = ()> {
    receiver: Arc<Receiver<S>>,
    state: S,
    concurrency: usize,
    lease: Option<Duration>,
    timeout: Option<Duration>,
    poll: Duration,
    retry: RetryPolicy,
}

/// The default lease of a claimed delivery.
const DEFAULT_LEASE: Duration = Duration::from_secs(300);

/// How often a running worker forgets done deliveries whose retention ended.
const PURGE_EVERY: Duration = Duration::from_secs(60);
/// How often the queue's backlog and dead letters are sampled for metrics (feature `metrics`).
const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// What a worker's settings come to.
#[derive(Clone, Copy)]
struct Limits {
    lease: Duration,
    timeout: Duration,
    /// Claims a delivery may have: the first run and one per retry.
    runs: u32,
}

impl<S: Clone + Send + Sync + 'static> InboxWorker<S> {
    pub(crate) fn new(receiver: Arc<Receiver<S>>, state: S) -> Self {
        let retry = RetryPolicy::new(
            [5, 30, 120, 600, 1_800, 3_600, 7_200, 14_400].map(Duration::from_secs),
        );
        InboxWorker {
            receiver,
            state,
            concurrency: 8,
            lease: None,
            timeout: None,
            poll: Duration::from_secs(1),
            retry,
        }
    }

    /// Runs at most `n` handlers at once (at least 1; default 8).
    ///
    /// ```
    /// # let receiver: hookwire::receiver::Receiver = hookwire::receiver::Receiver::new(hookwire::receiver::WebhookConfig::new(hookwire::signature::GitHub::new("s")?));
    /// let worker = receiver.inbox_worker(()).concurrency(32);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// How long a claimed delivery is this worker's (at least 1 second). Default: 5 minutes,
    /// or the [`handler_timeout`](Self::handler_timeout) plus 15 s when only that is set.
    /// Without a handler timeout, handlers get the lease minus a quarter of it, at most 15 s.
    ///
    /// ```
    /// # let receiver: hookwire::receiver::Receiver = hookwire::receiver::Receiver::new(hookwire::receiver::WebhookConfig::new(hookwire::signature::GitHub::new("s")?));
    /// // Handlers get 22.5 s of each 30 s claim.
    /// let worker = receiver.inbox_worker(()).lease(std::time::Duration::from_secs(30));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease.max(Duration::from_secs(1)));
        self
    }

    /// The longest a handler may run, measured from its claim on the receiver's clock; then
    /// it is stopped and the run recorded as failed (retried on the schedule). It must be
    /// shorter than the [`lease`](Self::lease) (else [`run`](Self::run) and
    /// [`run_once`](Self::run_once) refuse to start): keep a margin for recording the outcome
    /// and for clock differences between replicas.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let receiver: hookwire::receiver::Receiver = hookwire::receiver::Receiver::new(hookwire::receiver::WebhookConfig::new(hookwire::signature::GitHub::new("s")?));
    /// // Handlers get 20 s; claims last 35 s.
    /// let worker = receiver.inbox_worker(()).handler_timeout(Duration::from_secs(20));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    #[must_use]
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How often to look for deliveries stored by other processes and for retries coming due
    /// (default 1 s).
    ///
    /// ```
    /// # let receiver: hookwire::receiver::Receiver = hookwire::receiver::Receiver::new(hookwire::receiver::WebhookConfig::new(hookwire::signature::GitHub::new("s")?));
    /// let worker = receiver.inbox_worker(()).poll_interval(std::time::Duration::from_millis(200));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    #[must_use]
    pub fn poll_interval(mut self, every: Duration) -> Self {
        self.poll = every.max(Duration::from_millis(1));
        self
    }

    /// The schedule of retries after a handler fails; after the last, a dead letter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::retry::RetryPolicy;
    /// # let receiver: hookwire::receiver::Receiver = hookwire::receiver::Receiver::new(hookwire::receiver::WebhookConfig::new(hookwire::signature::GitHub::new("s")?));
    /// let worker = receiver.inbox_worker(()).retry(RetryPolicy::exponential(Duration::from_secs(1), 2, Duration::from_secs(60), 5));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    fn queue(&self) -> Result<&Queue, InboxError> {
        self.receiver
            .inbox
            .as_ref()
            .ok_or_else(|| InboxError::new("this receiver has no inbox: call `Receiver::inbox`"))
    }

    fn now(&self) -> Timestamp {
        self.receiver.config.inner().clock.now()
    }

    fn clock(&self) -> &dyn crate::clock::Clock {
        &*self.receiver.config.inner().clock
    }

    /// The lease, the handler timeout below it, and the runs the retry schedule allows.
    fn limits(&self) -> Result<Limits, InboxError> {
        let (lease, timeout) = match (self.lease, self.timeout) {
            (None, None) => (DEFAULT_LEASE, deadline::below(DEFAULT_LEASE)),
            (Some(lease), None) => (lease, deadline::below(lease)),
            (None, Some(timeout)) => (
                (timeout + deadline::MAX_MARGIN).max(Duration::from_secs(1)),
                timeout,
            ),
            (Some(lease), Some(timeout)) => (lease, timeout),
        };
        if timeout >= lease {
            return Err(InboxError::new(format!(
                "the handler timeout ({timeout:?}) must be shorter than the lease ({lease:?}), or \
                 a slow handler's delivery would be claimed again while it runs"
            )));
        }
        if timeout.is_zero() {
            return Err(InboxError::new(
                "the handler timeout must be longer than zero",
            ));
        }
        let runs = u32::try_from(self.retry.max_attempts()).unwrap_or(u32::MAX);
        Ok(Limits {
            lease,
            timeout,
            runs,
        })
    }

    /// Claims what is due now (up to the concurrency), runs it to the end, and returns how
    /// many deliveries it ran: for tests, scripts and cron-style draining.
    ///
    /// # Errors
    /// The receiver has no inbox, or the store cannot be reached.
    ///
    /// ```
    /// # use hookwire::inbox::MemoryInbox;
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let receiver: Receiver = Receiver::new(WebhookConfig::new(hookwire::signature::GitHub::new("s")?)).inbox(MemoryInbox::new(), "q");
    /// let ran = receiver.inbox_worker(()).run_once().await?;
    /// assert_eq!(ran, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn run_once(&self) -> Result<usize, InboxError> {
        let queue = self.queue()?;
        let limits = self.limits()?;
        let now = self.now();
        let claimed = queue
            .store
            .claim(
                &queue.name,
                now,
                limits.lease,
                self.concurrency,
                limits.runs,
            )
            .await?;
        let count = claimed.len();
        let (alone, together): (Vec<_>, Vec<_>) = claimed.into_iter().partition(|c| c.recovered);
        let mut tasks = JoinSet::new();
        for claimed in together {
            tasks.spawn(self.job(claimed, now, limits.timeout));
        }
        if !alone.is_empty() {
            // The recovered one waits for the others, at most half its time limit.
            let clock = &*self.receiver.config.inner().clock;
            let half = deadline::after(now, limits.timeout / 2);
            let drained = async { while tasks.join_next().await.is_some() {} };
            let _ = deadline::within(clock, half, drained).await;
        }
        for claimed in alone {
            tasks.spawn(self.job(claimed, now, limits.timeout));
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Runs handlers until `shutdown` completes, then waits for the running ones to finish.
    /// A store that cannot be reached is logged and tried again, backing off up to 30 s: a
    /// database restart heals without restarting the worker.
    ///
    /// # Errors
    /// The receiver has no inbox.
    ///
    /// ```
    /// # use hookwire::inbox::MemoryInbox;
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let receiver: Receiver = Receiver::new(WebhookConfig::new(hookwire::signature::GitHub::new("s")?)).inbox(MemoryInbox::new(), "q");
    /// receiver.inbox_worker(()).run(std::future::ready(())).await?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), InboxError> {
        let queue = self.queue()?.clone();
        let limits = self.limits()?;
        let mut shutdown = pin!(shutdown);
        let mut tasks = JoinSet::new();
        let mut failures = 0_u32;
        let mut purged = tokio::time::Instant::now();
        let mut sampled: Option<tokio::time::Instant> = None;
        // A recovered delivery waiting for the others to finish, and whether one runs now.
        let mut suspect: Option<(ClaimedDelivery, Timestamp)> = None;
        let mut alone = false;
        loop {
            if purged.elapsed() >= PURGE_EVERY {
                purged = tokio::time::Instant::now();
                match queue.store.purge(self.now()).await {
                    Ok(0) => {}
                    Ok(count) => {
                        tracing::debug!(count, "forgot done deliveries past their retention")
                    }
                    Err(error) => tracing::warn!(%error, "inbox purge failed"),
                }
            }
            if cfg!(feature = "metrics") && sampled.is_none_or(|at| at.elapsed() >= SAMPLE_EVERY) {
                sampled = Some(tokio::time::Instant::now());
                super::measure::sample(queue.store.as_ref(), &queue.name).await;
            }
            if tasks.is_empty() {
                alone = false;
            }
            // A recovered delivery starts once nothing else runs, or once half its time limit
            // went by waiting (then beside the slow handlers still running).
            let start = suspect.as_ref().is_some_and(|(_, at)| {
                let waited = deadline::after(*at, limits.timeout / 2);
                tasks.is_empty() || deadline::passed(self.clock(), waited)
            });
            if start && let Some((claimed, at)) = suspect.take() {
                tasks.spawn(self.job(claimed, at, limits.timeout));
                alone = true;
            }
            let free = if alone || suspect.is_some() {
                0
            } else {
                self.concurrency.saturating_sub(tasks.len())
            };
            let mut wait = self.poll;
            if free > 0 {
                let now = self.now();
                match queue
                    .store
                    .claim(&queue.name, now, limits.lease, free, limits.runs)
                    .await
                {
                    Ok(claimed) => {
                        failures = 0;
                        for claimed in claimed {
                            if claimed.recovered {
                                suspect = Some((claimed, now));
                            } else {
                                tasks.spawn(self.job(claimed, now, limits.timeout));
                            }
                        }
                        if suspect.is_some() && tasks.is_empty() {
                            continue;
                        }
                    }
                    Err(error) => {
                        failures = failures.saturating_add(1);
                        wait = backoff(self.poll, failures);
                        tracing::warn!(%error, retry_in = ?wait, "inbox claim failed");
                    }
                }
            }
            if suspect.is_some() {
                // Look at the clock again soon: the wait for the others is bounded.
                wait = wait.min(Duration::from_millis(50));
            }
            let claiming = free > 0 && tasks.len() < self.concurrency && failures == 0;
            tokio::select! {
                () = &mut shutdown => break,
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                () = queue.wake.notified(), if claiming => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        while tasks.join_next().await.is_some() {}
        if let Some((claimed, _)) = suspect {
            tracing::info!(
                delivery_id = %claimed.item.id,
                "shut down before a recovered delivery could run alone; it is due again when its lease ends"
            );
        }
        Ok(())
    }

    /// Runs one delivery claimed at `claimed_at`, within `timeout` of it, and records the
    /// outcome.
    fn job(
        &self,
        claimed: ClaimedDelivery,
        claimed_at: Timestamp,
        timeout: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        job::run(
            Arc::clone(&self.receiver),
            self.state.clone(),
            claimed,
            deadline::after(claimed_at, timeout),
            timeout,
            self.retry.clone(),
        )
    }

    /// Up to `limit` dead letters of this receiver's queue, oldest failure first.
    ///
    /// # Errors
    /// The receiver has no inbox, or the store cannot be reached.
    ///
    /// ```
    /// # use hookwire::inbox::MemoryInbox;
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let receiver: Receiver = Receiver::new(WebhookConfig::new(hookwire::signature::GitHub::new("s")?)).inbox(MemoryInbox::new(), "q");
    /// for letter in receiver.inbox_worker(()).dead_letters(100).await? {
    ///     println!("{} {} after {} runs: {}", letter.id, letter.event_type, letter.attempts, letter.error);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, InboxError> {
        let queue = self.queue()?;
        queue.store.dead(&queue.name, limit).await
    }

    /// Puts dead letter `id` back as a first attempt, due now; `false` when there is no such
    /// dead letter.
    ///
    /// # Errors
    /// The receiver has no inbox, or the store cannot be reached.
    ///
    /// ```
    /// # use hookwire::inbox::MemoryInbox;
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let receiver: Receiver = Receiver::new(WebhookConfig::new(hookwire::signature::GitHub::new("s")?)).inbox(MemoryInbox::new(), "q");
    /// assert!(!receiver.inbox_worker(()).retry_dead("msg_1").await?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn retry_dead(&self, id: &str) -> Result<bool, InboxError> {
        let queue = self.queue()?;
        let revived = queue.store.revive(&queue.name, id, self.now()).await?;
        if revived {
            queue.wake.notify_one();
        }
        Ok(revived)
    }
}

/// The wait after `failures` consecutive store failures: the poll interval doubled each time,
/// at most 30 s.
fn backoff(poll: Duration, failures: u32) -> Duration {
    poll.saturating_mul(1_u32 << failures.min(16))
        .min(Duration::from_secs(30))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failures_back_off_to_thirty_seconds() {
        let poll = Duration::from_secs(1);
        assert_eq!(backoff(poll, 1), Duration::from_secs(2));
        assert_eq!(backoff(poll, 3), Duration::from_secs(8));
        assert_eq!(backoff(poll, 99), Duration::from_secs(30));
    }
}
