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

/// A SQL inbox, written once for SQLite and PostgreSQL: its constructor (`new`, from the
/// handle's pool), `Debug` and the [`InboxStore`](crate::inbox::InboxStore) methods. `$store`
/// is a `Clone` struct with a sqlx `pool`; the invoking module defines `unavailable` and `claim_now` (the claim, the one part the dialects do
/// differently).
macro_rules! sql_inbox_store {
    ($store:ident, $pool:ty) => {
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
                Box::pin(self.claim_now(queue, now, lease, limit, max_attempts))
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
