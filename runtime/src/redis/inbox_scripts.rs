//! The Lua scripts of [`RedisInbox`](super::RedisInbox): one per step, each atomic on the
//! server. Times and tokens travel as decimal strings; a delivery hash keeps its member of the
//! `due` and `dead` sets (zero-padded push number, `:`, id) in its `member` field.

use redis::{RedisError, Script};

use crate::inbox::InboxError;

/// KEYS: delivery, due, seq, counts, done, queues. ARGV: queue, id, type, signed, headers,
/// body, now. Returns 1 when stored, 0 when the id is known.
const PUSH: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[3])
local member = string.format('%020d', seq) .. ':' .. ARGV[2]
redis.call('HSET', KEYS[1], 'type', ARGV[3], 'signed', ARGV[4], 'headers', ARGV[5],
  'body', ARGV[6], 'stage', 'waiting', 'at', ARGV[7], 'token', '', 'attempts', 0,
  'error', '', 'received', ARGV[7], 'member', member)
redis.call('ZADD', KEYS[2], ARGV[7], member)
redis.call('HINCRBY', KEYS[4], 'waiting', 1)
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('SADD', KEYS[6], ARGV[1])
return 1
";

/// KEYS: due, counts, dead. ARGV: delivery key prefix, now, lease end, limit, max attempts,
/// then one token per delivery it may claim. Returns `{id, type, signed, headers, body,
/// attempts, received, token, recovered}` per claimed delivery, oldest first.
///
/// A due delivery claimed `max attempts` times already becomes a dead letter (the words of
/// `inbox::gave_up`); of those whose lease ended, at most one is claimed. One whose hash (or
/// body) is gone, evicted or deleted, becomes a dead letter saying so, and the waiting and
/// running counts are counted again from the due set (its stage went with its hash).
const CLAIM: &str = r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
local max = tonumber(ARGV[5])
local out = {}
local recovered_one = false
local lost = 0
for _, member in ipairs(due) do
  local id = string.sub(member, 22)
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'stage', 'type', 'signed', 'headers', 'body', 'received',
    'attempts', 'error')
  if not f[1] or not f[5] then
    redis.call('ZREM', KEYS[1], member)
    redis.call('HSET', key, 'stage', 'dead', 'at', ARGV[2], 'type', f[2] or '',
      'attempts', f[7] or 0, 'received', f[6] or ARGV[2], 'member', member, 'token', '',
      'error', 'the stored delivery is missing from Redis (evicted under memory pressure, ' ..
      'or deleted): its body is lost; run Redis with maxmemory-policy noeviction')
    redis.call('ZADD', KEYS[3], ARGV[2], member)
    lost = lost + 1
  else
    local attempts = tonumber(f[7])
    local recovered = f[1] == 'running'
    if attempts >= max then
      local reason
      if recovered then
        reason = 'abandoned after ' .. attempts .. ' runs without a recorded result: the ' ..
          'worker crashed or was killed, or the handler outlived its lease'
      else
        reason = 'gave up after ' .. attempts .. ' runs, as many as the retry schedule ' ..
          'allows: ' .. (f[8] or '')
      end
      redis.call('HSET', key, 'stage', 'dead', 'at', ARGV[2], 'error', reason)
      redis.call('ZREM', KEYS[1], member)
      redis.call('ZADD', KEYS[3], ARGV[2], member)
      redis.call('HINCRBY', KEYS[2], f[1], -1)
    elseif not (recovered and recovered_one) then
      if recovered then
        recovered_one = true
      else
        redis.call('HINCRBY', KEYS[2], 'waiting', -1)
        redis.call('HINCRBY', KEYS[2], 'running', 1)
      end
      local token = ARGV[6 + #out]
      local after = redis.call('HINCRBY', key, 'attempts', 1)
      redis.call('HSET', key, 'stage', 'running', 'at', ARGV[3], 'token', token)
      redis.call('ZADD', KEYS[1], ARGV[3], member)
      out[#out + 1] = {id, f[2], f[3], f[4], f[5], tostring(after), f[6], token,
        recovered and '1' or '0'}
    end
  end
end
if lost > 0 then
  local waiting, running = 0, 0
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local stage = redis.call('HGET', ARGV[1] .. string.sub(member, 22), 'stage')
    if stage == 'waiting' then
      waiting = waiting + 1
    elseif stage == 'running' then
      running = running + 1
    end
  end
  redis.call('HSET', KEYS[2], 'waiting', waiting, 'running', running)
end
return out
";

/// KEYS: delivery, due, done, counts. ARGV: token, id, retention end, retention (ms).
/// Returns 1 when applied.
const COMPLETE: &str = r"
local f = redis.call('HMGET', KEYS[1], 'stage', 'token', 'member')
if f[1] ~= 'running' or f[2] ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], f[3])
redis.call('HSET', KEYS[1], 'stage', 'done', 'at', ARGV[3])
redis.call('HDEL', KEYS[1], 'body', 'headers')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('HINCRBY', KEYS[4], 'running', -1)
return 1
";

/// KEYS: delivery, due, dead, counts. ARGV: token, `retry` or `dead`, when (due again or
/// failed), error. Returns 1 when applied.
const FAIL: &str = r"
local f = redis.call('HMGET', KEYS[1], 'stage', 'token', 'member')
if f[1] ~= 'running' or f[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[3], 'error', ARGV[4])
redis.call('HINCRBY', KEYS[4], 'running', -1)
if ARGV[2] == 'retry' then
  redis.call('HSET', KEYS[1], 'stage', 'waiting')
  redis.call('ZADD', KEYS[2], ARGV[3], f[3])
  redis.call('HINCRBY', KEYS[4], 'waiting', 1)
else
  redis.call('HSET', KEYS[1], 'stage', 'dead')
  redis.call('ZREM', KEYS[2], f[3])
  redis.call('ZADD', KEYS[3], ARGV[3], f[3])
end
return 1
";

/// KEYS: dead. ARGV: delivery key prefix, index of the last letter. Returns `{id, type,
/// attempts, error, received, failed}` per letter, oldest failure first.
const DEAD: &str = r"
local members = redis.call('ZRANGE', KEYS[1], 0, ARGV[2])
local out = {}
for _, member in ipairs(members) do
  local id = string.sub(member, 22)
  local f = redis.call('HMGET', ARGV[1] .. id, 'type', 'attempts', 'error', 'received', 'at')
  if f[1] then
    out[#out + 1] = {id, f[1], f[2], f[3], f[4], f[5]}
  end
end
return out
";

/// KEYS: delivery, due, dead, counts. ARGV: now. Returns 1 when revived.
const REVIVE: &str = r"
local f = redis.call('HMGET', KEYS[1], 'stage', 'member')
if f[1] ~= 'dead' then return 0 end
redis.call('HSET', KEYS[1], 'stage', 'waiting', 'at', ARGV[1], 'attempts', 0)
redis.call('ZREM', KEYS[3], f[2])
redis.call('ZADD', KEYS[2], ARGV[1], f[2])
redis.call('HINCRBY', KEYS[4], 'waiting', 1)
return 1
";

/// KEYS: counts, done, dead. Returns `{waiting, running, done, dead}`.
const STATS: &str = r"
local n = redis.call('HMGET', KEYS[1], 'waiting', 'running')
return {tonumber(n[1] or 0), tonumber(n[2] or 0), redis.call('ZCARD', KEYS[2]),
  redis.call('ZCARD', KEYS[3])}
";

/// KEYS: queues. Returns the queue names.
const QUEUES: &str = "return redis.call('SMEMBERS', KEYS[1])";

/// KEYS: done. ARGV: delivery key prefix, now, batch. Forgets up to `batch` done ids whose
/// retention ended (their hashes, unless Redis expired them already); returns how many.
const PURGE: &str = r"
local now = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'stage', 'at')
  if f[1] == 'done' and tonumber(f[2]) <= now then redis.call('DEL', key) end
  redis.call('ZREM', KEYS[1], id)
end
return #ids
";

/// The scripts, loaded once per server on first use (`EVALSHA`, `EVAL` after a restart).
#[derive(Clone)]
pub(super) struct Scripts {
    pub(super) push: Script,
    pub(super) claim: Script,
    pub(super) complete: Script,
    pub(super) fail: Script,
    pub(super) dead: Script,
    pub(super) revive: Script,
    pub(super) stats: Script,
    pub(super) queues: Script,
    pub(super) purge: Script,
}

impl Scripts {
    pub(super) fn new() -> Self {
        Scripts {
            push: Script::new(PUSH),
            claim: Script::new(CLAIM),
            complete: Script::new(COMPLETE),
            fail: Script::new(FAIL),
            dead: Script::new(DEAD),
            revive: Script::new(REVIVE),
            stats: Script::new(STATS),
            queues: Script::new(QUEUES),
            purge: Script::new(PURGE),
        }
    }
}

/// A Redis error as the inbox's error.
pub(super) fn redis_error(error: RedisError) -> InboxError {
    InboxError::new(format!("Redis: {error}"))
}

pub(super) fn number(bytes: &[u8]) -> Result<i64, InboxError> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| InboxError::new("Redis: a stored number is not a number"))
}

pub(super) fn text(bytes: Vec<u8>) -> Result<String, InboxError> {
    String::from_utf8(bytes).map_err(|_| InboxError::new("Redis: stored text is not UTF-8"))
}
