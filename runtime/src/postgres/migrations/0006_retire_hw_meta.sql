-- Code from before the migration line reads the outbox's version in `hw_meta`; version 3
-- makes it refuse this database (its `SchemaTooNew`) instead of running on a schema it does
-- not know. This line does not read `hw_meta` (see `hw_migrations`).
CREATE TABLE IF NOT EXISTS hw_meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO hw_meta (key, value) VALUES ('schema_version', 3)
    ON CONFLICT (key) DO UPDATE SET value = 3;
