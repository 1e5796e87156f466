-- refresh_window (R__refresh_functions.sql), applied again with this version (issue 12):
-- * a window whose changed sources' change tables hold at most freshet.small_window_rows rows together (default
--   100) runs its differential program with the joins as printed (join_collapse_limit = 1), and is no join-order
--   trial: planning PostgreSQL's order was 30-40% of a one-row refresh's statements (TPC-H Q2 at SF-1), and from a
--   few changed rows outward is the order such a window wants;
-- * a change table that no join of its stream table reads has no ANALYZE statement (refresh_sources.
--   prepare_change_table empty, as create, alter and migrate install it); the profile then says 'no statistics
--   for the change table of ...'.
-- Nothing else in the catalog's tables changes: this version exists so that migrating to it rewrites the functions.
COMMENT ON COLUMN freshet.refresh_sources.prepare_change_table IS
  'Statements that prepare a change table for the program, empty ones included (its ANALYZE); none for a source that no join of the stream table reads (V34)';
