//! Recording results on PostgreSQL in one transaction per batch: the batch's endpoints locked
//! first, in id order (as claims lock their lanes, so no two transactions wait for each other
//! in a cycle); every success in a single statement (fenced, attempts logged), then each
//! endpoint's health (the breaker counts them); each failure with its delivery row locked,
//! decided by the policy. A batch that fails (after deadlock retries) is recorded again one
//! result at a time (see `outbox::fallback`).

use std::collections::{BTreeMap, HashSet};

use sqlx::Row;
use sqlx::postgres::PgConnection;

use super::{PgOutbox, db, finish, sql, with_retries};
use crate::outbox::{
    AttemptOutcome, AttemptResult, DeliveryState, EndpointChange, EndpointDisabled, EndpointId,
    Health, Lease, Recorded, StoreError, fallback,
};

pub(super) async fn record(
    store: &PgOutbox,
    results: &[AttemptResult],
) -> Result<Vec<Recorded>, StoreError> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    match with_retries(|| record_batch(store, results)).await {
        Ok(recorded) => Ok(recorded),
        Err(error) => {
            fallback::one_by_one(results, error, |result| async move {
                with_retries(|| record_batch(store, std::slice::from_ref(&result))).await
            })
            .await
        }
    }
}

/// Records `results` in one transaction, their endpoints locked first, in id order.
async fn record_batch(
    store: &PgOutbox,
    results: &[AttemptResult],
) -> Result<Vec<Recorded>, StoreError> {
    let now = store.clock.now().unix_seconds();
    let mut tx = store.pool.begin().await.map_err(db)?;
    let mut disabled = Vec::new();
    let result = record_in(store, &mut tx, results, now, &mut disabled).await;
    let outcomes = finish(tx, result).await?;
    for event in &disabled {
        store.policy.notify_disabled(event);
    }
    Ok(outcomes)
}

async fn record_in(
    store: &PgOutbox,
    tx: &mut PgConnection,
    results: &[AttemptResult],
    now: i64,
    disabled: &mut Vec<EndpointDisabled>,
) -> Result<Vec<Recorded>, StoreError> {
    let deliveries: Vec<i64> = results.iter().map(|r| r.lease.delivery.0).collect();
    sqlx::query(sql::LOCK_ENDPOINTS)
        .bind(&deliveries)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let mut outcomes = vec![Recorded::Stale; results.len()];

    let successes: Vec<usize> = (0..results.len())
        .filter(|&i| results[i].outcome.is_success())
        .collect();
    if !successes.is_empty() {
        let pick = |f: &dyn Fn(&AttemptResult) -> i64| -> Vec<i64> {
            successes.iter().map(|&i| f(&results[i])).collect()
        };
        let ids = pick(&|r| r.lease.delivery.0);
        let tokens = pick(&|r| r.lease.token);
        let statuses = pick(&|r| r.outcome.status().map_or(0, i64::from));
        let millis = pick(&|r| i64::try_from(r.duration.as_millis()).unwrap_or(i64::MAX));
        let excerpts: Vec<String> = successes
            .iter()
            .map(|&i| crate::outbox::excerpt::from_text(&results[i].excerpt).into_owned())
            .collect();
        let rows = sqlx::query(sql::DELIVERED)
            .bind(&ids)
            .bind(&tokens)
            .bind(&statuses)
            .bind(&millis)
            .bind(&excerpts)
            .bind(now)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let mut done = HashSet::with_capacity(rows.len());
        let mut per_endpoint: BTreeMap<i64, u32> = BTreeMap::new();
        for row in &rows {
            done.insert(row.try_get::<i64, _>(0).map_err(db)?);
            *per_endpoint
                .entry(row.try_get::<i64, _>(1).map_err(db)?)
                .or_default() += 1;
        }
        // In id order, so concurrent recorders lock endpoints in one order.
        for (endpoint, successes) in per_endpoint {
            let health = read_health(tx, endpoint).await?;
            let mut next = health;
            for _ in 0..successes {
                next = store.policy.after_success(next, now);
            }
            if next != health {
                set_health(tx, endpoint, &next).await?;
            }
        }
        for &i in &successes {
            if done.contains(&results[i].lease.delivery.0) {
                outcomes[i] = Recorded::Done {
                    state: DeliveryState::Delivered,
                    next_attempt_at: None,
                    endpoint_disabled: None,
                };
            }
        }
    }

    for (i, result) in results.iter().enumerate() {
        if !result.outcome.is_success() {
            outcomes[i] = record_failure(store, tx, result, now, disabled).await?;
        }
    }
    Ok(outcomes)
}

async fn record_failure(
    store: &PgOutbox,
    conn: &mut PgConnection,
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
    let number: i64 = row.try_get(2).map_err(db)?;
    let health = read_health(conn, endpoint).await?;
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

    sqlx::query(sql::LOG_ATTEMPT)
        .bind(delivery.0)
        .bind(number)
        .bind(now)
        .bind(outcome_name(&result.outcome))
        .bind(result.outcome.status().map(i64::from))
        .bind(i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX))
        .bind(crate::outbox::excerpt::from_text(&result.excerpt))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(Recorded::Done {
        state: decision.state,
        next_attempt_at: match decision.state {
            DeliveryState::Pending => decision.next_attempt_at,
            _ => None,
        },
        endpoint_disabled,
    })
}

/// The endpoint's health, its row locked until the transaction ends.
async fn read_health(conn: &mut PgConnection, endpoint: i64) -> Result<Health, StoreError> {
    let row = sqlx::query(sql::HEALTH)
        .bind(endpoint)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let count = |index: usize| -> Result<u32, StoreError> {
        let value: i64 = row.try_get(index).map_err(db)?;
        Ok(u32::try_from(value).unwrap_or(0))
    };
    let health = Health {
        consecutive_failures: count(0)?,
        failing_since: row.try_get(1).map_err(db)?,
        paused_until: row.try_get(2).map_err(db)?,
        window_start: row.try_get(3).map_err(db)?,
        window_attempts: count(4)?,
        window_failures: count(5)?,
        breaker_opens: count(6)?,
    };
    Ok(health)
}

async fn set_health(
    conn: &mut PgConnection,
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

fn outcome_name(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        _ if outcome.is_success() => "delivered",
        AttemptOutcome::Response { .. } => "response",
        AttemptOutcome::NoResponse => "no_response",
        AttemptOutcome::Refused => "refused",
    }
}

pub(super) async fn release(store: &PgOutbox, leases: &[Lease]) -> Result<u64, StoreError> {
    if leases.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = leases.iter().map(|l| l.delivery.0).collect();
    let tokens: Vec<i64> = leases.iter().map(|l| l.token).collect();
    let released = sqlx::query(sql::RELEASE)
        .bind(&ids)
        .bind(&tokens)
        .bind(store.clock.now().unix_seconds())
        .execute(&store.pool)
        .await
        .map_err(db)?
        .rows_affected();
    if released > 0 {
        store.wake();
    }
    Ok(released)
}
