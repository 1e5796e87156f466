-- Rows are identified by the md5 of a canonical text of their values (codegen's SqlText.hash): equal
-- values must give equal text. jsonb holds numbers as numeric, so '{"a": 1.0}' = '{"a": 1.00}' while
-- their text differs; this text writes every number without trailing zeros (and keys in jsonb's own
-- order), so jsonb values equal in PostgreSQL have equal text here, and unequal ones do not.

CREATE FUNCTION freshet.jsonb_identity(j jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE pg_catalog.jsonb_typeof(j)
    WHEN 'number' THEN pg_catalog.trim_scale(j::text::numeric)::text
    WHEN 'object' THEN '{' || coalesce((
        SELECT pg_catalog.string_agg(pg_catalog.to_jsonb(e.key)::text || ':' || freshet.jsonb_identity(e.value), ','
                                     ORDER BY e.ordinality)
        FROM pg_catalog.jsonb_each(j) WITH ORDINALITY AS e(key, value, ordinality)), '') || '}'
    WHEN 'array' THEN '[' || coalesce((
        SELECT pg_catalog.string_agg(freshet.jsonb_identity(a.value), ',' ORDER BY a.ordinality)
        FROM pg_catalog.jsonb_array_elements(j) WITH ORDINALITY AS a(value, ordinality)), '') || ']'
    ELSE j::text
  END
$$;
