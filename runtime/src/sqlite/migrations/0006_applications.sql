-- Applications (`hookwire::outbox::ApplicationStore`): the tenants of a platform sending
-- webhooks to its customers. An endpoint belongs to at most one application and receives only
-- its events; an event names at most one. Endpoints and events of no application are the
-- single-tenant outbox, as before this migration.
CREATE TABLE hw_application (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uid        TEXT UNIQUE,                        -- the user's id for it (a merchant id)
    name       TEXT NOT NULL,
    metadata   TEXT NOT NULL,                      -- JSON object of strings
    rate_limit INTEGER,                            -- its endpoints' default attempts per second
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

ALTER TABLE hw_endpoint ADD COLUMN app_id INTEGER REFERENCES hw_application (id);
ALTER TABLE hw_endpoint ADD COLUMN uid TEXT;
ALTER TABLE hw_endpoint ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE hw_endpoint ADD COLUMN headers TEXT NOT NULL DEFAULT '{}'; -- sent with each delivery
ALTER TABLE hw_endpoint ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE hw_endpoint SET updated_at = created_at;
-- An endpoint's uid is unique within its application (0: no application).
CREATE UNIQUE INDEX hw_endpoint_uid ON hw_endpoint (coalesce(app_id, 0), uid) WHERE uid IS NOT NULL;
CREATE INDEX hw_endpoint_app ON hw_endpoint (app_id, id);

-- An event's application, its dedupe key (Svix's `eventId`, unique within the application),
-- and whether its payload is the body as given (a message) rather than the envelope.
ALTER TABLE hw_event ADD COLUMN app_id INTEGER;
ALTER TABLE hw_event ADD COLUMN dedupe_key TEXT;
ALTER TABLE hw_event ADD COLUMN is_message INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX hw_event_dedupe ON hw_event (coalesce(app_id, 0), dedupe_key)
    WHERE dedupe_key IS NOT NULL;
CREATE INDEX hw_event_app ON hw_event (app_id, id);

-- Small keyed records the operator API keeps (event types, idempotent responses, token
-- revocations), by space and key.
CREATE TABLE hw_record (
    space      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (space, key)
);
