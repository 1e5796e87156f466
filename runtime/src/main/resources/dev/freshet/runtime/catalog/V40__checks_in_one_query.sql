-- No table changes: the refresh functions of R__refresh_functions.sql, installed again with this step. refresh_window
-- gathers what its checks before the window refuse by in the statement that locks the stream table's row, and
-- checks the names of its sources and the columns its query reads in one query, running the checks that say what
-- changed (FS006, FS008) only when one did: a session's first refresh planned about ten catalog queries cold (13 of
-- the 17 ms a CALL of an empty window took, TPC-H Q1 at SF-1), and pg_cron runs every job in a session of its own.
SELECT 1;
