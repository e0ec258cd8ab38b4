//! One retry schedule for everything hookwire retries: the [`RetryPolicy`] the sender applies
//! to failed deliveries, the outbox's [`Policy`](crate::outbox::Policy) to failed attempts and
//! the inbox's workers to failed handlers.

use std::time::Duration;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

/// How many times to retry and how long to wait before each retry: a sender's failed
/// deliveries, or an inbox's failed handlers.
///
/// The default is the schedule Standard Webhooks senders use: the first attempt at once, then
/// retries after 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours
/// (8 attempts over about 28 hours), each delay moved by a random ±20% so that endpoints
/// recovering from an outage are not hit by every sender at the same second.
///
/// A response with `Retry-After` (seconds or an HTTP date) is honoured: the next retry waits at
/// least that long, up to [`max_retry_after`](RetryPolicy::max_retry_after) (1 hour by
/// default), so an endpoint cannot stall a message indefinitely.
///
/// ```
/// use std::time::Duration;
/// use hookwire::retry::RetryPolicy;
///
/// let default = RetryPolicy::default();
/// assert_eq!(default.max_attempts(), 8);
/// assert_eq!(default.delays()[0], Duration::from_secs(5));
///
/// // 1 s, 2 s, 4 s, 8 s (never more than 5 s), then 5 s: five retries.
/// let fast = RetryPolicy::exponential(Duration::from_secs(1), 2, Duration::from_secs(5), 5)
///     .jitter(0.1);
/// assert_eq!(fast.delays(), [1, 2, 4, 5, 5].map(Duration::from_secs));
///
/// assert_eq!(RetryPolicy::never().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    delays: Vec<Duration>,
    jitter: f64,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new(
            [
                5,
                5 * MINUTE,
                30 * MINUTE,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                10 * HOUR,
            ]
            .map(Duration::from_secs),
        )
    }
}

impl RetryPolicy {
    /// Retries after each of `delays` in turn (the first attempt is always immediate), with
    /// ±20% jitter and a 1 hour cap on `Retry-After`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new([Duration::ZERO, Duration::from_secs(30)]);
    /// assert_eq!(policy.max_attempts(), 3);
    /// ```
    pub fn new(delays: impl IntoIterator<Item = Duration>) -> Self {
        Self {
            delays: delays.into_iter().collect(),
            jitter: 0.2,
            max_retry_after: Duration::from_secs(HOUR),
        }
    }

    /// One attempt, no retries.
    ///
    /// ```
    /// # use hookwire::retry::RetryPolicy;
    /// assert!(RetryPolicy::never().delays().is_empty());
    /// ```
    pub fn never() -> Self {
        Self::new([])
    }

    /// Exponential backoff: `retries` retries, the first after `first`, each next one
    /// `factor` times longer, none longer than `max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::exponential(Duration::from_secs(10), 3, Duration::from_secs(60), 4);
    /// assert_eq!(policy.delays(), [10, 30, 60, 60].map(Duration::from_secs));
    /// ```
    pub fn exponential(first: Duration, factor: u32, max: Duration, retries: usize) -> Self {
        let delays = std::iter::successors(Some(first.min(max)), |delay| {
            Some(delay.saturating_mul(factor).min(max))
        })
        .take(retries);
        Self::new(delays)
    }

    /// Moves each delay by a random amount of up to `fraction` of it either way (`0.2` is
    /// ±20%, `0.0` turns jitter off). Values outside `0.0..=1.0` are clamped; NaN means none.
    ///
    /// ```
    /// # use hookwire::retry::RetryPolicy;
    /// let exact = RetryPolicy::default().jitter(0.0);
    /// # assert_eq!(exact.delays().len(), 7);
    /// ```
    #[must_use]
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// The longest `Retry-After` honoured; a longer one waits this long (default 1 hour).
    ///
    /// ```
    /// use std::time::Duration;
    /// # use hookwire::retry::RetryPolicy;
    /// let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(600));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The delays before each retry, without jitter.
    ///
    /// ```
    /// # use hookwire::retry::RetryPolicy;
    /// assert_eq!(RetryPolicy::default().delays().len(), 7);
    /// ```
    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }

    /// Attempts in all: the first one and one per delay.
    ///
    /// ```
    /// # use hookwire::retry::RetryPolicy;
    /// assert_eq!(RetryPolicy::default().max_attempts(), 8);
    /// ```
    pub fn max_attempts(&self) -> usize {
        self.delays.len().saturating_add(1)
    }

    /// `wait` under the cap on `Retry-After` ([`max_retry_after`](Self::max_retry_after)).
    #[cfg_attr(not(feature = "outbox"), allow(dead_code))]
    pub(crate) fn capped(&self, wait: Duration) -> Duration {
        wait.min(self.max_retry_after)
    }

    /// The wait before retry number `retry` (0 for the first retry), or `None` when the
    /// schedule is exhausted. `unit` is a random number in `[0, 1)`; `retry_after` is what the
    /// endpoint asked for.
    #[cfg_attr(
        not(any(feature = "reqwest", feature = "axum", feature = "outbox")),
        allow(dead_code)
    )]
    pub(crate) fn delay(
        &self,
        retry: usize,
        unit: f64,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let scheduled = *self.delays.get(retry)?;
        // unit in [0, 1) maps to a factor in [1 - jitter, 1 + jitter).
        let factor = 1.0 + self.jitter * (2.0 * unit.clamp(0.0, 1.0) - 1.0);
        let jittered =
            Duration::try_from_secs_f64(scheduled.as_secs_f64() * factor).unwrap_or(scheduled);
        let asked = retry_after.map_or(Duration::ZERO, |d| d.min(self.max_retry_after));
        Some(jittered.max(asked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule() {
        let p = RetryPolicy::default().jitter(0.0);
        let got: Vec<_> = (0..8).map(|i| p.delay(i, 0.5, None)).collect();
        let secs = [5, 300, 1800, 7200, 18000, 36000, 36000].map(|s| Some(Duration::from_secs(s)));
        assert_eq!(got[..7], secs);
        assert_eq!(got[7], None);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let p = RetryPolicy::default();
        let low = p.delay(1, 0.0, None).unwrap();
        let high = p.delay(1, 0.999_999, None).unwrap();
        assert_eq!(low, Duration::from_secs(240));
        assert!(high < Duration::from_secs(360) && high > Duration::from_secs(359));
        assert_eq!(p.delay(1, 0.5, None), Some(Duration::from_secs(300)));
        // Out-of-range randomness is clamped, never panics.
        assert!(p.delay(1, f64::NAN, None).is_some());
        assert!(p.delay(1, 7.0, None).is_some());
    }

    #[test]
    fn retry_after_is_a_floor_and_capped() {
        let p = RetryPolicy::default().jitter(0.0);
        let ra = |s| Some(Duration::from_secs(s));
        assert_eq!(p.delay(0, 0.5, ra(120)), ra(120));
        assert_eq!(p.delay(0, 0.5, ra(1)), ra(5));
        assert_eq!(p.delay(0, 0.5, ra(u64::MAX)), ra(3600));
        let short = p.max_retry_after(Duration::from_secs(10));
        assert_eq!(short.delay(0, 0.5, ra(99)), ra(10));
    }

    #[test]
    fn exponential_saturates() {
        let p = RetryPolicy::exponential(Duration::MAX, u32::MAX, Duration::MAX, 3);
        assert_eq!(p.delays(), [Duration::MAX; 3]);
        assert!(p.delay(2, 0.99, None).is_some());
        assert!(RetryPolicy::default().jitter(f64::NAN).jitter.abs() < f64::EPSILON);
        assert!((RetryPolicy::default().jitter(5.0).jitter - 1.0).abs() < f64::EPSILON);
    }
}
