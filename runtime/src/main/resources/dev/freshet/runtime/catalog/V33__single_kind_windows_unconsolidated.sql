-- A window of only inserts or only deletes fills its change table without consolidating it (issue 12). A change
-- table was always grouped by every column the stream table reads (HAVING sum(__w) <> 0), so that an update of
-- columns it does not read cancels out; but in a window whose rows all have one sign nothing can cancel, and
-- grouping only merged equal rows into one of a larger weight, which every consumer of a change table reads alike
-- (the delta terms are linear in the weights, and the delta's groups and a bag's rows are consolidated again).
-- Hashing every read column was most of the change table's cost: 4.3 ms against 2.4 for the 6,000 line items of
-- 1,500 new TPC-H orders (Q9's columns at SF-1), where telling the window's kind cost 0.35 ms. refresh_window
-- (R__refresh_functions.sql) asks window_mixed before it fills a change table, then runs create_change_table or
-- create_change_table_as_is. Sources installed before this version keep consolidating every window until their
-- stream table is installed anew (create, alter, migrate).
ALTER TABLE freshet.refresh_sources
  ADD COLUMN window_mixed text,
  ADD COLUMN create_change_table_as_is text;
COMMENT ON COLUMN freshet.refresh_sources.window_mixed IS
  'Whether the window ($1 the current snapshot, $2 the last refresh''s) holds both inserted and deleted rows; NULL: installed before V33';
COMMENT ON COLUMN freshet.refresh_sources.create_change_table_as_is IS
  'create_change_table without consolidating, for a window of only inserts or only deletes; NULL: installed before V33';
