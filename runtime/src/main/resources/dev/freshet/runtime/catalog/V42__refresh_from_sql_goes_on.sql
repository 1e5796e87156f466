-- No table changes: the refresh functions of R__refresh_functions.sql, installed again with this step. The body of
-- CALL freshet.refresh(name) becomes freshet.refresh_alone, which returns what failed instead of raising it, so that
-- CALL freshet.refresh('a', 'b', ...) refreshes the stream tables after one whose refresh alone failed (it stopped
-- there: a procedure that commits cannot catch an error, and a stream table that kept failing kept those after it in
-- a pg_cron job from ever being refreshed); the first failure is raised at the end.
SELECT 1;
