-- The columns a stream table's query reads, as PostgreSQL resolved its names at create (found by a first-hour
-- walkthrough). A FULL refresh runs the stored query text again, and PostgreSQL resolves its names anew: after
-- ALTER TABLE promo RENAME COLUMN price TO promo_price, the price of
--   SELECT id FROM p WHERE id IN (SELECT pid FROM promo WHERE price < 15)
-- reads the outer p.price, and the FULL refresh stored that query's rows without a word (a view keeps reading
-- promo's column; verify agreed, reading the same text). DIFFERENTIAL stream tables record the columns their
-- programs read and find such DDL; a FULL refresh of any stream table did not.
--
-- Now each stream table records, when its catalog row is written (create, alter), the (table, column name)
-- pairs its query reads, from the dependencies of a temporary view of it (freshet.query_read_columns,
-- R__refresh_functions.sql); refresh_window compares them before a FULL program runs and refuses (SQLSTATE
-- FS007) when a name now reads another table's column. A column's type changing, columns added that no name
-- reads, columns renamed that the query does not name, or a column dropped and added again under its name
-- (the query reads it by that name) change nothing. NULL (not checked): stream tables created
-- before V25, and queries PostgreSQL cannot make a view of.
ALTER TABLE freshet.stream_tables ADD COLUMN read_columns text;
COMMENT ON COLUMN freshet.stream_tables.read_columns IS
  'The columns its query reads as PostgreSQL resolved it at create (table oid:column name, sorted); a FULL refresh refuses when they changed; NULL: not checked';
