//! [`RedisInbox`]: the inbox on Redis, shared by every replica of a receiver.
//!
//! Keys, for a queue `q` (with `%` and `:` percent-encoded) under the prefix `p`:
//!
//! - `p q:d:ID`, a hash per delivery: event type, signed time, headers (JSON), body (bytes),
//!   stage, `at` (due, lease end, retention end or failure time), token, attempts, error,
//!   received time and push number;
//! - `p q:due`, a sorted set of waiting and running deliveries scored by due time or lease end,
//!   each member the zero-padded push number and the id, so equal times keep push order;
//! - `p q:dead`, the dead letters scored by failure time; `p q:done`, the done ids scored by
//!   retention end; `p q:n`, the waiting and running counts; `p q:seq`, the push counter;
//! - `p queues`, the queues, for `purge`.
//!
//! Each step (push, claim, complete, fail, revive, purge) is one Lua script: atomic on the
//! server, one round trip. A done delivery keeps only its state (body and headers are
//! dropped) and expires by itself when its retention ends, so Redis does not fill up when
//! `purge` is late; `purge` then removes the done ids from the counts. Times are the caller's
//! (`now`), in Unix milliseconds. The scripts reach the per-delivery hashes by name: use a
//! single Redis server or one shard per prefix, not a cluster spread.
//!
//! **What it promises.** A push is answered once Redis has it in memory; whether it survives
//! a crash of Redis or a power loss is Redis's persistence: with `appendonly yes` and
//! `appendfsync always` every acknowledged push is on disk; `appendfsync everysec` may lose the
//! last second; RDB snapshots alone lose everything since the last one. Run it with
//! `maxmemory-policy noeviction`: a claim that meets a due delivery whose hash is gone (evicted
//! or deleted) makes it a dead letter saying so, its body lost, and counts the queue's waiting
//! and running deliveries again, since their stage went with the hash.
//!
//! The connection is a redis-rs `ConnectionManager`: after a dropped connection or a Redis
//! restart it reconnects, and a call that met the broken connection is sent once more. A
//! push sent twice that way answers [`Duplicate`](crate::inbox::Pushed::Duplicate) (it was
//! stored); a claim whose answer was lost is due again when its lease ends.

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{FromRedisValue, Script};

use crate::inbox::stored::{
    Batch, CLAIM_BATCH, StoredClaim, dead_letter, encode_headers, lease_end,
};
use crate::inbox::{
    ClaimedDelivery, DeadLetter, Failure, InboxError, InboxStats, InboxStore, NewItem, Pushed,
};
use crate::plumbing::time::{duration_millis, millis};
use crate::plumbing::{random_tokens, settled};
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

#[path = "inbox_scripts.rs"]
mod scripts;

use scripts::{number, redis_error, text};

/// The inbox on Redis (feature `redis`): every replica of a receiver that uses the same Redis
/// and prefix shares its queues. Cheap to clone: clones share the connection.
///
/// ```no_run
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::inbox::{InboxStore, NewItem};
/// use hookwire::redis::RedisStore;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let inbox = RedisStore::open("redis://127.0.0.1:6379").await?.inbox().prefix("shop:inbox:");
/// inbox.push(&NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec()), Timestamp::now()).await?;
/// let claimed = inbox.claim("shop", Timestamp::now(), Duration::from_secs(60), 10, 8).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisInbox {
    connection: ConnectionManager,
    prefix: String,
    scripts: scripts::Scripts,
}

impl fmt::Debug for RedisInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisInbox")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// One queue's key names.
struct Keys {
    delivery: String,
    due: String,
    dead: String,
    done: String,
    counts: String,
    seq: String,
}

impl Keys {
    fn hash(&self, id: &str) -> String {
        format!("{}{id}", self.delivery)
    }
}

impl RedisInbox {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "hookwire:inbox:";

    pub(super) fn new(connection: ConnectionManager) -> Self {
        RedisInbox {
            connection,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            scripts: scripts::Scripts::new(),
        }
    }

    /// Puts every key under `prefix` (default `hookwire:inbox:`), to share one Redis database
    /// between applications.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let inbox = hookwire::redis::RedisStore::open("redis://127.0.0.1:6379").await?.inbox().prefix("shop:inbox:");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn keys(&self, queue: &str) -> Keys {
        let queue = queue.replace('%', "%25").replace(':', "%3A");
        let base = format!("{}{queue}:", self.prefix);
        Keys {
            delivery: format!("{base}d:"),
            due: format!("{base}due"),
            dead: format!("{base}dead"),
            done: format!("{base}done"),
            counts: format!("{base}n"),
            seq: format!("{base}seq"),
        }
    }

    fn queues_key(&self) -> String {
        format!("{}queues", self.prefix)
    }

    /// Runs a script, once more if the first try met a dropped connection (the manager has
    /// reconnected meanwhile).
    async fn run<T: FromRedisValue>(
        &self,
        script: &Script,
        keys: &[&str],
        args: &[&[u8]],
    ) -> Result<T, InboxError> {
        super::connect::run_script(&self.connection, script, keys, args)
            .await
            .map_err(redis_error)
    }

    async fn claim_batch(
        &self,
        keys: &Keys,
        batch: Batch<'_>,
    ) -> Result<Vec<ClaimedDelivery>, InboxError> {
        let tokens: Vec<String> = random_tokens(batch.limit)
            .map_err(InboxError::new)?
            .into_iter()
            .map(|t| t.get().to_string())
            .collect();
        let (now, until, limit, max_attempts) = (
            batch.now.to_string(),
            batch.until.to_string(),
            batch.limit.to_string(),
            batch.max_attempts.to_string(),
        );
        let mut args: Vec<&[u8]> = vec![
            keys.delivery.as_bytes(),
            now.as_bytes(),
            until.as_bytes(),
            limit.as_bytes(),
            max_attempts.as_bytes(),
        ];
        args.extend(tokens.iter().map(String::as_bytes));
        let rows: Vec<Vec<Vec<u8>>> = self
            .run(
                &self.scripts.claim,
                &[&keys.due, &keys.counts, &keys.dead],
                &args,
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let Ok(
                    [
                        id,
                        event_type,
                        signed,
                        headers,
                        body,
                        attempts,
                        received,
                        token,
                        recovered,
                    ],
                ) = <[Vec<u8>; 9]>::try_from(row)
                else {
                    return Err(InboxError::new("Redis: the claim script answered nonsense"));
                };
                let stored = StoredClaim {
                    queue: batch.queue.to_owned(),
                    id: text(id)?,
                    event_type: text(event_type)?,
                    signed_at: if signed.is_empty() {
                        None
                    } else {
                        Some(number(&signed)?)
                    },
                    headers: text(headers)?,
                    body,
                    token: ClaimToken::new(u64::try_from(number(&token)?).unwrap_or(0)),
                    attempts: number(&attempts)?,
                    received_at: number(&received)?,
                    recovered: recovered == b"1",
                };
                stored.into_claimed()
            })
            .collect()
    }
}

impl InboxStore for RedisInbox {
    fn push<'a>(
        &'a self,
        item: &'a NewItem,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<Pushed, InboxError>> {
        Box::pin(async move {
            let keys = self.keys(&item.queue);
            let queues = self.queues_key();
            let signed = item
                .signed_at
                .map(|at| millis(at).to_string())
                .unwrap_or_default();
            let headers = encode_headers(&item.headers)?;
            let now = millis(now).to_string();
            let pushed: i64 = self
                .run(
                    &self.scripts.push,
                    &[
                        &keys.hash(&item.id),
                        &keys.due,
                        &keys.seq,
                        &keys.counts,
                        &keys.done,
                        &queues,
                    ],
                    &[
                        item.queue.as_bytes(),
                        item.id.as_bytes(),
                        item.event_type.as_bytes(),
                        signed.as_bytes(),
                        headers.as_bytes(),
                        &item.body[..],
                        now.as_bytes(),
                    ],
                )
                .await?;
            Ok(if pushed == 1 {
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
    ) -> BoxFuture<'a, Result<Vec<ClaimedDelivery>, InboxError>> {
        Box::pin(async move {
            let keys = self.keys(queue);
            let claim = Batch {
                queue,
                now: millis(now),
                until: lease_end(now, lease),
                limit,
                max_attempts,
            };
            claim
                .in_batches(CLAIM_BATCH, |batch| self.claim_batch(&keys, batch))
                .await
        })
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
            let keys = self.keys(queue);
            let keep = duration_millis(keep).max(1);
            let (token, until, keep) = (
                token.get().to_string(),
                millis(now).saturating_add(keep).to_string(),
                keep.to_string(),
            );
            let applied: i64 = self
                .run(
                    &self.scripts.complete,
                    &[&keys.hash(id), &keys.due, &keys.done, &keys.counts],
                    &[
                        token.as_bytes(),
                        id.as_bytes(),
                        until.as_bytes(),
                        keep.as_bytes(),
                    ],
                )
                .await?;
            Ok(settled(u64::try_from(applied).unwrap_or(0)))
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
            let keys = self.keys(queue);
            let (kind, at, error) = match failure {
                Failure::RetryAt { at, error } => ("retry", millis(*at), error),
                Failure::Dead { error } => ("dead", millis(now), error),
            };
            let (token, at) = (token.get().to_string(), at.to_string());
            let applied: i64 = self
                .run(
                    &self.scripts.fail,
                    &[&keys.hash(id), &keys.due, &keys.dead, &keys.counts],
                    &[
                        token.as_bytes(),
                        kind.as_bytes(),
                        at.as_bytes(),
                        error.as_bytes(),
                    ],
                )
                .await?;
            Ok(settled(u64::try_from(applied).unwrap_or(0)))
        })
    }

    fn dead<'a>(
        &'a self,
        queue: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<DeadLetter>, InboxError>> {
        Box::pin(async move {
            if limit == 0 {
                return Ok(Vec::new());
            }
            let keys = self.keys(queue);
            let last = i64::try_from(limit - 1).unwrap_or(i64::MAX).to_string();
            let rows: Vec<Vec<Vec<u8>>> = self
                .run(
                    &self.scripts.dead,
                    &[&keys.dead],
                    &[keys.delivery.as_bytes(), last.as_bytes()],
                )
                .await?;
            rows.into_iter()
                .map(|row| {
                    let Ok([id, event_type, attempts, error, received, failed]) =
                        <[Vec<u8>; 6]>::try_from(row)
                    else {
                        return Err(InboxError::new("Redis: the dead script answered nonsense"));
                    };
                    Ok(dead_letter(
                        text(id)?,
                        text(event_type)?,
                        number(&attempts)?,
                        text(error)?,
                        number(&received)?,
                        number(&failed)?,
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
            let keys = self.keys(queue);
            let now = millis(now).to_string();
            let revived: i64 = self
                .run(
                    &self.scripts.revive,
                    &[&keys.hash(id), &keys.due, &keys.dead, &keys.counts],
                    &[now.as_bytes()],
                )
                .await?;
            Ok(revived == 1)
        })
    }

    fn stats<'a>(&'a self, queue: &'a str) -> BoxFuture<'a, Result<InboxStats, InboxError>> {
        Box::pin(async move {
            let keys = self.keys(queue);
            let counts: Vec<i64> = self
                .run(
                    &self.scripts.stats,
                    &[&keys.counts, &keys.done, &keys.dead],
                    &[],
                )
                .await?;
            let count = |n: usize| u64::try_from(counts.get(n).copied().unwrap_or(0)).unwrap_or(0);
            Ok(InboxStats {
                waiting: count(0),
                running: count(1),
                done: count(2),
                dead: count(3),
            })
        })
    }

    fn purge<'a>(&'a self, now: Timestamp) -> BoxFuture<'a, Result<u64, InboxError>> {
        Box::pin(async move {
            let queues: Vec<String> = self
                .run(&self.scripts.queues, &[&self.queues_key()], &[])
                .await?;
            let now = millis(now).to_string();
            let batch = CLAIM_BATCH.to_string();
            let mut purged = 0_u64;
            for queue in queues {
                let keys = self.keys(&queue);
                loop {
                    let removed: i64 = self
                        .run(
                            &self.scripts.purge,
                            &[&keys.done],
                            &[keys.delivery.as_bytes(), now.as_bytes(), batch.as_bytes()],
                        )
                        .await?;
                    let removed = u64::try_from(removed).unwrap_or(0);
                    purged += removed;
                    if removed < CLAIM_BATCH as u64 {
                        break;
                    }
                }
            }
            Ok(purged)
        })
    }
}
