//! What the store does with each attempt's result: the retry schedule, `429` and `Retry-After`
//! pauses, `410` and sustained-failure disabling, and the circuit breaker (see [`Breaker`]).
//! Pure functions of the result, the endpoint's health and the injected time, so every rule is
//! testable without a database or a clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::outbox::{
    AttemptOutcome, Breaker, DeliveryState, DisabledReason, EndpointId, Health, OrderingFailure,
};
use crate::retry::RetryPolicy;

const MINUTE: u64 = 60;
const DAY: u64 = 24 * 60 * MINUTE;

/// Told to the [`on_endpoint_disabled`](Policy::on_endpoint_disabled) hook when the policy
/// disables an endpoint.
///
/// ```
/// # fn demo(event: &hookwire::outbox::EndpointDisabled) {
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
/// - an endpoint whose every attempt has failed for 5 days is disabled;
/// - a delivery with an [ordering key](crate::outbox::RawEvent::ordering_key) that ends
///   `failed` holds back the later ones of its key ([`OrderingFailure::Hold`]).
///
/// A disabled endpoint's deliveries are held (state `disabled`), never dropped.
///
/// ```
/// use std::time::Duration;
/// use hookwire::outbox::Policy;
/// use hookwire::retry::RetryPolicy;
///
/// let policy = Policy::default()
///     .retry(RetryPolicy::new([Duration::from_secs(10), Duration::from_secs(60)]).jitter(0.0))
///     .disable_after(Duration::from_secs(3 * 24 * 3600))
///     .on_endpoint_disabled(|event| eprintln!("disabled {}", event.endpoint));
/// assert_eq!(policy.max_attempts(), 3);
/// ```
#[derive(Clone)]
pub struct Policy {
    retry: RetryPolicy,
    throttle_pause: Duration,
    breaker: Breaker,
    disable_after: Duration,
    ordering: OrderingFailure,
    hook: Option<Hook>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            throttle_pause: Duration::from_secs(MINUTE),
            breaker: Breaker::default(),
            disable_after: Duration::from_secs(5 * DAY),
            ordering: OrderingFailure::Hold,
            hook: None,
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("retry", &self.retry)
            .field("throttle_pause", &self.throttle_pause)
            .field("breaker", &self.breaker)
            .field("disable_after", &self.disable_after)
            .field("ordering", &self.ordering)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

/// What to store for one result.
///
/// ```
/// use hookwire::outbox::{AttemptOutcome, DeliveryState, EndpointChange, Health, Policy};
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
/// use hookwire::outbox::{AttemptOutcome, DisabledReason, EndpointChange, Health, Policy};
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
    /// The retry schedule: the delays between attempts, their jitter (derived from the
    /// delivery's id and attempt, so no randomness is needed) and the cap on `Retry-After`,
    /// which also caps how long a `429` or `503` pauses the endpoint.
    ///
    /// ```
    /// # use std::time::Duration;
    /// use hookwire::outbox::Policy;
    /// use hookwire::retry::RetryPolicy;
    ///
    /// let policy = Policy::default().retry(RetryPolicy::new([Duration::from_secs(10)]).jitter(0.0));
    /// assert_eq!(policy.max_attempts(), 2);
    /// assert_eq!(Policy::default().retry(RetryPolicy::never()).max_attempts(), 1);
    /// ```
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The circuit breaker: when it opens, how long it pauses, how it probes (see [`Breaker`]
    /// for its defaults and why); [`Breaker::off`] turns it off.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::{Breaker, Policy};
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
    /// # use hookwire::outbox::Policy;
    /// let policy = Policy::default().disable_after(Duration::from_secs(86_400));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn disable_after(mut self, period: Duration) -> Self {
        self.disable_after = period;
        self
    }

    /// What a failed delivery with an ordering key does to the later ones of its key: hold
    /// them (the default) or let them go on (see [`OrderingFailure`] for why hold is the
    /// default).
    ///
    /// ```
    /// # use hookwire::outbox::{OrderingFailure, Policy};
    /// let policy = Policy::default().ordering_failure(OrderingFailure::Skip);
    /// assert!(!policy.ordering_failure_mode().holds());
    /// ```
    #[must_use]
    pub fn ordering_failure(mut self, mode: OrderingFailure) -> Self {
        self.ordering = mode;
        self
    }

    /// The policy's [`OrderingFailure`].
    ///
    /// ```
    /// # use hookwire::outbox::{OrderingFailure, Policy};
    /// assert_eq!(Policy::default().ordering_failure_mode(), OrderingFailure::Hold);
    /// ```
    pub fn ordering_failure_mode(&self) -> OrderingFailure {
        self.ordering
    }

    /// Calls `hook` after the policy disabled an endpoint (`410`, or sustained failure), once
    /// per disabling, after the change is committed.
    ///
    /// ```
    /// # use hookwire::outbox::Policy;
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
    /// # use hookwire::outbox::Policy;
    /// assert_eq!(Policy::default().max_attempts(), 8);
    /// ```
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.retry.max_attempts()).unwrap_or(u32::MAX)
    }

    /// The circuit breaker's settings.
    ///
    /// ```
    /// # use hookwire::outbox::{Breaker, Policy};
    /// assert_eq!(*Policy::default().breaker_settings(), Breaker::default());
    /// ```
    pub fn breaker_settings(&self) -> &Breaker {
        &self.breaker
    }

    /// How many attempts an endpoint may have in flight: its own limit, or the breaker's probes
    /// while the breaker has opened (`breaker_opens` > 0) and its pause is over (half-open).
    ///
    /// ```
    /// # use hookwire::outbox::Policy;
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
    /// # use hookwire::outbox::{DisabledReason, EndpointDisabled, EndpointId, Policy};
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
    /// use hookwire::outbox::{AttemptOutcome, DeliveryState, Health, Policy};
    /// use hookwire::retry::RetryPolicy;
    ///
    /// let policy = Policy::default().retry(RetryPolicy::default().jitter(0.0));
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
        let retry_after = retry_after.map(|wait| secs(self.retry.capped(wait)));
        let mut next = health;
        next.consecutive_failures = health.consecutive_failures.saturating_add(1);
        next.failing_since = Some(failing_since);
        // A 429 asks to slow down, which its own pause does: the breaker does not count it.
        if status != Some(429) {
            self.breaker.count(&mut next, true, now);
        }
        let pause = match (status, retry_after) {
            (Some(429), wait) => wait.unwrap_or(secs(self.retry.capped(self.throttle_pause))),
            (Some(503), Some(wait)) => wait,
            _ => 0,
        };
        if pause > 0 {
            next.paused_until = next.paused_until.max(now.saturating_add(pause));
        }
        let endpoint = EndpointChange::Failing(next);

        let retry = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        let asked = retry_after.map(|wait| Duration::from_secs(wait.unsigned_abs()));
        let Some(delay) = self.retry.delay(retry, unit(delivery, attempt), asked) else {
            return Decision {
                state: DeliveryState::Failed,
                next_attempt_at: None,
                endpoint,
            };
        };
        // Whole seconds, rounded: the store's times are Unix seconds.
        let delay = delay.as_secs_f64().round() as i64;
        Decision {
            state: DeliveryState::Pending,
            next_attempt_at: Some(now.saturating_add(delay)),
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
}

/// A number in `[0, 1)` derived from the delivery and attempt: the jitter of its retry, stable
/// (the same decision when a result is recorded again) and spread across deliveries.
fn unit(delivery: i64, attempt: u32) -> f64 {
    let mut x = (delivery as u64) ^ (u64::from(attempt) << 48) ^ 0x9E37_79B9_7F4A_7C15;
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
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
        let policy =
            Policy::default().retry(RetryPolicy::new([Duration::from_secs(10)]).jitter(0.0));
        let first = policy.decide(1, 1, response(500, None), Health::default(), 100);
        assert_eq!(first.next_attempt_at, Some(110));
        let second = policy.decide(1, 2, AttemptOutcome::NoResponse, Health::default(), 110);
        assert_eq!(second.state, DeliveryState::Failed);
    }

    #[test]
    fn jitter_stays_within_bounds_and_spreads() {
        let policy = Policy::default().retry(RetryPolicy::new([Duration::from_secs(1000)]));
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
        let policy = Policy::default().retry(RetryPolicy::default().jitter(0.0));
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
