package dev.freshet.codegen.refresh;

import static dev.freshet.codegen.refresh.SqlText.col;
import static dev.freshet.codegen.refresh.SqlText.join;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rex.RexInputRef;

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

  /**
   * An index on the state table of the ranked rows by the ORDER BY columns, in their directions, so
   * that PostgreSQL reads the top rows by an index scan (ties sorted incrementally) instead of sorting
   * the whole state table; over the leading ORDER BY columns that are stored columns (not expressions),
   * none if the first is not.
   */
  public static Optional<String> rankIndex(MaintenanceShape.TopK topK, List<String> stateTable) {
    Sort sort = (Sort) topK.topN();
    List<String> columns = new ArrayList<>();
    for (RelFieldCollation field : sort.getCollation().getFieldCollations().subList(0, topK.orderKeys().size())) {
      Optional<String> stored = storedColumn(sort.getInput(), field.getFieldIndex());
      if (stored.isEmpty()) {
        break;
      }
      columns.add(SqlText.q(stored.get()) + direction(field));
    }
    return columns.isEmpty() ? Optional.empty()
        : Optional.of("CREATE INDEX ON " + Quoting.qualified(stateTable) + " (" + join(columns) + ")");
  }

  /** The state table column that field {@code i} of {@code ranked} (the state table, projected or not) reads. */
  private static Optional<String> storedColumn(RelNode ranked, int i) {
    if (ranked instanceof Project project) {
      return project.getProjects().get(i) instanceof RexInputRef ref
          ? Optional.of(project.getInput().getRowType().getFieldNames().get(ref.getIndex())) : Optional.empty();
    }
    return Optional.of(ranked.getRowType().getFieldNames().get(i));
  }

  /** {@code DESC NULLS FIRST} and the like, PostgreSQL's defaults spelled out. */
  static String direction(RelFieldCollation field) {
    boolean descending = field.getDirection().isDescending();
    boolean nullsFirst = switch (field.nullDirection) {
      case FIRST -> true;
      case LAST -> false;
      default -> descending; // PostgreSQL's default: NULLs sort as larger than any value
    };
    return (descending ? " DESC" : " ASC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST");
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
      order.add(col("r", names.get(field.getFieldIndex())) + direction(field));
    }
    return "SELECT " + join(columns) + "\nFROM (\n" + SqlText.indent(ranked, 2) + "\n) AS r\n"
        + "CROSS JOIN LATERAL generate_series(1, " + col("r", names.get(copies.column())) + ") AS copy\n"
        + "ORDER BY " + join(order)
        + copies.fetch().stream().mapToObj(n -> "\nLIMIT " + n).findFirst().orElse("")
        + (copies.offset() > 0 ? "\nOFFSET " + copies.offset() : "");
  }
}
