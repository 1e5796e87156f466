-- The join order measured per statement of a differential program (issue 12). V23 measured a program as a
-- whole and kept one order for all its statements; but a program that maintains state tables runs several
-- joins, and each may want the other order: TPC-H Q21's program for line items and orders builds three
-- value-generator states and its own delta in five statements, of which, at SF-1, the first ran in 79 ms as
-- printed and 442 ms in PostgreSQL's order, the last in 279 ms as printed and 64 ms in PostgreSQL's. The trials
-- are as before (refreshes alternate the two orders, freshet.note_join_order_trial sums their times); they now
-- also sum each statement's milliseconds, and when the program's order is decided each statement keeps the
-- order that ran it faster per window row (as printed only when in less than 2/3 of the time, as for the
-- whole), which refresh_window sets before the statement. join_order keeps the whole program's verdict. A
-- program decided before this version keeps its one order until it is installed anew (create, alter, migrate).
ALTER TABLE freshet.refresh_programs
  ADD COLUMN planner_step_ms double precision[],
  ADD COLUMN printed_step_ms double precision[],
  ADD COLUMN step_join_orders text[] CHECK (step_join_orders <@ ARRAY['planner', 'as printed']);
COMMENT ON COLUMN freshet.refresh_programs.planner_step_ms IS
  'Per statement of the program, the milliseconds summed over the planner_runs that ran it with PostgreSQL''s join order';
COMMENT ON COLUMN freshet.refresh_programs.printed_step_ms IS
  'Per statement of the program, the milliseconds summed over the printed_runs that ran it with its join order as printed';
COMMENT ON COLUMN freshet.refresh_programs.step_join_orders IS
  'Per statement, the join order it runs with once the trials decided (planner or as printed); NULL: join_order for every statement';
--
-- Also (no table change): a buffer cleanup deletes nothing unless its oldest row is below the horizon, which it
-- reads first through the index (CapturePrinter.cleanup; the DELETE text is each source's refresh_sources.cleanup,
-- written anew when programs are installed), and runs without JIT (CALL freshet.refresh sets jit off for it);
-- a refresh cleans only the buffers of the sources whose window held rows (a row is freed by the refresh of its
-- last consumer to read it), where it cleaned every source's.
-- its signature takes the statements' times now (R__refresh_functions.sql creates it anew)
DROP FUNCTION IF EXISTS freshet.note_join_order_trial(bigint, bigint, text, double precision, bigint);
