//! Recording results on SQLite: one `BEGIN IMMEDIATE` transaction per batch; each result is
//! fenced by its lease token, decided by the policy, and logged. A batch that fails is recorded
//! again one result at a time (see `outbox::fallback`).

use sqlx::Row;
use sqlx::sqlite::SqliteConnection;

use super::{SqliteOutbox, db, sql};
use crate::outbox::{
    AttemptOutcome, AttemptResult, DeliveryState, EndpointChange, EndpointDisabled, EndpointId,
    Health, Lease, Recorded, StoreError, fallback,
};

pub(super) async fn record(
    store: &SqliteOutbox,
    results: &[AttemptResult],
) -> Result<Vec<Recorded>, StoreError> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    match record_batch(store, results).await {
        Ok(recorded) => Ok(recorded),
        Err(error) => {
            fallback::one_by_one(results, error, |result| async move {
                record_batch(store, std::slice::from_ref(&result)).await
            })
            .await
        }
    }
}

/// Records `results` in one transaction.
async fn record_batch(
    store: &SqliteOutbox,
    results: &[AttemptResult],
) -> Result<Vec<Recorded>, StoreError> {
    let now = store.clock.now().unix_seconds();
    let mut tx = store.begin().await?;
    let mut outcomes = Vec::with_capacity(results.len());
    let mut disabled = Vec::new();
    for result in results {
        let recorded = record_one(store, &mut tx, result, now, &mut disabled).await?;
        outcomes.push(recorded);
    }
    tx.commit().await.map_err(db)?;
    for event in &disabled {
        store.policy.notify_disabled(event);
    }
    Ok(outcomes)
}

async fn record_one(
    store: &SqliteOutbox,
    conn: &mut SqliteConnection,
    result: &AttemptResult,
    now: i64,
    disabled: &mut Vec<EndpointDisabled>,
) -> Result<Recorded, StoreError> {
    let Lease { delivery, token } = result.lease;
    let Some(row) = sqlx::query(sql::LEASED)
        .bind(delivery.0)
        .bind(token)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
    else {
        return Ok(Recorded::Stale);
    };
    let attempt: i64 = row.try_get(0).map_err(db)?;
    let endpoint: i64 = row.try_get(1).map_err(db)?;
    let count = |index: usize| -> Result<u32, StoreError> {
        let value: i64 = row.try_get(index).map_err(db)?;
        Ok(u32::try_from(value).unwrap_or(0))
    };
    let number: i64 = row.try_get(9).map_err(db)?;
    let health = Health {
        consecutive_failures: count(2)?,
        failing_since: row.try_get(3).map_err(db)?,
        paused_until: row.try_get(4).map_err(db)?,
        window_start: row.try_get(5).map_err(db)?,
        window_attempts: count(6)?,
        window_failures: count(7)?,
        breaker_opens: count(8)?,
    };
    let attempt = u32::try_from(attempt).unwrap_or(u32::MAX);
    let decision = store
        .policy
        .decide(delivery.0, attempt, result.outcome, health, now);

    sqlx::query(sql::FINISH)
        .bind(delivery.0)
        .bind(decision.state.as_str())
        .bind(decision.next_attempt_at.unwrap_or(now))
        .bind(result.outcome.status().map(i64::from))
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(db)?;

    let mut endpoint_disabled = None;
    match decision.endpoint {
        EndpointChange::Unchanged => {}
        EndpointChange::Healthy(next) | EndpointChange::Failing(next) => {
            if next != health {
                set_health(conn, endpoint, &next).await?;
            }
        }
        EndpointChange::Disable(reason) => {
            let changed = sqlx::query(sql::DISABLE)
                .bind(endpoint)
                .bind(reason.as_str())
                .execute(&mut *conn)
                .await
                .map_err(db)?
                .rows_affected();
            sqlx::query(sql::HOLD)
                .bind(endpoint)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            if changed > 0 {
                endpoint_disabled = Some(reason);
                disabled.push(EndpointDisabled {
                    endpoint: EndpointId(endpoint),
                    reason,
                    at: now,
                    failing_since: health.failing_since,
                });
            }
        }
    }

    log_attempt(conn, result, number, now).await?;
    Ok(Recorded::Done {
        state: decision.state,
        next_attempt_at: match decision.state {
            DeliveryState::Pending => decision.next_attempt_at,
            _ => None,
        },
        endpoint_disabled,
    })
}

async fn set_health(
    conn: &mut SqliteConnection,
    endpoint: i64,
    health: &Health,
) -> Result<(), StoreError> {
    sqlx::query(sql::SET_HEALTH)
        .bind(endpoint)
        .bind(i64::from(health.consecutive_failures))
        .bind(health.failing_since)
        .bind(health.paused_until)
        .bind(health.window_start)
        .bind(i64::from(health.window_attempts))
        .bind(i64::from(health.window_failures))
        .bind(i64::from(health.breaker_opens))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(super) fn outcome_name(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        _ if outcome.is_success() => "delivered",
        AttemptOutcome::Response { .. } => "response",
        AttemptOutcome::NoResponse => "no_response",
        AttemptOutcome::Refused => "refused",
    }
}

async fn log_attempt(
    conn: &mut SqliteConnection,
    result: &AttemptResult,
    attempt: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(sql::LOG_ATTEMPT)
        .bind(result.lease.delivery.0)
        .bind(attempt)
        .bind(now)
        .bind(outcome_name(&result.outcome))
        .bind(result.outcome.status().map(i64::from))
        .bind(i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX))
        .bind(crate::outbox::excerpt::from_text(&result.excerpt))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(super) async fn release(store: &SqliteOutbox, leases: &[Lease]) -> Result<u64, StoreError> {
    if leases.is_empty() {
        return Ok(0);
    }
    let now = store.clock.now().unix_seconds();
    let mut tx = store.begin().await?;
    let mut released = 0;
    for lease in leases {
        released += sqlx::query(sql::RELEASE)
            .bind(lease.delivery.0)
            .bind(lease.token)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
    }
    tx.commit().await.map_err(db)?;
    if released > 0 {
        store.wake();
    }
    Ok(released)
}
