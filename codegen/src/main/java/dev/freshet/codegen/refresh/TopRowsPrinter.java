package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.col;
import static dev.freshet.codegen.refresh.SqlText.join;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelFieldCollation;

/**
 * Prints the query that reads the top rows of a {@link MaintenanceShape.TopK} stream table from its
 * state table: the plan's own top-N query, or, when the state holds distinct rows with their number
 * of copies, that query for the first offset + n distinct rows, each repeated, then ordered, offset
 * and limited again:
 * <pre>{@code
 * SELECT r.a, r.b FROM (<first offset + n distinct rows>) AS r
 * CROSS JOIN LATERAL generate_series(1, r.__freshet_copies) AS copy
 * ORDER BY r.a DESC NULLS FIRST, r.b ASC NULLS LAST
 * LIMIT n OFFSET m
 * }</pre>
 */
public final class TopRowsPrinter {

  private TopRowsPrinter() {
  }

  public static String print(MaintenanceShape.TopK topK) {
    String ranked = QuerySqlPrinter.print(topK.topN());
    if (topK.copies().isEmpty()) {
      return ranked;
    }
    MaintenanceShape.Copies copies = topK.copies().get();
    List<String> names = topK.topN().getRowType().getFieldNames();
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < copies.column(); i++) {
      columns.add(col("r", names.get(i)));
    }
    List<String> order = new ArrayList<>();
    for (RelFieldCollation field : copies.order().getFieldCollations()) {
      boolean descending = field.getDirection().isDescending();
      boolean nullsFirst = switch (field.nullDirection) {
        case FIRST -> true;
        case LAST -> false;
        default -> descending; // PostgreSQL's default: NULLs sort as larger than any value
      };
      order.add(col("r", names.get(field.getFieldIndex())) + (descending ? " DESC" : " ASC")
          + (nullsFirst ? " NULLS FIRST" : " NULLS LAST"));
    }
    return "SELECT " + join(columns) + "\nFROM (\n" + SqlText.indent(ranked, 2) + "\n) AS r\n"
        + "CROSS JOIN LATERAL generate_series(1, " + col("r", names.get(copies.column())) + ") AS copy\n"
        + "ORDER BY " + join(order)
        + copies.fetch().stream().mapToObj(n -> "\nLIMIT " + n).findFirst().orElse("")
        + (copies.offset() > 0 ? "\nOFFSET " + copies.offset() : "");
  }
}
