-- A refresh that recomputes because of a marker in a source's buffer says why: a TRUNCATE of the source
-- ("public.orders" was truncated: recomputed), or DDL on its columns, after which capture was rebuilt
-- (column "qty" of "public"."orders" changed type (ALTER TABLE): recomputed), where refresh_window said
-- "a source was truncated" for both. ChangeCapture.reconcile records the reason of the marker it writes,
-- with its transaction; a marker in a refresh's window without a recorded reason of the same window is a
-- TRUNCATE. The function is in R__refresh_functions.sql.
ALTER TABLE freshet.change_buffers ADD COLUMN marker_reason text;
ALTER TABLE freshet.change_buffers ADD COLUMN marker_xid xid8;
COMMENT ON COLUMN freshet.change_buffers.marker_reason IS
  'Why the last marker Freshet wrote into the buffer (not a TRUNCATE) makes its consumers recompute';
COMMENT ON COLUMN freshet.change_buffers.marker_xid IS
  'The transaction that wrote that marker: a refresh whose window holds it gives the reason';
