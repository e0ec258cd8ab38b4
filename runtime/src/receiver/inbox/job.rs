//! One stored delivery's run, for the [`InboxWorker`](crate::receiver::InboxWorker): parse it,
//! run its handler within its time limit (in its own task, so a panic is a failure), and record
//! the outcome (done, retried on the schedule, or dead).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

use crate::Settled;
use crate::Timestamp;
use crate::inbox::{ClaimedDelivery, Failure};
use crate::receiver::Receiver;
use crate::receiver::deadline;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;
use crate::receiver::inbox::{measure, stored_parts};
use crate::retry::RetryPolicy;

/// What one run of a stored delivery came to.
enum Outcome {
    Handled,
    /// Worth another run later.
    Failed(String),
    /// Retrying cannot help: a body that does not parse, a type nobody handles.
    Dead(String),
}

/// Runs one claimed delivery until `deadline` (`timeout` after its claim, on the receiver's
/// clock) and records the outcome: done, retried on `retry`'s schedule, or dead.
pub(crate) fn run<S: Clone + Send + Sync + 'static>(
    receiver: Arc<Receiver<S>>,
    state: S,
    claimed: ClaimedDelivery,
    deadline: Timestamp,
    timeout: Duration,
    retry: RetryPolicy,
) -> impl Future<Output = ()> + Send + 'static {
    let span = tracing::info_span!(
        "inbox",
        delivery_id = %claimed.item.id,
        event_type = %claimed.item.event_type,
        attempt = claimed.attempt,
        recovered = claimed.recovered,
    );
    // With `otel`, the run continues the trace of the request it was stored from (its headers
    // are stored with it).
    #[cfg(feature = "otel")]
    {
        let pairs = claimed.item.headers.iter();
        let pairs = pairs.map(|(name, value)| (name.as_str(), value.as_str()));
        if let Some(context) = crate::trace::TraceContext::from_headers(pairs) {
            context.parent_of(&span);
        }
    }
    async move {
        let Some(queue) = receiver.inbox.clone() else {
            return;
        };
        let id = claimed.item.id.clone();
        let outcome = execute(&receiver, state, claimed.item, deadline, timeout).await;
        let now = receiver.config.inner().clock.now();
        let store = &queue.store;
        let recorded = match outcome {
            Outcome::Handled => {
                measure::ran("handled");
                let keep = receiver.config.inner().dedup_ttl;
                store.complete(&queue.name, &id, claimed.token, now, keep).await
            }
            Outcome::Failed(error) => {
                let retry_index = claimed.attempt.saturating_sub(1) as usize;
                let failure = match retry.delay(retry_index, unit(), None) {
                    Some(delay) => {
                        let secs = i64::try_from(delay.as_secs()).unwrap_or(i64::MAX);
                        tracing::warn!(%error, retry_in = ?delay, "handler failed; will retry");
                        Failure::RetryAt { at: now.saturating_add_seconds(secs.max(1)), error }
                    }
                    None => {
                        tracing::error!(%error, "handler failed for the last time: dead letter");
                        Failure::Dead { error }
                    }
                };
                measure::ran(match failure {
                    Failure::Dead { .. } => "dead",
                    _ => "retry",
                });
                store.fail(&queue.name, &id, claimed.token, &failure, now).await
            }
            Outcome::Dead(error) => {
                measure::ran("dead");
                tracing::error!(%error, "cannot be handled: dead letter");
                store.fail(&queue.name, &id, claimed.token, &Failure::Dead { error }, now).await
            }
        };
        match recorded {
            Ok(Settled::Applied) => {}
            Ok(Settled::Lost) => tracing::warn!("the lease ended before the result was recorded; another run owns it"),
            Err(error) => tracing::error!(%error, "could not record the result; the delivery runs again after its lease"),
        }
    }
    .instrument(span)
}

/// Parses a stored delivery and runs its handler (in its own task, so a panic is a failure),
/// until `deadline` on the receiver's clock (`timeout` after the claim).
async fn execute<S: Clone + Send + Sync + 'static>(
    receiver: &Receiver<S>,
    state: S,
    item: crate::inbox::NewItem,
    deadline: Timestamp,
    timeout: Duration,
) -> Outcome {
    let route = match receiver.route_of(&item.event_type) {
        Ok(Some(route)) => route,
        Ok(None) => {
            // It had a handler when it was stored; this deployment has none.
            let total = receiver.stats.count_unknown(&item.event_type);
            tracing::warn!(
                unknown_total = total,
                "no handler for this stored delivery's event type any more: marked done"
            );
            return Outcome::Handled;
        }
        Err(error) => return Outcome::Dead(error.to_string()),
    };
    let parts = stored_parts("/", &item.headers);
    let head = Head::stored(Some(item.id), item.event_type, item.signed_at, item.body);
    let shape = receiver.config.inner().format.shape();
    let future = match route.start(shape, head, parts, state) {
        Ok(future) => future,
        Err(error @ ReceiveError::MalformedPayload(_)) => return Outcome::Dead(error.to_string()),
        Err(error) => return Outcome::Failed(error.to_string()),
    };
    // In the run's span, so the handler's logs and spans are the run's children.
    let mut handler = tokio::spawn(future.instrument(tracing::Span::current()));
    let clock = &*receiver.config.inner().clock;
    match deadline::within(clock, deadline, &mut handler).await {
        Some(Ok(Ok(()))) => Outcome::Handled,
        Some(Ok(Err(error))) => Outcome::Failed(error.to_string()),
        Some(Err(join)) if join.is_panic() => Outcome::Failed("the handler panicked".to_owned()),
        Some(Err(_)) => Outcome::Failed("the handler was cancelled".to_owned()),
        None => {
            handler.abort();
            Outcome::Failed(format!(
                "the handler ran longer than its time limit of {timeout:?} (stopped before the \
                 claim's lease ended)"
            ))
        }
    }
}

/// A random number in `[0, 1)` for the retry jitter (0.5, no jitter, without randomness).
fn unit() -> f64 {
    let mut bytes = [0_u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1_u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_units_are_in_range() {
        for _ in 0..100 {
            let u = unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }
}
