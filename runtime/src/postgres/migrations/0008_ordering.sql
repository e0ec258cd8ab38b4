-- Per-key ordering (`hookwire::outbox`, "Ordering"): an event's ordering key, copied onto each
-- of its deliveries so that a claim reads it beside the delivery. For one endpoint and one key,
-- a delivery is claimed only when no earlier one (lower id) is unfinished.
ALTER TABLE hw_event ADD COLUMN ordering_key TEXT;
ALTER TABLE hw_delivery ADD COLUMN ordering_key TEXT;

-- Claims: the unfinished (and failed) deliveries of one endpoint and key, in publish order.
-- Only rows with a key: deliveries without one cost this index nothing.
CREATE INDEX hw_delivery_order ON hw_delivery (endpoint_id, ordering_key, id)
    WHERE ordering_key IS NOT NULL AND state <> 'delivered';
