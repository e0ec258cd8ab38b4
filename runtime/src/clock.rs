//! An injectable clock.
//!
//! Everything in hookwire that needs the current time (signature timestamps, replay windows,
//! retry schedules) takes it from a [`Clock`], or as an explicit `now` argument, so that every
//! behaviour can be tested without sleeping. Time is a [`Timestamp`]; every webhook wire format in
//! use sends whole seconds since the Unix epoch ([`Timestamp::unix_seconds`]).
//!
//! ```
//! use hookwire::clock::{Clock, FixedClock, SystemClock};
//!
//! let system = SystemClock;
//! assert!(system.now().unix_seconds() > 1_700_000_000);
//!
//! let fixed = FixedClock::new(1_614_265_330);
//! fixed.advance(30);
//! assert_eq!(fixed.now().unix_seconds(), 1_614_265_360);
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Timestamp;

/// A source of the current time.
///
/// Implemented by [`SystemClock`] for production and [`FixedClock`] for tests; implement it
/// yourself to drive time from elsewhere. Shared references, boxes and [`Arc`]s of a clock are
/// clocks too.
///
/// ```
/// use hookwire::Timestamp;
/// use hookwire::clock::Clock;
///
/// struct Frozen;
/// impl Clock for Frozen {
///     fn now(&self) -> Timestamp {
///         Timestamp::from_unix(42)
///     }
/// }
/// assert_eq!(Frozen.now().unix_seconds(), 42);
/// ```
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The operating system's wall clock.
///
/// A system clock set before 1970 reads as a negative number of seconds; one beyond the
/// year 292 billion saturates.
///
/// ```
/// use hookwire::clock::{Clock, SystemClock};
///
/// assert!(SystemClock.now().unix_seconds() > 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp::from_unix_nanos(
                i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                after.subsec_nanos(),
            ),
            Err(before) => {
                let secs = before.duration().as_secs();
                Timestamp::from_unix(i64::try_from(secs).map_or(i64::MIN, |s| -s))
            }
        }
    }
}

/// A clock that reads a value you set, for tests, in whole seconds.
///
/// It can be shared between threads and moved forward while shared.
///
/// ```
/// use hookwire::clock::{Clock, FixedClock};
///
/// let clock = FixedClock::new(100);
/// assert_eq!(clock.now().unix_seconds(), 100);
/// clock.set(200);
/// clock.advance(-50);
/// assert_eq!(clock.now().unix_seconds(), 150);
/// ```
#[derive(Debug, Default)]
pub struct FixedClock {
    now: AtomicI64,
}

impl FixedClock {
    /// A clock that reads `now` (a [`Timestamp`] or seconds since the Unix epoch, truncated to
    /// whole seconds) until changed.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// assert_eq!(FixedClock::new(7).now().unix_seconds(), 7);
    /// ```
    pub fn new(now: impl Into<Timestamp>) -> Self {
        Self {
            now: AtomicI64::new(now.into().unix_seconds()),
        }
    }

    /// Sets the time the clock reads.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// let clock = FixedClock::new(0);
    /// clock.set(9);
    /// assert_eq!(clock.now().unix_seconds(), 9);
    /// ```
    pub fn set(&self, now: impl Into<Timestamp>) {
        self.now.store(now.into().unix_seconds(), Ordering::SeqCst);
    }

    /// Moves the clock by `seconds` (backwards when negative), saturating at the `i64` bounds.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// let clock = FixedClock::new(10);
    /// clock.advance(5);
    /// assert_eq!(clock.now().unix_seconds(), 15);
    /// ```
    pub fn advance(&self, seconds: i64) {
        let mut current = self.now.load(Ordering::SeqCst);
        loop {
            let next = current.saturating_add(seconds);
            match self
                .now
                .compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.now.load(Ordering::SeqCst))
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_saturates() {
        let clock = FixedClock::new(i64::MAX - 1);
        clock.advance(10);
        assert_eq!(clock.now().unix_seconds(), i64::MAX);
        clock.set(i64::MIN + 1);
        clock.advance(-10);
        assert_eq!(clock.now().unix_seconds(), i64::MIN);
    }

    #[test]
    fn clocks_behind_pointers() {
        let shared: Arc<dyn Clock> = Arc::new(FixedClock::new(3));
        assert_eq!(shared.now().unix_seconds(), 3);
        let boxed: Box<dyn Clock> = Box::new(FixedClock::new(4));
        let by_ref: &dyn Clock = &boxed;
        assert_eq!(by_ref.now().unix_seconds(), 4);
    }
}
