//! Recording one attempt's result, written once for every backend: the lease fences it, the
//! [`Policy`] decides, and the decision becomes the writes of a [`Ledger`]: SQL statements in
//! the SQLite and PostgreSQL outbox, maps in the memory outbox.

use std::future::Future;

use crate::outbox::{
    AttemptOutcome, AttemptResult, DeliveryState, DisabledReason, EndpointChange, EndpointDisabled,
    EndpointId, Health, Lease, Policy, Recorded, StoreError,
};

/// A leased delivery as a result is recorded: its attempt count, endpoint, the number the
/// attempt log gives the attempt, and its endpoint's health.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres")),
    allow(unreachable_pub)
)]
#[derive(Debug, Clone, Copy)]
pub struct Leased {
    /// Claims in the current schedule.
    pub attempt: u32,
    /// Its endpoint.
    pub endpoint: i64,
    /// The attempt's number in the log.
    pub number: i64,
    /// Its endpoint's health.
    pub health: Health,
}

/// One entry of the attempt log, as written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogEntry<'a> {
    pub(crate) delivery: i64,
    pub(crate) number: i64,
    pub(crate) at: i64,
    pub(crate) outcome: &'static str,
    pub(crate) status: Option<i64>,
    pub(crate) duration_ms: i64,
    pub(crate) excerpt: &'a str,
}

impl<'a> LogEntry<'a> {
    /// The entry for `result`, attempt `number`, recorded at `at` with `excerpt` (escaped).
    pub(crate) fn of(result: &AttemptResult, number: i64, at: i64, excerpt: &'a str) -> Self {
        LogEntry {
            delivery: result.lease.delivery.0,
            number,
            at,
            outcome: outcome_name(&result.outcome),
            status: result.outcome.status().map(i64::from),
            duration_ms: i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX),
            excerpt,
        }
    }
}

/// The writes recording a result makes, inside one transaction of the backend's.
pub(crate) trait Ledger: Send {
    /// The delivery `lease` holds (locked where the backend locks), or `None`: the lease is
    /// stale.
    fn leased(
        &mut self,
        lease: Lease,
    ) -> impl Future<Output = Result<Option<Leased>, StoreError>> + Send;
    /// An endpoint's health (locked where the backend locks).
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    fn health(&mut self, endpoint: i64) -> impl Future<Output = Result<Health, StoreError>> + Send;
    /// The delivery's new state, next attempt time (or now) and last status.
    fn finish(
        &mut self,
        delivery: i64,
        decision: (DeliveryState, i64),
        status: Option<i64>,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Stores an endpoint's new health.
    fn set_health(
        &mut self,
        endpoint: i64,
        health: Health,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Disables an enabled endpoint for `reason` and holds its pending and in-flight
    /// deliveries; whether it was enabled.
    fn disable(
        &mut self,
        endpoint: i64,
        reason: DisabledReason,
        now: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Appends to the attempt log.
    fn log(&mut self, entry: LogEntry<'_>) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// How an outcome is named in the attempt log.
pub(crate) fn outcome_name(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        _ if outcome.is_success() => "delivered",
        AttemptOutcome::Response { .. } => "response",
        AttemptOutcome::NoResponse => "no_response",
        AttemptOutcome::Refused => "refused",
    }
}

/// Records one result: fenced by its lease, decided by `policy`, logged. An endpoint this
/// disables is added to `disabled` (its hook is called after the commit).
pub(crate) async fn record_one<L: Ledger>(
    ledger: &mut L,
    policy: &Policy,
    result: &AttemptResult,
    now: i64,
    disabled: &mut Vec<EndpointDisabled>,
) -> Result<Recorded, StoreError> {
    let Some(leased) = ledger.leased(result.lease).await? else {
        return Ok(Recorded::Stale);
    };
    let delivery = result.lease.delivery.0;
    let health = leased.health;
    let decision = policy.decide(delivery, leased.attempt, result.outcome, health, now);
    let run_at = decision.next_attempt_at.unwrap_or(now);
    let status = result.outcome.status().map(i64::from);
    ledger
        .finish(delivery, (decision.state, run_at), status, now)
        .await?;

    let mut endpoint_disabled = None;
    match decision.endpoint {
        EndpointChange::Unchanged => {}
        EndpointChange::Healthy(next) | EndpointChange::Failing(next) => {
            if next != health {
                ledger.set_health(leased.endpoint, next).await?;
            }
        }
        EndpointChange::Disable(reason) => {
            if ledger.disable(leased.endpoint, reason, now).await? {
                endpoint_disabled = Some(reason);
                disabled.push(EndpointDisabled {
                    endpoint: EndpointId(leased.endpoint),
                    reason,
                    at: now,
                    failing_since: health.failing_since,
                });
            }
        }
    }

    let excerpt = crate::outbox::excerpt::from_text(&result.excerpt);
    ledger
        .log(LogEntry::of(result, leased.number, now, &excerpt))
        .await?;
    Ok(Recorded::Done {
        state: decision.state,
        next_attempt_at: match decision.state {
            DeliveryState::Pending => decision.next_attempt_at,
            _ => None,
        },
        endpoint_disabled,
    })
}

/// Counts the deliveries recorded at once (PostgreSQL) in their endpoints' health:
/// endpoint by endpoint, in id order (so concurrent recorders lock endpoints in one order).
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) async fn count_successes<L: Ledger>(
    ledger: &mut L,
    policy: &Policy,
    per_endpoint: std::collections::BTreeMap<i64, u32>,
    now: i64,
) -> Result<(), StoreError> {
    for (endpoint, successes) in per_endpoint {
        let health = ledger.health(endpoint).await?;
        let mut next = health;
        for _ in 0..successes {
            next = policy.after_success(next, now);
        }
        if next != health {
            ledger.set_health(endpoint, next).await?;
        }
    }
    Ok(())
}
