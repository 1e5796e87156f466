package dev.freshet.codegen.ddl;

import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the DDL of change capture (DESIGN.md §3): a source's change buffer, its four trigger
 * functions and the triggers that call them. Every statement is one string, to run on its own.
 *
 * <p>A source with relation id {@code R} gets the buffer {@code freshet_changes."src_R"}:
 * <pre>{@code
 * "__xid"      xid8    NOT NULL DEFAULT pg_current_xact_id()  -- the writing transaction
 * "__seq"      bigint  GENERATED ALWAYS AS IDENTITY           -- order within the buffer
 * "__w"        integer NOT NULL                               -- +1 inserted row, -1 deleted row, 0 TRUNCATE
 * "__truncate" boolean NOT NULL DEFAULT false                 -- a TRUNCATE marker (captured columns NULL)
 * "__at"       timestamptz NOT NULL DEFAULT now()              -- when (the writing transaction began)
 * captured columns, with the source's names and types
 * }</pre>
 * and statement-level {@code AFTER} triggers {@code freshet_capture_ins/_upd/_del/_trunc} calling
 * {@code freshet_changes."src_R_ins"()} and so on. The functions are {@code SECURITY DEFINER} with
 * {@code search_path} fixed to {@code pg_catalog, pg_temp} and JIT off, and name everything fully qualified except
 * the transition tables, which cannot be qualified. An UPDATE writes the old rows with weight −1, then
 * the new rows with weight +1.
 */
public final class CapturePrinter {

  /** The schema of change buffers and capture functions. */
  public static final String CHANGES_SCHEMA = "freshet_changes";

  /** The buffer's own columns, before the captured ones; a source column may not have these names. */
  public static final String XID = "__xid";
  public static final String SEQ = "__seq";
  public static final String WEIGHT = "__w";
  public static final String TRUNCATE = "__truncate";
  /** When the change was captured (its transaction's start): how long a stream table has been behind. */
  public static final String AT = "__at";
  public static final List<String> BUFFER_COLUMNS = List.of(XID, SEQ, WEIGHT, TRUNCATE, AT);

  private static final String NEW_TABLE = "freshet_new";
  private static final String OLD_TABLE = "freshet_old";
  private static final String NEW_ALIAS = "n";
  private static final String OLD_ALIAS = "o";

  /** Lines of column lists are wrapped before this width. */
  private static final int WIDTH = 100;

  private CapturePrinter() {
  }

  /** The buffer's name inside {@link #CHANGES_SCHEMA}: {@code src_<relid>}. */
  public static String bufferTable(long sourceRelid) {
    if (sourceRelid <= 0 || sourceRelid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("not a relation id: " + sourceRelid);
    }
    return "src_" + sourceRelid;
  }

  /** {@code "freshet_changes"."src_<relid>"}. */
  public static String qualifiedBufferTable(long sourceRelid) {
    return Quoting.qualified(CHANGES_SCHEMA, bufferTable(sourceRelid));
  }

  /** The capture function's name inside {@link #CHANGES_SCHEMA}: {@code src_<relid>_ins}, …. */
  public static String functionName(long sourceRelid, CaptureEvent event) {
    return bufferTable(sourceRelid) + "_" + event.suffix();
  }

  /** The buffer table, its index on {@code __xid} and on its TRUNCATE markers, and a comment naming the source. */
  public static List<String> createBuffer(long sourceRelid, String sourceSchema, String sourceTable,
      List<CapturedColumn> columns) {
    requireCapturable(columns.stream().map(CapturedColumn::name).toList());
    String buffer = qualifiedBufferTable(sourceRelid);
    List<String> lines = new ArrayList<>();
    lines.add(Quoting.identifier(XID) + " " + Quoting.qualified("pg_catalog", "xid8") + " NOT NULL DEFAULT "
        + Quoting.qualified("pg_catalog", "pg_current_xact_id") + "()");
    lines.add(Quoting.identifier(SEQ) + " bigint GENERATED ALWAYS AS IDENTITY");
    lines.add(Quoting.identifier(WEIGHT) + " integer NOT NULL");
    lines.add(Quoting.identifier(TRUNCATE) + " boolean NOT NULL DEFAULT false");
    lines.add(Quoting.identifier(AT) + " timestamp with time zone NOT NULL DEFAULT "
        + Quoting.qualified("pg_catalog", "now") + "()");
    columns.forEach(column -> lines.add(columnDefinition(column)));
    String create = "CREATE TABLE " + buffer + " (\n  " + String.join(",\n  ", lines) + "\n)";
    String index = "CREATE INDEX " + Quoting.identifier(bufferTable(sourceRelid) + "_xid_idx") + " ON " + buffer
        + " (" + Quoting.identifier(XID) + ")";
    return List.of(create, index, truncateMarkerIndex(sourceRelid), comment(sourceRelid, sourceSchema, sourceTable));
  }

  /**
   * Deletes the buffer rows of a source that every stream table reading it has seen: below the horizon
   * (parameters 1 and 2, the smallest xmax of their last snapshots; {@code xid8} text) and visible in each of
   * those snapshots (parameters 3 and 4: the source's relation id). A row below the smallest xmin of those
   * snapshots is visible in all of them (its transaction ended before any of them was taken, and an
   * aborted transaction's rows are dead), so only the rows between the smallest xmin and the horizon are
   * tested snapshot by snapshot: a third of the time of testing every row (36,000 rows, nine stream tables).
   * The last snapshot of a stream table never refreshed is NULL: its smallest xmin is unknown and every
   * row is tested, which keeps them all.
   */
  public static String cleanup(long sourceRelid) {
    String xid = Quoting.identifier(XID);
    // The first condition holds no column of b: PostgreSQL checks it once, reading the oldest row through the
    // index on the transaction id, and scans nothing when no row is older than the horizon, which is most
    // cleanups (a row becomes deletable only when its last consumer has read it). Without it the DELETE was
    // planned from statistics of rows long deleted, as a scan of the whole buffer: 8-10 ms a refresh at SF-1.
    return """
        DELETE FROM %1$s AS b
        WHERE (SELECT pg_catalog.min(o.%2$s) FROM %1$s AS o) < ?::pg_catalog.xid8
          AND b.%2$s < ?::pg_catalog.xid8
          AND (b.%2$s < (SELECT pg_catalog.min(pg_catalog.pg_snapshot_xmin(st.last_snapshot))
                         FROM freshet.stream_table_sources s
                         JOIN freshet.stream_tables st ON st.id = s.stream_table_id
                         WHERE s.source_relid = ?::pg_catalog.oid
                         HAVING pg_catalog.bool_and(st.last_snapshot IS NOT NULL))
               OR NOT EXISTS (
                 SELECT
                 FROM freshet.stream_table_sources s
                 JOIN freshet.stream_tables st ON st.id = s.stream_table_id
                 WHERE s.source_relid = ?::pg_catalog.oid
                   AND (st.last_snapshot IS NULL OR NOT pg_catalog.pg_visible_in_snapshot(b.%2$s, st.last_snapshot))))"""
        .formatted(qualifiedBufferTable(sourceRelid), xid);
  }

  /**
   * {@link #cleanup} for {@code freshet.refresh}, with PostgreSQL's numbered parameters: {@code $1} the source's
   * relation id, {@code $2} the horizon ({@code CaptureCatalogSql.CLEANUP_HORIZON}).
   */
  public static String cleanupForRefresh(long sourceRelid) {
    return cleanup(sourceRelid)
        .replace("?::pg_catalog.xid8", "$2::pg_catalog.xid8").replace("?::pg_catalog.oid", "$1::pg_catalog.oid");
  }

  /** Forgets the buffer of the source with relation id {@code $1} in the catalog (its table is dropped apart). */
  public static final String FORGET_BUFFER =
      "DELETE FROM freshet.change_buffers WHERE source_relid = ?::pg_catalog.oid";

  /**
   * A partial index on the buffer's TRUNCATE markers: a refresh asks whether its window holds one, and
   * without it would read the whole window to learn that it does not (see ChangeTablePrinter#windowCounts).
   */
  public static String truncateMarkerIndex(long sourceRelid) {
    return "CREATE INDEX IF NOT EXISTS " + Quoting.identifier(bufferTable(sourceRelid) + "_truncate_idx") + " ON "
        + qualifiedBufferTable(sourceRelid) + " (" + Quoting.identifier(XID) + ") WHERE " + Quoting.identifier(TRUNCATE);
  }

  private static String comment(long sourceRelid, String sourceSchema, String sourceTable) {
    String buffer = qualifiedBufferTable(sourceRelid);
    return "COMMENT ON TABLE " + buffer + " IS " + Quoting.literal("Freshet change buffer of "
        + Quoting.qualified(sourceSchema, sourceTable) + " (relation id " + sourceRelid + ")");
  }

  /**
   * Widens a buffer by {@code columns}. Rows already buffered get NULL in them, so the caller must
   * know that no consumer that needs these columns will read those rows.
   */
  public static String addColumns(long sourceRelid, List<CapturedColumn> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("no columns to add");
    }
    requireCapturable(columns.stream().map(CapturedColumn::name).toList());
    return "ALTER TABLE " + qualifiedBufferTable(sourceRelid) + "\n  "
        + columns.stream().map(column -> "ADD COLUMN " + columnDefinition(column))
            .collect(Collectors.joining(",\n  "));
  }

  /**
   * The four capture functions ({@code CREATE OR REPLACE}, so this also rewrites them after a
   * widening), then the revocation of their default {@code EXECUTE} privilege from {@code PUBLIC}.
   *
   * <p>They read the transition tables by column position, not name ({@code FROM "freshet_new" AS
   * "n"("1", "2", "3")}, then {@code "n"."3"}), so a {@code RENAME COLUMN} on the source does not
   * break every write to it. Nothing stops the application from dropping a column or changing a
   * column's type ({@code ALTER COLUMN … TYPE}), which would shift the positions or change what they
   * hold: so each function first compares the source's columns with the layout it was written for
   * ({@link #layout}: the numbers of the columns up to the last captured one, and the type, modifier and
   * collation of each captured one). When they differ, it reads each captured column that is still there
   * with its type where it is now, and NULL for one dropped or retyped ({@link #followDdl}); the next refresh
   * writes it anew for the new layout, and only the stream tables reading such a column recompute. When the
   * guard view is gone, it writes a TRUNCATE marker instead of reading rows, and the application's write
   * goes on; the next refresh rebuilds capture ({@code ChangeCapture.reconcile}) and recomputes every stream
   * table reading the source. PL/pgSQL plans a statement when it first runs it, so the reads by position are
   * never planned for a layout they were not written for. Each statement names the guard view, which
   * reads the source, so that a change of the source also invalidates their plans.
   *
   * @param columns the captured columns, in buffer order
   * @param source the source's columns in order (dropped ones left out), at least up to the last captured one
   */
  public static List<String> createFunctions(long sourceRelid, List<String> columns, List<SourceAttribute> source) {
    requireCapturable(columns);
    List<String> sourceColumns = source.stream().map(SourceAttribute::name).toList();
    List<Integer> positions = new ArrayList<>();
    for (String column : columns) {
      int position = sourceColumns.indexOf(column) + 1;
      if (position == 0) {
        throw new IllegalArgumentException("captured column " + Quoting.identifier(column)
            + " is not a column of the source");
      }
      positions.add(position);
    }
    int width = positions.stream().mapToInt(Integer::intValue).max().orElse(0);
    String buffer = qualifiedBufferTable(sourceRelid);
    String insertInto = "INSERT INTO " + buffer + " (";
    String insert = insertInto + wrap(Stream.concat(Stream.of(WEIGHT), columns.stream())
        .map(Quoting::identifier).toList(), 2 + insertInto.length(), "    ") + ")";
    String guarded = "\n  WHERE NOT EXISTS (SELECT FROM " + qualifiedGuard(sourceRelid) + " WHERE false);";
    String deleted = insert + "\n  SELECT " + rowList("-1", OLD_ALIAS, positions) + "\n  FROM "
        + Quoting.identifier(OLD_TABLE) + " AS " + positionalAlias(OLD_ALIAS, width) + guarded;
    String inserted = insert + "\n  SELECT " + rowList("1", NEW_ALIAS, positions) + "\n  FROM "
        + Quoting.identifier(NEW_TABLE) + " AS " + positionalAlias(NEW_ALIAS, width) + guarded;
    String truncated = "INSERT INTO " + buffer + " (" + Quoting.identifier(WEIGHT) + ", "
        + Quoting.identifier(TRUNCATE) + ")\n  VALUES (0, true);";
    List<Integer> attnums = capturedAttnums(columns, source);
    String relid = Long.toString(sourceRelid) + "::pg_catalog.oid";
    String attnumArray = "(" + wrappedLiteral(attnumArray(attnums), "          ") + ")::pg_catalog.int2[]";
    String entries = "(" + wrappedLiteral(attnumArray(capturedEntryList(attnums, source)), "          ")
        + ")::pg_catalog.text[]";
    String insertDynamic = dynamicRows(insertInto, columns, "1", NEW_TABLE, NEW_ALIAS);
    String deleteDynamic = dynamicRows(insertInto, columns, "-1", OLD_TABLE, OLD_ALIAS);
    // Checked first: PL/pgSQL plans a statement when it first runs it, so the reads by position are
    // never planned once the layout changed, and the application's write goes through.
    String layoutChanged = "IF pg_catalog.to_regclass(" + Quoting.literal(qualifiedGuard(sourceRelid)) + ") IS NULL\n"
        + "     OR " + currentLayoutSql(relid, attnumArray).replace("\n", "\n        ")
        + "\n        IS DISTINCT FROM " + wrappedLiteral(layout(attnums, source), "          ") + " THEN\n";
    String marker = "    -- The guard view is gone: capture stops safely; the marker makes the next refresh rebuild\n"
        + "    -- capture and recompute every stream table reading the source.\n"
        + "    " + truncated.replace("\n  ", "\n    ") + "\n    RETURN NULL;\n  END IF;";
    List<String> statements = new ArrayList<>();
    statements.add(function(sourceRelid, CaptureEvent.INSERT, List.of(BY_POSITION,
        layoutChanged + followDdl(sourceRelid, attnums, relid, attnumArray, entries, List.of(insertDynamic))
            + marker, inserted)));
    statements.add(function(sourceRelid, CaptureEvent.UPDATE, List.of(BY_POSITION,
        layoutChanged + followDdl(sourceRelid, attnums, relid, attnumArray, entries,
            List.of(deleteDynamic, insertDynamic)) + marker, deleted, inserted)));
    statements.add(function(sourceRelid, CaptureEvent.DELETE, List.of(BY_POSITION,
        layoutChanged + followDdl(sourceRelid, attnums, relid, attnumArray, entries, List.of(deleteDynamic))
            + marker, deleted)));
    statements.add(function(sourceRelid, CaptureEvent.TRUNCATE, List.of(truncated)));
    statements.add("REVOKE ALL ON FUNCTION\n  " + functionList(sourceRelid) + "\nFROM PUBLIC");
    return statements;
  }

  /**
   * Words of the capture functions that follow DDL on the source's columns ({@link #followDdl}); {@code
   * freshet.capture_ddl_reason} (catalog V27, R__refresh_functions.sql) looks for the same words.
   */
  public static final String FOLLOWS_DDL_MARK = "is read where it is now";

  /**
   * The branch of a capture function taken when the source's layout changed (a column up to the last
   * captured one dropped, a captured one retyped) while the guard view is there. Each captured column still
   * there under its number with its recorded type, modifier and collation is read at its position now (the
   * n-th column not dropped is the n-th of a transition table); one dropped, or of another type, is NULL. The
   * rows are read by a statement run with {@code EXECUTE}, planned for this call only. So the application's
   * writes between such DDL and the next refresh are captured row by row: that refresh writes the functions
   * anew for the new layout ({@code ChangeCapture.reconcile}), and only the stream tables that read a column
   * dropped or retyped recompute ({@code freshet.capture_ddl_reason}). Empty when nothing is captured (the
   * layout is then empty and never changes).
   *
   * @param entries SQL for a {@code text[]} of each captured column's {@link #layout} entry, in buffer order
   * @param statements the {@link #dynamicRows} statements to run, in order
   */
  private static String followDdl(long sourceRelid, List<Integer> attnums, String relid, String attnumArray,
      String entries, List<String> statements) {
    if (attnums.isEmpty()) {
      return "";
    }
    int last = attnums.stream().mapToInt(Integer::intValue).max().orElseThrow();
    String positions = "ARRAY(\n"
        + "          SELECT CASE WHEN EXISTS (\n"
        + "                   SELECT FROM pg_catalog.pg_attribute AS a\n"
        + "                   WHERE a.attrelid = " + relid + " AND a.attnum = k.attnum\n"
        + "                     AND NOT a.attisdropped\n"
        + "                     AND a.attnum::pg_catalog.text || ':' || a.atttypid::pg_catalog.int8 || ':'\n"
        + "                         || a.atttypmod || ':' || a.attcollation::pg_catalog.int8 = k.entry)\n"
        + "                 THEN pg_catalog.quote_ident((SELECT pg_catalog.count(*)\n"
        + "                                              FROM pg_catalog.pg_attribute AS a\n"
        + "                                              WHERE a.attrelid = " + relid + " AND a.attnum > 0\n"
        + "                                                AND NOT a.attisdropped\n"
        + "                                                AND a.attnum <= k.attnum)::pg_catalog.text) END\n"
        + "          FROM ROWS FROM (pg_catalog.unnest(" + attnumArray.replace("\n", "\n        ") + "),\n"
        + "                          pg_catalog.unnest(" + entries.replace("\n", "\n                    ") + "))\n"
        + "            WITH ORDINALITY AS k(attnum, entry, i)\n"
        + "          ORDER BY k.i)";
    String width = "(\n"
        + "          SELECT '(' || pg_catalog.string_agg(pg_catalog.quote_ident(g::pg_catalog.text), ', ')\n"
        + "                 || ')'\n"
        + "          FROM pg_catalog.generate_series(1, (SELECT pg_catalog.count(*)::pg_catalog.int4\n"
        + "                                              FROM pg_catalog.pg_attribute AS a\n"
        + "                                              WHERE a.attrelid = " + relid + " AND a.attnum > 0\n"
        + "                                                AND NOT a.attisdropped AND a.attnum <= " + last
        + ")) AS g)";
    return "    IF pg_catalog.to_regclass(" + Quoting.literal(qualifiedGuard(sourceRelid)) + ") IS NOT NULL THEN\n"
        + "      -- Columns were dropped or changed type since this was written: each captured column\n"
        + "      -- still there with its type " + FOLLOWS_DDL_MARK + " (found by its number),\n"
        + "      -- one dropped or retyped is NULL (the stream tables reading it recompute), until the next\n"
        + "      -- refresh writes this function anew.\n"
        + "      DECLARE\n"
        + "        v_at pg_catalog.text[] := " + positions + ";\n"
        + "        v_width pg_catalog.text := " + width + ";\n"
        + "      BEGIN\n"
        + "        " + String.join("\n        ", statements) + "\n"
        + "        RETURN NULL;\n"
        + "      END;\n"
        + "    END IF;\n";
  }

  /**
   * {@code EXECUTE} of an INSERT of the rows of transition table {@code table} into the buffer with weight
   * {@code weight}, reading each captured column at its position in the variable {@code v_at} ({@code "3"},
   * NULL for none), under the alias list of every position up to the last captured one (the variable {@code
   * v_width}, {@code ("1", "2", "3")}; NULL when there is none).
   */
  private static String dynamicRows(String insertInto, List<String> columns, String weight, String table,
      String alias) {
    String head = insertInto + Stream.concat(Stream.of(WEIGHT), columns.stream()).map(Quoting::identifier)
        .collect(Collectors.joining(", ")) + ") ";
    return "EXECUTE " + wrappedLiteral(head, "          ") + "\n"
        + "          || " + Quoting.literal("SELECT " + weight)
        + " || (SELECT pg_catalog.string_agg(', ' || COALESCE(" + Quoting.literal(Quoting.identifier(alias) + ".")
        + " || p, 'NULL'), ''\n"
        + "                                           ORDER BY x.i)\n"
        + "              FROM pg_catalog.unnest(v_at) WITH ORDINALITY AS x(p, i))\n"
        + "          || " + Quoting.literal(" FROM " + Quoting.identifier(table) + " AS " + Quoting.identifier(alias))
        + " || COALESCE(v_width, '');";
  }

  /** Each captured column's {@link #layout} entry ({@code 4:1043:44:950}), in the order of {@code capturedAttnums}. */
  public static List<String> capturedEntryList(List<Integer> capturedAttnums, List<SourceAttribute> source) {
    return capturedAttnums.stream()
        .map(attnum -> source.stream().filter(a -> a.attnum() == attnum).findFirst().orElseThrow())
        .map(a -> a.attnum() + ":" + a.typeId() + ":" + a.typmod() + ":" + a.collationId())
        .toList();
  }

  /** The source column numbers of {@code captured}, in the same order. */
  public static List<Integer> capturedAttnums(List<String> captured, List<SourceAttribute> source) {
    List<Integer> attnums = new ArrayList<>();
    for (String column : captured) {
      attnums.add(source.stream().filter(a -> a.name().equals(column)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("captured column " + Quoting.identifier(column)
              + " is not a column of the source"))
          .attnum());
    }
    return attnums;
  }

  /**
   * The layout capture functions are written for: for each of the source's columns (dropped ones left
   * out) up to the last captured one, its number, and for a captured one also its type, modifier and
   * collation ({@code 1:23:-1:0,2,3:25:-1:100}). {@link #currentLayoutSql} computes the same text from
   * the catalog; empty when nothing is captured.
   *
   * @param capturedAttnums the captured columns' numbers
   * @param source the source's columns (at least those up to the last captured one)
   */
  public static String layout(List<Integer> capturedAttnums, List<SourceAttribute> source) {
    int last = capturedAttnums.stream().mapToInt(Integer::intValue).max().orElse(0);
    return source.stream()
        .filter(a -> a.attnum() <= last)
        .sorted(java.util.Comparator.comparingInt(SourceAttribute::attnum))
        .map(a -> capturedAttnums.contains(a.attnum())
            ? a.attnum() + ":" + a.typeId() + ":" + a.typmod() + ":" + a.collationId()
            : Integer.toString(a.attnum()))
        .collect(Collectors.joining(","));
  }

  /**
   * A scalar subquery computing {@link #layout} from the catalog, now: {@code relid} is SQL for the
   * source's oid, {@code capturedAttnums} SQL for an {@code int2[]} of the captured columns' numbers.
   */
  public static String currentLayoutSql(String relid, String capturedAttnums) {
    return "(SELECT COALESCE(pg_catalog.string_agg(a.attnum::pg_catalog.text\n"
        + "          || CASE WHEN a.attnum = ANY (" + capturedAttnums + ")\n"
        + "                  THEN ':' || a.atttypid::pg_catalog.int8 || ':' || a.atttypmod || ':'\n"
        + "                       || a.attcollation::pg_catalog.int8\n"
        + "                  ELSE '' END, ',' ORDER BY a.attnum), '')\n"
        + " FROM pg_catalog.pg_attribute AS a\n"
        + " WHERE a.attrelid = " + relid + " AND a.attnum > 0 AND NOT a.attisdropped\n"
        + "   AND a.attnum <= (SELECT pg_catalog.max(x)\n"
        + "                    FROM pg_catalog.unnest(" + capturedAttnums + ") AS x))";
  }

  /**
   * A string literal, as {@code 'a,b' || 'c'} over several lines when long (cut after commas), so that
   * no line of a function gets too long; the lines after the first start with {@code indent}.
   */
  private static String wrappedLiteral(String text, String indent) {
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    for (String item : text.split("(?<=,)")) {
      if (piece.length() > 0 && piece.length() + item.length() > 40) {
        pieces.add(Quoting.literal(piece.toString()));
        piece.setLength(0);
      }
      piece.append(item);
    }
    pieces.add(Quoting.literal(piece.toString()));
    return String.join("\n" + indent + "|| ", pieces);
  }

  /** {@code {2,3}}: the text of an {@code int2[]} (or of a {@code text[]} of items that need no quotes). */
  public static String attnumArray(List<?> attnums) {
    return attnums.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
  }

  /** Words of {@link #BY_POSITION} that tell functions reading by position from older ones. */
  public static final String BY_POSITION_MARK = "Source columns are read by position";

  /**
   * Whether the capture function named {@code $1} holds the text {@code $2} (a LIKE pattern): which of the marks
   * above the function an earlier Freshet wrote carries.
   */
  public static final String FUNCTION_HOLDS = """
      SELECT EXISTS (
        SELECT FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'freshet_changes' AND p.proname = ? AND p.prosrc LIKE ?)""";

  /** The comment that opens the body of a function reading rows (names would not be safe in it). */
  private static final String BY_POSITION = "-- " + BY_POSITION_MARK + ": renaming one does not break capture.\n"
      + "  -- When a captured column is no longer the one it was written for, capture stops with a marker.";

  /** {@code "n"("1", "2", …, "width")}, or {@code "n"} when no column is read. */
  private static String positionalAlias(String alias, int width) {
    if (width == 0) {
      return Quoting.identifier(alias);
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= width; i++) {
      names.add(Quoting.identifier(Integer.toString(i)));
    }
    return Quoting.identifier(alias) + "(" + wrap(names, 40, "    ") + ")";
  }

  /**
   * The columns the guard view must cover: the source's columns (in order, dropped ones left out) up
   * to the last of {@code captured}, so that none of them can be dropped and positions stay put.
   */
  public static List<String> guardedColumns(List<String> captured, List<String> sourceColumns) {
    int last = captured.stream().mapToInt(sourceColumns::indexOf).max().orElse(-1);
    return List.copyOf(sourceColumns.subList(0, last + 1));
  }

  /** The trigger on the source that calls the capture function of {@code event}. */
  public static String createTrigger(long sourceRelid, String sourceSchema, String sourceTable, CaptureEvent event) {
    String referencing = switch (event) {
      case INSERT -> "REFERENCING NEW TABLE AS " + Quoting.identifier(NEW_TABLE) + "\n";
      case UPDATE -> "REFERENCING OLD TABLE AS " + Quoting.identifier(OLD_TABLE) + " NEW TABLE AS "
          + Quoting.identifier(NEW_TABLE) + "\n";
      case DELETE -> "REFERENCING OLD TABLE AS " + Quoting.identifier(OLD_TABLE) + "\n";
      case TRUNCATE -> "";
    };
    return "CREATE TRIGGER " + Quoting.identifier(event.triggerName()) + "\n"
        + "AFTER " + event.name() + " ON " + Quoting.qualified(sourceSchema, sourceTable) + "\n"
        + referencing
        + "FOR EACH STATEMENT\n"
        + "EXECUTE FUNCTION " + qualifiedFunction(sourceRelid, event) + "()";
  }

  /** All four triggers, in {@link CaptureEvent} order. */
  public static List<String> createTriggers(long sourceRelid, String sourceSchema, String sourceTable) {
    return Stream.of(CaptureEvent.values())
        .map(event -> createTrigger(sourceRelid, sourceSchema, sourceTable, event)).toList();
  }

  /**
   * The name of the marker trigger for the source {@code sourceRelid} (see {@link #createMarkerTrigger}).
   * Capture set up by older versions named it {@code freshet_capture_direct}; both are recognized by
   * the function they call.
   */
  public static String markerTrigger(long sourceRelid) {
    return "freshet_mark_" + bufferTable(sourceRelid);
  }

  /**
   * The trigger on a table related to the source by partitioning or inheritance, whose statements
   * change the source's rows without firing the source's statement triggers: a partition or
   * inheritance child at any level (a statement may name it directly; {@code SELECT … FROM source}
   * reads its rows), and an ancestor of the source ({@code UPDATE parent} changes rows of the source,
   * firing only the parent's statement triggers). The trigger writes a TRUNCATE marker (the source's
   * TRUNCATE function), so the next refresh of every stream table reading the source recomputes in
   * full: slower, never wrong. Statements naming the source fire only the source's triggers.
   */
  public static String createMarkerTrigger(long sourceRelid, String relatedSchema, String relatedTable) {
    return "CREATE TRIGGER " + Quoting.identifier(markerTrigger(sourceRelid)) + "\n"
        + "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + Quoting.qualified(relatedSchema, relatedTable) + "\n"
        + "FOR EACH STATEMENT\n"
        + "EXECUTE FUNCTION " + qualifiedFunction(sourceRelid, CaptureEvent.TRUNCATE) + "()";
  }

  /**
   * {@code ALTER TABLE … ENABLE ALWAYS TRIGGER}: a TRUNCATE trigger or a marker trigger that fires under {@code
   * session_replication_role = replica} too (a session that set it, logical replication's apply worker), where a
   * trigger enabled as by default does not: a TRUNCATE or a write there would otherwise go unseen.
   */
  public static String enableAlways(String trigger, String schema, String table) {
    return "ALTER TABLE " + Quoting.qualified(schema, table) + " ENABLE ALWAYS TRIGGER " + Quoting.identifier(trigger);
  }

  /** {@code ALTER TABLE … ENABLE REPLICA TRIGGER}: a replica trigger ({@link #createReplicaTrigger}) fires so only. */
  public static String enableReplica(String trigger, String schema, String table) {
    return "ALTER TABLE " + Quoting.qualified(schema, table) + " ENABLE REPLICA TRIGGER " + Quoting.identifier(trigger);
  }

  /** The replica function's name inside {@link #CHANGES_SCHEMA}: {@code src_<relid>_replica}. */
  public static String replicaFunctionName(long sourceRelid) {
    return bufferTable(sourceRelid) + "_replica";
  }

  /** {@code "freshet_changes"."src_<relid>_replica"}, without the argument list. */
  public static String qualifiedReplicaFunction(long sourceRelid) {
    return Quoting.qualified(CHANGES_SCHEMA, replicaFunctionName(sourceRelid));
  }

  /**
   * The name of the replica trigger for the source {@code sourceRelid} ({@link #createReplicaTrigger}), on the source
   * and on each of its partitions and children that holds rows: {@code freshet_replica_src_<relid>}, a name of its own
   * per source, since a table may hold the rows of several sources (a partition that is a source too).
   */
  public static String replicaTrigger(long sourceRelid) {
    return "freshet_replica_" + bufferTable(sourceRelid);
  }

  /**
   * The function of the replica triggers: writes a TRUNCATE marker into the source's buffer, once per transaction
   * (the buffer's partial index on markers finds one already written), so that the next refresh of every stream
   * table reading the source recomputes in full. Under {@code session_replication_role = replica} the statement
   * triggers that capture rows do not fire, and logical replication's apply worker fires row triggers only
   * (PostgreSQL documents both): without it such writes were never seen. Then its revocation from {@code PUBLIC}.
   */
  public static List<String> createReplicaFunction(long sourceRelid) {
    String buffer = qualifiedBufferTable(sourceRelid);
    String body = "BEGIN\n"
        + "  -- a write under session_replication_role = replica (logical replication's apply worker, a session that\n"
        + "  -- set it), which the statement triggers do not see: the readers of the source recompute. Nothing in\n"
        + "  -- the default mode, where they do, should ENABLE TRIGGER ALL have enabled this trigger for it too\n"
        + "  IF " + Quoting.qualified("pg_catalog", "current_setting") + "('session_replication_role') <> 'replica' THEN\n"
        + "    RETURN NULL;\n"
        + "  END IF;\n"
        + "  IF NOT EXISTS (SELECT FROM " + buffer + " AS b\n"
        + "                 WHERE b." + Quoting.identifier(XID) + " = " + Quoting.qualified("pg_catalog", "pg_current_xact_id")
        + "() AND b." + Quoting.identifier(TRUNCATE) + ") THEN\n"
        + "    " + truncateMarker(sourceRelid) + ";\n"
        + "  END IF;\n"
        + "  RETURN NULL;\n"
        + "END\n";
    String function = qualifiedReplicaFunction(sourceRelid);
    return List.of("CREATE OR REPLACE FUNCTION " + function + "()\n"
            + "RETURNS trigger\n"
            + "LANGUAGE plpgsql\n"
            + "SECURITY DEFINER\n"
            + "SET search_path = " + Quoting.identifier("pg_catalog") + ", " + Quoting.identifier("pg_temp") + "\n"
            + "AS " + Quoting.dollarQuoted("\n" + body),
        "REVOKE ALL ON FUNCTION " + function + "() FROM PUBLIC");
  }

  /**
   * The replica trigger on {@code table} (the source, or a partition or child of it that holds rows: not a
   * partitioned table, whose row triggers PostgreSQL would copy onto every partition under one name): a row trigger
   * that fires only under {@code session_replication_role = replica} ({@code ENABLE REPLICA}), where the statement
   * triggers do not, calling {@link #createReplicaFunction}'s function. Two statements.
   */
  public static List<String> createReplicaTrigger(long sourceRelid, String schema, String table) {
    String trigger = Quoting.identifier(replicaTrigger(sourceRelid));
    return List.of("CREATE TRIGGER " + trigger + "\n"
            + "AFTER INSERT OR UPDATE OR DELETE ON " + Quoting.qualified(schema, table) + "\n"
            + "FOR EACH ROW\n"
            + "EXECUTE FUNCTION " + qualifiedReplicaFunction(sourceRelid) + "()",
        enableReplica(replicaTrigger(sourceRelid), schema, table));
  }

  /** Drops a marker trigger named {@code trigger} from a related table. */
  public static String dropMarkerTrigger(String trigger, String relatedSchema, String relatedTable) {
    return "DROP TRIGGER IF EXISTS " + Quoting.identifier(trigger) + " ON "
        + Quoting.qualified(relatedSchema, relatedTable);
  }

  /** Drops the four triggers from the source (which must exist). */
  public static List<String> dropTriggers(String sourceSchema, String sourceTable) {
    return Stream.of(CaptureEvent.values())
        .map(event -> "DROP TRIGGER IF EXISTS " + Quoting.identifier(event.triggerName()) + " ON "
            + Quoting.qualified(sourceSchema, sourceTable))
        .toList();
  }

  /**
   * The guard view: one column named after each of the source's columns up to the last captured one
   * ({@link #guardedColumns}), as they were named when capture was last set up. It reads no column of
   * the source (its columns are NULL constants, and it has no rows), so it refuses no DDL on the
   * source's columns: dropping or retyping one is the capture functions' to notice ({@link
   * #createFunctions}). Its names tell a later refresh that columns were renamed since; it depends on
   * the source, so {@code DROP TABLE} of the source needs {@code CASCADE}, and the capture functions'
   * plans are invalidated by any change of the source.
   */
  public static List<String> createGuard(long sourceRelid, String sourceSchema, String sourceTable,
      List<String> columns) {
    // Dropped and created, not replaced: a replacement cannot rename the view's columns.
    return List.of("DROP VIEW IF EXISTS " + qualifiedGuard(sourceRelid),
        "CREATE VIEW " + qualifiedGuard(sourceRelid) + " AS\nSELECT "
            + columns.stream().map(column -> "NULL::pg_catalog.text AS " + Quoting.identifier(column))
                .collect(Collectors.joining(", "))
            + "\nFROM ONLY " + Quoting.qualified(sourceSchema, sourceTable) + "\nWHERE false");
  }

  public static String qualifiedGuard(long sourceRelid) {
    return Quoting.qualified(CHANGES_SCHEMA, guardView(sourceRelid));
  }

  /** The guard view's name inside {@link #CHANGES_SCHEMA}: {@code src_<relid>_columns_in_use}. */
  public static String guardView(long sourceRelid) {
    return bufferTable(sourceRelid) + "_columns_in_use";
  }

  /** Drops a captured column the source no longer has from the buffer of {@code sourceRelid}. */
  public static String dropBufferColumn(long sourceRelid, String column) {
    return "ALTER TABLE " + qualifiedBufferTable(sourceRelid) + " DROP COLUMN " + Quoting.identifier(column);
  }

  /** Renames a captured column of the buffer of {@code sourceRelid}. */
  public static String renameBufferColumn(long sourceRelid, String from, String to) {
    return "ALTER TABLE " + qualifiedBufferTable(sourceRelid) + " RENAME COLUMN " + Quoting.identifier(from) + " TO "
        + Quoting.identifier(to);
  }

  /** A TRUNCATE marker: every consumer's next refresh recomputes in full, as after a TRUNCATE. */
  public static String truncateMarker(long sourceRelid) {
    return "INSERT INTO " + qualifiedBufferTable(sourceRelid) + " (" + Quoting.identifier(WEIGHT) + ", "
        + Quoting.identifier(TRUNCATE) + ") VALUES (0, true)";
  }

  /** Drops the guard view, the functions, then the buffer; the triggers must be gone first. */
  public static List<String> dropFunctionsAndBuffer(long sourceRelid) {
    return List.of(
        "DROP VIEW IF EXISTS " + qualifiedGuard(sourceRelid),
        "DROP FUNCTION IF EXISTS\n  " + functionList(sourceRelid) + ",\n  " + qualifiedReplicaFunction(sourceRelid) + "()",
        "DROP TABLE IF EXISTS " + qualifiedBufferTable(sourceRelid));
  }

  /** The four functions with their (empty) argument lists, one per line. */
  private static String functionList(long sourceRelid) {
    return Stream.of(CaptureEvent.values()).map(event -> qualifiedFunction(sourceRelid, event) + "()")
        .collect(Collectors.joining(",\n  "));
  }

  /** {@code "freshet_changes"."src_<relid>_<suffix>"}, without the argument list. */
  public static String qualifiedFunction(long sourceRelid, CaptureEvent event) {
    return Quoting.qualified(CHANGES_SCHEMA, functionName(sourceRelid, event));
  }

  private static String function(long sourceRelid, CaptureEvent event, List<String> statements) {
    String body = "BEGIN\n  " + String.join("\n  ", statements) + "\n  RETURN NULL;\nEND\n";
    return "CREATE OR REPLACE FUNCTION " + qualifiedFunction(sourceRelid, event) + "()\n"
        + "RETURNS trigger\n"
        + "LANGUAGE plpgsql\n"
        + "SECURITY DEFINER\n"
        + "SET search_path = " + Quoting.identifier("pg_catalog") + ", " + Quoting.identifier("pg_temp") + "\n"
        // The guard's NOT EXISTS is costed as a scan of the whole source (never run: WHERE false), which puts
        // a big source's capture INSERT above jit_above_cost: every captured statement then JIT-compiled its
        // plan, about 3 ms (0.2 ms without) at TPC-H SF-1, the bulk of capture's cost for small transactions.
        + "SET jit = off\n"
        + "AS " + Quoting.dollarQuoted("\n" + body);
  }

  /** {@code <weight>, "alias"."3", "alias"."1"}, wrapped. */
  private static String rowList(String weight, String alias, List<Integer> positions) {
    List<String> items = new ArrayList<>();
    items.add(weight);
    positions.forEach(position -> items.add(Quoting.qualified(alias, Integer.toString(position))));
    return wrap(items, "  SELECT ".length(), "    ");
  }

  private static String columnDefinition(CapturedColumn column) {
    String definition = Quoting.identifier(column.name()) + " " + column.type();
    return column.collation().isEmpty() ? definition : definition + " COLLATE " + Quoting.qualified(column.collation());
  }

  /**
   * Joins with {@code ", "}, starting a new line (with {@code indent}) before a line gets too long;
   * the first line already holds {@code start} characters.
   */
  private static String wrap(List<String> items, int start, String indent) {
    StringBuilder out = new StringBuilder();
    int lineLength = start;
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      if (i > 0) {
        out.append(',');
        if (lineLength + item.length() + 2 > WIDTH - 1) {
          out.append('\n').append(indent);
          lineLength = indent.length();
        } else {
          out.append(' ');
          lineLength += 2;
        }
      }
      out.append(item);
      lineLength += item.length();
    }
    return out.toString();
  }

  private static void requireCapturable(List<String> columns) {
    for (String column : columns) {
      if (BUFFER_COLUMNS.contains(column)) {
        throw new IllegalArgumentException("a source column named " + Quoting.identifier(column)
            + " cannot be captured: change buffers use that name for their own column");
      }
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("captured columns repeat a name: " + columns);
    }
  }
}
