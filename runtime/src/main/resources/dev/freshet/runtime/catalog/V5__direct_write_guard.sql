-- A stream table's rows come from its defining query: a write that does not come from a refresh would
-- make it disagree with its query until the next FULL refresh, and `freshet verify` would report a
-- difference. Stream tables created from this version on carry a statement trigger that refuses
-- INSERT, UPDATE, DELETE, MERGE and TRUNCATE unless the transaction is a refresh (its program sets
-- freshet.refreshing). pg_restore of a dump's data into stream tables needs --disable-triggers (or
-- recreate them with 'freshet create', which fills them).

CREATE FUNCTION freshet.refuse_direct_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('freshet.refreshing', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'cannot % stream table %.%: its rows are maintained by Freshet from its defining query',
        lower(TG_OP), quote_ident(TG_TABLE_SCHEMA), quote_ident(TG_TABLE_NAME)
      USING ERRCODE = 'FS004',
            HINT = 'write to the tables its query reads, then refresh it; to keep the rows as a table of your own, '
              || 'copy them (CREATE TABLE … AS SELECT …) and drop the stream table with ''freshet drop''';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION freshet.refuse_direct_write() IS
  'Statement trigger of stream tables: refuses writes outside a refresh (SQLSTATE FS004)';
