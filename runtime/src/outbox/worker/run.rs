//! The worker's loop: record what finished, claim into the free slots, attempt, wait.
//!
//! At most `concurrency` deliveries are held at once (a claim asks only for free slots), so
//! memory stays bounded whatever the backlog. Results are recorded in batches, before the next
//! claim, so an endpoint's in-flight count drops before its next deliveries are claimed.

use std::collections::HashMap;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::{Id, JoinSet};

use super::observe::{Context, FinishedAttempt};
use super::send::deliver;
use super::{Shared, WorkerReport};
use crate::outbox::{AttemptResult, ClaimRequest, Lease, OutboxStore, Recorded};

/// Finished attempts waiting to be recorded, each with what the hook is told of it.
#[derive(Default)]
struct Finished {
    results: Vec<AttemptResult>,
    contexts: Vec<Option<Context>>,
}

impl Finished {
    fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    fn clear(&mut self) {
        self.results.clear();
        self.contexts.clear();
    }
}

/// What an attempt task returns.
type Done = (AttemptResult, Option<Context>);

/// Attempts to record a batch before giving up on it (its leases then run out and the
/// deliveries are attempted again, with the same ids).
const RECORD_TRIES: u32 = 5;

/// Runs until `shutdown` completes, then finishes (or, past the grace period, releases) what
/// it holds.
pub(crate) async fn run<S: OutboxStore + 'static>(
    store: Arc<S>,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()>,
) -> WorkerReport {
    let mut shutdown = pin!(shutdown);
    let mut tasks: JoinSet<Done> = JoinSet::new();
    let mut held: HashMap<Id, Lease> = HashMap::new();
    let mut finished = Finished::default();
    let mut report = WorkerReport::default();
    let concurrency = shared.concurrency;
    // Claim again once this many slots are free: fewer, larger claims under load.
    let low_water = (concurrency / 4).max(1);
    let mut claim_errors = 0u32;

    loop {
        while let Some(joined) = tasks.try_join_next_with_id() {
            collect(joined, &mut held, &mut finished);
        }
        if !finished.is_empty() {
            record(&*store, &mut finished, &mut report, &shared).await;
        }

        let free = concurrency - tasks.len();
        let mut more_due = false;
        if free >= low_water {
            let request =
                ClaimRequest::new(u32::try_from(free).unwrap_or(u32::MAX)).lease(shared.lease);
            match store.claim(request).await {
                Ok(claimed) => {
                    claim_errors = 0;
                    more_due = claimed.len() == free;
                    report.claimed += claimed.len() as u64;
                    let now = store.now();
                    for delivery in claimed {
                        let lease = delivery.lease;
                        let context = Context::of(&delivery, shared.on_attempt.as_ref());
                        let shared = Arc::clone(&shared);
                        let handle = tasks.spawn(async move {
                            let result =
                                deliver(&shared.clients, &shared.options, delivery, now).await;
                            (result, context)
                        });
                        held.insert(handle.id(), lease);
                    }
                }
                Err(error) => {
                    // The database may be restarting: keep trying, backing off to 6.4 s, so
                    // the worker heals without a restart.
                    claim_errors += 1;
                    report.claim_errors += 1;
                    tracing::warn!(%error, "outbox worker: claim failed; retrying");
                    let backoff = Duration::from_millis(100 << claim_errors.min(6));
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(backoff) => continue,
                    }
                }
            }
        }

        if more_due && tasks.len() < concurrency {
            continue;
        }
        // Below the low-water mark there is nothing to claim into: wait for attempts to finish.
        let may_claim = concurrency - tasks.len() >= low_water;
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                collect(joined, &mut held, &mut finished);
            }
            () = store.wait_for_work(shared.poll), if may_claim => {}
        }
    }

    drain(&*store, &mut tasks, &mut held, &mut report, &shared).await;
    report
}

/// Keeps a finished attempt's result; a task that panicked or was aborted leaves its lease to
/// run out.
fn collect(
    joined: Result<(Id, Done), tokio::task::JoinError>,
    held: &mut HashMap<Id, Lease>,
    finished: &mut Finished,
) {
    match joined {
        Ok((id, (result, context))) => {
            held.remove(&id);
            finished.results.push(result);
            finished.contexts.push(context);
        }
        Err(error) => {
            held.remove(&error.id());
            if error.is_panic() {
                tracing::error!("outbox worker: an attempt panicked; its lease will run out");
            }
        }
    }
}

/// Records `finished` in one call, retrying a failing store a few times, and tells the hook.
async fn record<S: OutboxStore>(
    store: &S,
    finished: &mut Finished,
    report: &mut WorkerReport,
    shared: &Shared,
) {
    for tries in 1..=RECORD_TRIES {
        match store.record(&finished.results).await {
            Ok(recorded) => {
                #[cfg(feature = "metrics")]
                super::measure::recorded(&finished.results, &recorded);
                if let Some(hook) = &shared.on_attempt {
                    tell(hook.as_ref(), finished, &recorded);
                }
                for (result, recorded) in finished.results.iter().zip(&recorded) {
                    report.attempts += 1;
                    if result.outcome.is_success() {
                        report.delivered += 1;
                    }
                    match recorded {
                        Recorded::Stale => report.stale += 1,
                        Recorded::NotStored => report.unrecorded += 1,
                        _ => {}
                    }
                }
                finished.clear();
                return;
            }
            Err(error) if tries < RECORD_TRIES => {
                tracing::warn!(%error, "outbox worker: recording results failed; retrying");
                tokio::time::sleep(Duration::from_millis(50 << tries)).await;
            }
            Err(error) => {
                tracing::error!(
                    %error,
                    results = finished.results.len(),
                    "outbox worker: could not record results; these deliveries will be attempted again when their leases run out"
                );
                report.unrecorded += finished.results.len() as u64;
                finished.clear();
            }
        }
    }
}

/// Tells `hook` of each recorded attempt.
fn tell(
    hook: &(dyn Fn(&FinishedAttempt) + Send + Sync),
    finished: &mut Finished,
    recorded: &[Recorded],
) {
    let contexts = finished.contexts.iter_mut();
    for ((result, context), recorded) in finished.results.iter().zip(contexts).zip(recorded) {
        let Some(context) = context.take() else {
            continue;
        };
        hook(&FinishedAttempt {
            delivery: result.lease.delivery,
            endpoint: context.endpoint,
            url: context.url,
            event_type: context.event_type,
            attempt: context.attempt,
            outcome: result.outcome,
            duration: result.duration,
            excerpt: result.excerpt.clone(),
            recorded: *recorded,
        });
    }
}

/// Shutdown: lets the attempts in flight finish within the grace period, records them, and
/// releases the leases of those that did not finish.
async fn drain<S: OutboxStore>(
    store: &S,
    tasks: &mut JoinSet<Done>,
    held: &mut HashMap<Id, Lease>,
    report: &mut WorkerReport,
    shared: &Shared,
) {
    let mut finished = Finished::default();
    let deadline = tokio::time::sleep(shared.grace);
    tokio::pin!(deadline);
    while !tasks.is_empty() {
        tokio::select! {
            Some(joined) = tasks.join_next_with_id() => collect(joined, held, &mut finished),
            () = &mut deadline => break,
        }
    }
    tasks.abort_all();
    while let Some(joined) = tasks.join_next_with_id().await {
        // An attempt that finished while being aborted still counts.
        if let Ok(joined) = joined {
            collect(Ok(joined), held, &mut finished);
        }
    }
    if !finished.is_empty() {
        record(store, &mut finished, report, shared).await;
    }
    let leases: Vec<Lease> = held.drain().map(|(_, lease)| lease).collect();
    if !leases.is_empty() {
        match store.release(&leases).await {
            Ok(released) => report.released += released,
            Err(error) => tracing::warn!(
                %error,
                "outbox worker: could not release leases at shutdown; they will run out"
            ),
        }
    }
}
