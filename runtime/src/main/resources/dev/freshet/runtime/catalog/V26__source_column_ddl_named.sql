-- What a stream table says after ALTER TABLE renamed or dropped a column its query reads (issue 15, the
-- first-hour walkthrough). The refresh compiled the stored query again and failed: with the text of whatever
-- the planner met first ('invalid: column "a" does not exist' and a question, "was a table or column renamed
-- or dropped?"; or, when the name now read an outer query's column, refusal FR005 about sub-queries), and that
-- text replaced the event trigger's last error, which had named the column. The trigger named only the first
-- of two columns dropped by one ALTER TABLE, and said nothing of a FULL stream table's columns (it knew only
-- the columns captured for DIFFERENTIAL programs): its status promised a recompute the refresh then refused.
--
-- Now each stream table records, when its catalog row is written (create, alter), the columns its query reads
-- with their numbers (freshet.query_read_attributes, R__refresh_functions.sql: from the dependencies of a
-- temporary view of it, as V25's read_columns). freshet.source_ddl_reason names every column the query reads
-- that its table no longer has under that name: renamed (the number has another name now: to what) or dropped,
-- with the fix; refresh_window refuses with it (SQLSTATE FS008) before anything runs, the event trigger records
-- it as the last error, and 'freshet status' and 'verify' say it. A column dropped and added again under its
-- name, or names swapped, are read by their names as before (recomputed, V15 and V25). NULL: stream tables
-- created before V26, and queries PostgreSQL cannot make a view of; their read columns are the captured ones,
-- numbered as capture recorded them (V15), as the trigger did before.
ALTER TABLE freshet.stream_tables ADD COLUMN read_attributes jsonb;
COMMENT ON COLUMN freshet.stream_tables.read_attributes IS
  'The columns its query reads as PostgreSQL resolved it at create or alter, [{relid, attnum, name}]; a column no longer there under its name is named by freshet.source_ddl_reason; NULL: not recorded';
