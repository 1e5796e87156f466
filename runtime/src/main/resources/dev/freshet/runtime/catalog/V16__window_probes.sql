-- A refresh no longer counts its window's buffer rows unless AUTO weighs them: for the other modes it
-- only asks, per source, whether the window holds a row and whether it holds a TRUNCATE marker, each a
-- probe that stops at the first row found (the marker's served by a new partial index on each buffer's
-- markers). Counting read the whole window: 9 ms of TPC-H Q6's 36 ms refresh after a batch of 1,500
-- orders at SF-1 (35,821 lineitem changes; the probes: 0.2 ms). window_rows, in history and returned, is
-- the window's buffered rows for AUTO and, otherwise, the number of sources whose window holds a row:
-- 0 exactly when the window is empty, which is all the rest of Freshet asks of it. AUTO learns a
-- differential refresh's cost per change from its own choices only (a stream table altered from
-- DIFFERENTIAL to AUTO keeps that history), and pending changes are counted. Window-count statements
-- installed before V16 ignore the third parameter and still count.
-- The functions (refresh_window, auto_choice, pending_changes) are in R__refresh_functions.sql.

-- the partial index of the buffers made before V16 (CapturePrinter.truncateMarkerIndex)
DO $v16$
DECLARE
  v_buffer name;
BEGIN
  FOR v_buffer IN SELECT b.buffer_table FROM freshet.change_buffers b
      WHERE to_regclass(format('freshet_changes.%I', b.buffer_table)) IS NOT NULL LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON freshet_changes.%I ("__xid") WHERE "__truncate"',
      v_buffer || '_truncate_idx', v_buffer);
  END LOOP;
END
$v16$;

COMMENT ON COLUMN freshet.refresh_history.window_rows IS
  'AUTO: buffered changes in the window, all sources together; other modes (since catalog V16): the sources whose window held changes; 0 exactly when the window was empty';
