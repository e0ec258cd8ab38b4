//! Recording results and releasing leases, for both dialects: one write transaction per batch
//! (the dialect first locks what it will write: PostgreSQL its endpoints, in id order, as
//! claims lock their lanes), successes at once where the dialect can (PostgreSQL), every other
//! result through [`record_one`]. A batch that fails (after deadlock retries) is recorded
//! again one result at a time (see `outbox::fallback`).

use std::collections::{BTreeMap, HashSet};
use std::future::Future;

use super::statements as sql;
use super::{Arg, Dialect, SqlOutbox, db};
use crate::outbox::record::{self, Leased, Ledger, LogEntry, record_one};
use crate::outbox::{
    AttemptResult, DeliveryState, DisabledReason, Health, Lease, Recorded, StoreError, fallback,
};

/// A deadlock or serialization failure (PostgreSQL): the transaction was rolled back and may
/// be run again.
fn retryable(error: &StoreError) -> bool {
    let StoreError::Database(inner) = error else {
        return false;
    };
    let Some(sqlx::Error::Database(database)) = inner.downcast_ref::<sqlx::Error>() else {
        return false;
    };
    matches!(database.code().as_deref(), Some("40P01" | "40001"))
}

/// Runs a transaction body again (up to three times in all) when the database rolled it back
/// for a deadlock, which concurrent recorders touching the same endpoints can cause.
pub(super) async fn with_retries<T, F, Fut>(mut run: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match run().await {
            Err(error) if tries < 3 && retryable(&error) => continue,
            other => return other,
        }
    }
}

/// Ends `tx` as `result` says: a commit on `Ok`; on `Err` a rollback, waited for, before the
/// error is returned. sqlx only queues the rollback of a dropped transaction (the pool sends
/// it later, from a task of its own), and PostgreSQL answers a failed statement before it has
/// aborted the transaction: waiting for the rollback makes an error from the store mean that
/// its transaction is over and its locks are released.
pub(super) async fn finish<D: Dialect, T>(
    tx: sqlx::Transaction<'static, D>,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            tx.commit().await.map_err(db)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::debug!(error = %rollback, "outbox: rolling back a failed transaction failed");
            }
            Err(error)
        }
    }
}

/// The writes of [`record_one`] as statements on a transaction's connection.
struct SqlLedger<'c, D: Dialect> {
    conn: &'c mut D::Connection,
}

impl<D: Dialect> Ledger for SqlLedger<'_, D> {
    async fn leased(&mut self, lease: Lease) -> Result<Option<Leased>, StoreError> {
        D::leased(self.conn, lease).await
    }

    async fn health(&mut self, endpoint: i64) -> Result<Health, StoreError> {
        D::health(self.conn, endpoint).await
    }

    async fn finish(
        &mut self,
        delivery: i64,
        (state, run_at): (DeliveryState, i64),
        status: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        let args = [
            Arg::Int(delivery),
            Arg::Text(state.as_str()),
            Arg::Int(run_at),
            Arg::MaybeInt(status),
            Arg::Int(now),
        ];
        D::execute(self.conn, sql::FINISH, &args).await?;
        Ok(())
    }

    async fn set_health(&mut self, endpoint: i64, health: Health) -> Result<(), StoreError> {
        let args = [
            Arg::Int(endpoint),
            Arg::Int(i64::from(health.consecutive_failures)),
            Arg::MaybeInt(health.failing_since),
            Arg::Int(health.paused_until),
            Arg::Int(health.window_start),
            Arg::Int(i64::from(health.window_attempts)),
            Arg::Int(i64::from(health.window_failures)),
            Arg::Int(i64::from(health.breaker_opens)),
        ];
        D::execute(self.conn, sql::SET_HEALTH, &args).await?;
        Ok(())
    }

    async fn disable(
        &mut self,
        endpoint: i64,
        reason: DisabledReason,
        now: i64,
    ) -> Result<bool, StoreError> {
        let args = [Arg::Int(endpoint), Arg::Text(reason.as_str())];
        let changed = D::execute(self.conn, sql::DISABLE, &args).await?;
        D::execute(self.conn, sql::HOLD, &[Arg::Int(endpoint), Arg::Int(now)]).await?;
        Ok(changed > 0)
    }

    async fn log(&mut self, entry: LogEntry<'_>) -> Result<(), StoreError> {
        let args = [
            Arg::Int(entry.delivery),
            Arg::Int(entry.number),
            Arg::Int(entry.at),
            Arg::Text(entry.outcome),
            Arg::MaybeInt(entry.status),
            Arg::Int(entry.duration_ms),
            Arg::Text(entry.excerpt),
        ];
        D::execute(self.conn, sql::LOG_ATTEMPT, &args).await?;
        Ok(())
    }
}

pub(super) async fn record<D: Dialect>(
    store: &SqlOutbox<D>,
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

/// Records `results` in one transaction.
async fn record_batch<D: Dialect>(
    store: &SqlOutbox<D>,
    results: &[AttemptResult],
) -> Result<Vec<Recorded>, StoreError> {
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let mut disabled = Vec::new();
    let result = record_in(store, &mut tx, results, now, &mut disabled).await;
    let outcomes = finish(tx, result).await?;
    for event in &disabled {
        store.policy.notify_disabled(event);
    }
    Ok(outcomes)
}

async fn record_in<D: Dialect>(
    store: &SqlOutbox<D>,
    conn: &mut D::Connection,
    results: &[AttemptResult],
    now: i64,
    disabled: &mut Vec<crate::outbox::EndpointDisabled>,
) -> Result<Vec<Recorded>, StoreError> {
    D::lock_for_record(conn, results).await?;
    let mut outcomes = vec![Recorded::Stale; results.len()];
    let successes: Vec<&AttemptResult> =
        results.iter().filter(|r| r.outcome.is_success()).collect();
    let mut done = None;
    if !successes.is_empty() {
        let delivered = match D::delivered(conn, &successes, now) {
            Some(delivered) => Some(delivered.await?),
            None => None,
        };
        if let Some(rows) = delivered {
            let mut per_endpoint: BTreeMap<i64, u32> = BTreeMap::new();
            for (_, endpoint) in &rows {
                *per_endpoint.entry(*endpoint).or_default() += 1;
            }
            let mut ledger = SqlLedger::<D> { conn: &mut *conn };
            record::count_successes(&mut ledger, &store.policy, per_endpoint, now).await?;
            done = Some(rows.into_iter().map(|(id, _)| id).collect::<HashSet<i64>>());
        }
    }
    let mut ledger = SqlLedger::<D> { conn };
    for (i, result) in results.iter().enumerate() {
        outcomes[i] = match &done {
            Some(done) if result.outcome.is_success() => {
                if !done.contains(&result.lease.delivery.0) {
                    continue;
                }
                Recorded::Done {
                    state: DeliveryState::Delivered,
                    next_attempt_at: None,
                    endpoint_disabled: None,
                }
            }
            _ => record_one(&mut ledger, &store.policy, result, now, disabled).await?,
        };
    }
    Ok(outcomes)
}

pub(super) async fn release<D: Dialect>(
    store: &SqlOutbox<D>,
    leases: &[Lease],
) -> Result<u64, StoreError> {
    if leases.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = leases.iter().map(|l| l.delivery.0).collect();
    let tokens: Vec<i64> = leases.iter().map(|l| l.token).collect();
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let args = [Arg::Ints(&ids), Arg::Ints(&tokens), Arg::Int(now)];
    let released = D::execute(&mut tx, D::SQL.release, &args).await?;
    tx.commit().await.map_err(db)?;
    if released > 0 {
        store.wake();
    }
    Ok(released)
}
