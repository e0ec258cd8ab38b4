-- Keys of the duplicate store; times are Unix milliseconds from the receiver's clock.
CREATE TABLE IF NOT EXISTS hw_dedup (
    namespace  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    token      BIGINT  NOT NULL,
    done       BOOLEAN NOT NULL,
    expires_at BIGINT  NOT NULL,
    PRIMARY KEY (namespace, id)
);
-- Serves purge_expired.
CREATE INDEX IF NOT EXISTS hw_dedup_expires ON hw_dedup (expires_at);
