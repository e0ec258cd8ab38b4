-- The circuit breaker's window and state on each endpoint (see `Breaker`); the outbox's
-- `hw_meta` version 2 (a schema at that version is recorded as having it).

ALTER TABLE hw_endpoint ADD COLUMN IF NOT EXISTS window_start BIGINT NOT NULL DEFAULT 0;    -- 0: no window yet
ALTER TABLE hw_endpoint ADD COLUMN IF NOT EXISTS window_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hw_endpoint ADD COLUMN IF NOT EXISTS window_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hw_endpoint ADD COLUMN IF NOT EXISTS breaker_opens BIGINT NOT NULL DEFAULT 0;   -- 0: closed

-- An endpoint the version 1 breaker had opened (5 failures in a row) keeps probing.
UPDATE hw_endpoint SET breaker_opens = 1 WHERE consecutive_failures >= 5;
