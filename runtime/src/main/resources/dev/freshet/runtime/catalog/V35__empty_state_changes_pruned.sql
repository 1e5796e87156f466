-- Terms that need an empty state table's change table are left out before PostgreSQL plans them (issue 12). Every
-- differential program is now printed with its delta terms marked (V29's marks, which only the program for all
-- sources had), with a bit per source and, above them, a bit per state table; step_state_bits says, per step, the
-- bit of the state table whose change table that step creates (0 for the others). refresh_window
-- (R__refresh_functions.sql) notes the state change tables that came out empty (the ROW_COUNT of their CREATE TABLE
-- AS) and runs each later statement without the terms that need one of them: after a window of 4 TPC-H orders, all
-- five state change tables of Q21's program were empty, and 14 of its last statement's 22 terms read one of them
-- (planned in 11 ms, run in 2.5). Programs installed before this version have no step_state_bits and run whole
-- until their stream table is installed anew (create, alter, migrate).
ALTER TABLE freshet.refresh_programs ADD COLUMN step_state_bits bigint[];
COMMENT ON COLUMN freshet.refresh_programs.step_state_bits IS
  'Per step, the mark bit of the state table whose change table it creates (0: none); NULL: installed before V35';
