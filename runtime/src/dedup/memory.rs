//! [`MemoryDedup`]: the in-memory duplicate store, bounded, evicting nothing before its time.

use std::collections::{BTreeMap, HashMap};
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
///   (each key costs roughly 150 bytes plus the id and namespace lengths) or use a shared store.
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

#[derive(Default)]
struct State {
    entries: HashMap<DedupKey, Entry>,
    /// Each entry's expiry time and token, earliest first: exactly one per entry (replaced
    /// when a claim completes, removed with its entry), so nothing stale piles up. Tokens are
    /// unique, so `(time, token)` is too.
    expiries: BTreeMap<(i64, u64), DedupKey>,
    /// The last token handed out (tokens are never reused).
    tokens: u64,
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

    fn claim_now(&self, key: &DedupKey, now: i64, lease: i64) -> Result<Claim, DedupError> {
        let mut state = self.lock();
        state.sweep(now);
        let held = state
            .entries
            .get(key)
            .map(|entry| (entry.expires_at > now, entry.done));
        match held {
            Some((true, true)) => return Ok(Claim::Done),
            Some((true, false)) => return Ok(Claim::InFlight),
            // Expired: replaced below (the sweep removes these, so this is a safety net).
            Some((false, _)) => {}
            None => {}
        }
        if held.is_none() && state.entries.len() >= self.capacity {
            let earliest = state.earliest().unwrap_or(now);
            let wait = u64::try_from(earliest.saturating_sub(now)).unwrap_or(0);
            return Err(DedupError::Full {
                capacity: self.capacity,
                retry_after: Duration::from_secs(wait.max(1)),
            });
        }
        state.tokens += 1;
        let token = state.tokens;
        state.set(key.clone(), false, now.saturating_add(lease), token);
        Ok(Claim::New(ClaimToken::new(token)))
    }

    fn complete_now(&self, key: &DedupKey, token: ClaimToken, now: i64, ttl: i64) -> Settled {
        let state = &mut *self.lock();
        match state.entries.get_mut(key) {
            Some(entry) if entry.token == token.get() && !entry.done => {
                // Updated in place, the expiry's key moved to its new time: no hashing or
                // copying of the key again.
                let node = state.expiries.remove(&(entry.expires_at, entry.token));
                entry.done = true;
                entry.expires_at = now.saturating_add(ttl);
                let at = (entry.expires_at, entry.token);
                state
                    .expiries
                    .insert(at, node.unwrap_or_else(|| key.clone()));
                Settled::Applied
            }
            _ => Settled::Lost,
        }
    }

    fn abandon_now(&self, key: &DedupKey, token: ClaimToken) -> Settled {
        let mut state = self.lock();
        match state.entries.get(key) {
            Some(entry) if entry.token == token.get() && !entry.done => {
                let at = (entry.expires_at, entry.token);
                state.entries.remove(key);
                state.expiries.remove(&at);
                Settled::Applied
            }
            _ => Settled::Lost,
        }
    }
}

impl State {
    fn set(&mut self, key: DedupKey, done: bool, expires_at: i64, token: u64) {
        let entry = Entry {
            done,
            expires_at,
            token,
        };
        if let Some(old) = self.entries.insert(key.clone(), entry) {
            self.expiries.remove(&(old.expires_at, old.token));
        }
        self.expiries.insert((expires_at, token), key);
    }

    /// Removes every entry expired at `now`.
    fn sweep(&mut self, now: i64) {
        while let Some(next) = self.expiries.first_entry() {
            if next.key().0 > now {
                break;
            }
            let key = next.remove();
            self.entries.remove(&key);
        }
    }

    /// The earliest expiry of an entry.
    fn earliest(&self) -> Option<i64> {
        self.expiries.first_key_value().map(|(&(at, _), _)| at)
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
        let claimed = self.claim_now(key, now.unix_seconds(), secs(lease));
        Box::pin(std::future::ready(claimed))
    }

    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
        now: Timestamp,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        let settled = self.complete_now(key, token, now.unix_seconds(), secs(ttl));
        Box::pin(std::future::ready(Ok(settled)))
    }

    fn abandon<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        Box::pin(std::future::ready(Ok(self.abandon_now(key, token))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> DedupKey {
        DedupKey::new("ns", id)
    }

    #[test]
    fn settled_claims_leave_one_expiry_per_entry() {
        let store = MemoryDedup::new().capacity(4);
        for _ in 0..1_000 {
            let Ok(Claim::New(token)) = store.claim_now(&key("a"), 0, 10) else {
                panic!("expected a new claim");
            };
            assert_eq!(store.abandon_now(&key("a"), token), Settled::Applied);
        }
        assert!(store.lock().expiries.is_empty());
        let Ok(Claim::New(token)) = store.claim_now(&key("b"), 0, 10) else {
            panic!("expected a new claim");
        };
        assert_eq!(
            store.complete_now(&key("b"), token, 1, 100),
            Settled::Applied
        );
        let state = store.lock();
        assert_eq!((state.entries.len(), state.expiries.len()), (1, 1));
        assert_eq!(state.expiries.keys().next(), Some(&(101, token.get())));
    }

    #[test]
    fn full_store_reports_when_room_frees_up() {
        let store = MemoryDedup::new().capacity(2);
        assert!(matches!(
            store.claim_now(&key("a"), 0, 30),
            Ok(Claim::New(_))
        ));
        assert!(matches!(
            store.claim_now(&key("b"), 5, 100),
            Ok(Claim::New(_))
        ));
        let Err(DedupError::Full { retry_after, .. }) = store.claim_now(&key("c"), 10, 30) else {
            panic!("expected a full store");
        };
        assert_eq!(retry_after, Duration::from_secs(20));
        // A key already held is answered, full or not.
        assert_eq!(store.claim_now(&key("a"), 10, 30).unwrap(), Claim::InFlight);
        assert!(matches!(
            store.claim_now(&key("c"), 30, 30),
            Ok(Claim::New(_))
        ));
    }
}
