-- The service suspends a stream table whose scheduled refreshes keep failing: after each failure it
-- waits longer before the next attempt (its interval, doubled per consecutive failure, at most an hour),
-- and after --max-failures consecutive failures it stops trying and sets status SUSPENDED, shown by
-- list and status, until 'freshet resume NAME'. Consecutive failures are counted in refresh_history
-- since the last success or the last resume, whichever is later.

ALTER TABLE freshet.stream_tables DROP CONSTRAINT stream_tables_status_check;
ALTER TABLE freshet.stream_tables ADD CONSTRAINT stream_tables_status_check
  CHECK (status IN ('ACTIVE', 'ERROR', 'SUSPENDED'));
ALTER TABLE freshet.stream_tables DROP CONSTRAINT stream_tables_error_check;
ALTER TABLE freshet.stream_tables ADD CONSTRAINT stream_tables_error_check
  CHECK (status = 'ACTIVE' OR last_error IS NOT NULL);
ALTER TABLE freshet.stream_tables ADD COLUMN resumed_at timestamptz;
COMMENT ON COLUMN freshet.stream_tables.resumed_at IS
  'When ''freshet resume'' last brought the stream table back: failures before it no longer count';
