package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rex.RexLiteral;

/**
 * The queries {@code freshet verify} compares (DESIGN.md §7): a stored table's user columns, and the
 * defining query's rows, both with values of a type without equality (json, point) as their text.
 */
public final class VerificationPrinter {

  private VerificationPrinter() {
  }

  /** The user columns of the stored table {@code table}. */
  public static String storedRows(List<String> table, List<StoredColumn> userColumns) {
    return "SELECT " + String.join(", ", userColumns.stream().map(c -> comparable(c, "")).toList())
        + " FROM " + Quoting.qualified(table);
  }

  /** The rows of {@code definingSql}, named as the stored user columns. */
  public static String expectedRows(String definingSql, List<StoredColumn> userColumns) {
    if (userColumns.stream().allMatch(StoredColumn::equality)) {
      return definingSql;
    }
    return "SELECT " + String.join(", ", userColumns.stream().map(c -> comparable(c, "q.")).toList())
        + " FROM (" + definingSql + "\n) AS q(" + String.join(", ", userColumns.stream().map(c -> q(c.name())).toList())
        + ")";
  }

  /**
   * The columns {@code keys} (of the top-level ORDER BY) of the rows of {@code definingSql}, whose
   * columns are {@code userColumns}: for top rows, what must agree with the query as written whichever
   * rows tied at the last place PostgreSQL's LIMIT returns.
   */
  public static String orderKeyRows(String definingSql, List<StoredColumn> userColumns, List<String> keys) {
    return "SELECT " + String.join(", ", keys.stream().map(k -> "q." + q(k)).toList())
        + " FROM (" + definingSql + "\n) AS q(" + String.join(", ", userColumns.stream().map(c -> q(c.name())).toList())
        + ")";
  }

  /**
   * The columns {@code kept} of the rows of {@code rowsSql}, whose columns are {@code names}: what must agree
   * when a difference may lie only in the others (values of string_agg without ORDER BY, whose order the query
   * leaves open).
   */
  public static String someColumns(String rowsSql, List<String> names, List<String> kept) {
    return "SELECT " + String.join(", ", kept.stream().map(k -> "q." + q(k)).toList())
        + " FROM (" + rowsSql + "\n) AS q(" + String.join(", ", names.stream().map(SqlText::q).toList()) + ")";
  }

  /**
   * The rows of {@code rowsSql} (whose columns are {@code userColumns}) but those tied, by the ORDER BY of
   * {@code topK}, with its last row, and with its first row when the query has an OFFSET: the rows a
   * LIMIT must return whichever of the tied rows at either edge PostgreSQL returns (rows tied with the
   * first one may have been skipped by the OFFSET instead). With equal ORDER BY values (checked apart),
   * top rows agree with the query as written when these agree.
   */
  public static String untiedRows(String rowsSql, List<StoredColumn> userColumns, MaintenanceShape.TopK topK) {
    Sort sort = (Sort) topK.topN();
    List<String> names = userColumns.stream().map(StoredColumn::name).toList();
    List<String> keys = new ArrayList<>();
    List<String> order = new ArrayList<>();
    for (RelFieldCollation field : sort.getCollation().getFieldCollations().subList(0, topK.orderKeys().size())) {
      String key = q(names.get(field.getFieldIndex()));
      keys.add(key);
      order.add(key + TopRowsPrinter.direction(field));
    }
    if (keys.isEmpty()) {
      // LIMIT without ORDER BY: every row is tied with the last, so none is compared whole.
      return "SELECT r.* FROM (\n" + SqlText.indent(rowsSql, 2) + "\n) AS r WHERE false";
    }
    String orderBy = " FROM r ORDER BY " + String.join(", ", order);
    StringBuilder sql = new StringBuilder("WITH r(" + String.join(", ", names.stream().map(SqlText::q).toList())
        + ") AS (\n" + SqlText.indent(rowsSql, 2) + "\n),\n");
    sql.append("edge AS (\n  (SELECT ").append(String.join(", ", keys)).append(orderBy)
        .append("\n  OFFSET greatest((SELECT count(*) FROM r) - 1, 0) LIMIT 1)");
    if (hasOffset(sort) || topK.copies().map(c -> c.offset() > 0).orElse(false)) {
      sql.append("\n  UNION ALL\n  (SELECT ").append(String.join(", ", keys)).append(orderBy).append(" LIMIT 1)");
    }
    sql.append("\n)\n");
    sql.append("SELECT r.* FROM r WHERE NOT EXISTS (SELECT 1 FROM edge AS e WHERE ")
        .append(String.join(" AND ", keys.stream().map(k -> "e." + k + " IS NOT DISTINCT FROM r." + k).toList()))
        .append(")");
    return sql.toString();
  }

  private static boolean hasOffset(Sort sort) {
    return sort.offset != null && !(sort.offset instanceof RexLiteral literal
        && literal.getValueAs(Long.class) != null && literal.getValueAs(Long.class) == 0L);
  }

  /** The columns {@code columns} of the state table {@code table} (its operator's result). */
  public static String stateRows(List<String> table, List<String> columns) {
    return "SELECT " + String.join(", ", columns.stream().map(SqlText::q).toList()) + " FROM "
        + Quoting.qualified(table);
  }

  private static String comparable(StoredColumn column, String qualifier) {
    String ref = qualifier + q(column.name());
    return column.equality() ? ref : ref + "::text AS " + q(column.name());
  }
}
