-- Keys of the duplicate store; times are Unix milliseconds from the receiver's clock.
CREATE TABLE IF NOT EXISTS hw_dedup (
    namespace  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    token      INTEGER NOT NULL,
    done       INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, id)
) WITHOUT ROWID;
-- Serves purge_expired.
CREATE INDEX IF NOT EXISTS hw_dedup_expires ON hw_dedup (expires_at);
