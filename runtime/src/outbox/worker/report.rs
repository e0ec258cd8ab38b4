//! What can go wrong building a worker, and what a worker did.

/// A worker could not be built.
///
/// ```
/// use hookwire::outbox::WorkerError;
///
/// let err = WorkerError::InvalidConfig { reason: "the concurrency must be at least 1" };
/// assert_eq!(err.to_string(), "invalid worker configuration: the concurrency must be at least 1");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// A setting is out of range.
    #[error("invalid worker configuration: {reason}")]
    InvalidConfig {
        /// Which setting and what it must be.
        reason: &'static str,
    },
    /// The HTTP client could not be built (TLS back end, system configuration).
    #[error("could not build the worker's HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

/// What a worker did between starting and stopping.
///
/// ```
/// let report = hookwire::outbox::WorkerReport::default();
/// assert_eq!(report.attempts, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Deliveries claimed.
    pub claimed: u64,
    /// Attempts made and recorded.
    pub attempts: u64,
    /// Attempts the endpoint answered with 2xx.
    pub delivered: u64,
    /// Results the store refused because the lease had been taken over.
    pub stale: u64,
    /// Results that could not be recorded (the store kept failing); those deliveries are
    /// attempted again when their leases run out.
    pub unrecorded: u64,
    /// Deliveries given back unattempted at shutdown.
    pub released: u64,
    /// Claims that failed (and were retried).
    pub claim_errors: u64,
}
