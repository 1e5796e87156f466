-- The session settings a defining query's values depend on, as they were when the stream table was
-- created, applied to every refresh (refresh_window, in R__refresh_functions.sql), rebuild and verify, as
-- the search_path already is (V2). Without them a refresh under another TimeZone (a service, a container,
-- pg_cron, psql with PGTZ) computed date_trunc('day', a timestamptz), at::date or at::text otherwise than
-- the stored rows had been, and a DateStyle, IntervalStyle, extra_float_digits or bytea_output of its own
-- changed the text every row and group is identified by (its hash): rows were left over or missing after a
-- refresh that reported success (found by a first-hour walkthrough, 2026-12-05).
ALTER TABLE freshet.stream_tables ADD COLUMN settings jsonb;
COMMENT ON COLUMN freshet.stream_tables.settings IS
  'Session settings the defining query was created under (TimeZone, DateStyle, ...), set locally for every refresh; NULL before catalog V19';

-- The direct-write guard (V5) words its refusal as PostgreSQL does ("cannot insert into view ..."), with
-- the stream table's name quoted as the command line prints it: cannot insert into stream table
-- "public"."top2" (it said "cannot insert stream table public.top2").
CREATE OR REPLACE FUNCTION freshet.refuse_direct_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('freshet.refreshing', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'cannot % stream table "%"."%": its rows are maintained by Freshet from its defining query',
        CASE TG_OP WHEN 'INSERT' THEN 'insert into' WHEN 'DELETE' THEN 'delete from' ELSE lower(TG_OP) END,
        replace(TG_TABLE_SCHEMA, '"', '""'), replace(TG_TABLE_NAME, '"', '""')
      USING ERRCODE = 'FS004',
            HINT = 'write to the tables its query reads, then refresh it; to keep the rows as a table of your own, '
              || 'copy them (CREATE TABLE … AS SELECT …) and drop the stream table with ''freshet drop''';
  END IF;
  RETURN NULL;
END
$$;
