package dev.freshet.codegen.ddl;

import dev.freshet.planner.sql.Quoting;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The catalog queries of change capture ({@code ChangeCapture}): what PostgreSQL's catalog says of a source (its
 * relation, columns, primary key, triggers, the tables related to it by partitioning or inheritance), of its
 * buffer, guard view and capture functions in {@link CapturePrinter#CHANGES_SCHEMA}, and the rows of {@code
 * freshet.change_buffers} that record them; whether a source's capture must be reconciled after DDL on it; and
 * what reconciling and cleaning up record or read in Freshet's catalog. The DDL they lead to is
 * {@link CapturePrinter}'s.
 */
public final class CaptureCatalogSql {

  private CaptureCatalogSql() {
  }

  /**
   * The relation named {@code $2} in schema {@code $1} (both exact, unquoted): its oid, {@code relkind} and
   * {@code relpersistence}; no row when there is none.
   */
  public static final String RESOLVE_SOURCE = """
      SELECT c.oid, c.relkind, c.relpersistence
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ?""";

  /** Schema and name of the ordinary or partitioned table with relation id {@code $1}; no row when it is gone. */
  public static final String RELATION_NAME = """
      SELECT n.nspname, c.relname
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ?::pg_catalog.oid AND c.relkind IN ('r', 'p')""";

  /**
   * The columns of the source {@code $1} (dropped ones left out), in order, with the types a buffer gives them:
   * name, type as {@code format_type} prints it, and schema and name of its collation when that is not the type's
   * default (else NULLs). Domains become their base types (typmod included, through domains over domains): a
   * domain's NOT NULL or CHECK would reject the NULLs of TRUNCATE markers and of widened columns.
   */
  public static final String SOURCE_COLUMNS = """
      WITH RECURSIVE col (attnum, attname, attcollation, typid, typmod) AS (
        SELECT a.attnum, a.attname, a.attcollation, a.atttypid, a.atttypmod
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ?::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT col.attnum, col.attname, col.attcollation, t.typbasetype,
               CASE WHEN col.typmod <> -1 THEN col.typmod ELSE t.typtypmod END
        FROM col
        JOIN pg_catalog.pg_type t ON t.oid = col.typid
        WHERE t.typtype = 'd'
      )
      SELECT col.attname, pg_catalog.format_type(col.typid, col.typmod), cn.nspname, co.collname
      FROM col
      JOIN pg_catalog.pg_type t ON t.oid = col.typid AND t.typtype <> 'd'
      LEFT JOIN pg_catalog.pg_collation co ON co.oid = col.attcollation AND col.attcollation <> t.typcollation
      LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
      ORDER BY col.attnum""";

  /** The names of the primary key's columns of the table {@code $1}; no row when it has none. */
  public static final String PRIMARY_KEY = """
      SELECT a.attname
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = ?::pg_catalog.oid AND i.indisprimary""";

  /**
   * The column names of the buffer table named {@code $1} in {@link CapturePrinter#CHANGES_SCHEMA} ({@link
   * CapturePrinter#bufferTable}), its own columns first, in order; no row when it does not exist.
   */
  public static final String BUFFER_TABLE_COLUMNS = """
      SELECT a.attname
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'freshet_changes' AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /**
   * The columns of the buffer table named {@code $1}, as {@link #SOURCE_COLUMNS} gives a source's: name, type, and
   * schema and name of the collation when it is not the type's default.
   */
  public static final String BUFFER_COLUMN_TYPES = """
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), cn.nspname, co.collname
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
      LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
      WHERE n.nspname = 'freshet_changes' AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped""";

  /**
   * How many of the functions named in the {@code text[]} {@code $1} ({@link CapturePrinter#functionName}) exist in
   * {@link CapturePrinter#CHANGES_SCHEMA} without arguments.
   */
  public static final String CAPTURE_FUNCTION_COUNT = """
      SELECT count(*)
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'freshet_changes' AND p.proname = ANY (?::pg_catalog.text[]) AND p.pronargs = 0""";

  /**
   * The triggers on the source {@code $1} that call one of its capture functions named {@code $2} (a text array,
   * {@link CapturePrinter#functionName}), whatever their names (a user may rename one): the trigger's name and the
   * function's.
   */
  public static final String CAPTURE_TRIGGERS = """
      SELECT t.tgname, f.proname
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
      JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
      WHERE t.tgrelid = ?::pg_catalog.oid AND fn.nspname = 'freshet_changes'
        AND f.proname = ANY (?::pg_catalog.text[])
      ORDER BY t.tgname""";

  /**
   * Records the buffer of the source {@code $1} in {@code freshet.change_buffers}, or updates its row: {@code $2}
   * and {@code $3} the source's schema and name, {@code $4} the buffer table's name, {@code $5} the captured
   * columns (a {@code text[]}, stored as {@code name[]}).
   */
  public static final String UPSERT_BUFFER = """
      INSERT INTO freshet.change_buffers (source_relid, source_schema, source_table, buffer_table, captured_columns)
      VALUES (?::pg_catalog.oid, ?, ?, ?, ?::pg_catalog.name[])
      ON CONFLICT (source_relid) DO UPDATE
      SET source_schema = excluded.source_schema,
          source_table = excluded.source_table,
          buffer_table = excluded.buffer_table,
          captured_columns = excluded.captured_columns""";

  /**
   * Records {@code $1}, why the TRUNCATE marker this transaction wrote into the buffer of the source {@code $2}
   * makes its consumers recompute, and the transaction that wrote both (catalog V17).
   */
  public static final String RECORD_MARKER = """
      UPDATE freshet.change_buffers SET marker_reason = ?, marker_xid = pg_catalog.pg_current_xact_id()
      WHERE source_relid = ?::pg_catalog.oid""";

  /**
   * Records the layout the capture functions of the source {@code $3} were written for (catalog V15): {@code $1}
   * the captured columns' numbers (the text of an {@code int2[]}, {@link CapturePrinter#attnumArray}), {@code $2}
   * {@link CapturePrinter#layout}. Capture set up before V15 has NULL there.
   */
  public static final String RECORD_LAYOUT = """
      UPDATE freshet.change_buffers SET captured_attnums = ?::pg_catalog.int2[], captured_layout = ?
      WHERE source_relid = ?::pg_catalog.oid""";

  /**
   * The captured columns of the source {@code $1} as recorded, their numbers and the layout recorded with them
   * ({@link #RECORD_LAYOUT}); no row when its buffer is not recorded.
   */
  public static final String RECORDED_LAYOUT = """
      SELECT captured_columns, captured_attnums, captured_layout
      FROM freshet.change_buffers
      WHERE source_relid = ?::pg_catalog.oid""";

  /**
   * The buffer recorded for the source {@code $1}: its relation id, schema and name, the buffer table's name and
   * the captured columns; no row when none is.
   */
  public static final String FIND_BUFFER = """
      SELECT source_relid, source_schema, source_table, buffer_table, captured_columns
      FROM freshet.change_buffers
      WHERE source_relid = ?::pg_catalog.oid""";

  /** Whether a stream table still reads the source {@code $1} (a row of {@code freshet.stream_table_sources}). */
  public static final String SOURCE_IN_USE = """
      SELECT EXISTS (SELECT FROM freshet.stream_table_sources WHERE source_relid = ?::pg_catalog.oid)""";

  /**
   * The columns of the guard view named {@code $1} ({@link CapturePrinter#guardView}), in order: the source's
   * names when capture was last set up, in source order.
   */
  public static final String GUARD_COLUMNS = """
      SELECT a.attname
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'freshet_changes' AND c.relname = ? AND c.relkind = 'v' AND a.attnum > 0
      ORDER BY a.attnum""";

  /** Whether the guard view named {@code $1} exists. */
  public static final String GUARD_EXISTS = """
      SELECT EXISTS (
        SELECT FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'freshet_changes' AND c.relname = ? AND c.relkind = 'v')""";

  /**
   * {@code WITH RECURSIVE ... related (relid)}: the tables whose statements change rows of the source {@code
   * sourceRelid} (SQL for its oid) without firing its statement triggers: its partitions and inheritance children at
   * every level (a statement may name them), and its ancestors (their statements reach the source's rows). Ordinary
   * and partitioned tables only; also apart, {@code descendants (relid)} (partitions and children) and {@code
   * ancestors (relid)}, as {@code freshet.change_buffers} records them (catalog V44). Read from {@code
   * freshet.related_tables} (R__refresh_functions.sql), which the capture check reads them from too. Shared by {@link
   * #RELATED_TABLES}, {@link #RECORD_RELATED}, {@link #LOST_RELATED} and {@link #REPLICA_MISSING}; {@code sourceRelid}
   * appears once.
   */
  private static String relatedCte(String sourceRelid) {
    return """
        WITH related_tables AS MATERIALIZED (
          SELECT t.relid, t.descendant FROM freshet.related_tables(%s) AS t
        ), descendants (relid) AS (
          SELECT relid FROM related_tables WHERE descendant
        ), ancestors (relid) AS (
          SELECT relid FROM related_tables WHERE NOT descendant
        ), related (relid) AS (
          SELECT relid FROM related_tables
        )""".formatted(sourceRelid);
  }

  /**
   * The rows of {@link #relatedCte} with the source's {@code freshet.change_buffers} row {@code cb}: the recorded
   * descendants and ancestors that are no longer so (detached, no longer inheriting, dropped), as {@code (relid,
   * descendant)}.
   */
  private static final String LOST = """
      SELECT x.relid, true FROM pg_catalog.unnest(cb.descendants) AS x(relid)
      WHERE x.relid NOT IN (SELECT relid FROM descendants)
      UNION ALL
      SELECT x.relid, false FROM pg_catalog.unnest(cb.ancestors) AS x(relid)
      WHERE x.relid NOT IN (SELECT relid FROM ancestors)""";

  /**
   * Records the tables related to the source {@code $1} as they are now (catalog V44): its descendants and ancestors
   * ({@link #relatedCte}), which {@link #NEEDING_RECONCILE} compares with the catalog at every refresh. A descendant
   * that is no longer one took its rows out of the source without a write to capture.
   */
  public static final String RECORD_RELATED = """
      UPDATE freshet.change_buffers AS cb
      SET (descendants, ancestors) = (
      %s
        SELECT ARRAY(SELECT relid FROM descendants ORDER BY relid),
               ARRAY(SELECT relid FROM ancestors ORDER BY relid))
      WHERE cb.source_relid = ?::pg_catalog.oid""".formatted(relatedCte("cb.source_relid").indent(2).stripTrailing());

  /**
   * {@link #RECORD_RELATED} for a buffer whose related tables are not recorded yet (a new one): recording them over
   * what was recorded would hide a table that left since, unless {@code ChangeCapture.reconcile} compares first.
   */
  public static final String RECORD_RELATED_IF_UNSET = RECORD_RELATED + "\n  AND cb.descendants IS NULL";

  /**
   * The recorded descendants and ancestors of the source {@code $1} that are no longer so ({@link #RECORD_RELATED}):
   * relation id, schema and name (NULL when the table was dropped), and whether it was a descendant; descendants
   * first, each in relation id order.
   */
  public static final String LOST_RELATED = """
      SELECT lost.relid, n.nspname, c.relname, lost.descendant
      FROM freshet.change_buffers AS cb
      CROSS JOIN LATERAL (
      %s
      %s) AS lost (relid, descendant)
      LEFT JOIN pg_catalog.pg_class c ON c.oid = lost.relid
      LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE cb.source_relid = ?::pg_catalog.oid
      ORDER BY lost.descendant DESC, lost.relid""".formatted(relatedCte("cb.source_relid").indent(2).stripTrailing(),
      LOST.indent(2).stripTrailing());

  /**
   * Whether the related table {@code related.relid} calls the source's TRUNCATE function from a trigger: the marker
   * trigger, whatever its name (older versions named it freshet_capture_direct). {@code truncateFunction}: SQL for
   * that function's signature as text ({@link #truncateFunctionSignature}). Shared as {@link #relatedCte} is.
   */
  private static String marked(String truncateFunction) {
    return """
        EXISTS (SELECT FROM pg_catalog.pg_trigger t
                WHERE t.tgrelid = related.relid AND t.tgfoid = pg_catalog.to_regprocedure(%s))"""
        .formatted(truncateFunction);
  }

  /**
   * Those of the sources {@code $1} (an {@code oid[]}) whose capture must be reconciled, one statement for all the
   * sources of a refresh: those with a buffer whose guard view is gone, or whose guard view's columns are no longer
   * the first columns of the source, name for name, or whose columns are no longer laid out as the capture
   * functions were written for (a column dropped, a captured one retyped: the functions then write markers; or
   * capture set up before catalog V15, which records no layout), or with a related table that lacks the marker
   * trigger (created, attached or inheriting since), or with a recorded descendant or ancestor that is no longer one
   * (detached, no longer inheriting, dropped: catalog V44; these in {@code freshet.related_tables_changed}, called only
   * for a source that has or had such tables, or is one), or none recorded, or a table holding its rows without the
   * replica trigger ({@link #REPLICA_MISSING}; capture set up before V44), or one enabled as by default
   * ({@code ENABLE TRIGGER ALL} or {@code USER} sets every trigger so), or a TRUNCATE or marker trigger enabled so,
   * on a table this role owns (or is a member of the owner of: only an owner may enable a trigger so), or without a
   * trigger calling each of its capture functions (one dropped: catalog V45; found by function, as a user may rename
   * one). A trigger disabled is left as it is (a refresh recomputes
   * while it is: {@code freshet.capture_stamp}). One row per such source: its relation id.
   */
  public static final String NEEDING_RECONCILE = """
      SELECT r.relid
      FROM pg_catalog.unnest(?::pg_catalog.oid[]) AS r(relid)
      CROSS JOIN LATERAL (
        SELECT pg_catalog.to_regclass('freshet_changes.src_' || r.relid) AS buffer,
               pg_catalog.to_regclass('freshet_changes.src_' || r.relid || '_columns_in_use') AS guard
      ) AS o
      CROSS JOIN LATERAL (
        SELECT coalesce(pg_catalog.array_agg(a.attname ORDER BY a.attnum), '{}') AS names
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = o.guard AND a.attnum > 0
      ) AS guarded
      CROSS JOIN LATERAL (
        SELECT coalesce(pg_catalog.array_agg(a.attname ORDER BY a.attnum), '{}') AS names
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = r.relid AND a.attnum > 0 AND NOT a.attisdropped
      ) AS source
      LEFT JOIN freshet.change_buffers AS cb ON cb.source_relid = r.relid
      -- the source's row found by its oid (OFFSET 0: a join was planned as a hash of all of pg_class, 0.1-0.3 ms)
      LEFT JOIN LATERAL (
        SELECT c.relkind, c.relowner, c.relhassubclass FROM pg_catalog.pg_class c WHERE c.oid = r.relid OFFSET 0
      ) AS s ON true
      WHERE o.buffer IS NOT NULL
        AND (o.guard IS NULL
             OR guarded.names IS DISTINCT FROM source.names[1:pg_catalog.cardinality(guarded.names)]
             OR cb.captured_layout IS NULL
             OR cb.captured_layout IS DISTINCT FROM
      %s
             OR cb.descendants IS NULL OR cb.ancestors IS NULL
             -- a trigger calling each of its capture functions, whatever its name (one dropped: catalog V45)
             OR (SELECT pg_catalog.count(DISTINCT g.tgfoid) FROM pg_catalog.pg_trigger g
                 WHERE g.tgrelid = r.relid
                   AND g.tgfoid IN (SELECT p.oid FROM pg_catalog.pg_proc p
                                    WHERE p.proname IN (%s)
                                      AND p.pronamespace = pg_catalog.to_regnamespace('freshet_changes'))) < %d
             -- the source's own replica and TRUNCATE triggers (V44), by name: an index probe each
             OR (pg_catalog.pg_has_role(s.relowner, 'USAGE')
                 AND (s.relkind = 'r' AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g
                                                      WHERE g.tgrelid = r.relid
                                                        AND g.tgname = 'freshet_replica_src_' || r.relid
                                                        AND g.tgenabled IN ('R', 'D'))
                      OR EXISTS (SELECT FROM pg_catalog.pg_trigger g
                                 WHERE g.tgrelid = r.relid AND g.tgname = 'freshet_capture_trunc'
                                   AND g.tgenabled = 'O')))
             -- its partitions, children and parents, looked at only when it has or had some, or is one
             OR ((s.relhassubclass OR pg_catalog.cardinality(cb.descendants) > 0
                  OR pg_catalog.cardinality(cb.ancestors) > 0
                  OR EXISTS (SELECT FROM pg_catalog.pg_inherits i WHERE i.inhrelid = r.relid))
                 AND freshet.related_tables_changed(r.relid, cb.descendants, cb.ancestors)))""".formatted(
      CapturePrinter.currentLayoutSql("r.relid", "cb.captured_attnums").indent(15).stripTrailing(),
      Arrays.stream(CaptureEvent.values()).map(e -> "'src_' || r.relid || " + Quoting.literal("_" + e.suffix()))
          .collect(Collectors.joining(", ")),
      CaptureEvent.values().length);

  /**
   * {@link #NEEDING_RECONCILE} as one query for {@code freshet.refresh_window}: {@code $1} the sources' relation ids
   * (PostgreSQL's numbered parameter, not JDBC's {@code ?}); returns the array of those needing reconciliation, NULL
   * when none.
   *
   * @throws IllegalStateException if {@link #NEEDING_RECONCILE} takes a parameter besides the relation ids
   */
  public static String needingReconcileArray() {
    String query = NEEDING_RECONCILE.replace("?::pg_catalog.oid[]", "$1::pg_catalog.oid[]");
    if (query.contains("?")) {
      throw new IllegalStateException("NEEDING_RECONCILE has a parameter besides the relation ids");
    }
    return "SELECT pg_catalog.array_agg(needing.relid) FROM (\n" + query + "\n) AS needing";
  }

  /**
   * The tables related to the source ({@link #relatedCte}: {@code $1} the source's relation id), and whether each
   * carries the source's marker trigger ({@code $2}: {@link #truncateFunctionSignature}):
   * schema, name, and that boolean, in relation id order.
   */
  public static final String RELATED_TABLES = relatedCte("?::pg_catalog.oid") + """

      SELECT n.nspname, c.relname, %s
      FROM related
      JOIN pg_catalog.pg_class c ON c.oid = related.relid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      ORDER BY c.oid""".formatted(marked("?"));

  /**
   * The signature of the TRUNCATE capture function of the source {@code sourceRelid}, {@code
   * "freshet_changes"."src_R_trunc"()}, as {@code to_regprocedure} reads it: the value of {@link #RELATED_TABLES}'s
   * {@code $3}.
   */
  public static String truncateFunctionSignature(long sourceRelid) {
    return CapturePrinter.qualifiedFunction(sourceRelid, CaptureEvent.TRUNCATE) + "()";
  }

  /**
   * The marker triggers of the source's TRUNCATE function named {@code $1} ({@link CapturePrinter#functionName}) on
   * tables other than the source {@code $2}, and the replica triggers of its replica function named {@code $3}
   * ({@link CapturePrinter#replicaFunctionName}) on any table, also on tables no longer related (a detached partition
   * keeps its triggers): the table's schema and name, and the trigger's name.
   */
  public static final String MARKER_TRIGGERS = """
      SELECT n.nspname, c.relname, t.tgname
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
      JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
      WHERE fn.nspname = 'freshet_changes'
        AND (f.proname = ? AND t.tgrelid <> ?::pg_catalog.oid OR f.proname = ?)""";

  /**
   * What capture under {@code session_replication_role = replica} still lacks for the source {@code $1} (also {@code
   * $2}), as schema, table, trigger and what to do: {@code create} the replica trigger on each table
   * holding its rows (itself unless partitioned, its partitions and children at any level that are not partitioned)
   * without a trigger calling its replica function ({@code $3}, the signature as {@code to_regprocedure} reads it;
   * NULL when the function is not there yet, so that every such table is listed); {@code replica} for such a trigger
   * ({@code $4}, the same) enabled as by default or always (by {@code ENABLE TRIGGER ALL} or {@code USER});
   * {@code always} for each trigger calling its TRUNCATE function ({@code $5}) on it ({@code $6}) or a related table
   * that is enabled as by default (capture set up before catalog V44, or {@code ENABLE TRIGGER ALL}). Disabled
   * triggers are left as they are, and so are the tables this role does not own (nor is a member of the owner of):
   * {@code ALTER TABLE … ENABLE … TRIGGER} needs it, and creating a replica trigger that cannot be enabled for replica
   * mode would run a function at every row written.
   */
  public static final String REPLICA_MISSING = relatedCte("?::pg_catalog.oid") + """

      SELECT n.nspname, c.relname, NULL::pg_catalog.name, 'create'
      FROM (SELECT ?::pg_catalog.oid AS relid UNION SELECT relid FROM descendants) AS t
      JOIN pg_catalog.pg_class c ON c.oid = t.relid AND c.relkind = 'r' AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g
                        WHERE g.tgrelid = t.relid AND g.tgfoid = pg_catalog.to_regprocedure(?))
      UNION ALL
      SELECT n.nspname, c.relname, g.tgname, 'replica'
      FROM pg_catalog.pg_trigger g
      JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE g.tgfoid = pg_catalog.to_regprocedure(?) AND g.tgenabled IN ('O', 'A')
        AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
      UNION ALL
      SELECT n.nspname, c.relname, g.tgname, 'always'
      FROM pg_catalog.pg_trigger g
      JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE g.tgfoid = pg_catalog.to_regprocedure(?) AND g.tgenabled = 'O'
        AND (g.tgrelid = ?::pg_catalog.oid OR g.tgrelid IN (SELECT relid FROM related))
        AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
      ORDER BY 4, 1, 2, 3""";

  /**
   * The foreign tables among the partitions and inheritance children, at any level, of the tables {@code $1} (an
   * {@code oid[]}): a statement on such a table reads its rows, which change outside this database, where no trigger
   * sees them. Schema and name of the table, then of the foreign table, in that order.
   */
  public static final String FOREIGN_DESCENDANTS = """
      WITH RECURSIVE down (source, relid) AS (
        SELECT i.inhparent, i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = ANY (?::pg_catalog.oid[])
        UNION
        SELECT d.source, i.inhrelid FROM pg_catalog.pg_inherits i JOIN down d ON i.inhparent = d.relid
      )
      SELECT sn.nspname, s.relname, fn.nspname, f.relname
      FROM down d
      JOIN pg_catalog.pg_class f ON f.oid = d.relid AND f.relkind = 'f'
      JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
      JOIN pg_catalog.pg_class s ON s.oid = d.source
      JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
      ORDER BY 1, 2, 3, 4""";

  /**
   * The signature of the replica function of the source {@code sourceRelid}, as {@code to_regprocedure} reads it:
   * {@link #REPLICA_MISSING}'s {@code $4}.
   */
  public static String replicaFunctionSignature(long sourceRelid) {
    return CapturePrinter.qualifiedReplicaFunction(sourceRelid) + "()";
  }

  /**
   * Whether a logical replication subscription writes the source {@code $1} (also {@code $2}) or one of its partitions
   * or children: its apply worker fires only row triggers, enabled for
   * replica mode, which capture set up before catalog V44 lacked.
   */
  public static final String SUBSCRIBED = """
      SELECT EXISTS (SELECT FROM pg_catalog.pg_subscription_rel sr
                     WHERE sr.srrelid = ?::pg_catalog.oid
                        OR sr.srrelid IN (SELECT t.relid FROM freshet.related_tables(?::pg_catalog.oid) AS t
                                          WHERE t.descendant))""";

  /**
   * The columns of the source {@code $1} (dropped ones left out), in order, as PostgreSQL numbers and types them:
   * name, number, type oid, type modifier, collation oid ({@link SourceAttribute}).
   */
  public static final String SOURCE_ATTRIBUTES = """
      SELECT a.attname, a.attnum, a.atttypid::pg_catalog.int8, a.atttypmod, a.attcollation::pg_catalog.int8
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ?::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /**
   * The cleanup horizon of the source {@code $1}'s buffer, as {@code xid8} text, for {@link CapturePrinter#cleanup}:
   * the smallest xmax of its consumers' stored snapshots; NULL when a consumer was never refreshed (it keeps
   * everything); with no consumer at all, that of the current snapshot (nothing needs any row).
   *
   * <p>A row may go once every consumer's stored snapshot sees its transaction. Such a row's xid is below every
   * consumer's snapshot xmax, so the horizon bounds the DELETE to an index range over what may be deletable, instead
   * of a visibility test per consumer for every buffered row. It is passed as a value, so that the planner sees how
   * narrow that range is (a subquery is estimated as a third of the buffer).
   */
  public static final String CLEANUP_HORIZON = """
      SELECT (CASE WHEN count(*) = 0 THEN pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())
                   ELSE min(pg_catalog.pg_snapshot_xmax(st.last_snapshot)) END)::text
      FROM freshet.stream_table_sources s
      JOIN freshet.stream_tables st ON st.id = s.stream_table_id
      WHERE s.source_relid = ?::pg_catalog.oid""";

  /**
   * The readers of the source {@code $1} after DDL on its columns: per stream table reading it, its id and the
   * recorded numbers of the captured columns it must recompute for ({@code freshet.capture_ddl_columns}, catalog
   * V27; an {@code int2[]}, read before the new layout is recorded).
   */
  public static final String READERS_TO_RECOMPUTE = """
      SELECT s.stream_table_id, freshet.capture_ddl_columns(s.stream_table_id, s.source_relid)
      FROM freshet.stream_table_sources AS s
      WHERE s.source_relid = ?::pg_catalog.oid""";

  /**
   * Marks stream table {@code $2} so that its next refresh recomputes it in full, saying why ({@code $1}; catalog
   * V18's rebuild_step, which a refresh clears). A stream table that must be compiled again first (DDL on a type)
   * gets there after its compile, so it is left as it is.
   */
  public static final String MARK_RECOMPUTE = """
      UPDATE freshet.stream_tables
      SET rebuild_step = 'recompute', pending_rebuild = ? || ': its next refresh recomputes it in full'
      WHERE id = ? AND rebuild_step IS DISTINCT FROM 'compile'""";
}
