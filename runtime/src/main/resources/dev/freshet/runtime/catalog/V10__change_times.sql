-- Every buffered change records when its transaction began ("__at"), so that list and status say since
-- when a stream table has been behind its sources. Rows buffered before this version get the time of
-- this migration (they are at least that old).

DO $$
DECLARE
  v_buffer name;
BEGIN
  FOR v_buffer IN SELECT b.buffer_table FROM freshet.change_buffers b LOOP
    IF to_regclass(format('freshet_changes.%I', v_buffer)) IS NOT NULL THEN
      EXECUTE format('ALTER TABLE freshet_changes.%I ADD COLUMN IF NOT EXISTS "__at" timestamp with time zone '
        'NOT NULL DEFAULT pg_catalog.now()', v_buffer);
    END IF;
  END LOOP;
END
$$;
