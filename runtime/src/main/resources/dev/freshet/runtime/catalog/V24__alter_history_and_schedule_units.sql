-- Two findings of issue 15's first-hour walkthrough.
--
-- freshet alter keeps what it does not change: a new query or mode rebuilds the stream table (its storage
-- dropped and made again, under a new id), and its created_at and refresh history went with the old
-- catalog row, so status showed it as created at the alter, with one refresh. Now the rebuilt stream
-- table keeps its creation time and its history (the rows of the old id, moved over with their own ids),
-- and the fill of the rebuild is recorded in it, saying what the alter changed ('filled from its query
-- (alter: new query, mode FULL)').
--
-- AUTO learns what a differential refresh costs from the history (auto_choice, R__refresh_functions.sql): the
-- refreshes of a query another alter replaced say nothing about the new one, so it reads only the rows after
-- the stream table's last fill from its query (create, or the rebuild of an alter), recorded here.
ALTER TABLE freshet.stream_tables ADD COLUMN filled_history_id bigint;
COMMENT ON COLUMN freshet.stream_tables.filled_history_id IS
  'The refresh_history row of the last fill from its query (create, or an alter''s rebuild): AUTO learns from the refreshes after it; NULL before catalog V24';

-- A schedule is read as PostgreSQL reads an interval (any case), but for 'M' alone, now refused as
-- ambiguous: PostgreSQL reads '1M' as a minute, ISO 8601 and most schedulers as a month. Schedules were read
-- in any case before (M was minutes), so each recorded schedule is lowered to the spelling that keeps its
-- meaning and that the service still reads: '1M' becomes '1m', '5 Minutes' '5 minutes'.
UPDATE freshet.stream_tables SET schedule = lower(schedule) WHERE schedule <> lower(schedule);
