-- Large change tables are not indexed (issue 12). A change table was indexed on each of its join keys at every
-- refresh, for delta terms that look its rows up by key. Building an index reads and sorts the table, where a
-- hash join reads it once: at SF-1 a batch of 35,000 changed line items cost TPC-H Q9 21 ms of indexes (three,
-- 7 ms each), and rolled-back refreshes of all 22 TPC-H stream tables after one batch ran their programs no
-- slower without any change-table index, 1,872 ms in all against 1,989 with them (the change tables analyzed
-- alike, so PostgreSQL plans with their sizes). The indexes are now stored apart from the statements that
-- analyze a change table and built only for change tables of at most freshet.change_table_index_rows rows (a
-- setting of the refreshing session or role, default 1,000), where they cost little and serve a small window
-- probed from a smaller side. Sources installed before this version keep their indexes in prepare_change_table,
-- built at every refresh as before, until installed anew (create, alter, migrate).
ALTER TABLE freshet.refresh_sources
  ADD COLUMN change_table_indexes text[];
COMMENT ON COLUMN freshet.refresh_sources.change_table_indexes IS
  'The statements indexing the change table, one per join key, run after prepare_change_table when the change table holds at most freshet.change_table_index_rows rows (default 1,000); NULL: installed before V30, its indexes in prepare_change_table';
