//! The inbox of both SQL backends, written once: the statements both run (`$N` placeholders,
//! which SQLite binds by number too) and [`sql_inbox_store!`], which implements
//! [`InboxStore`](crate::inbox::InboxStore) with them; each backend adds only its claim.

pub(crate) const PUSH: &str = "
INSERT INTO hw_inbox (queue, id, event_type, signed_at, headers, body, stage, run_at, received_at)
VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $7)
ON CONFLICT (queue, id) DO NOTHING";

pub(crate) const COMPLETE: &str = "
UPDATE hw_inbox SET stage = 'done', run_at = $4
WHERE queue = $1 AND id = $2 AND token = $3 AND stage = 'running'";

pub(crate) const FAIL: &str = "
UPDATE hw_inbox SET stage = $4, run_at = $5, error = $6
WHERE queue = $1 AND id = $2 AND token = $3 AND stage = 'running'";

pub(crate) const DEAD_LETTERS: &str = "
SELECT id, event_type, CAST(attempts AS BIGINT), error, received_at, run_at FROM hw_inbox
WHERE queue = $1 AND stage = 'dead' ORDER BY run_at, seq LIMIT $2";

pub(crate) const REVIVE: &str = "
UPDATE hw_inbox SET stage = 'waiting', run_at = $3, attempts = 0
WHERE queue = $1 AND id = $2 AND stage = 'dead'";

pub(crate) const STATS: &str =
    "SELECT stage, COUNT(*) FROM hw_inbox WHERE queue = $1 GROUP BY stage";

pub(crate) const PURGE: &str = "DELETE FROM hw_inbox WHERE stage = 'done' AND run_at <= $1";

/// A claimed row's delivery: columns 0 to 4 are `id, event_type, signed_at, headers, body`
/// and column 7 `received_at` (both dialects' claim statements return them so).
pub(crate) fn stored_claim<R>(
    row: &R,
    queue: &str,
    token: crate::ClaimToken,
    attempts: i64,
    recovered: bool,
) -> Result<crate::inbox::stored::StoredClaim, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(crate::inbox::stored::StoredClaim {
        queue: queue.to_owned(),
        id: row.try_get(0)?,
        event_type: row.try_get(1)?,
        signed_at: row.try_get(2)?,
        headers: row.try_get(3)?,
        body: row.try_get(4)?,
        token,
        attempts,
        received_at: row.try_get(7)?,
        recovered,
    })
}

/// A SQL inbox, written once for SQLite and PostgreSQL: the struct `$store` (a sqlx `pool`;
/// `$doc` its documentation), its constructor (`new`, from the handle's pool), `Debug` and the
/// [`InboxStore`](crate::inbox::InboxStore) methods. The invoking module defines
/// `claim_batch(pool, batch)` (one claim, the one part the dialects do differently) and
/// `CLAIM_BATCH` (the most rows it takes); `$database` names the database in errors.
macro_rules! sql_inbox_store {
    (
        $(#[$doc:meta])*
        pub struct $store:ident { pool: $pool:ty $(,)? }
        database: $database:literal $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $store {
            pool: $pool,
        }

        fn unavailable(error: sqlx::Error) -> $crate::inbox::InboxError {
            $crate::inbox::InboxError::new(format!(concat!($database, ": {}"), error))
        }

        impl ::std::fmt::Debug for $store {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($store)).finish_non_exhaustive()
            }
        }

        impl $store {
            pub(super) fn new(pool: $pool) -> Self {
                $store { pool }
            }
        }

        impl $crate::inbox::InboxStore for $store {
            fn push<'a>(
                &'a self,
                item: &'a $crate::inbox::NewItem,
                now: $crate::Timestamp,
            ) -> $crate::BoxFuture<'a, Result<$crate::inbox::Pushed, $crate::inbox::InboxError>>
            {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::inbox::PUSH)
                        .bind(&item.queue)
                        .bind(&item.id)
                        .bind(&item.event_type)
                        .bind(item.signed_at.map($crate::plumbing::time::millis))
                        .bind($crate::inbox::stored::encode_headers(&item.headers)?)
                        .bind(&item.body[..])
                        .bind($crate::plumbing::time::millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(if done.rows_affected() == 1 {
                        $crate::inbox::Pushed::New
                    } else {
                        $crate::inbox::Pushed::Duplicate
                    })
                })
            }

            fn claim<'a>(
                &'a self,
                queue: &'a str,
                now: $crate::Timestamp,
                lease: ::std::time::Duration,
                limit: usize,
                max_attempts: u32,
            ) -> $crate::BoxFuture<
                'a,
                Result<Vec<$crate::inbox::ClaimedDelivery>, $crate::inbox::InboxError>,
            > {
                let claim = $crate::inbox::stored::Batch {
                    queue,
                    now: $crate::plumbing::time::millis(now),
                    until: $crate::inbox::stored::lease_end(now, lease),
                    limit,
                    max_attempts,
                };
                Box::pin(claim.in_batches(CLAIM_BATCH, |batch| claim_batch(&self.pool, batch)))
            }

            fn complete<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                token: $crate::ClaimToken,
                now: $crate::Timestamp,
                keep: ::std::time::Duration,
            ) -> $crate::BoxFuture<'a, Result<$crate::Settled, $crate::inbox::InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::inbox::COMPLETE)
                        .bind(queue)
                        .bind(id)
                        .bind($crate::plumbing::token_i64(token))
                        .bind(
                            $crate::plumbing::time::millis(now)
                                .saturating_add($crate::plumbing::time::duration_millis(keep)),
                        )
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok($crate::plumbing::settled(done.rows_affected()))
                })
            }

            fn fail<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                token: $crate::ClaimToken,
                failure: &'a $crate::inbox::Failure,
                now: $crate::Timestamp,
            ) -> $crate::BoxFuture<'a, Result<$crate::Settled, $crate::inbox::InboxError>> {
                Box::pin(async move {
                    let (stage, at, error) = match failure {
                        $crate::inbox::Failure::RetryAt { at, error } => (
                            $crate::inbox::stored::WAITING,
                            $crate::plumbing::time::millis(*at),
                            error,
                        ),
                        $crate::inbox::Failure::Dead { error } => (
                            $crate::inbox::stored::DEAD,
                            $crate::plumbing::time::millis(now),
                            error,
                        ),
                    };
                    let done = sqlx::query($crate::sql::inbox::FAIL)
                        .bind(queue)
                        .bind(id)
                        .bind($crate::plumbing::token_i64(token))
                        .bind(stage)
                        .bind(at)
                        .bind(error)
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok($crate::plumbing::settled(done.rows_affected()))
                })
            }

            fn dead<'a>(
                &'a self,
                queue: &'a str,
                limit: usize,
            ) -> $crate::BoxFuture<
                'a,
                Result<Vec<$crate::inbox::DeadLetter>, $crate::inbox::InboxError>,
            > {
                Box::pin(async move {
                    let rows = sqlx::query($crate::sql::inbox::DEAD_LETTERS)
                        .bind(queue)
                        .bind($crate::inbox::stored::sql_limit(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    rows.iter()
                        .map(|row| {
                            Ok($crate::inbox::stored::dead_letter(
                                ::sqlx::Row::try_get(row, 0).map_err(unavailable)?,
                                ::sqlx::Row::try_get(row, 1).map_err(unavailable)?,
                                ::sqlx::Row::try_get(row, 2).map_err(unavailable)?,
                                ::sqlx::Row::try_get(row, 3).map_err(unavailable)?,
                                ::sqlx::Row::try_get(row, 4).map_err(unavailable)?,
                                ::sqlx::Row::try_get(row, 5).map_err(unavailable)?,
                            ))
                        })
                        .collect()
                })
            }

            fn revive<'a>(
                &'a self,
                queue: &'a str,
                id: &'a str,
                now: $crate::Timestamp,
            ) -> $crate::BoxFuture<'a, Result<bool, $crate::inbox::InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::inbox::REVIVE)
                        .bind(queue)
                        .bind(id)
                        .bind($crate::plumbing::time::millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(done.rows_affected() == 1)
                })
            }

            fn stats<'a>(
                &'a self,
                queue: &'a str,
            ) -> $crate::BoxFuture<'a, Result<$crate::inbox::InboxStats, $crate::inbox::InboxError>>
            {
                Box::pin(async move {
                    let rows = sqlx::query($crate::sql::inbox::STATS)
                        .bind(queue)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    let counts = rows
                        .iter()
                        .map(|row| {
                            Ok((
                                ::sqlx::Row::try_get::<String, _>(row, 0)?,
                                ::sqlx::Row::try_get::<i64, _>(row, 1)?,
                            ))
                        })
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                        .map_err(unavailable)?;
                    $crate::inbox::stored::stats(counts)
                })
            }

            fn purge<'a>(
                &'a self,
                now: $crate::Timestamp,
            ) -> $crate::BoxFuture<'a, Result<u64, $crate::inbox::InboxError>> {
                Box::pin(async move {
                    let done = sqlx::query($crate::sql::inbox::PURGE)
                        .bind($crate::plumbing::time::millis(now))
                        .execute(&self.pool)
                        .await
                        .map_err(unavailable)?;
                    Ok(done.rows_affected())
                })
            }
        }
    };
}

pub(crate) use sql_inbox_store;
