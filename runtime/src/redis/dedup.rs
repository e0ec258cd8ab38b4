//! [`RedisDedup`]: the duplicate store on Redis, shared by every replica of a receiver.
//!
//! A claim is a short in-flight lock, `SET key "f:<token>:<lease end ms>" NX PX <lease>`; a
//! completed delivery becomes a long done marker, `SET key "d:<ttl end ms>" PX <ttl>`, written
//! only by the lock's owner (compare-and-set); abandoning is a compare-and-delete. Each call is
//! one Lua script, so each is atomic on the server and takes one round trip.
//!
//! The value carries its own deadline, from the `now` the receiver passes: the store decides
//! with the caller's clock (as every store of the contract does), and Redis' own expiry only
//! collects keys once their time has passed. The connection is a redis-rs `ConnectionManager`:
//! after a dropped connection or a Redis restart it reconnects by itself, and a call that met
//! the broken connection is sent once more on the new one.

use std::fmt;
use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use crate::dedup::{Claim, DedupError, DedupKey, DedupStore};
use crate::plumbing::time::{duration_millis, millis};
use crate::plumbing::{random_token, settled};
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

/// `SET NX PX` first; when the key exists, take it over only if its deadline has passed.
/// Returns `{state, token}`: state 0 new, 1 in flight, 2 done.
const CLAIM: &str = r"
local value = ARGV[1] .. ':' .. ARGV[3]
if redis.call('SET', KEYS[1], 'f:' .. value, 'NX', 'PX', ARGV[4]) then
  return 0
end
local current = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[2])
if current then
  local kind, rest = string.match(current, '^(%a):(.*)$')
  local deadline = tonumber(string.match(rest or '', '(%-?%d+)$'))
  if deadline and deadline > now then
    if kind == 'd' then return 2 end
    return 1
  end
end
redis.call('SET', KEYS[1], 'f:' .. value, 'PX', ARGV[4])
return 0
";

/// Compare-and-set of the owner's lock to the done marker. Returns 1 when applied.
const COMPLETE: &str = r"
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^f:(%d+):') == ARGV[1] then
  redis.call('SET', KEYS[1], 'd:' .. ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
";

/// Compare-and-delete of the owner's lock. Returns 1 when applied.
const ABANDON: &str = r"
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^f:(%d+):') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
";

/// The duplicate store on Redis (feature `redis`): every replica of a receiver that uses the
/// same Redis and prefix handles a delivery once.
///
/// Cheap to clone: clones share the connection. Keys are `<prefix><namespace> <id>`.
///
/// ```no_run
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::dedup::{Claim, DedupKey, DedupStore};
/// use hookwire::redis::RedisStore;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::open("redis://127.0.0.1:6379").await?.dedup();
/// let key = DedupKey::new("standard:/hooks", "msg_1");
/// let claim = store.claim(&key, Timestamp::now(), Duration::from_secs(60)).await?;
/// assert!(matches!(claim, Claim::New(_)));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisDedup {
    connection: ConnectionManager,
    prefix: String,
    claim: Script,
    complete: Script,
    abandon: Script,
}

impl fmt::Debug for RedisDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDedup")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisDedup {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "hookwire:dedup:";

    pub(super) fn new(connection: ConnectionManager) -> Self {
        RedisDedup {
            connection,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            claim: Script::new(CLAIM),
            complete: Script::new(COMPLETE),
            abandon: Script::new(ABANDON),
        }
    }

    /// Puts every key under `prefix` (default `hookwire:dedup:`), to share one Redis database
    /// between applications.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = hookwire::redis::RedisStore::open("redis://127.0.0.1:6379").await?.dedup().prefix("shop:dedup:");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn redis_key(&self, key: &DedupKey) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs a script, once more if the first try met a dropped connection (the manager has
    /// reconnected meanwhile).
    async fn run(&self, script: &Script, key: &str, args: &[String]) -> Result<i64, DedupError> {
        let args: Vec<&[u8]> = args.iter().map(String::as_bytes).collect();
        super::connect::run_script(&self.connection, script, &[key], &args)
            .await
            .map_err(|error| DedupError::new(format!("Redis: {error}")))
    }
}

impl DedupStore for RedisDedup {
    fn claim<'a>(
        &'a self,
        key: &'a DedupKey,
        now: Timestamp,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, DedupError>> {
        Box::pin(async move {
            let token = random_token().map_err(DedupError::new)?;
            // Redis refuses `PX 0`.
            let lease_ms = duration_millis(lease).max(1);
            let now_ms = millis(now);
            let args = [
                token.get().to_string(),
                now_ms.to_string(),
                now_ms.saturating_add(lease_ms).to_string(),
                lease_ms.to_string(),
            ];
            match self.run(&self.claim, &self.redis_key(key), &args).await? {
                0 => Ok(Claim::New(token)),
                1 => Ok(Claim::InFlight),
                2 => Ok(Claim::Done),
                other => Err(DedupError::new(format!(
                    "Redis claim script answered {other}"
                ))),
            }
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
            let ttl_ms = duration_millis(ttl).max(1);
            let args = [
                token.get().to_string(),
                millis(now).saturating_add(ttl_ms).to_string(),
                ttl_ms.to_string(),
            ];
            let applied = self
                .run(&self.complete, &self.redis_key(key), &args)
                .await?;
            Ok(settled(u64::try_from(applied).unwrap_or(0)))
        })
    }

    fn abandon<'a>(
        &'a self,
        key: &'a DedupKey,
        token: ClaimToken,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        Box::pin(async move {
            let args = [token.get().to_string()];
            let applied = self.run(&self.abandon, &self.redis_key(key), &args).await?;
            Ok(settled(u64::try_from(applied).unwrap_or(0)))
        })
    }
}
