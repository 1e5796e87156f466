package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.sql.FreshetPostgresDialect;
import dev.freshet.codegen.sql.FunctionNamedIdentifiers;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * SQL that fills ΔR for one source and one refresh: the buffer rows of the window (DESIGN.md §3),
 * consolidated over the columns the stream table reads (or, for a window of one kind of change, as they are:
 * {@link #createAsIs}). A row updated in a column nobody reads cancels out here. Columns the stream table does not read are NULL. The window's bounds are
 * parameters: {@code $1} the current snapshot, {@code $2} the previous one (printed once, run at every
 * refresh by {@code freshet.refresh_window}).
 */
public final class ChangeTablePrinter {

  private ChangeTablePrinter() {
  }

  /** A source column: name, {@code format_type} text, whether this stream table reads it. */
  /**
   * A source column as the change table reads it.
   *
   * @param equality whether its type has an equality operator (json and point do not)
   * @param textDistinct whether equal values of its type can be told apart by their text ({@code 1.0} and
   *     {@code 1.000}, {@code {"n": 1.0}} and {@code {"n": 1}}, {@code 0} and {@code -0}, citext's cases):
   *     the change table must not merge them, since the query may show the difference
   */
  public record SourceColumn(String name, String type, boolean read, boolean equality, boolean textDistinct) {
    /** A column whose type has an equality operator under which equal values print alike. */
    public SourceColumn(String name, String type, boolean read) {
      this(name, type, read, true, false);
    }
  }

  /**
   * The window predicate over buffer alias {@code b}: visible now ($1), not visible at the last refresh
   * ($2). Its first two terms only serve the buffer's index on {@code __xid}, and are implied by the last: a
   * transaction below the last refresh's xmin had ended by then, so its rows were visible to it (or never
   * visible); and one between its xmin and xmax was visible to it unless it was in progress then, in its xip
   * list. So the window is the rows from the last refresh's xmax on, and those of the transactions in its xip
   * list: where a long transaction held the xmin back (an idle session in a transaction, a dump, a prepared
   * transaction), the rows since then that a lagging consumer still needs are not read again by every refresh
   * of the others (a probe of an empty window of TPC-H lineitem, 431,141 buffered rows behind such an xmin: 65 ms
   * as a scan from the xmin, 0.2 ms so). The xip list is read from the snapshot's text, which PostgreSQL folds
   * into a constant array when it plans the statement with the snapshot's value, as {@code EXECUTE ... USING}
   * does: both index ranges are then estimated, and the xmin's range is kept for plans made without the value.
   */
  public static String window() {
    return afterSnapshot("$2", "$2") + "\n"
        + "  AND pg_visible_in_snapshot(b.\"__xid\", $1::pg_snapshot)\n"
        + "  AND NOT pg_visible_in_snapshot(b.\"__xid\", $2::pg_snapshot)";
  }

  /**
   * The index-serving terms of a window over buffer alias {@code b} whose last snapshot is the parameter
   * {@code first}, and again {@code rest} (the same parameter, or JDBC's next {@code ?}): from its xmin, and from its
   * xmax or in its xip list (see {@link #window}).
   */
  private static String afterSnapshot(String first, String rest) {
    return "b.\"__xid\" >= pg_snapshot_xmin(" + first + "::pg_snapshot)\n"
        + "  AND (b.\"__xid\" >= pg_snapshot_xmax(" + rest + "::pg_snapshot)\n"
        + "    OR b.\"__xid\" = ANY (string_to_array(split_part(" + rest + "::pg_snapshot::text, ':', 3), ',')::xid8[]))";
  }

  /**
   * When the oldest change a stream table has not read yet was made (its transaction's start), or
   * NULL: the buffer rows committed since the snapshot bound as all four parameters (its last refresh's), read
   * as a window is ({@link #window}).
   */
  public static String oldestPending(String buffer) {
    return "SELECT min(b.\"__at\")\nFROM " + buffer + " AS b\n"
        + "WHERE " + afterSnapshot("?", "?") + "\n"
        + "  AND pg_visible_in_snapshot(b.\"__xid\", pg_current_snapshot())\n"
        + "  AND NOT pg_visible_in_snapshot(b.\"__xid\", ?::pg_snapshot)";
  }

  /**
   * The window's buffer rows and whether it holds a TRUNCATE marker: their count when $3 is true (AUTO
   * weighs it), else 0 or 1, whether there is one. Counting reads the whole window (9 ms for 36,000 TPC-H
   * lineitem changes); the probes stop at the first row, and the marker's at the buffer's partial index
   * on markers ({@link dev.freshet.codegen.ddl.CapturePrinter#createBuffer}). Each scalar sub-query runs
   * only when its CASE branch is taken.
   */
  public static String windowCounts(String buffer) {
    String from = "FROM " + buffer + " AS b\n      WHERE " + window().replace("\n", "\n      ");
    return "SELECT CASE WHEN $3::boolean\n"
        + "    THEN (SELECT count(*)\n      " + from + ")\n"
        + "    ELSE (SELECT count(*) FROM (SELECT\n      " + from + "\n      LIMIT 1) AS any_change)\n"
        + "  END,\n"
        + "  (SELECT count(*) FROM (SELECT\n      " + from + "\n        AND b.\"__truncate\"\n      LIMIT 1) AS marker)";
  }

  /**
   * The window's buffer rows, counted up to {@code $3} (catalog V37): whether a window is small enough for the session
   * form of a program ({@code SessionProgramPrinter}), read as an index range that stops there, however large the
   * window.
   */
  public static String windowRowsUpTo(String buffer) {
    return "SELECT count(*) FROM (SELECT\n  FROM " + buffer + " AS b\n  WHERE " + window().replace("\n", "\n  ")
        + "\n  LIMIT $3) AS w";
  }

  /** {@code CREATE TEMPORARY TABLE pg_temp."Δschema.table"} with the source's columns and {@code __w}. */
  public static String create(List<String> changeTableName, String buffer, List<SourceColumn> columns) {
    return create(changeTableName, buffer, columns, Optional.empty());
  }

  /**
   * {@link #create(List, String, List)} keeping only the buffered rows that pass {@code rowFilter}, a
   * filter over a scan of the source (SourceFilters: every row counting in the plan passes it). Its
   * condition is printed as in the delta queries, over the buffer's columns, which bear the source's names.
   */
  public static String create(List<String> changeTableName, String buffer, List<SourceColumn> columns,
      Optional<RelNode> rowFilter) {
    return consolidated(tableHead(changeTableName), buffer, "NOT b.\"__truncate\"\n  AND " + window(), columns,
        rowFilter);
  }

  /** {@code CREATE TEMPORARY TABLE "Δschema.table" ON COMMIT DROP AS}: the change table, gone at commit. */
  static String tableHead(List<String> changeTableName) {
    return "CREATE TEMPORARY TABLE " + q(changeTableName.get(changeTableName.size() - 1)) + " ON COMMIT DROP AS";
  }

  /**
   * {@code head}, then the rows of {@code from} (aliased {@code b}) that pass {@code where} and {@code rowFilter},
   * consolidated over the columns read (the other ones NULL of their type).
   */
  static String consolidated(String head, String from, String where, List<SourceColumn> columns,
      Optional<RelNode> rowFilter) {
    List<String> select = new ArrayList<>();
    List<String> groupBy = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      SourceColumn c = columns.get(i);
      if (c.read() && c.equality()) {
        select.add("b." + q(c.name()));
        groupBy.add(Integer.toString(i + 1));
        if (c.textDistinct()) {
          // an update from 1.0 to 1.000 is a change: x::text shows it, though the values are equal
          groupBy.add("b." + q(c.name()) + "::text");
        }
      } else if (c.read()) {
        // no equality (json, point): rows are told apart by the value's text, which PostgreSQL keeps as given
        select.add("(array_agg(b." + q(c.name()) + "))[1] AS " + q(c.name()));
        groupBy.add("b." + q(c.name()) + "::text");
      } else {
        select.add("NULL::" + c.type() + " AS " + q(c.name()));
      }
    }
    // integer, like the literal weight 1 of current-state rows: a UNION ALL of R and ΔR whose weight
    // types differ cannot be planned by PostgreSQL as one append, and loses the tables' indexes.
    select.add("sum(b.\"__w\")::integer AS \"__w\"");
    return head + "\n"
        + "SELECT " + String.join(",\n  ", select) + "\nFROM " + from + " AS b\n"
        + "WHERE " + where + "\n"
        + rowFilter.map(f -> "  AND (" + condition(f) + ")\n").orElse("")
        + (groupBy.isEmpty() ? "" : "GROUP BY " + String.join(", ", groupBy) + "\n")
        + "HAVING sum(b.\"__w\") <> 0";
  }

  /**
   * {@link #create(List, String, List, Optional)} without consolidating, for a window whose rows are all inserts or
   * all deletes (catalog V33, {@link #windowMixed}): no row can cancel another then, so grouping would only merge
   * equal rows into one of a larger weight, and every consumer of a change table is linear in its weights or
   * consolidates again (the delta's groups, the bag's rows). Hashing every read column was most of the change
   * table's cost (4.3 ms against 2.4 for 6,000 new TPC-H line items).
   */
  public static String createAsIs(List<String> changeTableName, String buffer, List<SourceColumn> columns,
      Optional<RelNode> rowFilter) {
    return asIs(tableHead(changeTableName), buffer, "NOT b.\"__truncate\"\n  AND " + window(), columns, rowFilter);
  }

  /**
   * {@code head}, then the rows of {@code from} (aliased {@code b}) that pass {@code where} and {@code rowFilter} as
   * they are, the columns not read NULL of their type.
   */
  static String asIs(String head, String from, String where, List<SourceColumn> columns,
      Optional<RelNode> rowFilter) {
    List<String> select = new ArrayList<>();
    for (SourceColumn c : columns) {
      select.add(c.read() ? "b." + q(c.name()) : "NULL::" + c.type() + " AS " + q(c.name()));
    }
    select.add("b.\"__w\"::integer AS \"__w\"");
    return head + "\n"
        + "SELECT " + String.join(",\n  ", select) + "\nFROM " + from + " AS b\n"
        + "WHERE " + where
        + rowFilter.map(f -> "\n  AND (" + condition(f) + ")").orElse("");
  }

  /**
   * Whether the window holds both inserted and deleted rows ({@code __w} of both signs), else {@link #createAsIs}
   * fills its change table. The deletes are looked for first, and the inserts only when there are some: an
   * insert-only window (an append-only table) is read once, to its end.
   */
  public static String windowMixed(String buffer) {
    String from = "FROM " + buffer + " AS b\n    WHERE NOT b.\"__truncate\"\n      AND "
        + window().replace("\n", "\n      ");
    return "SELECT EXISTS (SELECT " + from + "\n      AND b.\"__w\" < 0)\n"
        + "  AND EXISTS (SELECT " + from + "\n      AND b.\"__w\" > 0)";
  }

  /**
   * The condition of a filter over a scan, printed as the delta queries print it, its columns unqualified.
   */
  public static String condition(RelNode filterOverScan) {
    if (!(filterOverScan instanceof Filter filter) || !(filter.getInput() instanceof TableScan)) {
      throw new IllegalArgumentException("not a filter over a scan: " + filterOverScan);
    }
    SqlNode statement = QuerySqlPrinter.toSqlNode(filterOverScan);
    // a state table's scan prints as a sub-query picking its visible columns, whose names it keeps
    if (!(statement instanceof SqlSelect select) || select.getWhere() == null
        || !(select.getFrom() instanceof SqlIdentifier || select.getFrom().getKind() == SqlKind.AS)) {
      throw new IllegalStateException("a filter over a scan printed as " + statement);
    }
    select.getWhere().accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier id) {
        if (!id.isSimple()) { // the change table reads the buffer as b: a column must not name its table
          throw new IllegalStateException("a filter over a scan printed a qualified column: " + id);
        }
        return id;
      }
    });
    return FunctionNamedIdentifiers.quoted(select.getWhere())
        .toSqlString(c -> c.withDialect(FreshetPostgresDialect.INSTANCE).withQuoteAllIdentifiers(true)).getSql();
  }

  /**
   * Statements preparing a non-empty change table for the delta terms: statistics for PostgreSQL, from a
   * small sample. The planner needs the row count and the keys' distinct counts, not fine histograms, and the
   * default sample (30,000 rows) made ANALYZE as costly as the rest of a small refresh (30 ms of 74 for TPC-H
   * Q6 at SF-1; 3 ms with this one). Its indexes are {@link #indexes}, built apart (catalog V30).
   */
  public static List<String> prepare(List<String> changeTableName) {
    // LOCAL: until the refresh commits (the state tables' change tables are analyzed so too); a RESET
    // would change the setting of the session that called the refresh
    return List.of(statisticsTarget(), "ANALYZE " + Quoting.qualified(changeTableName));
  }

  /** The statistics target of the change tables' ANALYZE, until the refresh commits. */
  static String statisticsTarget() {
    return "SET LOCAL default_statistics_target = " + CHANGE_TABLE_STATISTICS_TARGET;
  }

  /**
   * An index per join key of a change table, for delta terms that look rows of ΔR up by key (a nested loop
   * whose outer side is smaller than ΔR). refresh_window builds them only for a change table of at most
   * {@code freshet.change_table_index_rows} rows (catalog V30): building one reads and sorts the table, where a
   * hash join reads it once (7 ms an index for 35,000 changed line items at SF-1, which no TPC-H program was
   * faster for).
   */
  public static List<String> indexes(List<String> changeTableName, List<String> joinKeys) {
    List<String> statements = new ArrayList<>();
    for (String key : joinKeys) {
      statements.add("CREATE INDEX ON " + Quoting.qualified(changeTableName) + " (" + q(key) + ")");
    }
    return statements;
  }

  /** The statistics target for change tables: a sample of 300 × this many rows. */
  static final int CHANGE_TABLE_STATISTICS_TARGET = 10;
}
