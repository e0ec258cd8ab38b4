//! An injectable clock.
//!
//! Everything in hookwire that needs the current time (signature timestamps, replay windows,
//! retry schedules) takes it from a [`Clock`], or as an explicit `now` argument, so that every
//! behaviour can be tested without sleeping. Time is counted in whole seconds since the Unix
//! epoch, as an `i64`, which is what every webhook wire format in use sends.
//!
//! ```
//! use hookwire::clock::{Clock, FixedClock, SystemClock};
//!
//! let system = SystemClock;
//! assert!(system.now() > 1_700_000_000);
//!
//! let fixed = FixedClock::new(1_614_265_330);
//! fixed.advance(30);
//! assert_eq!(fixed.now(), 1_614_265_360);
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time, in whole seconds since the Unix epoch (UTC).
///
/// Implemented by [`SystemClock`] for production and [`FixedClock`] for tests; implement it
/// yourself to drive time from elsewhere. Shared references, boxes and [`Arc`]s of a clock are
/// clocks too.
///
/// ```
/// use hookwire::clock::Clock;
///
/// struct Frozen;
/// impl Clock for Frozen {
///     fn now(&self) -> i64 {
///         42
///     }
/// }
/// assert_eq!(Frozen.now(), 42);
/// ```
pub trait Clock: Send + Sync {
    /// The current time, in seconds since the Unix epoch.
    fn now(&self) -> i64;
}

/// The operating system's wall clock.
///
/// A system clock set before 1970 reads as a negative number of seconds; one beyond the
/// year 292 billion saturates.
///
/// ```
/// use hookwire::clock::{Clock, SystemClock};
///
/// assert!(SystemClock.now() > 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                let secs = before.duration().as_secs();
                i64::try_from(secs).map_or(i64::MIN, |s| -s)
            }
        }
    }
}

/// A clock that reads a value you set, for tests.
///
/// It can be shared between threads and moved forward while shared.
///
/// ```
/// use hookwire::clock::{Clock, FixedClock};
///
/// let clock = FixedClock::new(100);
/// assert_eq!(clock.now(), 100);
/// clock.set(200);
/// clock.advance(-50);
/// assert_eq!(clock.now(), 150);
/// ```
#[derive(Debug, Default)]
pub struct FixedClock {
    now: AtomicI64,
}

impl FixedClock {
    /// A clock that reads `now` (seconds since the Unix epoch) until changed.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// assert_eq!(FixedClock::new(7).now(), 7);
    /// ```
    pub const fn new(now: i64) -> Self {
        Self {
            now: AtomicI64::new(now),
        }
    }

    /// Sets the time the clock reads.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// let clock = FixedClock::new(0);
    /// clock.set(9);
    /// assert_eq!(clock.now(), 9);
    /// ```
    pub fn set(&self, now: i64) {
        self.now.store(now, Ordering::SeqCst);
    }

    /// Moves the clock by `seconds` (backwards when negative), saturating at the `i64` bounds.
    ///
    /// ```
    /// # use hookwire::clock::{Clock, FixedClock};
    /// let clock = FixedClock::new(10);
    /// clock.advance(5);
    /// assert_eq!(clock.now(), 15);
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
    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> i64 {
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
        assert_eq!(clock.now(), i64::MAX);
        clock.set(i64::MIN + 1);
        clock.advance(-10);
        assert_eq!(clock.now(), i64::MIN);
    }

    #[test]
    fn clocks_behind_pointers() {
        let shared: Arc<dyn Clock> = Arc::new(FixedClock::new(3));
        assert_eq!(shared.now(), 3);
        let boxed: Box<dyn Clock> = Box::new(FixedClock::new(4));
        let by_ref: &dyn Clock = &boxed;
        assert_eq!(by_ref.now(), 4);
    }
}
