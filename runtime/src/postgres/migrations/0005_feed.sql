-- The events feed (`hookwire::feed`): the publishing transaction of every event
-- (`pg_current_xact_id()` is the inserting transaction's id), and the index the feed reads by.
ALTER TABLE hw_event ADD COLUMN IF NOT EXISTS xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS hw_event_feed ON hw_event (xid, id);
