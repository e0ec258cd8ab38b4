//! The worker's retention task: every so often, [`purge`](crate::outbox::OutboxStore::purge)
//! what ended longer ago than the retention period (pending and held deliveries are never
//! touched).

use std::sync::Arc;
use std::time::Duration;

use crate::outbox::OutboxStore;

/// How long finished deliveries are kept, and how often the worker purges.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retention {
    pub(crate) keep: Duration,
    pub(crate) every: Duration,
}

/// Purges per `retention` until dropped (the worker stops it); the first purge runs at once.
pub(crate) async fn purge_every<S: OutboxStore>(store: Arc<S>, retention: Retention) {
    let mut ticks = tokio::time::interval(retention.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let keep = i64::try_from(retention.keep.as_secs()).unwrap_or(i64::MAX);
    loop {
        ticks.tick().await;
        let before = store.now().saturating_sub(keep);
        match store.purge(before).await {
            Ok(purged) if purged.deliveries > 0 || purged.events > 0 => tracing::info!(
                deliveries = purged.deliveries,
                events = purged.events,
                before,
                "outbox worker: retention purged what ended before the retention period"
            ),
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "outbox worker: retention purge failed; trying again later")
            }
        }
    }
}
