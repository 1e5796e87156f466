-- A differential refresh runs without JIT compiling (refresh_window, R__refresh_functions.sql: SET LOCAL
-- jit = off from its change tables to its program's last statement, the caller's setting given back
-- after). Its statements join change tables and state tables whose estimates often exceed jit_above_cost
-- (100000 by default), and compiling took 20-130 ms per refresh of statements that ran in tens of
-- milliseconds: TPC-H at SF-1 with a window of 16,500 orders, Q3 820 ms without against 872-885 with
-- (58 ms compiling), Q5 746-763 against 827-888 (108-114 ms), Q12 205-226 against 273-276
-- (docs/operations.md, "Planner settings during a refresh"). A FULL refresh keeps the server's setting.
-- Nothing else changes in the catalog.
SELECT 1;
