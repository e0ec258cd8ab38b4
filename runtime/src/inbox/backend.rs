//! What the durable inboxes (SQLite, PostgreSQL, Redis) share: stage names, header encoding,
//! claim tokens, and turning stored values back into the contract's types.

use crate::Timestamp;
use crate::inbox::{ClaimToken, Claimed, DeadLetter, InboxError, NewItem, from_millis};

/// Waiting for its first run or a retry (due at `run_at`).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const WAITING: &str = "waiting";
/// Claimed by a worker until `run_at` (its lease end).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const RUNNING: &str = "running";
/// Handled; kept until `run_at` (its retention end).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const DONE: &str = "done";
/// Given up at `run_at`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const DEAD: &str = "dead";

/// The most deliveries one claim statement or script takes; a larger `limit` is served by
/// several in a row (each takes the oldest still due, so the order holds).
#[cfg(any(feature = "postgres", feature = "redis"))]
pub(crate) const CLAIM_BATCH: usize = 256;

/// A fresh claim token below 2^63 (the duplicate stores' generator).
pub(crate) fn new_token() -> Result<ClaimToken, InboxError> {
    crate::dedup::backend::random_token().map_err(InboxError::new)
}

/// `n` fresh claim tokens.
#[cfg(any(feature = "postgres", feature = "redis"))]
pub(crate) fn new_tokens(n: usize) -> Result<Vec<ClaimToken>, InboxError> {
    (0..n).map(|_| new_token()).collect()
}

/// The token as the `BIGINT` the databases store.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn token_i64(token: ClaimToken) -> i64 {
    crate::dedup::backend::token_i64(token)
}

/// The headers as stored: a JSON array of `[name, value]` pairs, in order.
pub(crate) fn encode_headers(headers: &[(String, String)]) -> Result<String, InboxError> {
    serde_json::to_string(headers).map_err(|e| InboxError::new(format!("headers: {e}")))
}

/// The headers from their stored JSON.
pub(crate) fn decode_headers(json: &str) -> Result<Vec<(String, String)>, InboxError> {
    serde_json::from_str(json).map_err(|e| InboxError::new(format!("stored headers: {e}")))
}

/// An attempt count as stored (never negative) into the contract's `u32`.
pub(crate) fn attempts(stored: i64) -> u32 {
    u32::try_from(stored.max(0)).unwrap_or(u32::MAX)
}

/// A claimed delivery from its stored fields.
pub(crate) struct StoredClaim {
    pub(crate) queue: String,
    pub(crate) id: String,
    pub(crate) event_type: String,
    pub(crate) signed_at: Option<i64>,
    pub(crate) headers: String,
    pub(crate) body: Vec<u8>,
    pub(crate) token: ClaimToken,
    /// Attempts after this claim.
    pub(crate) attempts: i64,
    pub(crate) received_at: i64,
    /// The claim took it over from a run whose lease ran out.
    pub(crate) recovered: bool,
}

impl StoredClaim {
    pub(crate) fn into_claimed(self) -> Result<Claimed, InboxError> {
        let item = NewItem {
            queue: self.queue,
            id: self.id,
            event_type: self.event_type,
            signed_at: self.signed_at.map(from_millis),
            headers: decode_headers(&self.headers)?,
            body: self.body,
        };
        Ok(Claimed {
            item,
            token: self.token,
            attempt: attempts(self.attempts),
            received_at: from_millis(self.received_at),
            recovered: self.recovered,
        })
    }
}

/// A dead letter from its stored fields.
pub(crate) fn dead_letter(
    id: String,
    event_type: String,
    stored_attempts: i64,
    error: String,
    received_at: i64,
    failed_at: i64,
) -> DeadLetter {
    DeadLetter {
        id,
        event_type,
        attempts: attempts(stored_attempts),
        error,
        received_at: from_millis(received_at),
        failed_at: from_millis(failed_at),
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// Stats from `(stage, count)` pairs; unknown stages are an error (someone else's rows).
pub(crate) fn stats<S: AsRef<str>>(
    counts: impl IntoIterator<Item = (S, i64)>,
) -> Result<crate::inbox::InboxStats, InboxError> {
    let mut stats = crate::inbox::InboxStats::default();
    for (stage, count) in counts {
        let count = u64::try_from(count).unwrap_or(0);
        match stage.as_ref() {
            WAITING => stats.waiting += count,
            RUNNING => stats.running += count,
            DONE => stats.done += count,
            DEAD => stats.dead += count,
            other => return Err(InboxError::new(format!("unknown stage `{other}` stored"))),
        }
    }
    Ok(stats)
}

/// `limit` as a SQL `LIMIT`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// When a claim made at `now` for `lease` ends, in milliseconds.
pub(crate) fn lease_end(now: Timestamp, lease: std::time::Duration) -> i64 {
    crate::inbox::millis(now).saturating_add(crate::inbox::duration_millis(lease))
}

/// The [`InboxStore`](crate::inbox::InboxStore) methods of a SQL inbox, written once for SQLite
/// and PostgreSQL: `$store` has a sqlx `pool`, and the invoking module defines the statements
/// (`PUSH`, `COMPLETE`, `FAIL`, `DEAD_LETTERS`, `REVIVE`, `STATS`, `PURGE`, in its own
/// placeholder syntax), `unavailable` and `claim_now`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! sql_inbox_store {
    ($store:ty) => {
        impl $crate::inbox::InboxStore for $store {
            fn push<'a>(
                &'a self,
                item: &'a NewItem,
                now: Timestamp,
            ) -> BoxFuture<'a, Result<Pushed, InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query(PUSH)
                        .bind(&item.queue)
                        .bind(&item.id)
                        .bind(&item.event_type)
                        .bind(item.signed_at.map(millis))
                        .bind(encode_headers(&item.headers)?)
                        .bind(item.body.as_slice())
                        .bind(millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(if done.rows_affected() == 1 {
                        Pushed::New
                    } else {
                        Pushed::Duplicate
                    })
                })
            }

            fn claim<'a>(
                &'a self,
                queue: &'a str,
                now: Timestamp,
                lease: Duration,
                limit: usize,
                max_attempts: u32,
            ) -> BoxFuture<'a, Result<Vec<Claimed>, InboxError>> {
                Box::pin(self.claim_now(queue, now, lease, limit, max_attempts))
            }

            fn complete<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                token: ClaimToken,
                now: Timestamp,
                keep: Duration,
            ) -> BoxFuture<'a, Result<Settled, InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query(COMPLETE)
                        .bind(queue)
                        .bind(id)
                        .bind(token_i64(token))
                        .bind(millis(now).saturating_add(duration_millis(keep)))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(settled(done.rows_affected()))
                })
            }

            fn fail<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                token: ClaimToken,
                failure: &'a Failure,
                now: Timestamp,
            ) -> BoxFuture<'a, Result<Settled, InboxError>> {
                Box::pin(async move {
                    let (stage, at, error) = match failure {
                        Failure::RetryAt { at, error } => (WAITING, millis(*at), error),
                        Failure::Dead { error } => (DEAD, millis(now), error),
                    };
                    let done = sqlx::query(FAIL)
                        .bind(queue)
                        .bind(id)
                        .bind(token_i64(token))
                        .bind(stage)
                        .bind(at)
                        .bind(error)
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(settled(done.rows_affected()))
                })
            }

            fn dead<'a>(
                &'a self,
                queue: &'a str,
                limit: usize,
            ) -> BoxFuture<'a, Result<Vec<DeadLetter>, InboxError>> {
                Box::pin(async move {
                    let rows = sqlx::query(DEAD_LETTERS)
                        .bind(queue)
                        .bind(sql_limit(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    rows.iter()
                        .map(|row| {
                            Ok(dead_letter(
                                row.try_get(0).map_err(unavailable)?,
                                row.try_get(1).map_err(unavailable)?,
                                row.try_get(2).map_err(unavailable)?,
                                row.try_get(3).map_err(unavailable)?,
                                row.try_get(4).map_err(unavailable)?,
                                row.try_get(5).map_err(unavailable)?,
                            ))
                        })
                        .collect()
                })
            }

            fn revive<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                now: Timestamp,
            ) -> BoxFuture<'a, Result<bool, InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query(REVIVE)
                        .bind(queue)
                        .bind(id)
                        .bind(millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(done.rows_affected() == 1)
                })
            }

            fn stats<'a>(
                &'a self,
                queue: &'a str,
            ) -> BoxFuture<'a, Result<InboxStats, InboxError>> {
                Box::pin(async move {
                    let rows = sqlx::query(STATS)
                        .bind(queue)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    let counts = rows
                        .iter()
                        .map(|row| Ok((row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?)))
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                        .map_err(unavailable)?;
                    stats(counts)
                })
            }

            fn purge<'a>(&'a self, now: Timestamp) -> BoxFuture<'a, Result<u64, InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query(PURGE)
                        .bind(millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(done.rows_affected())
                })
            }
        }
    };
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use sql_inbox_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_in_order() {
        let headers = vec![
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), String::new()),
        ];
        let json = encode_headers(&headers).unwrap();
        assert_eq!(json, r#"[["b","2"],["a",""]]"#);
        assert_eq!(decode_headers(&json).unwrap(), headers);
        assert!(decode_headers("{").is_err());
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn stored_counts_become_stats() {
        let counted = stats([("waiting", 2), ("dead", 1)]).unwrap();
        assert_eq!((counted.waiting, counted.dead, counted.done), (2, 1, 0));
        assert!(stats([("lost", 1)]).is_err());
        assert_eq!(attempts(-3), 0);
    }
}
