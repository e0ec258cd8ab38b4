//! What a worker records through the `metrics` facade (feature `metrics`): each recorded
//! attempt as it is recorded, and the store's per-endpoint backlog sampled at an interval. The
//! names are [`crate::metrics`]'s.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::metrics as names;
use crate::outbox::{AttemptOutcome, AttemptResult, DeliveryState, OutboxStore, Recorded};

/// Counts `results` as the store recorded them.
pub(crate) fn recorded(results: &[AttemptResult], recorded: &[Recorded]) {
    for (result, recorded) in results.iter().zip(recorded) {
        let outcome = match result.outcome {
            outcome if outcome.is_success() => "success",
            AttemptOutcome::Response { .. } => "http_error",
            AttemptOutcome::NoResponse => "no_response",
            _ => "refused",
        };
        metrics::counter!(names::OUTBOX_ATTEMPTS, "outcome" => outcome).increment(1);
        metrics::histogram!(names::OUTBOX_ATTEMPT_DURATION, "outcome" => outcome)
            .record(result.duration.as_secs_f64());
        match recorded {
            Recorded::Done {
                state,
                endpoint_disabled,
                ..
            } => {
                let finished = match state {
                    DeliveryState::Delivered => Some("delivered"),
                    DeliveryState::Failed => Some("failed"),
                    _ => None,
                };
                if let Some(state) = finished {
                    metrics::counter!(names::OUTBOX_DELIVERIES_FINISHED, "state" => state)
                        .increment(1);
                }
                if let Some(reason) = endpoint_disabled {
                    metrics::counter!(names::OUTBOX_ENDPOINTS_DISABLED, "reason" => reason.as_str())
                        .increment(1);
                }
            }
            Recorded::Stale => metrics::counter!(names::OUTBOX_STALE_RESULTS).increment(1),
            _ => {}
        }
    }
}

/// Samples the store's backlog every `interval`, until dropped (the worker stops it).
pub(crate) async fn sample_every<S: OutboxStore>(store: Arc<S>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = BTreeSet::new();
    loop {
        ticks.tick().await;
        match store.stats().await {
            Ok(stats) => {
                let now = store.now();
                let mut present = BTreeSet::new();
                for line in &stats.endpoints {
                    let endpoint = line.id.to_string();
                    let pending = line.states.pending + line.states.in_flight;
                    let age = line.oldest_pending_at.map_or(0, |at| (now - at).max(0));
                    metrics::gauge!(names::OUTBOX_PENDING, "endpoint" => endpoint.clone())
                        .set(pending as f64);
                    metrics::gauge!(names::OUTBOX_OLDEST_PENDING_AGE, "endpoint" => endpoint.clone())
                        .set(age as f64);
                    metrics::gauge!(names::OUTBOX_ENDPOINT_PAUSED, "endpoint" => endpoint.clone())
                        .set(if line.paused_until.is_some() {
                            1.0
                        } else {
                            0.0
                        });
                    present.insert(endpoint);
                }
                // A deleted endpoint's gauges drop to zero rather than keep their last value.
                for gone in seen.difference(&present) {
                    for name in [
                        names::OUTBOX_PENDING,
                        names::OUTBOX_OLDEST_PENDING_AGE,
                        names::OUTBOX_ENDPOINT_PAUSED,
                    ] {
                        metrics::gauge!(name, "endpoint" => gone.clone()).set(0.0);
                    }
                }
                seen = present;
            }
            Err(error) => {
                tracing::warn!(%error, "outbox worker: could not sample statistics for metrics")
            }
        }
    }
}
