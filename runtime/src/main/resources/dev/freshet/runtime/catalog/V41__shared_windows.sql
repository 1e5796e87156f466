-- Stream tables refreshed together (freshet.refresh_together, in R__refresh_functions.sql, issue 12): in one
-- transaction, the stream tables whose last refresh took the same snapshot read each source's window from one copy
-- of it (SharedWindowPrinter), made by the first of them to read it. Per source of a stream table, the statements
-- for that; NULL for a stream table installed before (it reads its windows from the buffers, as before) or FULL.
ALTER TABLE freshet.refresh_sources
  ADD COLUMN IF NOT EXISTS shared_window text,
  ADD COLUMN IF NOT EXISTS shared_prepare text[],
  ADD COLUMN IF NOT EXISTS shared_view text,
  ADD COLUMN IF NOT EXISTS shared_create text,
  ADD COLUMN IF NOT EXISTS shared_indexes text[];
COMMENT ON COLUMN freshet.refresh_sources.shared_window IS
  'Fills the transaction''s copy of the source''s window, all columns captured, for stream tables refreshed together (V41)';
COMMENT ON COLUMN freshet.refresh_sources.shared_view IS
  'The change table as a view of the shared copy, for a window of one kind of change (V41)';
COMMENT ON COLUMN freshet.refresh_sources.shared_create IS
  'The change table consolidated from the shared copy, for a window of both kinds (V41)';
-- refresh_window takes whether its window may be shared (p_shared): the function of four arguments goes
DROP FUNCTION IF EXISTS freshet.refresh_window(bigint, boolean, boolean, boolean);
