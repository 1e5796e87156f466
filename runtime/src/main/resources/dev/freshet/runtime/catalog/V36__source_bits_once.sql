-- refresh_window (R__refresh_functions.sql), applied again with this version: the mask of the sources' bits among
-- the terms' marks (V35) is computed once from the sources it has already read, where it ran two counts of
-- refresh_sources in each of two places. Nothing in the catalog's tables changes.
COMMENT ON COLUMN freshet.refresh_programs.piece_masks IS
  'Per piece, the mark bits it needs: sources by ordinal, then state tables (V35); NULL: not cut into pieces';
