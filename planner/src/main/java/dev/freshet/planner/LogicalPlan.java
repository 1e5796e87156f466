package dev.freshet.planner;

import dev.freshet.planner.admission.Landmarks;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A defining query as the rules receive it: validated, sub-queries removed, decorrelated and
 * normalized. {@code rel} is the whole query including a top-level ORDER BY/LIMIT if present;
 * {@code columnNames} are the names the user sees, in order; {@code landmarks} says where constructs
 * a refusal may be about are in {@code sql}.
 */
public record LogicalPlan(String sql, RelNode rel, List<String> columnNames, Landmarks landmarks) {
  public LogicalPlan {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(rel, "rel");
    Objects.requireNonNull(landmarks, "landmarks");
    columnNames = List.copyOf(columnNames);
    if (columnNames.size() != rel.getRowType().getFieldCount()) {
      throw new IllegalArgumentException("column names " + columnNames + " do not match row type "
          + rel.getRowType());
    }
  }

  public RelDataType rowType() {
    return rel.getRowType();
  }
}
