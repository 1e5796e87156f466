-- Small windows run their programs prepared, over session tables (issue 12). A refresh after a change of a few rows
-- spent most of its time planning statements that then ran in a fraction of a millisecond, and creating and dropping
-- temporary tables (whose dead rows bloated pg_class and pg_attribute, slowing every refresh until vacuumed). Each
-- differential program is now stored also in its session form (SessionProgramPrinter): its temporary tables made
-- once per session WITH NO DATA (session_setup, names in session_tables), its statements run from prepared
-- statements that keep their plans (session_step_sql, session_piece_sql cut as piece_sql is; an empty text is a step
-- with nothing to do), and its tables emptied when the refresh is done (session_empty). Each source has its change
-- table's session form likewise. refresh_window (R__refresh_functions.sql) runs a window of at most
-- freshet.small_window_rows buffered changes so, when its stream table's sources and programs all have one; programs
-- installed before this version have none and run as before until their stream table is installed anew (create,
-- alter, migrate).
ALTER TABLE freshet.refresh_sources
  ADD COLUMN session_table text,
  ADD COLUMN session_setup text,
  ADD COLUMN session_fill text,
  ADD COLUMN session_fill_as_is text,
  ADD COLUMN session_empty text,
  ADD COLUMN window_rows_upto text;
COMMENT ON COLUMN freshet.refresh_sources.session_table IS
  'The change table''s session table (V37): a temporary table kept by the session; NULL: no session form';
COMMENT ON COLUMN freshet.refresh_sources.window_rows_upto IS
  'The window''s buffered rows, counted up to $3 (V37): whether a window is small, without counting a large one';
ALTER TABLE freshet.refresh_programs
  ADD COLUMN session_tables text[],
  ADD COLUMN session_setup text[],
  ADD COLUMN session_step_sql text[],
  ADD COLUMN session_piece_sql text[],
  ADD COLUMN session_empty text[];
COMMENT ON COLUMN freshet.refresh_programs.session_step_sql IS
  'Per step, its statement in the session form (V37), prepared and run for small windows; empty: nothing to run; '
  'NULL: no session form';
