//! The circuit breaker: it opens on a failure *ratio* over a time window once the window holds
//! a minimum number of attempts, and closes through half-open probes. Its state lives in the
//! endpoint's [`Health`], stored by the backend, so every worker sees the same breaker and it
//! survives restarts.
//!
//! - **Closed**: every counted result goes into the current window (a fixed window of
//!   [`window`](Breaker::window) seconds that starts with its first result). Once the window
//!   holds [`min_attempts`](Breaker::min_attempts) results and at least
//!   [`failure_ratio`](Breaker::failure_ratio) of them failed, the breaker opens.
//! - **Open**: the endpoint is paused ([`Health::paused_until`]) for
//!   [`open_for`](Breaker::open_for), doubling with each re-opening up to
//!   [`max_open`](Breaker::max_open). Results of attempts started before it opened change
//!   nothing.
//! - **Half-open** (the pause is over): at most [`probes`](Breaker::probes) attempts at a time.
//!   A success closes the breaker with a fresh window; a failure opens it again, for longer.
//!
//! `429` is not counted: it pauses the endpoint by itself (`Retry-After`). Refused attempts
//! (no request was sent) are not counted either.

use std::time::Duration;

use serde::Serialize;

/// How the circuit breaker judges an endpoint; set with [`Policy::breaker`](crate::outbox::Policy::breaker).
///
/// Defaults, and why:
/// - **failure ratio 50%**: resilience4j's default. An endpoint failing half of its attempts
///   gains nothing from being hammered; one answering 70% keeps flowing at full speed: with at
///   least 100 attempts judged, a 30% failure rate reaches 50% in about 3 windows out of
///   100,000 (computed exactly; once in about 100 days of 5 minute windows).
/// - **at least 100 attempts** in the window before it is judged (resilience4j's default
///   minimum): few attempts say more about luck than health. An endpoint that is down
///   reaches it within a second when it refuses connections, and in about three minutes when
///   every attempt hangs until the 30 s timeout with 16 in flight.
/// - **a 5 minute window**: long enough for that slow case, short enough that old results do
///   not mask an endpoint that just went down (as Convoy's observability window, in minutes).
/// - **open for 60 s** (resilience4j's default wait in the open state), **doubling** with each
///   failed probe **up to 1 hour**.
/// - **1 probe** at a time while half-open: one attempt is enough to learn whether the
///   endpoint is back, and spares it if it is not.
///
/// ```
/// use std::time::Duration;
/// use hookwire::outbox::{Breaker, Policy};
///
/// let breaker = Breaker::default()
///     .failure_ratio(0.8)
///     .window(Duration::from_secs(60))
///     .min_attempts(20)
///     .open_for(Duration::from_secs(30))
///     .max_open(Duration::from_secs(600))
///     .probes(2);
/// let policy = Policy::default().breaker(breaker);
/// assert!(policy.breaker_settings().is_on());
/// let never = Policy::default().breaker(Breaker::off());
/// assert!(!never.breaker_settings().is_on());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breaker {
    failure_ratio: f64,
    window: Duration,
    min_attempts: u32,
    open_for: Duration,
    max_open: Duration,
    probes: u32,
}

impl Default for Breaker {
    fn default() -> Self {
        Self {
            failure_ratio: 0.5,
            window: Duration::from_secs(300),
            min_attempts: 100,
            open_for: Duration::from_secs(60),
            max_open: Duration::from_secs(3600),
            probes: 1,
        }
    }
}

impl Breaker {
    /// A breaker that never opens.
    ///
    /// ```
    /// # use hookwire::outbox::Breaker;
    /// assert!(!Breaker::off().is_on());
    /// ```
    pub fn off() -> Self {
        Self {
            min_attempts: 0,
            ..Self::default()
        }
    }

    /// Opens when at least this fraction of the window's attempts failed (clamped to
    /// `0.01..=1.0`; 1.0 opens only when every attempt failed).
    ///
    /// ```
    /// # use hookwire::outbox::Breaker;
    /// let breaker = Breaker::default().failure_ratio(0.7);
    /// # let _ = breaker;
    /// ```
    #[must_use]
    pub fn failure_ratio(mut self, ratio: f64) -> Self {
        self.failure_ratio = if ratio.is_nan() {
            1.0
        } else {
            ratio.clamp(0.01, 1.0)
        };
        self
    }

    /// How long a window of results lasts (at least 1 s): results older than the current
    /// window are forgotten.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::Breaker;
    /// let breaker = Breaker::default().window(Duration::from_secs(120));
    /// # let _ = breaker;
    /// ```
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window.max(Duration::from_secs(1));
        self
    }

    /// The attempts a window must hold before its ratio is judged (0 turns the breaker off).
    ///
    /// ```
    /// # use hookwire::outbox::Breaker;
    /// assert!(!Breaker::default().min_attempts(0).is_on());
    /// ```
    #[must_use]
    pub fn min_attempts(mut self, attempts: u32) -> Self {
        self.min_attempts = attempts;
        self
    }

    /// How long the endpoint pauses when the breaker opens (at least 1 s); each failed probe
    /// doubles it, up to [`max_open`](Self::max_open).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::Breaker;
    /// let breaker = Breaker::default().open_for(Duration::from_secs(30));
    /// # let _ = breaker;
    /// ```
    #[must_use]
    pub fn open_for(mut self, pause: Duration) -> Self {
        self.open_for = pause.max(Duration::from_secs(1));
        self.max_open = self.max_open.max(self.open_for);
        self
    }

    /// The longest pause, however many probes failed (at least [`open_for`](Self::open_for)).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::Breaker;
    /// let breaker = Breaker::default().max_open(Duration::from_secs(900));
    /// # let _ = breaker;
    /// ```
    #[must_use]
    pub fn max_open(mut self, pause: Duration) -> Self {
        self.max_open = pause.max(self.open_for);
        self
    }

    /// Attempts in flight at once while half-open (at least 1).
    ///
    /// ```
    /// # use hookwire::outbox::Breaker;
    /// let breaker = Breaker::default().probes(3);
    /// # let _ = breaker;
    /// ```
    #[must_use]
    pub fn probes(mut self, probes: u32) -> Self {
        self.probes = probes.max(1);
        self
    }

    /// Whether the breaker can open at all.
    ///
    /// ```
    /// # use hookwire::outbox::Breaker;
    /// assert!(Breaker::default().is_on());
    /// ```
    pub fn is_on(&self) -> bool {
        self.min_attempts > 0
    }

    /// Attempts in flight at once while half-open.
    pub(crate) fn probes_in_flight(&self) -> u32 {
        self.probes
    }

    /// The pause after the breaker opened `opens` times in a row (1: the first opening).
    fn pause(&self, opens: u32) -> i64 {
        let doublings = opens.saturating_sub(1).min(31);
        secs(
            self.open_for
                .saturating_mul(1u32 << doublings)
                .min(self.max_open),
        )
    }

    /// The breaker's part of a counted result (`failed` or not) at `now`: the window and, when
    /// it opens or closes, `breaker_opens` and `paused_until`.
    pub(crate) fn count(&self, health: &mut Health, failed: bool, now: i64) {
        if !self.is_on() {
            health.breaker_opens = 0;
            return;
        }
        if health.breaker_opens > 0 {
            if health.paused_until > now {
                // Open: an attempt started before it opened; it changes nothing.
                return;
            }
            if failed {
                // Half-open: a probe failed; open again, for longer.
                health.breaker_opens = health.breaker_opens.saturating_add(1);
                self.open(health, now);
            } else {
                // Half-open: a probe succeeded; closed, with a fresh window.
                health.breaker_opens = 0;
                health.restart_window(now);
            }
            return;
        }
        let ended = now >= health.window_start.saturating_add(secs(self.window));
        if ended || now < health.window_start {
            health.restart_window(now);
        }
        health.window_attempts = health.window_attempts.saturating_add(1);
        if failed {
            health.window_failures = health.window_failures.saturating_add(1);
        }
        let judged = health.window_attempts >= self.min_attempts;
        let ratio = f64::from(health.window_failures) / f64::from(health.window_attempts);
        if judged && ratio >= self.failure_ratio {
            health.breaker_opens = 1;
            self.open(health, now);
        }
    }

    fn open(&self, health: &mut Health, now: i64) {
        let until = now.saturating_add(self.pause(health.breaker_opens));
        health.paused_until = health.paused_until.max(until);
        health.restart_window(now);
    }
}

/// Where an endpoint's circuit breaker stands, as `endpoint list --json` and `outbox stats
/// --json` print it.
///
/// ```
/// use hookwire::outbox::BreakerState;
///
/// assert_eq!(BreakerState::HalfOpen.as_str(), "half_open");
/// assert_eq!(serde_json::to_string(&BreakerState::Open)?, r#""open""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BreakerState {
    /// Attempts flow up to the endpoint's in-flight limit; results are counted.
    Closed,
    /// The endpoint is paused: no attempt starts before `paused_until`.
    Open,
    /// The pause is over: probes go out, one success closes it.
    HalfOpen,
}

impl BreakerState {
    /// The state for a breaker that opened `opens` times since it last closed, paused until
    /// `paused_until`, at `now`.
    ///
    /// ```
    /// # use hookwire::outbox::BreakerState;
    /// assert_eq!(BreakerState::at(1, 100, 50), BreakerState::Open);
    /// assert_eq!(BreakerState::at(0, 100, 50), BreakerState::Closed); // paused by a 429
    /// ```
    pub fn at(opens: u32, paused_until: i64, now: i64) -> Self {
        match opens {
            0 => BreakerState::Closed,
            _ if paused_until > now => BreakerState::Open,
            _ => BreakerState::HalfOpen,
        }
    }

    /// The name printed by the CLI: `closed`, `open`, `half_open`.
    ///
    /// ```
    /// # use hookwire::outbox::BreakerState;
    /// assert_eq!(BreakerState::Closed.as_str(), "closed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        }
    }
}

/// An endpoint's health as stored: what the policy reads when a result is recorded, and
/// writes back.
///
/// ```
/// use hookwire::outbox::Health;
///
/// let fresh = Health::default();
/// assert_eq!(fresh.consecutive_failures, 0);
/// assert!(!fresh.breaker_open(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Health {
    /// Failures in a row before this result.
    pub consecutive_failures: u32,
    /// Since when every attempt has failed.
    pub failing_since: Option<i64>,
    /// No attempt starts before this time (Unix seconds): the breaker, `429`, `Retry-After`.
    pub paused_until: i64,
    /// When the breaker's current window began (Unix seconds; a window that ended, or 0, starts
    /// again with the next result).
    pub window_start: i64,
    /// Results counted in the current window.
    pub window_attempts: u32,
    /// Failures among them.
    pub window_failures: u32,
    /// How many times the breaker opened since it last closed (0: closed).
    pub breaker_opens: u32,
}

impl Health {
    /// Whether the breaker is open at `now` (it opened and its pause is not over).
    ///
    /// ```
    /// # use hookwire::outbox::Health;
    /// let mut health = Health::default();
    /// health.breaker_opens = 1;
    /// health.paused_until = 100;
    /// assert!(health.breaker_open(99));
    /// assert!(!health.breaker_open(100)); // half-open: probing
    /// ```
    pub fn breaker_open(&self, now: i64) -> bool {
        self.breaker_opens > 0 && self.paused_until > now
    }

    /// Whether the breaker is half-open at `now` (it opened, its pause is over: probing).
    ///
    /// ```
    /// # use hookwire::outbox::Health;
    /// let mut health = Health::default();
    /// health.breaker_opens = 2;
    /// assert!(health.half_open(0));
    /// ```
    pub fn half_open(&self, now: i64) -> bool {
        self.breaker_opens > 0 && self.paused_until <= now
    }

    fn restart_window(&mut self, now: i64) {
        self.window_start = now;
        self.window_attempts = 0;
        self.window_failures = 0;
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
