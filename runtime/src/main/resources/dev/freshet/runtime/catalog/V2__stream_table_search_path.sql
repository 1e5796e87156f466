-- The search_path a stream table was created under: refreshes, verify and explain resolve the
-- defining query's unqualified names with it, whatever the session that runs them has.
ALTER TABLE freshet.stream_tables ADD COLUMN search_path name[];
COMMENT ON COLUMN freshet.stream_tables.search_path IS
  'current_schemas(false) of the creating session; unqualified names of defining_query resolve in it (NULL: created before catalog version 2, the session''s)';
