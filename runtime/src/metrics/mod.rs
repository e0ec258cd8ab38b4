//! Metrics (feature `metrics`): what hookwire records through the [`metrics`] facade, under
//! stable names and units, and [`Prometheus`], a recorder that renders them as Prometheus text.
//!
//! Any recorder of the facade receives them (an OpenTelemetry bridge, StatsD, ...); install
//! [`Prometheus`] for a `/metrics` page in one line:
//!
//! ```
//! # fn demo() -> Result<(), hookwire::metrics::MetricsError> {
//! let metrics = hookwire::metrics::Prometheus::install()?;
//! // ... run workers ...
//! let text = metrics.render(); // or, with `axum`, serve `metrics.router()`
//! # let _ = text;
//! # Ok(()) }
//! ```
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `hookwire_outbox_attempts_total` | counter | `outcome`: `success`, `http_error`, `no_response`, `refused` | attempts recorded by outbox workers |
//! | `hookwire_outbox_attempt_duration_seconds` | histogram | `outcome` | how long each attempt took |
//! | `hookwire_outbox_deliveries_finished_total` | counter | `state`: `delivered`, `failed` | deliveries that reached an end |
//! | `hookwire_outbox_stale_results_total` | counter | | results refused because another worker took the lease over |
//! | `hookwire_outbox_endpoints_disabled_total` | counter | `reason`: `gone`, `failing`, ... | endpoints an attempt's result disabled |
//! | `hookwire_outbox_pending_deliveries` | gauge | `endpoint` | deliveries pending or in flight, per endpoint (sampled) |
//! | `hookwire_outbox_oldest_pending_age_seconds` | gauge | `endpoint` | age of the endpoint's oldest pending or in-flight delivery (sampled) |
//! | `hookwire_outbox_endpoint_paused` | gauge | `endpoint` | 1 while the endpoint is paused (breaker open or throttled) |
//! | `hookwire_receiver_rejected_total` | counter | `reason`: the [`ReceiveError` code](crate::receiver::ReceiveError::code) | deliveries a receiver answered with other than success (`duplicate` included) |
//! | `hookwire_receiver_duplicates_total` | counter | | deliveries the duplicate store recognised as handled already |
//! | `hookwire_inbox_runs_total` | counter | `outcome`: `handled`, `retry`, `dead` | stored deliveries run by inbox workers |
//! | `hookwire_inbox_backlog` | gauge | `queue` | stored deliveries waiting or running (sampled) |
//! | `hookwire_inbox_dead_letters` | gauge | `queue` | stored deliveries given up (sampled) |
//!
//! Counters and histograms are recorded as attempts are; the gauges are sampled from the
//! store's statistics by workers built with
//! [`WorkerBuilder::metrics_interval`](crate::outbox::WorkerBuilder::metrics_interval)
//! (`hookwire worker --metrics` samples every 10 s). Inbox workers sample their queue every
//! 10 s.

mod prometheus;

pub use prometheus::{MetricsError, Prometheus};

/// `hookwire_outbox_attempts_total`: attempts recorded, by `outcome`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_ATTEMPTS.ends_with("_total"));
/// ```
pub const OUTBOX_ATTEMPTS: &str = "hookwire_outbox_attempts_total";
/// `hookwire_outbox_attempt_duration_seconds`: attempt durations, by `outcome`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_ATTEMPT_DURATION.ends_with("_seconds"));
/// ```
pub const OUTBOX_ATTEMPT_DURATION: &str = "hookwire_outbox_attempt_duration_seconds";
/// `hookwire_outbox_deliveries_finished_total`: deliveries that ended, by `state`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_DELIVERIES_FINISHED.starts_with("hookwire_"));
/// ```
pub const OUTBOX_DELIVERIES_FINISHED: &str = "hookwire_outbox_deliveries_finished_total";
/// `hookwire_outbox_stale_results_total`: results refused as stale.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_STALE_RESULTS.starts_with("hookwire_"));
/// ```
pub const OUTBOX_STALE_RESULTS: &str = "hookwire_outbox_stale_results_total";
/// `hookwire_outbox_endpoints_disabled_total`: endpoints disabled by a result, by `reason`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_ENDPOINTS_DISABLED.starts_with("hookwire_"));
/// ```
pub const OUTBOX_ENDPOINTS_DISABLED: &str = "hookwire_outbox_endpoints_disabled_total";
/// `hookwire_outbox_pending_deliveries`: pending and in-flight deliveries, by `endpoint`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_PENDING.starts_with("hookwire_"));
/// ```
pub const OUTBOX_PENDING: &str = "hookwire_outbox_pending_deliveries";
/// `hookwire_outbox_oldest_pending_age_seconds`: the oldest pending delivery's age, by
/// `endpoint`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_OLDEST_PENDING_AGE.ends_with("_seconds"));
/// ```
pub const OUTBOX_OLDEST_PENDING_AGE: &str = "hookwire_outbox_oldest_pending_age_seconds";
/// `hookwire_outbox_endpoint_paused`: 1 while the endpoint is paused, by `endpoint`.
///
/// ```
/// assert!(hookwire::metrics::OUTBOX_ENDPOINT_PAUSED.starts_with("hookwire_"));
/// ```
pub const OUTBOX_ENDPOINT_PAUSED: &str = "hookwire_outbox_endpoint_paused";

/// `hookwire_receiver_rejected_total`: deliveries not handled, by `reason`.
///
/// ```
/// assert!(hookwire::metrics::RECEIVER_REJECTED.ends_with("_total"));
/// ```
pub const RECEIVER_REJECTED: &str = "hookwire_receiver_rejected_total";
/// `hookwire_receiver_duplicates_total`: deliveries recognised as handled already.
///
/// ```
/// assert!(hookwire::metrics::RECEIVER_DUPLICATES.ends_with("_total"));
/// ```
pub const RECEIVER_DUPLICATES: &str = "hookwire_receiver_duplicates_total";
/// `hookwire_inbox_runs_total`: stored deliveries run, by `outcome`.
///
/// ```
/// assert!(hookwire::metrics::INBOX_RUNS.ends_with("_total"));
/// ```
pub const INBOX_RUNS: &str = "hookwire_inbox_runs_total";
/// `hookwire_inbox_backlog`: stored deliveries waiting or running, by `queue`.
///
/// ```
/// assert!(hookwire::metrics::INBOX_BACKLOG.starts_with("hookwire_"));
/// ```
pub const INBOX_BACKLOG: &str = "hookwire_inbox_backlog";
/// `hookwire_inbox_dead_letters`: stored deliveries given up, by `queue`.
///
/// ```
/// assert!(hookwire::metrics::INBOX_DEAD_LETTERS.starts_with("hookwire_"));
/// ```
pub const INBOX_DEAD_LETTERS: &str = "hookwire_inbox_dead_letters";

/// Registers every metric's description and unit with the installed recorder (so `# HELP`
/// lines show before the first sample). [`Prometheus::install`] calls it.
///
/// ```
/// hookwire::metrics::describe();
/// ```
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        OUTBOX_ATTEMPTS,
        Unit::Count,
        "Attempts recorded by outbox workers, by outcome."
    );
    describe_histogram!(
        OUTBOX_ATTEMPT_DURATION,
        Unit::Seconds,
        "How long each outbox attempt took, by outcome."
    );
    describe_counter!(
        OUTBOX_DELIVERIES_FINISHED,
        Unit::Count,
        "Outbox deliveries that reached an end (delivered or failed)."
    );
    describe_counter!(
        OUTBOX_STALE_RESULTS,
        Unit::Count,
        "Attempt results refused because another worker took the lease over."
    );
    describe_counter!(
        OUTBOX_ENDPOINTS_DISABLED,
        Unit::Count,
        "Endpoints disabled by an attempt's result, by reason."
    );
    describe_gauge!(
        OUTBOX_PENDING,
        Unit::Count,
        "Pending and in-flight deliveries per endpoint."
    );
    describe_gauge!(
        OUTBOX_OLDEST_PENDING_AGE,
        Unit::Seconds,
        "Age of the endpoint's oldest pending or in-flight delivery."
    );
    describe_gauge!(
        OUTBOX_ENDPOINT_PAUSED,
        Unit::Count,
        "1 while the endpoint is paused by its circuit breaker or a Retry-After."
    );
    describe_counter!(
        RECEIVER_REJECTED,
        Unit::Count,
        "Deliveries a receiver did not handle, by reason (duplicates included)."
    );
    describe_counter!(
        RECEIVER_DUPLICATES,
        Unit::Count,
        "Deliveries the duplicate store recognised as handled already."
    );
    describe_counter!(
        INBOX_RUNS,
        Unit::Count,
        "Stored deliveries run by inbox workers, by outcome (handled, retry, dead)."
    );
    describe_gauge!(
        INBOX_BACKLOG,
        Unit::Count,
        "Stored deliveries waiting or running, per inbox queue."
    );
    describe_gauge!(
        INBOX_DEAD_LETTERS,
        Unit::Count,
        "Stored deliveries given up, per inbox queue."
    );
}
