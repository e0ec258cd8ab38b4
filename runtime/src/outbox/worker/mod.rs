//! Outbox workers: claim, attempt, record (see the [module](crate::outbox) documentation).

#[cfg(feature = "metrics")]
mod measure;
mod observe;
mod report;
mod retain;
mod run;
mod send;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::outbox::OutboxStore;
use crate::sender::AttemptOptions;
use observe::AttemptHook;
pub use observe::FinishedAttempt;
pub use report::{WorkerError, WorkerReport};
use retain::Retention;
use send::Clients;

/// The user agent of the clients a worker builds.
const USER_AGENT: &str = concat!("hookwire/", env!("CARGO_PKG_VERSION"));

/// Delivers an outbox's deliveries; see the [`outbox`](crate::outbox) module documentation.
///
/// ```
/// # async fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) -> Result<(), hookwire::outbox::WorkerError> {
/// use std::time::Duration;
/// use hookwire::outbox::Worker;
///
/// let worker = Worker::builder(std::sync::Arc::new(store))
///     .concurrency(16)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// let report = worker.run_until(tokio::time::sleep(Duration::from_secs(60))).await;
/// # let _ = report;
/// # Ok(())
/// # }
/// ```
pub struct Worker<S> {
    store: Arc<S>,
    shared: Arc<Shared>,
}

/// What every attempt task of a worker reads.
pub(crate) struct Shared {
    pub(crate) clients: Clients,
    pub(crate) options: AttemptOptions,
    pub(crate) concurrency: usize,
    pub(crate) lease: Duration,
    pub(crate) poll: Duration,
    pub(crate) grace: Duration,
    pub(crate) on_attempt: Option<AttemptHook>,
    pub(crate) retention: Option<Retention>,
    #[cfg(feature = "metrics")]
    pub(crate) metrics_interval: Option<Duration>,
}

impl<S> fmt::Debug for Worker<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("concurrency", &self.shared.concurrency)
            .field("timeout", &self.shared.options.timeout_duration())
            .field("lease", &self.shared.lease)
            .field("poll", &self.shared.poll)
            .field("grace", &self.shared.grace)
            .finish_non_exhaustive()
    }
}

impl<S: OutboxStore + 'static> Worker<S> {
    /// Starts configuring a worker for `store`, shared (with the code that publishes, or with
    /// other workers) through an `Arc`.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: std::sync::Arc<S>) {
    /// let builder = hookwire::outbox::Worker::builder(store).concurrency(8);
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn builder(store: Arc<S>) -> WorkerBuilder<S> {
        WorkerBuilder {
            store,
            concurrency: 32,
            timeout: Duration::from_secs(30),
            lease: None,
            poll: Duration::from_millis(100),
            grace: None,
            client: None,
            roots: Vec::new(),
            on_attempt: None,
            retention: None,
            #[cfg(feature = "metrics")]
            metrics_interval: None,
        }
    }

    /// Delivers until `shutdown` completes, then finishes or releases what it holds and
    /// reports what it did. A store that fails (a database restarting) is retried with
    /// backoff, never given up on.
    ///
    /// ```
    /// # async fn demo<S: hookwire::outbox::OutboxStore + 'static>(worker: hookwire::outbox::Worker<S>) {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let running = worker.run_until(async move {
    ///     let _ = stopped.await;
    /// });
    /// # drop(stop);
    /// let report = running.await;
    /// # let _ = report;
    /// # }
    /// ```
    pub async fn run_until(&self, shutdown: impl Future<Output = ()>) -> WorkerReport {
        let run = run::run(Arc::clone(&self.store), Arc::clone(&self.shared), shutdown);
        let store = Arc::clone(&self.store);
        let retention = self.shared.retention;
        #[cfg(feature = "metrics")]
        let sample = self
            .shared
            .metrics_interval
            .map(|every| measure::sample_every(Arc::clone(&self.store), every));
        #[cfg(not(feature = "metrics"))]
        let sample: Option<std::future::Pending<()>> = None;
        if retention.is_none() && sample.is_none() {
            return run.await;
        }
        // The background tasks never finish; they stop when the worker does.
        let background = async move {
            let purge = async {
                match retention {
                    Some(retention) => retain::purge_every(store, retention).await,
                    None => std::future::pending().await,
                }
            };
            let sample = async {
                match sample {
                    Some(sample) => sample.await,
                    None => std::future::pending().await,
                }
            };
            tokio::join!(purge, sample);
        };
        tokio::select! {
            report = run => report,
            () = background => unreachable!("the retention and sampling loops never end"),
        }
    }
}

/// Configures a [`Worker`]; made by [`Worker::builder`].
///
/// | setting | default |
/// |---|---|
/// | [`concurrency`](Self::concurrency) | 32 attempts in flight |
/// | [`timeout`](Self::timeout) | 30 s per attempt |
/// | [`lease`](Self::lease) | the timeout plus 15 s |
/// | [`poll_interval`](Self::poll_interval) | 100 ms between looks when nothing wakes the worker |
/// | [`grace`](Self::grace) | the timeout plus 1 s for attempts in flight at shutdown |
/// | [`client`](Self::client) | a new client without redirects, guarded against SSRF |
/// | [`on_attempt`](Self::on_attempt) | nothing is told |
/// | [`retention`](Self::retention) | nothing is purged (`hookwire worker`: 30 days, hourly) |
///
/// ```
/// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) -> Result<(), hookwire::outbox::WorkerError> {
/// use std::time::Duration;
///
/// let worker = hookwire::outbox::Worker::builder(std::sync::Arc::new(store))
///     .concurrency(64)
///     .timeout(Duration::from_secs(5))
///     .lease(Duration::from_secs(10))
///     .build()?;
/// # let _ = worker;
/// # Ok(())
/// # }
/// ```
#[must_use]
pub struct WorkerBuilder<S> {
    store: Arc<S>,
    concurrency: usize,
    timeout: Duration,
    lease: Option<Duration>,
    poll: Duration,
    grace: Option<Duration>,
    client: Option<ClientFactory>,
    roots: Vec<reqwest::Certificate>,
    on_attempt: Option<AttemptHook>,
    retention: Option<Retention>,
    #[cfg(feature = "metrics")]
    metrics_interval: Option<Duration>,
}

/// Makes the builder the worker's HTTP clients start from.
type ClientFactory = Box<dyn Fn() -> reqwest::ClientBuilder + Send + Sync>;

impl<S> fmt::Debug for WorkerBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerBuilder")
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .field("lease", &self.lease)
            .field("poll", &self.poll)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

impl<S: OutboxStore + 'static> WorkerBuilder<S> {
    /// Attempts in flight at once (at least 1).
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).concurrency(128);
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn concurrency(mut self, attempts: usize) -> Self {
        self.concurrency = attempts;
        self
    }

    /// The time one attempt may take, from connecting to the end of the answer.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).timeout(std::time::Duration::from_secs(10));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a claimed delivery stays this worker's. It must exceed the timeout; a crashed
    /// worker's deliveries are attempted again once it runs out.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).lease(std::time::Duration::from_secs(60));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    /// The longest wait between looks for due work (retries coming due, publishes from other
    /// processes on SQLite) when nothing wakes the worker.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).poll_interval(std::time::Duration::from_millis(20));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll = interval;
        self
    }

    /// How long attempts in flight at shutdown may still take before they are cut off and
    /// their deliveries released.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).grace(std::time::Duration::from_secs(5));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = Some(grace);
        self
    }

    /// Starts the worker's HTTP clients from what `make` returns (TLS, connection pool, user
    /// agent...). The worker builds two: one with the SSRF guard's resolver and no proxy, for
    /// endpoints that may not reach private addresses, and one without, for those that may.
    /// It sets no redirects on both.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store))
    ///     .client(|| reqwest::Client::builder().pool_max_idle_per_host(4));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn client(
        mut self,
        make: impl Fn() -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.client = Some(Box::new(make));
        self
    }

    /// Certificate authorities trusted beside the system's roots (and `SSL_CERT_FILE`) when
    /// delivering to `https` endpoints: a private CA, a test CA. Added to the clients made by
    /// [`client`](Self::client)'s factory too.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) -> Result<(), Box<dyn std::error::Error>> {
    /// # let ca = hookwire_test_tls::TestCa::new("a private CA");
    /// # let pem = ca.pem().as_bytes();
    /// let roots = reqwest::Certificate::from_pem_bundle(pem)?;
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).root_certificates(roots);
    /// # let _ = builder;
    /// # Ok(())
    /// # }
    /// ```
    pub fn root_certificates(
        mut self,
        roots: impl IntoIterator<Item = reqwest::Certificate>,
    ) -> Self {
        self.roots.extend(roots);
        self
    }

    /// Calls `hook` after each attempt is recorded, with what happened and what the store made
    /// of it (state, next attempt, a disabled endpoint): for logs and alerts. It runs on the
    /// worker's loop, so it should be quick (send to a channel for anything slow).
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store)).on_attempt(|attempt| {
    ///     if !attempt.outcome.is_success() {
    ///         eprintln!("delivery {} failed: {}", attempt.delivery, attempt.outcome_text());
    ///     }
    /// });
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn on_attempt(mut self, hook: impl Fn(&FinishedAttempt) + Send + Sync + 'static) -> Self {
        self.on_attempt = Some(std::sync::Arc::new(hook));
        self
    }

    /// Samples the store's backlog for the gauges of [`crate::metrics`] (pending deliveries,
    /// the oldest one's age, paused endpoints) every `interval`, from
    /// [`OutboxStore::stats`](crate::outbox::OutboxStore::stats) (a query that counts every
    /// delivery: every 10 to 60 s is plenty). Off by default; the counters and the histogram
    /// need nothing but the feature. Feature `metrics`.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store))
    ///     .metrics_interval(std::time::Duration::from_secs(30));
    /// # let _ = builder;
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn metrics_interval(mut self, interval: Duration) -> Self {
        self.metrics_interval = Some(interval.max(Duration::from_millis(10)));
        self
    }

    /// Retention: every `every` (and once at start), purges the deliveries that were delivered
    /// or failed more than `keep` ago, with their attempt logs and the events left without a
    /// delivery ([`OutboxStore::purge`](crate::outbox::OutboxStore::purge)); pending deliveries
    /// and those held for a disabled endpoint are never touched. Several workers may purge; the
    /// purge is idempotent. Off by default in code; `hookwire worker` keeps 30 days and purges
    /// hourly (`--retention`).
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// use std::time::Duration;
    ///
    /// let day = Duration::from_secs(24 * 3600);
    /// let builder = hookwire::outbox::Worker::builder(std::sync::Arc::new(store))
    ///     .retention(30 * day, Duration::from_secs(3600));
    /// # let _ = builder;
    /// # }
    /// ```
    pub fn retention(mut self, keep: Duration, every: Duration) -> Self {
        self.retention = Some(Retention {
            keep,
            every: every.max(Duration::from_millis(10)),
        });
        self
    }

    /// Builds the worker.
    ///
    /// # Errors
    ///
    /// [`WorkerError::InvalidConfig`] for a zero concurrency or timeout, or a lease not
    /// longer than the timeout; [`WorkerError::Client`] when the HTTP client cannot be built.
    ///
    /// ```
    /// # fn demo<S: hookwire::outbox::OutboxStore + 'static>(store: S) {
    /// use std::time::Duration;
    /// use hookwire::outbox::{Worker, WorkerError};
    ///
    /// let err = Worker::builder(std::sync::Arc::new(store))
    ///     .timeout(Duration::from_secs(30))
    ///     .lease(Duration::from_secs(10))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorkerError::InvalidConfig { .. }));
    /// # }
    /// ```
    pub fn build(self) -> Result<Worker<S>, WorkerError> {
        let invalid = |reason| Err(WorkerError::InvalidConfig { reason });
        if self.concurrency == 0 {
            return invalid("the concurrency must be at least 1");
        }
        if self.timeout.is_zero() {
            return invalid("the attempt timeout must be longer than zero");
        }
        let lease = self.lease.unwrap_or(self.timeout + Duration::from_secs(15));
        if lease <= self.timeout {
            return invalid(
                "the lease must be longer than the attempt timeout, or a slow attempt's \
                 delivery would be claimed again while it runs",
            );
        }
        let base = || {
            self.client
                .as_ref()
                .map_or_else(
                    || reqwest::Client::builder().user_agent(USER_AGENT),
                    |make| make(),
                )
                .redirect(reqwest::redirect::Policy::none())
                .tls_certs_merge(self.roots.iter().cloned())
        };
        let clients = Clients {
            guarded: crate::ssrf::guarded_client(base())
                .build()
                .map_err(WorkerError::Client)?,
            open: base().build().map_err(WorkerError::Client)?,
        };
        Ok(Worker {
            store: self.store,
            shared: Arc::new(Shared {
                clients,
                options: AttemptOptions::new().timeout(self.timeout),
                concurrency: self.concurrency,
                lease,
                poll: self.poll.max(Duration::from_millis(1)),
                grace: self.grace.unwrap_or(self.timeout + Duration::from_secs(1)),
                on_attempt: self.on_attempt,
                retention: self.retention,
                #[cfg(feature = "metrics")]
                metrics_interval: self.metrics_interval,
            }),
        })
    }
}

#[cfg(test)]
mod tests;
