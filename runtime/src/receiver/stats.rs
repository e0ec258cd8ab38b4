//! [`ReceiverStats`]: what a [`Receiver`](crate::receiver::Receiver) counted, readable while it
//! serves: deliveries of event types it has no handler for, so a typo in a type name or a new
//! type from the sender shows up without a tracing subscriber.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The most distinct unknown type names remembered; more are counted in the total only.
const MAX_NAMES: usize = 100;

/// Counters of a [`Receiver`](crate::receiver::Receiver), shared by its clones, its router and
/// its inbox workers: take a handle with [`Receiver::stats`](crate::receiver::Receiver::stats)
/// before [`into_router`](crate::receiver::Receiver::into_router) and read it at any time (for
/// a metrics endpoint, a health check, a test).
///
/// ```
/// use hookwire::receiver::{Receiver, WebhookConfig};
/// use hookwire::signature::GitHub;
///
/// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
/// let stats = receiver.stats();
/// let app: axum::Router = receiver.into_router();
/// // ... later, from anywhere:
/// assert_eq!(stats.unknown_types(), 0);
/// assert!(stats.unknown_by_type().is_empty());
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Clone, Default)]
pub struct ReceiverStats {
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    unknown: AtomicU64,
    by_type: Mutex<BTreeMap<String, u64>>,
}

impl ReceiverStats {
    /// Verified deliveries whose event type had no handler, however they were answered
    /// (acknowledged, rejected with `422`, or given to the [`unknown`] handler).
    ///
    /// [`unknown`]: crate::receiver::Receiver::unknown
    ///
    /// ```
    /// # let stats = hookwire::receiver::ReceiverStats::default();
    /// assert_eq!(stats.unknown_types(), 0);
    /// ```
    pub fn unknown_types(&self) -> u64 {
        self.counts.unknown.load(Ordering::Relaxed)
    }

    /// The same deliveries by event type, in name order (the first 100 names seen; later ones
    /// count in [`unknown_types`](Self::unknown_types) only).
    ///
    /// ```
    /// # let stats = hookwire::receiver::ReceiverStats::default();
    /// for (event_type, count) in stats.unknown_by_type() {
    ///     println!("{event_type}: {count}");
    /// }
    /// ```
    pub fn unknown_by_type(&self) -> Vec<(String, u64)> {
        let names = self
            .counts
            .by_type
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        names.iter().map(|(name, n)| (name.clone(), *n)).collect()
    }

    /// Counts one delivery of `event_type`, which has no handler; returns the new total.
    pub(crate) fn count_unknown(&self, event_type: &str) -> u64 {
        let mut names = self
            .counts
            .by_type
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = names.get_mut(event_type) {
            *count += 1;
        } else if names.len() < MAX_NAMES {
            names.insert(event_type.to_owned(), 1);
        }
        drop(names);
        self.counts.unknown.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl fmt::Debug for ReceiverStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverStats")
            .field("unknown_types", &self.unknown_types())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_capped_but_the_total_is_not() {
        let stats = ReceiverStats::default();
        for n in 0..150 {
            stats.count_unknown(&format!("type.{n:03}"));
        }
        assert_eq!(stats.count_unknown("type.000"), 151);
        let names = stats.unknown_by_type();
        assert_eq!(names.len(), MAX_NAMES);
        assert_eq!(names[0], ("type.000".to_owned(), 2));
        let clone = stats.clone();
        clone.count_unknown("x");
        assert_eq!(stats.unknown_types(), 152, "clones share the counters");
    }
}
