-- A program printed for several changed sources, run when only some of them changed, without the delta terms
-- that are then empty (issue 12). CALL freshet.refresh runs the program of the changed sources when one is
-- installed (each source alone, each pair, and all of them), else the smallest that includes them: exact, since
-- an unchanged source's change table is empty, but PostgreSQL plans every term, and most are empty: TPC-H Q8's
-- program for its seven sources (127 terms, 422 kB of SQL) took 868 ms at SF-1 when three of them had changed,
-- almost all of it planning; the program for those three, 178 ms. The program for all sources of a stream table
-- with more than three now marks each branch of a UNION ALL of terms with the sources it needs
-- (codegen DeltaTermMarks), and its statements are also stored cut into pieces, each with the sources it needs.
-- When the changed sources have no program, refresh_window puts theirs together from the pieces whose sources all
-- changed, installs it and runs it (in Q8's case 217-230 ms), so that the next window of those sources finds it,
-- with its own join-order trials; the command line no longer compiles one. Programs installed before this
-- version have no pieces: the command line installs the exact program, CALL freshet.refresh runs the larger one
-- whole, until they are installed anew (create, alter, migrate).
ALTER TABLE freshet.refresh_programs
  ADD COLUMN piece_steps int[],
  ADD COLUMN piece_masks bigint[],
  ADD COLUMN piece_sql text[],
  ADD COLUMN change_tables_mask bigint;
COMMENT ON COLUMN freshet.refresh_programs.piece_steps IS
  'For the statements cut into pieces (those holding delta terms that need some sources to have changed), the step each piece belongs to';
COMMENT ON COLUMN freshet.refresh_programs.piece_masks IS
  'Per piece, the sources (bits of refresh_sources.ordinal) that must all have changed for it to be kept: 0 for text every run keeps';
COMMENT ON COLUMN freshet.refresh_programs.piece_sql IS
  'Per piece, its text: the statement is the kept pieces of its step, in order';
COMMENT ON COLUMN freshet.refresh_programs.change_tables_mask IS
  'The sources whose change tables the program reads (bits of refresh_sources.ordinal); NULL: those of changed_mask. A program put together from pieces keeps the first term of each UNION ALL, whatever it reads: the others get empty change tables';
--
-- Also (no table change): freshet.source_ddl_reason, which every refresh of a changed window runs, looks each
-- column the query reads up in pg_attribute by index, where its joins, planned for jsonb_array_elements' guess of
-- 100 rows, read all of pg_attribute (R__refresh_functions.sql creates it anew).
