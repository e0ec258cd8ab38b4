-- Deliveries of the durable inbox; times are Unix milliseconds from the receiver's clock.
-- run_at: due (waiting), lease end (running), retention end (done), given up (dead).
CREATE TABLE IF NOT EXISTS hw_inbox (
    queue       TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    signed_at   BIGINT,
    headers     TEXT    NOT NULL,
    body        BYTEA   NOT NULL,
    stage       TEXT    NOT NULL,
    run_at      BIGINT  NOT NULL,
    token       BIGINT  NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    received_at BIGINT  NOT NULL,
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (queue, id)
);
-- Serves claim: the due rows of a queue, oldest first.
CREATE INDEX IF NOT EXISTS hw_inbox_due ON hw_inbox (queue, run_at, seq)
    WHERE stage IN ('waiting', 'running');
-- Serves dead and stats.
CREATE INDEX IF NOT EXISTS hw_inbox_stage ON hw_inbox (queue, stage, run_at, seq);
-- Serves purge.
CREATE INDEX IF NOT EXISTS hw_inbox_purge ON hw_inbox (run_at) WHERE stage = 'done';
