-- Traces across the wire (`hookwire::trace`): the W3C trace context an event was published
-- in, sent (as the parent of each attempt's span) with every delivery of it. NULL: none.
ALTER TABLE hw_event ADD COLUMN traceparent TEXT;
ALTER TABLE hw_event ADD COLUMN tracestate TEXT;
