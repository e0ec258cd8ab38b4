//! What the shared duplicate stores have in common: times in milliseconds, random claim
//! tokens, and the answer of a compare-and-set.

use std::time::Duration;

use crate::Timestamp;
use crate::dedup::{ClaimToken, DedupError, Settled};

/// `at` in Unix milliseconds.
pub(crate) fn millis(at: Timestamp) -> i64 {
    at.unix_seconds()
        .saturating_mul(1_000)
        .saturating_add(i64::from(at.subsec_nanos() / 1_000_000))
}

/// `duration` in milliseconds, at least 1 (Redis refuses `PX 0`).
pub(crate) fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

/// A random token below 2^63, so databases store it as a plain `BIGINT`.
pub(crate) fn random_token() -> Result<ClaimToken, DedupError> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| DedupError::new(format!("no randomness: {e}")))?;
    Ok(ClaimToken::new(u64::from_le_bytes(bytes) >> 1))
}

/// The token as the `BIGINT` the databases store.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn token_i64(token: crate::dedup::ClaimToken) -> i64 {
    // Tokens this crate makes are below 2^63; a foreign larger one maps to a value no claim
    // holds (negative), so it settles nothing.
    i64::try_from(token.get()).unwrap_or(-1)
}

/// `1` row or script answer: applied; anything else: the claim was not the caller's.
pub(crate) fn settled(applied: u64) -> Settled {
    if applied == 1 {
        Settled::Applied
    } else {
        Settled::Lost
    }
}

/// The [`DedupStore`](crate::dedup::DedupStore) methods of a SQL duplicate store, written once
/// for SQLite and PostgreSQL: `$store` is `Clone` with a sqlx `pool` and a `sweep`
/// (`dedup::sweep`); the invoking module defines the statements (`CLAIM`, `STATE`,
/// `COMPLETE`, `ABANDON`, and `SWEEP`, which deletes at most `$2` rows expired at `$1`, in its
/// own placeholder syntax) and `unavailable`; `$database` names the database in errors.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! sql_dedup_store {
    ($store:ty, $database:literal) => {
        impl $store {
            /// Deletes at most one sweep's batch of the ids expired at `now`.
            async fn sweep_expired(&self, now: Timestamp) -> Result<u64, DedupError> {
                let done = sqlx::query(SWEEP)
                    .bind(millis(now))
                    .bind($crate::dedup::sweep::BATCH)
                    .execute(&self.pool)
                    .await
                    .map_err(unavailable)?;
                Ok(done.rows_affected())
            }
        }

        impl $crate::dedup::DedupStore for $store {
            fn claim<'a>(
                &'a self,
                key: &'a DedupKey,
                now: Timestamp,
                lease: Duration,
            ) -> BoxFuture<'a, Result<Claim, DedupError>> {
                Box::pin(async move {
                    if self.sweep.due() {
                        let store = self.clone();
                        self.sweep
                            .spawn($database, async move { store.sweep_expired(now).await });
                    }
                    let now_ms = millis(now);
                    for _ in 0..3 {
                        let token = random_token()?;
                        let claimed = sqlx::query(CLAIM)
                            .bind(key.namespace())
                            .bind(key.id())
                            .bind(token_i64(token))
                            .bind(now_ms.saturating_add(duration_millis(lease)))
                            .bind(now_ms)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(unavailable)?;
                        if claimed.is_some() {
                            return Ok(Claim::New(token));
                        }
                        // A key seen expired by the upsert's WHERE but gone before the read
                        // (purged or abandoned in between) is claimed on the next round.
                        let row = sqlx::query(STATE)
                            .bind(key.namespace())
                            .bind(key.id())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(unavailable)?;
                        if let Some(row) = row {
                            let done: bool = row.try_get(0).map_err(unavailable)?;
                            let expires_at: i64 = row.try_get(1).map_err(unavailable)?;
                            if expires_at > now_ms {
                                return Ok(if done { Claim::Done } else { Claim::InFlight });
                            }
                        }
                    }
                    Err(DedupError::new(concat!(
                        $database,
                        ": the key changed under three claims in a row; retry"
                    )))
                })
            }

            fn complete<'a>(
                &'a self,
                key: &'a DedupKey,
                token: ClaimToken,
                now: Timestamp,
                ttl: Duration,
            ) -> BoxFuture<'a, Result<Settled, DedupError>> {
                Box::pin(async move {
                    let done = sqlx::query(COMPLETE)
                        .bind(key.namespace())
                        .bind(key.id())
                        .bind(token_i64(token))
                        .bind(millis(now).saturating_add(duration_millis(ttl)))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(settled(done.rows_affected()))
                })
            }

            fn abandon<'a>(
                &'a self,
                key: &'a DedupKey,
                token: ClaimToken,
            ) -> BoxFuture<'a, Result<Settled, DedupError>> {
                Box::pin(async move {
                    let done = sqlx::query(ABANDON)
                        .bind(key.namespace())
                        .bind(key.id())
                        .bind(token_i64(token))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(settled(done.rows_affected()))
                })
            }
        }
    };
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use sql_dedup_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_milliseconds() {
        assert_eq!(millis(Timestamp::from_unix_nanos(2, 345_000_000)), 2_345);
        assert_eq!(duration_millis(Duration::ZERO), 1);
        assert_eq!(duration_millis(Duration::from_secs(60)), 60_000);
    }

    #[test]
    fn tokens_fit_a_bigint_and_differ() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert!(a.get() < 1 << 63 && b.get() < 1 << 63);
        assert_ne!(a, b);
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn foreign_tokens_match_no_claim() {
        assert_eq!(token_i64(ClaimToken::new(u64::MAX)), -1);
    }
}
