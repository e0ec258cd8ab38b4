//! The duplicate store of both SQL backends, written once: the statements both run (`$N`
//! placeholders, which SQLite binds by number too; `TRUE`/`FALSE` are SQLite's 1 and 0) and
//! [`sql_dedup_store!`], which implements [`DedupStore`](crate::dedup::DedupStore) with them;
//! each backend adds only its sweep.

/// Inserts the key, or takes over a row whose lease or time to live has passed.
pub(crate) const CLAIM: &str = "
INSERT INTO hw_dedup (namespace, id, token, done, expires_at) VALUES ($1, $2, $3, FALSE, $4)
ON CONFLICT (namespace, id) DO UPDATE
    SET token = EXCLUDED.token, done = FALSE, expires_at = EXCLUDED.expires_at
    WHERE hw_dedup.expires_at <= $5
RETURNING token";

pub(crate) const STATE: &str =
    "SELECT done, expires_at FROM hw_dedup WHERE namespace = $1 AND id = $2";

pub(crate) const COMPLETE: &str = "
UPDATE hw_dedup SET done = TRUE, expires_at = $4
WHERE namespace = $1 AND id = $2 AND token = $3 AND NOT done";

pub(crate) const ABANDON: &str =
    "DELETE FROM hw_dedup WHERE namespace = $1 AND id = $2 AND token = $3 AND NOT done";

pub(crate) const PURGE: &str = "DELETE FROM hw_dedup WHERE expires_at <= $1";

/// A SQL duplicate store, written once for SQLite and PostgreSQL: the struct `$store` (its
/// `pool`, and a `sweep`, `sql::sweep`; `$doc` its documentation), its constructor (`new`, from
/// the handle's pool), `Debug`, `purge_expired`, `purge_every` and the
/// [`DedupStore`](crate::dedup::DedupStore) methods. The invoking module defines `SWEEP` (which
/// deletes at most `$2` rows expired at `$1`); `$database` names the database in errors,
/// `$handle` the handle type that hands the store out.
macro_rules! sql_dedup_store {
    (
        $(#[$doc:meta])*
        pub struct $store:ident { pool: $pool:ty $(,)? }
        database: $database:literal,
        handle: $handle:literal $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $store {
            pool: $pool,
            sweep: ::std::sync::Arc<$crate::sql::sweep::Sweep>,
        }

        fn unavailable(error: sqlx::Error) -> $crate::dedup::DedupError {
            $crate::dedup::DedupError::new(format!(concat!($database, ": {}"), error))
        }

        impl ::std::fmt::Debug for $store {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($store)).finish_non_exhaustive()
            }
        }

        impl $store {
            pub(super) fn new(pool: $pool) -> Self {
                $store {
                    pool,
                    sweep: $crate::sql::sweep::Sweep::new($crate::sql::sweep::EVERY),
                }
            }

            /// Deletes the keys whose lease or time to live ended at `now`, all of them at
            /// once; returns how many. The store also purges on its own, a bounded batch at a
            /// time (see [`purge_every`](Self::purge_every)).
            ///
            /// # Errors
            /// The database could not be written.
            ///
            /// ```no_run
            #[doc = concat!("# async fn demo(db: ", $handle, ") -> Result<(), hookwire::dedup::DedupError> {")]
            /// let removed = db.dedup().purge_expired(hookwire::Timestamp::now()).await?;
            /// # Ok(()) }
            /// ```
            pub async fn purge_expired(&self, now: $crate::Timestamp) -> Result<u64, $crate::dedup::DedupError> {
                let done = sqlx::query($crate::sql::dedup::PURGE)
                    .bind($crate::plumbing::time::millis(now))
                    .execute(&self.pool)
                    .await
                    .map_err(unavailable)?;
                Ok(done.rows_affected())
            }

            /// Sets how often the store purges expired ids on its own: one bounded sweep (at
            /// most 1 000 rows, beside the claim, never failing it) every `claims` claims,
            /// counted across the store's clones, as of the time those claims carry; 0 turns
            /// it off (then run [`purge_expired`](Self::purge_expired) yourself). The default
            /// is every 500 claims, which keeps up with any rate (each claim adds at most one
            /// row). Expired ids are harmless (a claim takes them over): purging only keeps
            /// the table small.
            ///
            /// ```no_run
            #[doc = concat!("# fn demo(db: ", $handle, ") {")]
            /// // Purged by a job of your own (`purge_expired`) instead.
            /// let store = db.dedup().purge_every(0);
            /// # }
            /// ```
            #[must_use]
            pub fn purge_every(mut self, claims: u32) -> Self {
                self.sweep = $crate::sql::sweep::Sweep::new(claims);
                self
            }

            /// Deletes at most one sweep's batch of the ids expired at `now`.
            async fn sweep_expired(
                &self,
                now: $crate::Timestamp,
            ) -> Result<u64, $crate::dedup::DedupError> {
                let done = sqlx::query(SWEEP)
                    .bind($crate::plumbing::time::millis(now))
                    .bind($crate::sql::sweep::BATCH)
                    .execute(&self.pool)
                    .await
                    .map_err(unavailable)?;
                Ok(done.rows_affected())
            }
        }

        impl $crate::dedup::DedupStore for $store {
            fn claim<'a>(
                &'a self,
                key: &'a $crate::dedup::DedupKey,
                now: $crate::Timestamp,
                lease: ::std::time::Duration,
            ) -> $crate::BoxFuture<'a, Result<$crate::dedup::Claim, $crate::dedup::DedupError>> {
                Box::pin(async move {
                    if self.sweep.due() {
                        let store = self.clone();
                        self.sweep
                            .spawn($database, async move { store.sweep_expired(now).await });
                    }
                    let now_ms = $crate::plumbing::time::millis(now);
                    for _ in 0..3 {
                        let token = $crate::plumbing::random_token().map_err($crate::dedup::DedupError::new)?;
                        let claimed = sqlx::query($crate::sql::dedup::CLAIM)
                            .bind(key.namespace())
                            .bind(key.id())
                            .bind($crate::plumbing::token_i64(token))
                            .bind($crate::plumbing::time::deadline(now, lease))
                            .bind(now_ms)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(unavailable)?;
                        if claimed.is_some() {
                            return Ok($crate::dedup::Claim::New(token));
                        }
                        // A key seen expired by the upsert's WHERE but gone before the read
                        // (purged or abandoned in between) is claimed on the next round.
                        let row = sqlx::query($crate::sql::dedup::STATE)
                            .bind(key.namespace())
                            .bind(key.id())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(unavailable)?;
                        if let Some(row) = row {
                            let done: bool = ::sqlx::Row::try_get(&row, 0).map_err(unavailable)?;
                            let expires_at: i64 = ::sqlx::Row::try_get(&row, 1).map_err(unavailable)?;
                            if expires_at > now_ms {
                                return Ok(if done { $crate::dedup::Claim::Done } else { $crate::dedup::Claim::InFlight });
                            }
                        }
                    }
                    Err($crate::dedup::DedupError::new(concat!(
                        $database,
                        ": the key changed under three claims in a row; retry"
                    )))
                })
            }

            fn complete<'a>(
                &'a self,
                key: &'a $crate::dedup::DedupKey,
                token: $crate::ClaimToken,
                now: $crate::Timestamp,
                ttl: ::std::time::Duration,
            ) -> $crate::BoxFuture<'a, Result<$crate::Settled, $crate::dedup::DedupError>> {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::dedup::COMPLETE)
                        .bind(key.namespace())
                        .bind(key.id())
                        .bind($crate::plumbing::token_i64(token))
                        .bind($crate::plumbing::time::deadline(now, ttl))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok($crate::plumbing::settled(done.rows_affected()))
                })
            }

            fn abandon<'a>(
                &'a self,
                key: &'a $crate::dedup::DedupKey,
                token: $crate::ClaimToken,
            ) -> $crate::BoxFuture<'a, Result<$crate::Settled, $crate::dedup::DedupError>> {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::dedup::ABANDON)
                        .bind(key.namespace())
                        .bind(key.id())
                        .bind($crate::plumbing::token_i64(token))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok($crate::plumbing::settled(done.rows_affected()))
                })
            }
        }
    };
}

pub(crate) use sql_dedup_store;
