//! [`MemoryDedup`]: the in-memory duplicate store, bounded, evicting nothing before its time.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::dedup::{Claim, DedupError, DedupKey, DedupStore};
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

/// The in-memory [`DedupStore`], for one process.
///
/// - It holds at most [`capacity`](Self::capacity) keys (default 100 000). Nothing is evicted
///   before it expires (a done key after the receiver's time to live, an in-flight claim after
///   its lease): when every slot holds a live key, [`claim`](DedupStore::claim) answers
///   [`DedupError::Full`] with the time until the earliest key expires, and the receiver
///   answers `503` with that `Retry-After`, so the sender retries instead of the store
///   silently forgetting ids.
/// - With the receiver's default time to live of 3 days, 100 000 keys cover about 33 000
///   deliveries a day (0.38 a second, sustained) per store. Above that, raise the capacity
///   (each key costs roughly 100 bytes plus the id's length; the namespace is shared) or use a shared store.
/// - Several processes behind a load balancer need a shared store instead.
///
/// ```
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::dedup::{Claim, DedupError, DedupKey, DedupStore, MemoryDedup};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryDedup::new().capacity(1);
/// let (now, lease) = (Timestamp::from_unix(0), Duration::from_secs(60));
/// assert!(matches!(store.claim(&DedupKey::new("ns", "a"), now, lease).await?, Claim::New(_)));
/// let full = store.claim(&DedupKey::new("ns", "b"), now, lease).await;
/// assert!(matches!(full, Err(DedupError::Full { capacity: 1, .. })));
/// // Once the first claim's lease is over, its slot is free again.
/// let later = now.saturating_add_seconds(60);
/// assert!(matches!(store.claim(&DedupKey::new("ns", "b"), later, lease).await?, Claim::New(_)));
/// # Ok::<(), DedupError>(())
/// # }).unwrap();
/// ```
pub struct MemoryDedup {
    state: Mutex<State>,
    capacity: usize,
}

/// foldhash with the receiver (`axum`, which builds it anyway), std's SipHash otherwise.
#[cfg(feature = "axum")]
type KeyHasher = foldhash::fast::RandomState;
#[cfg(not(feature = "axum"))]
type KeyHasher = std::hash::RandomState;

/// The keys and what is known of their expiries. Expired entries are not removed one by one:
/// a claim treats one as absent (and takes its slot over), and a full store removes them all
/// in one pass ([`sweep`](State::sweep)), which runs at most once per second of the clock: an
/// entry is never set to expire at or before the time it is set (one that would is removed at
/// once), so after a sweep at `t` nothing can expire before `t + 1`.
struct State {
    /// Hashed with foldhash (seeded per map) where the receiver is built: SipHash cost about
    /// a tenth of the receiver's time per delivery in a map of this size.
    entries: HashMap<DedupKey, Entry, KeyHasher>,
    /// No entry expires before this time; it is lowered by every entry set to expire earlier
    /// and made exact again by each sweep.
    earliest: i64,
    /// Whether `earliest` is an entry's expiry (else it is lower than every entry's): an
    /// entry that held it was removed or given a later expiry since the last sweep.
    exact: bool,
    /// The last token handed out (tokens are never reused).
    tokens: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            entries: HashMap::default(),
            earliest: i64::MAX,
            exact: true,
            tokens: 0,
        }
    }
}

struct Entry {
    done: bool,
    /// Seconds since the Unix epoch; the entry is live while `now < expires_at`.
    expires_at: i64,
    token: u64,
}

impl MemoryDedup {
    /// The default number of keys held: 100 000.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store with the default capacity.
    ///
    /// ```
    /// # use hookwire::dedup::MemoryDedup;
    /// assert!(MemoryDedup::new().is_empty());
    /// ```
    pub fn new() -> Self {
        MemoryDedup {
            state: Mutex::default(),
            capacity: Self::DEFAULT_CAPACITY,
        }
    }

    /// The most keys held (at least 1).
    ///
    /// ```
    /// # use hookwire::dedup::MemoryDedup;
    /// let store = MemoryDedup::new().capacity(1_000_000);
    /// ```
    #[must_use]
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The number of keys held, expired ones not yet swept included.
    ///
    /// ```
    /// # use hookwire::dedup::MemoryDedup;
    /// assert_eq!(MemoryDedup::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is held.
    ///
    /// ```
    /// # use hookwire::dedup::MemoryDedup;
    /// assert!(MemoryDedup::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the map consistent, so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim_at(&self, key: &DedupKey, now: i64, lease: i64) -> Result<Claim, DedupError> {
        let state = &mut *self.lock();
        let expires_at = now.saturating_add(lease);
        let held = state
            .entries
            .get(key)
            .map(|entry| (entry.expires_at, entry.done));
        match held {
            Some((at, true)) if at > now => return Ok(Claim::Done),
            Some((at, false)) if at > now => return Ok(Claim::InFlight),
            // Expired: its slot is taken over below, the key kept.
            Some((at, _)) => state.forget(at),
            None if state.entries.len() >= self.capacity => {
                if now >= state.earliest || !state.exact {
                    state.sweep(now);
                }
                if state.entries.len() >= self.capacity {
                    let wait = u64::try_from(state.earliest.saturating_sub(now)).unwrap_or(0);
                    return Err(DedupError::Full {
                        capacity: self.capacity,
                        retry_after: Duration::from_secs(wait.max(1)),
                    });
                }
            }
            None => {}
        }
        state.tokens += 1;
        let token = state.tokens;
        if expires_at <= now {
            // A lease of zero: expired as soon as it is made, so not kept.
            if held.is_some() {
                state.entries.remove(key);
            }
            return Ok(Claim::New(ClaimToken::new(token)));
        }
        let entry = Entry {
            done: false,
            expires_at,
            token,
        };
        // The lookup above said whether the key is held: an absent one is inserted without
        // a second lookup.
        match held {
            Some(_) => {
                if let Some(slot) = state.entries.get_mut(key) {
                    *slot = entry;
                }
            }
            None => {
                state.entries.insert(key.clone(), entry);
            }
        }
        state.lower(expires_at);
        Ok(Claim::New(ClaimToken::new(token)))
    }

    fn complete_at(&self, key: &DedupKey, token: ClaimToken, now: i64, ttl: i64) -> Settled {
        let state = &mut *self.lock();
        let Some(entry) = state.entries.get_mut(key) else {
            return Settled::Lost;
        };
        if entry.token != token.get() || entry.done {
            return Settled::Lost;
        }
        let (old, expires_at) = (entry.expires_at, now.saturating_add(ttl));
        if expires_at <= now {
            // A time to live of zero: forgotten at once.
            state.entries.remove(key);
        } else {
            entry.done = true;
            entry.expires_at = expires_at;
            state.lower(expires_at);
        }
        state.forget(old);
        Settled::Applied
    }

    fn abandon_key(&self, key: &DedupKey, token: ClaimToken) -> Settled {
        let state = &mut *self.lock();
        match state.entries.get(key) {
            Some(entry) if entry.token == token.get() && !entry.done => {
                let at = entry.expires_at;
                state.entries.remove(key);
                state.forget(at);
                Settled::Applied
            }
            _ => Settled::Lost,
        }
    }
}

impl State {
    /// An entry now expires at `at`.
    fn lower(&mut self, at: i64) {
        self.earliest = self.earliest.min(at);
    }

    /// An entry that expired at `at` was removed or given another expiry.
    fn forget(&mut self, at: i64) {
        if at == self.earliest {
            self.exact = false;
        }
    }

    /// Removes every entry expired at `now`, in one pass that also finds the earliest expiry.
    fn sweep(&mut self, now: i64) {
        let mut earliest = i64::MAX;
        self.entries.retain(|_, entry| {
            let live = entry.expires_at > now;
            if live {
                earliest = earliest.min(entry.expires_at);
            }
            live
        });
        self.earliest = earliest;
        self.exact = true;
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
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl DedupStore for MemoryDedup {
    fn claim<'a>(
        &'a self,
        key: &'a DedupKey,
        now: Timestamp,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, DedupError>> {
        let claimed = self.claim_at(key, now.unix_seconds(), secs(lease));
        Box::pin(std::future::ready(claimed))
    }

    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
        now: Timestamp,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        let settled = self.complete_at(key, token, now.unix_seconds(), secs(ttl));
        Box::pin(std::future::ready(Ok(settled)))
    }

    fn abandon<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        Box::pin(std::future::ready(Ok(self.abandon_key(key, token))))
    }

    fn claim_now<'a>(
        &'a self,
        key: &'a DedupKey,
        now: Timestamp,
        lease: Duration,
    ) -> Option<Result<Claim, DedupError>> {
        Some(self.claim_at(key, now.unix_seconds(), secs(lease)))
    }

    fn complete_now<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
        now: Timestamp,
        ttl: Duration,
    ) -> Option<Result<Settled, DedupError>> {
        Some(Ok(self.complete_at(
            key,
            token,
            now.unix_seconds(),
            secs(ttl),
        )))
    }

    fn abandon_now<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
    ) -> Option<Result<Settled, DedupError>> {
        Some(Ok(self.abandon_key(key, token)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> DedupKey {
        DedupKey::new("ns", id)
    }

    #[test]
    fn settled_claims_leave_nothing_behind() {
        let store = MemoryDedup::new().capacity(4);
        for _ in 0..1_000 {
            let Ok(Claim::New(token)) = store.claim_at(&key("a"), 0, 10) else {
                panic!("expected a new claim");
            };
            assert_eq!(store.abandon_key(&key("a"), token), Settled::Applied);
        }
        assert!(store.is_empty());
        let Ok(Claim::New(token)) = store.claim_at(&key("b"), 0, 10) else {
            panic!("expected a new claim");
        };
        assert_eq!(
            store.complete_at(&key("b"), token, 1, 100),
            Settled::Applied
        );
        assert_eq!(store.len(), 1);
        // A zero time to live forgets the delivery at once.
        let Ok(Claim::New(token)) = store.claim_at(&key("c"), 1, 10) else {
            panic!("expected a new claim");
        };
        assert_eq!(store.complete_at(&key("c"), token, 1, 0), Settled::Applied);
        assert_eq!(store.len(), 1);
        assert!(matches!(
            store.claim_at(&key("c"), 1, 10),
            Ok(Claim::New(_))
        ));
    }

    #[test]
    fn a_full_store_sweeps_once_per_second_and_reports_the_exact_wait() {
        let store = MemoryDedup::new().capacity(2);
        for (id, lease) in [("a", 5), ("b", 50)] {
            let Ok(Claim::New(token)) = store.claim_at(&key(id), 0, lease) else {
                panic!("expected a new claim");
            };
            assert_eq!(store.complete_at(&key(id), token, 0, 100), Settled::Applied);
        }
        // Both leases were replaced by the time to live: the wait is the ttl's, not a lease's.
        let Err(DedupError::Full { retry_after, .. }) = store.claim_at(&key("c"), 1, 10) else {
            panic!("expected a full store");
        };
        assert_eq!(retry_after, Duration::from_secs(99));
        assert!(store.lock().exact);
        // An expired entry's slot is taken over by its own key, and by another once swept.
        assert!(matches!(
            store.claim_at(&key("a"), 100, 10),
            Ok(Claim::New(_))
        ));
        assert!(matches!(
            store.claim_at(&key("c"), 100, 10),
            Ok(Claim::New(_))
        ));
        assert_eq!(store.len(), 2);
        assert_eq!(store.lock().earliest, 110);
    }

    #[test]
    fn full_store_reports_when_room_frees_up() {
        let store = MemoryDedup::new().capacity(2);
        assert!(matches!(
            store.claim_at(&key("a"), 0, 30),
            Ok(Claim::New(_))
        ));
        assert!(matches!(
            store.claim_at(&key("b"), 5, 100),
            Ok(Claim::New(_))
        ));
        let Err(DedupError::Full { retry_after, .. }) = store.claim_at(&key("c"), 10, 30) else {
            panic!("expected a full store");
        };
        assert_eq!(retry_after, Duration::from_secs(20));
        // A key already held is answered, full or not.
        assert_eq!(store.claim_at(&key("a"), 10, 30).unwrap(), Claim::InFlight);
        assert!(matches!(
            store.claim_at(&key("c"), 30, 30),
            Ok(Claim::New(_))
        ));
    }
}
