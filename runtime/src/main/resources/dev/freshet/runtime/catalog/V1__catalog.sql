-- Freshet catalog, version 1. Run by CatalogMigrations in one transaction, which then records it in
-- freshet.schema_version. Never edit a released migration: add V<n+1>__<description>.sql instead.

CREATE SCHEMA freshet;
COMMENT ON SCHEMA freshet IS 'Freshet catalog: stream tables, their sources, change buffers, refresh history';

CREATE SCHEMA freshet_changes;
COMMENT ON SCHEMA freshet_changes IS 'Freshet change buffers and capture trigger functions, one set per source table';

CREATE TABLE freshet.schema_version (
  version     integer     PRIMARY KEY CHECK (version > 0),
  description text        NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE freshet.schema_version IS 'Applied catalog migrations; the catalog version is max(version)';

CREATE TABLE freshet.stream_tables (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schema_name     name        NOT NULL,
  table_name      name        NOT NULL,
  owner_role      name        NOT NULL DEFAULT current_user,
  defining_query  text        NOT NULL,
  requested_mode  text        NOT NULL CHECK (requested_mode IN ('DIFFERENTIAL', 'FULL', 'AUTO')),
  effective_mode  text        NOT NULL CHECK (effective_mode IN ('DIFFERENTIAL', 'FULL')),
  fallback_reason text,
  notes           text[]      NOT NULL DEFAULT '{}',
  schedule        text,
  status          text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ERROR')),
  last_snapshot   pg_snapshot,
  last_refresh_at timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (schema_name, table_name),
  -- A mode is never changed silently: DIFFERENTIAL and FULL run as asked; AUTO runs FULL only with a reason.
  CONSTRAINT stream_tables_mode_check CHECK (requested_mode = 'AUTO' OR effective_mode = requested_mode),
  CONSTRAINT stream_tables_fallback_check
    CHECK ((fallback_reason IS NOT NULL) = (requested_mode = 'AUTO' AND effective_mode = 'FULL')),
  CONSTRAINT stream_tables_error_check CHECK (status <> 'ERROR' OR last_error IS NOT NULL)
);
COMMENT ON TABLE freshet.stream_tables IS 'One row per stream table';
COMMENT ON COLUMN freshet.stream_tables.fallback_reason IS 'Why an AUTO stream table runs FULL (a refusal summary); NULL otherwise';
COMMENT ON COLUMN freshet.stream_tables.notes IS 'Rewrites made to the defining query, e.g. a dropped top-level ORDER BY';
COMMENT ON COLUMN freshet.stream_tables.schedule IS 'Refresh schedule; NULL = manual';
COMMENT ON COLUMN freshet.stream_tables.last_snapshot IS
  'Snapshot of the last successful refresh: the lower bound of the next refresh window; NULL = not yet populated';

CREATE TABLE freshet.change_buffers (
  source_relid     oid         PRIMARY KEY,
  source_schema    name        NOT NULL,
  source_table     name        NOT NULL,
  buffer_table     name        NOT NULL UNIQUE,
  captured_columns name[]      NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE freshet.change_buffers IS 'One change buffer per captured source table, shared by its consumers';
COMMENT ON COLUMN freshet.change_buffers.buffer_table IS 'Name of the buffer table inside schema freshet_changes';
COMMENT ON COLUMN freshet.change_buffers.captured_columns IS 'Source columns copied into the buffer, in buffer order';

CREATE TABLE freshet.stream_table_sources (
  stream_table_id bigint NOT NULL REFERENCES freshet.stream_tables (id) ON DELETE CASCADE,
  source_relid    oid    NOT NULL,
  source_schema   name   NOT NULL,
  source_table    name   NOT NULL,
  columns         name[] NOT NULL,
  PRIMARY KEY (stream_table_id, source_relid)
);
CREATE INDEX stream_table_sources_source_relid_idx ON freshet.stream_table_sources (source_relid);
COMMENT ON TABLE freshet.stream_table_sources IS 'Which tables each stream table reads';
COMMENT ON COLUMN freshet.stream_table_sources.columns IS 'Columns of the source this stream table needs';

CREATE TABLE freshet.refresh_history (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_table_id bigint      NOT NULL REFERENCES freshet.stream_tables (id) ON DELETE CASCADE,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  mode_used       text        NOT NULL CHECK (mode_used IN ('DIFFERENTIAL', 'FULL')),
  changed_sources text[]      NOT NULL DEFAULT '{}',
  rows_inserted   bigint      CHECK (rows_inserted >= 0),
  rows_updated    bigint      CHECK (rows_updated >= 0),
  rows_deleted    bigint      CHECK (rows_deleted >= 0),
  delta_rows      bigint      CHECK (delta_rows >= 0),
  fallback_reason text,
  error           text
);
CREATE INDEX refresh_history_stream_table_idx ON freshet.refresh_history (stream_table_id, id);
COMMENT ON TABLE freshet.refresh_history IS 'One row per refresh attempt of a stream table';
