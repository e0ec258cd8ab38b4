-- The circuit breaker's window and state on each endpoint (see `Breaker`); the outbox's
-- `hw_meta` version 2 (a database at that version is recorded as having it).

ALTER TABLE hw_endpoint ADD COLUMN window_start INTEGER NOT NULL DEFAULT 0;    -- 0: no window yet
ALTER TABLE hw_endpoint ADD COLUMN window_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hw_endpoint ADD COLUMN window_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hw_endpoint ADD COLUMN breaker_opens INTEGER NOT NULL DEFAULT 0;   -- 0: closed

-- An endpoint the version 1 breaker had opened (5 failures in a row) keeps probing.
UPDATE hw_endpoint SET breaker_opens = 1 WHERE consecutive_failures >= 5;
