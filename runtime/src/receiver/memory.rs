//! [`MemoryDedup`]: the in-memory duplicate store, bounded in size, with a time to live.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::receiver::dedup::{Begin, BoxFuture, DedupError, DedupStore};

/// The in-memory [`DedupStore`]: bounded in size, with a time to live, for one process.
///
/// - A completed id is remembered for [`ttl`](Self::ttl) (default 3 days, longer than the
///   retry schedules of Standard Webhooks senders and Stripe).
/// - An in-flight claim lasts at most [`lease`](Self::lease) (default 5 minutes), after which a
///   copy of the delivery may run again (the first handler is presumed dead).
/// - At most [`capacity`](Self::capacity) ids (default 100 000) are kept; beyond that the
///   oldest claims are forgotten first.
///
/// Several processes behind a load balancer need a shared store instead (see [`DedupStore`]).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hookwire::clock::FixedClock;
/// use hookwire::receiver::{Begin, DedupStore, MemoryDedup};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let clock = Arc::new(FixedClock::new(1_000));
/// let store = MemoryDedup::new().ttl(Duration::from_secs(60)).clock(clock.clone());
/// assert_eq!(store.begin("msg_1").await?, Begin::New);
/// assert_eq!(store.begin("msg_1").await?, Begin::InFlight);
/// store.complete("msg_1").await?;
/// assert_eq!(store.begin("msg_1").await?, Begin::Done);
/// clock.advance(61);
/// assert_eq!(store.begin("msg_1").await?, Begin::New);
/// # Ok::<(), hookwire::receiver::DedupError>(())
/// # }).unwrap();
/// ```
pub struct MemoryDedup {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
    ttl: i64,
    lease: i64,
    capacity: usize,
}

#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    /// Keys in claim order, with the generation they were claimed in; a node whose
    /// generation no longer matches its entry is stale and skipped.
    order: VecDeque<(Arc<str>, u64)>,
    generation: u64,
}

struct Entry {
    done: bool,
    expires_at: i64,
    generation: u64,
}

impl MemoryDedup {
    /// The default time a completed id is remembered: 3 days.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(3 * 24 * 60 * 60);
    /// The default longest in-flight claim: 5 minutes.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(5 * 60);
    /// The default number of ids kept: 100 000.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store with the defaults and the system clock.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// assert!(MemoryDedup::new().is_empty());
    /// ```
    pub fn new() -> Self {
        MemoryDedup {
            state: Mutex::default(),
            clock: Arc::new(SystemClock),
            ttl: secs(Self::DEFAULT_TTL),
            lease: secs(Self::DEFAULT_LEASE),
            capacity: Self::DEFAULT_CAPACITY,
        }
    }

    /// How long a completed id is remembered (whole seconds).
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// let store = MemoryDedup::new().ttl(std::time::Duration::from_secs(24 * 60 * 60));
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = secs(ttl);
        self
    }

    /// How long an in-flight claim lasts before a copy of the delivery may run again.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// let store = MemoryDedup::new().lease(std::time::Duration::from_secs(60));
    /// ```
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = secs(lease);
        self
    }

    /// The most ids kept (at least 1); the oldest claims are forgotten first.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// let store = MemoryDedup::new().capacity(10_000);
    /// ```
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The clock that dates claims, for tests.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// # use hookwire::clock::FixedClock;
    /// let store = MemoryDedup::new().clock(FixedClock::new(0));
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The number of ids held, expired ones not yet swept included.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// assert_eq!(MemoryDedup::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no id is held.
    ///
    /// ```
    /// # use hookwire::receiver::MemoryDedup;
    /// assert!(MemoryDedup::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every update is one insert
        // or remove), so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn begin_now(&self, key: &str, now: i64) -> Begin {
        let mut state = self.lock();
        state.sweep(now);
        if let Some(entry) = state.entries.get(key)
            && entry.expires_at > now
        {
            return if entry.done {
                Begin::Done
            } else {
                Begin::InFlight
            };
        }
        state.insert(key, false, now.saturating_add(self.lease));
        state.bound(self.capacity);
        Begin::New
    }

    fn complete_now(&self, key: &str, now: i64) {
        let mut state = self.lock();
        let expires_at = now.saturating_add(self.ttl);
        match state.entries.get_mut(key) {
            Some(entry) => {
                entry.done = true;
                entry.expires_at = expires_at;
            }
            None => {
                state.insert(key, true, expires_at);
                state.bound(self.capacity);
            }
        }
    }
}

impl State {
    fn insert(&mut self, key: &str, done: bool, expires_at: i64) {
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let key: Arc<str> = Arc::from(key);
        self.order.push_back((Arc::clone(&key), generation));
        self.entries.insert(
            key,
            Entry {
                done,
                expires_at,
                generation,
            },
        );
    }

    /// Drops stale nodes and expired entries from the front of the claim order.
    fn sweep(&mut self, now: i64) {
        while let Some((key, generation)) = self.order.front() {
            match self.entries.get(key) {
                Some(entry) if entry.generation == *generation && entry.expires_at > now => break,
                Some(entry) if entry.generation == *generation => {
                    self.entries.remove(key);
                }
                _ => {}
            }
            self.order.pop_front();
        }
    }

    /// Forgets the oldest claims until at most `capacity` remain, and compacts the order
    /// when abandoned claims left it mostly stale.
    fn bound(&mut self, capacity: usize) {
        while self.entries.len() > capacity {
            let Some((key, generation)) = self.order.pop_front() else {
                break;
            };
            if self
                .entries
                .get(&key)
                .is_some_and(|e| e.generation == generation)
            {
                self.entries.remove(&key);
            }
        }
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order.retain(|(key, generation)| {
                entries
                    .get(key)
                    .is_some_and(|e| e.generation == *generation)
            });
        }
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

impl Default for MemoryDedup {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDedup")
            .field("len", &self.len())
            .field("ttl", &self.ttl)
            .field("lease", &self.lease)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl DedupStore for MemoryDedup {
    fn begin<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Begin, DedupError>> {
        let begin = self.begin_now(key, self.clock.now().unix_seconds());
        Box::pin(std::future::ready(Ok(begin)))
    }

    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
        self.complete_now(key, self.clock.now().unix_seconds());
        Box::pin(std::future::ready(Ok(())))
    }

    fn abandon<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
        self.lock().entries.remove(key);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_claims_do_not_grow_the_order_without_bound() {
        let store = MemoryDedup::new().capacity(4);
        for _ in 0..1_000 {
            assert_eq!(store.begin_now("a", 0), Begin::New);
            store.lock().entries.remove("a");
        }
        assert!(store.lock().order.len() <= 2 * 4 + 64 + 1);
    }

    #[test]
    fn in_flight_claims_expire_after_the_lease() {
        let store = MemoryDedup::new().lease(Duration::from_secs(10));
        assert_eq!(store.begin_now("a", 0), Begin::New);
        assert_eq!(store.begin_now("a", 9), Begin::InFlight);
        assert_eq!(store.begin_now("a", 10), Begin::New);
    }
}
