-- freshet service deletes refresh history older than its --history-retention (default 30 days) once an
-- hour; this index makes that a range scan. Dropping a stream table removes its history (ON DELETE CASCADE).

CREATE INDEX refresh_history_finished_idx ON freshet.refresh_history (finished_at);
