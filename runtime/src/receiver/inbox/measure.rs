//! What inbox workers record through the `metrics` facade (feature `metrics`; without it these
//! do nothing): each run's outcome, and the queue's backlog and dead letters, sampled. The
//! names are [`crate::metrics`]'s.

use crate::inbox::InboxStore;

/// Counts one run of a stored delivery: `handled`, `retry` or `dead`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn ran(outcome: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(crate::metrics::INBOX_RUNS, "outcome" => outcome).increment(1);
}

/// Sets the backlog and dead-letter gauges of `queue` from the store's statistics.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) async fn sample(store: &dyn InboxStore, queue: &str) {
    #[cfg(feature = "metrics")]
    match store.stats(queue).await {
        Ok(stats) => {
            let backlog = stats.waiting.saturating_add(stats.running);
            // Gauges are f64; a count past 2^53 is not a concern for an inbox.
            #[allow(clippy::cast_precision_loss)]
            {
                metrics::gauge!(crate::metrics::INBOX_BACKLOG, "queue" => queue.to_owned())
                    .set(backlog as f64);
                metrics::gauge!(crate::metrics::INBOX_DEAD_LETTERS, "queue" => queue.to_owned())
                    .set(stats.dead as f64);
            }
        }
        Err(error) => tracing::warn!(%error, "inbox statistics for metrics failed"),
    }
}
