-- The join order of a differential program, measured (issue 12). Delta terms are printed starting from the
-- change table, then what it joins to (DeltaFirstJoinOrderRule), and PostgreSQL reorders them from its
-- estimates. Neither is always right: with PostgreSQL's order TPC-H Q9's Δorders term starts from 10,664
-- parts and reads 319,445 line items (its estimate for the correlated (l_partkey, l_suppkey) pair is 1 row
-- where there are 7) before meeting 5,989 changed orders; kept as printed (join_collapse_limit = 1) the
-- same program runs 2-3 times faster at SF-1. Kept as printed, Q17's program is 8 times slower, Q2's and
-- Q7's 5-7 times (a filtered dimension joined late). No estimate available here tells them apart, so
-- refresh_window (R__refresh_functions.sql) measures: the first differential refreshes of each program run
-- alternately with PostgreSQL's order and as printed, their milliseconds per window row are summed here,
-- and the program keeps the order as printed only when that ran in less than 2/3 of the time per row
-- (after one trial of each when printed was not faster, else after two of each). Only runs with
-- PostgreSQL's order of at least freshet.join_order_trial_ms (a setting, default 20 ms) count, so a program
-- that stays fast never pays for a trial of the printed order (Q17's took 3.4 s against 0.4). A program
-- installed anew (create, alter, migrate, a rebuild after DDL) measures again.
ALTER TABLE freshet.refresh_programs
  ADD COLUMN join_order text CHECK (join_order IN ('planner', 'as printed')),
  ADD COLUMN planner_runs integer NOT NULL DEFAULT 0,
  ADD COLUMN planner_ms double precision NOT NULL DEFAULT 0,
  ADD COLUMN planner_rows bigint NOT NULL DEFAULT 0,
  ADD COLUMN printed_runs integer NOT NULL DEFAULT 0,
  ADD COLUMN printed_ms double precision NOT NULL DEFAULT 0,
  ADD COLUMN printed_rows bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN freshet.refresh_programs.join_order IS
  'The join order a differential program runs with: planner (PostgreSQL''s), as printed (join_collapse_limit = 1, from the change table outward); NULL while refreshes still measure both';
COMMENT ON COLUMN freshet.refresh_programs.planner_runs IS
  'Refreshes that ran this program with PostgreSQL''s join order while it was measured; planner_ms and planner_rows sum their program milliseconds and window rows';
COMMENT ON COLUMN freshet.refresh_programs.printed_runs IS
  'Refreshes that ran this program with its join order as printed while it was measured; printed_ms and printed_rows sum their program milliseconds and window rows';
