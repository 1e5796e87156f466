package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.q;

import dev.freshet.codegen.sql.Quoting;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.core.Sort;

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
   * The rows of {@code rowsSql} (whose columns are {@code userColumns}) but those tied, by the ORDER BY of
   * {@code topK}, with its last row: the rows a LIMIT must return whichever of the tied rows at the last
   * place it returns. With equal ORDER BY values (checked apart), top rows agree with the query as
   * written when these agree.
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
    return "WITH r(" + String.join(", ", names.stream().map(SqlText::q).toList()) + ") AS (\n"
        + SqlText.indent(rowsSql, 2) + "\n),\n"
        + "last_place AS (\n  SELECT " + String.join(", ", keys) + " FROM r ORDER BY " + String.join(", ", order)
        + "\n  OFFSET greatest((SELECT count(*) FROM r) - 1, 0) LIMIT 1\n)\n"
        + "SELECT r.* FROM r WHERE NOT EXISTS (SELECT 1 FROM last_place AS l WHERE "
        + String.join(" AND ", keys.stream().map(k -> "l." + k + " IS NOT DISTINCT FROM r." + k).toList()) + ")";
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
