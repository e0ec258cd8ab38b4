//! What the store does with each attempt's result: the retry schedule, `429` and `Retry-After`
//! pauses, `410` and sustained-failure disabling, and the circuit breaker (see [`Breaker`]).
//! Pure functions of the result, the endpoint's health and the injected time, so every rule is
//! testable without a database or a clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::store::{AttemptOutcome, Breaker, DeliveryState, DisabledReason, EndpointId, Health};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// Told to the [`on_endpoint_disabled`](Policy::on_endpoint_disabled) hook when the policy
/// disables an endpoint.
///
/// ```
/// # fn demo(event: &hookwire::store::EndpointDisabled) {
/// eprintln!("endpoint {} disabled: {:?}", event.endpoint, event.reason);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointDisabled {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// Why.
    pub reason: DisabledReason,
    /// When (Unix seconds).
    pub at: i64,
    /// Since when every attempt had failed, for [`DisabledReason::Failing`].
    pub failing_since: Option<i64>,
}

type Hook = Arc<dyn Fn(&EndpointDisabled) + Send + Sync>;

/// The delivery policy a store applies when a result is recorded. All times are in the store's
/// injected clock.
///
/// Defaults:
/// - retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (8 attempts over about 28 h),
///   each moved by up to ±20% (derived from the delivery's id, so no randomness is needed);
/// - `Retry-After` is honoured up to 1 hour; `429` pauses the whole endpoint for its
///   `Retry-After` (60 s without one), as does `503` with `Retry-After`;
/// - `410 Gone` disables the endpoint at once;
/// - the circuit breaker opens when at least 50% of the endpoint's attempts in a 5 minute
///   window failed, once the window holds 100 attempts; it pauses the endpoint for 1 minute,
///   then lets one probe through: a success closes it, a failure pauses again, doubling up to
///   1 hour (the reasons for these numbers are on [`Breaker`]);
/// - an endpoint whose every attempt has failed for 5 days is disabled.
///
/// A disabled endpoint's deliveries are held (state `disabled`), never dropped.
///
/// ```
/// use std::time::Duration;
/// use hookwire::store::Policy;
///
/// let policy = Policy::default()
///     .schedule([Duration::from_secs(10), Duration::from_secs(60)])
///     .jitter(0.0)
///     .disable_after(Duration::from_secs(3 * 24 * 3600))
///     .on_endpoint_disabled(|event| eprintln!("disabled {}", event.endpoint));
/// assert_eq!(policy.max_attempts(), 3);
/// ```
#[derive(Clone)]
pub struct Policy {
    schedule: Vec<Duration>,
    jitter: f64,
    max_retry_after: Duration,
    throttle_pause: Duration,
    breaker: Breaker,
    disable_after: Duration,
    hook: Option<Hook>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            schedule: [
                5,
                5 * MINUTE,
                30 * MINUTE,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                10 * HOUR,
            ]
            .map(Duration::from_secs)
            .to_vec(),
            jitter: 0.2,
            max_retry_after: Duration::from_secs(HOUR),
            throttle_pause: Duration::from_secs(MINUTE),
            breaker: Breaker::default(),
            disable_after: Duration::from_secs(5 * DAY),
            hook: None,
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("schedule", &self.schedule)
            .field("jitter", &self.jitter)
            .field("max_retry_after", &self.max_retry_after)
            .field("throttle_pause", &self.throttle_pause)
            .field("breaker", &self.breaker)
            .field("disable_after", &self.disable_after)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

/// What to store for one result.
///
/// ```
/// use hookwire::store::{AttemptOutcome, DeliveryState, EndpointChange, Health, Policy};
///
/// let ok = AttemptOutcome::Response { status: 200, retry_after: None };
/// let decision = Policy::default().decide(1, 1, ok, Health::default(), 0);
/// assert_eq!(decision.state, DeliveryState::Delivered);
/// assert!(matches!(decision.endpoint, EndpointChange::Healthy(_)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The delivery's new state.
    pub state: DeliveryState,
    /// Pending: when it is next due.
    pub next_attempt_at: Option<i64>,
    /// What happens to the endpoint.
    pub endpoint: EndpointChange,
}

/// How a result changes its endpoint.
///
/// ```
/// use hookwire::store::{AttemptOutcome, DisabledReason, EndpointChange, Health, Policy};
///
/// let gone = AttemptOutcome::Response { status: 410, retry_after: None };
/// let decision = Policy::default().decide(1, 1, gone, Health::default(), 0);
/// assert_eq!(decision.endpoint, EndpointChange::Disable(DisabledReason::Gone));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointChange {
    /// Nothing changes.
    Unchanged,
    /// A success: the new health to store (failures and `failing_since` reset, the breaker's
    /// window counts it, a probing breaker closes).
    Healthy(Health),
    /// Another failure: the new health to store.
    Failing(Health),
    /// Disable it and hold its deliveries.
    Disable(DisabledReason),
}

impl Policy {
    /// Retries after each delay in turn (the first attempt is immediate).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::store::Policy;
    /// assert_eq!(Policy::default().schedule([]).max_attempts(), 1);
    /// ```
    #[must_use]
    pub fn schedule(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        self.schedule = delays.into_iter().collect();
        self
    }

    /// Moves each delay by up to `fraction` of it either way (clamped to `0.0..=1.0`).
    ///
    /// ```
    /// # use hookwire::store::Policy;
    /// let exact = Policy::default().jitter(0.0);
    /// # let _ = exact;
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

    /// Caps how long a `Retry-After` may delay a delivery or pause an endpoint.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::store::Policy;
    /// let policy = Policy::default().max_retry_after(Duration::from_secs(600));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The circuit breaker: when it opens, how long it pauses, how it probes (see [`Breaker`]
    /// for its defaults and why); [`Breaker::off`] turns it off.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::store::{Breaker, Policy};
    /// let policy = Policy::default().breaker(
    ///     Breaker::default()
    ///         .failure_ratio(0.6)
    ///         .window(Duration::from_secs(120))
    ///         .min_attempts(40)
    ///         .open_for(Duration::from_secs(30)),
    /// );
    /// assert!(policy.breaker_settings().is_on());
    /// ```
    #[must_use]
    pub fn breaker(mut self, breaker: Breaker) -> Self {
        self.breaker = breaker;
        self
    }

    /// Disables an endpoint whose every attempt has failed for this long.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::store::Policy;
    /// let policy = Policy::default().disable_after(Duration::from_secs(86_400));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn disable_after(mut self, period: Duration) -> Self {
        self.disable_after = period;
        self
    }

    /// Calls `hook` after the policy disabled an endpoint (`410`, or sustained failure), once
    /// per disabling, after the change is committed.
    ///
    /// ```
    /// # use hookwire::store::Policy;
    /// let policy = Policy::default().on_endpoint_disabled(|event| eprintln!("{event:?}"));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn on_endpoint_disabled(
        mut self,
        hook: impl Fn(&EndpointDisabled) + Send + Sync + 'static,
    ) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Attempts a delivery gets at most: the first plus one per scheduled retry.
    ///
    /// ```
    /// # use hookwire::store::Policy;
    /// assert_eq!(Policy::default().max_attempts(), 8);
    /// ```
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.schedule.len()).map_or(u32::MAX, |n| n.saturating_add(1))
    }

    /// The circuit breaker's settings.
    ///
    /// ```
    /// # use hookwire::store::{Breaker, Policy};
    /// assert_eq!(*Policy::default().breaker_settings(), Breaker::default());
    /// ```
    pub fn breaker_settings(&self) -> &Breaker {
        &self.breaker
    }

    /// How many attempts an endpoint may have in flight: its own limit, or the breaker's probes
    /// while the breaker has opened (`breaker_opens` > 0) and its pause is over (half-open).
    ///
    /// ```
    /// # use hookwire::store::Policy;
    /// assert_eq!(Policy::default().in_flight_limit(0, 16), 16);
    /// assert_eq!(Policy::default().in_flight_limit(2, 16), 1);
    /// ```
    pub fn in_flight_limit(&self, breaker_opens: u32, max_in_flight: u32) -> u32 {
        if breaker_opens > 0 && self.breaker.is_on() {
            self.breaker.probes_in_flight().min(max_in_flight)
        } else {
            max_in_flight
        }
    }

    /// Calls the hook, if one is set.
    ///
    /// ```
    /// # use hookwire::store::{DisabledReason, EndpointDisabled, EndpointId, Policy};
    /// # fn demo(policy: &Policy, event: &EndpointDisabled) {
    /// policy.notify_disabled(event);
    /// # }
    /// ```
    pub fn notify_disabled(&self, event: &EndpointDisabled) {
        if let Some(hook) = &self.hook {
            hook(event);
        }
    }

    /// What to store after attempt number `attempt` (from 1) of delivery `delivery` ended with
    /// `outcome`, its endpoint being in `health`, at time `now`.
    ///
    /// ```
    /// use hookwire::store::{AttemptOutcome, DeliveryState, Health, Policy};
    ///
    /// let policy = Policy::default().jitter(0.0);
    /// let failed = AttemptOutcome::Response { status: 500, retry_after: None };
    /// let decision = policy.decide(1, 1, failed, Health::default(), 1_000);
    /// assert_eq!(decision.state, DeliveryState::Pending);
    /// assert_eq!(decision.next_attempt_at, Some(1_005));
    /// ```
    pub fn decide(
        &self,
        delivery: i64,
        attempt: u32,
        outcome: AttemptOutcome,
        health: Health,
        now: i64,
    ) -> Decision {
        let (status, retry_after) = match outcome {
            _ if outcome.is_success() => {
                return Decision {
                    state: DeliveryState::Delivered,
                    next_attempt_at: None,
                    endpoint: EndpointChange::Healthy(self.after_success(health, now)),
                };
            }
            AttemptOutcome::Refused => {
                return Decision {
                    state: DeliveryState::Failed,
                    next_attempt_at: None,
                    endpoint: EndpointChange::Unchanged,
                };
            }
            AttemptOutcome::Response { status: 410, .. } => {
                return disable(DisabledReason::Gone);
            }
            AttemptOutcome::Response {
                status,
                retry_after,
            } => (Some(status), retry_after),
            AttemptOutcome::NoResponse => (None, None),
        };

        let failing_since = health.failing_since.unwrap_or(now);
        if now.saturating_sub(failing_since) >= secs(self.disable_after) {
            return disable(DisabledReason::Failing);
        }
        let retry_after = retry_after.map(|wait| secs(wait.min(self.max_retry_after)));
        let mut next = health;
        next.consecutive_failures = health.consecutive_failures.saturating_add(1);
        next.failing_since = Some(failing_since);
        // A 429 asks to slow down, which its own pause does: the breaker does not count it.
        if status != Some(429) {
            self.breaker.count(&mut next, true, now);
        }
        let pause = match (status, retry_after) {
            (Some(429), wait) => {
                wait.unwrap_or(secs(self.throttle_pause.min(self.max_retry_after)))
            }
            (Some(503), Some(wait)) => wait,
            _ => 0,
        };
        if pause > 0 {
            next.paused_until = next.paused_until.max(now.saturating_add(pause));
        }
        let endpoint = EndpointChange::Failing(next);

        let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(delay) = self.schedule.get(index) else {
            return Decision {
                state: DeliveryState::Failed,
                next_attempt_at: None,
                endpoint,
            };
        };
        let due = now
            .saturating_add(self.jittered(*delay, delivery, attempt))
            .max(now.saturating_add(retry_after.unwrap_or(0)));
        Decision {
            state: DeliveryState::Pending,
            next_attempt_at: Some(due),
            endpoint,
        }
    }

    /// The endpoint's health after a success at `now`: failures and `failing_since` reset, the
    /// breaker counts it. Backends recording several successes at once apply it once for each.
    pub(crate) fn after_success(&self, health: Health, now: i64) -> Health {
        let mut next = health;
        next.consecutive_failures = 0;
        next.failing_since = None;
        self.breaker.count(&mut next, false, now);
        next
    }

    /// `delay` moved by up to ±jitter, derived from the delivery and attempt (stable, spread).
    fn jittered(&self, delay: Duration, delivery: i64, attempt: u32) -> i64 {
        let base = secs(delay);
        if self.jitter == 0.0 || base == 0 {
            return base;
        }
        let mut x = (delivery as u64) ^ (u64::from(attempt) << 48) ^ 0x9E37_79B9_7F4A_7C15;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
        let factor = 1.0 + self.jitter * (2.0 * unit - 1.0);
        ((base as f64) * factor).round().max(0.0) as i64
    }
}

fn disable(reason: DisabledReason) -> Decision {
    Decision {
        state: DeliveryState::Disabled,
        next_attempt_at: None,
        endpoint: EndpointChange::Disable(reason),
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<u64>) -> AttemptOutcome {
        AttemptOutcome::Response {
            status,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn schedule_runs_out_into_failed() {
        let policy = Policy::default()
            .schedule([Duration::from_secs(10)])
            .jitter(0.0);
        let first = policy.decide(1, 1, response(500, None), Health::default(), 100);
        assert_eq!(first.next_attempt_at, Some(110));
        let second = policy.decide(1, 2, AttemptOutcome::NoResponse, Health::default(), 110);
        assert_eq!(second.state, DeliveryState::Failed);
    }

    #[test]
    fn jitter_stays_within_bounds_and_spreads() {
        let policy = Policy::default().schedule([Duration::from_secs(1000)]);
        let dues: Vec<i64> = (0..50)
            .map(|id| {
                let d = policy.decide(id, 1, response(500, None), Health::default(), 0);
                d.next_attempt_at.unwrap_or_default()
            })
            .collect();
        assert!(dues.iter().all(|due| (800..=1200).contains(due)));
        assert!(dues.iter().any(|due| *due != dues[0]));
    }

    #[test]
    fn throttling_pauses_the_endpoint() {
        let policy = Policy::default().jitter(0.0);
        let d = policy.decide(1, 1, response(429, Some(120)), Health::default(), 0);
        assert_eq!(d.next_attempt_at, Some(120));
        assert!(matches!(d.endpoint, EndpointChange::Failing(h) if h.paused_until == 120));
        let d = policy.decide(1, 1, response(429, None), Health::default(), 0);
        assert!(matches!(d.endpoint, EndpointChange::Failing(h) if h.paused_until == 60));
        let capped = policy.decide(1, 1, response(503, Some(99_999)), Health::default(), 0);
        assert_eq!(capped.next_attempt_at, Some(3600));
    }

    #[test]
    fn gone_disables_and_success_heals() {
        let policy = Policy::default();
        let d = policy.decide(1, 1, response(410, None), Health::default(), 0);
        assert_eq!(d.endpoint, EndpointChange::Disable(DisabledReason::Gone));
        assert_eq!(d.state, DeliveryState::Disabled);
        let ok = policy.decide(1, 1, response(204, None), Health::default(), 0);
        assert!(matches!(ok.endpoint, EndpointChange::Healthy(h) if h.consecutive_failures == 0));
        let refused = policy.decide(1, 1, AttemptOutcome::Refused, Health::default(), 0);
        assert_eq!(refused.state, DeliveryState::Failed);
    }

    #[test]
    fn sustained_failure_disables() {
        let policy = Policy::default();
        let health = Health {
            consecutive_failures: 9,
            failing_since: Some(0),
            ..Health::default()
        };
        let before = policy.decide(1, 1, AttemptOutcome::NoResponse, health, 5 * 86_400 - 1);
        assert_eq!(before.state, DeliveryState::Pending);
        let after = policy.decide(1, 1, AttemptOutcome::NoResponse, health, 5 * 86_400);
        assert_eq!(
            after.endpoint,
            EndpointChange::Disable(DisabledReason::Failing)
        );
    }
}
