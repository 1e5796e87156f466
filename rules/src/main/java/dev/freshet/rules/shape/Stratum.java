package dev.freshet.rules.shape;

import dev.freshet.rules.ChangedSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * A stateful operator inside a stream table's query, maintained with stored state (DESIGN.md §4): an
 * aggregate (or DISTINCT) below a join, a union, another aggregate or a HAVING filter. Its result is
 * kept in the hidden table {@code stateTable}, laid out as a grouped stream table is (group keys and
 * aggregate state in hidden columns); the plan above reads that table instead of the operator.
 *
 * @param ordinal its position bottom-up (the {@code n} of its state table's name)
 * @param stateTable schema and name of its state table
 * @param shape the aggregate over its input; the input reads the state tables of strata below it
 * @param original the operator over its original input, for {@code verify} and {@code explain}
 * @param deltaCache its input's delta plans, one per changed set
 */
public record Stratum(int ordinal, List<String> stateTable, MaintenanceShape.Grouped shape, RelNode original,
    Map<ChangedSet, RelNode> deltaCache) {

  public Stratum {
    stateTable = List.copyOf(stateTable);
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(original, "original");
  }

  public Stratum(int ordinal, List<String> stateTable, MaintenanceShape.Grouped shape, RelNode original) {
    this(ordinal, stateTable, shape, original, new ConcurrentHashMap<>());
  }

  /** The columns the plan above reads: the aggregate's result, group keys then calls. */
  public List<String> resultColumns() {
    return shape.aggregate().getRowType().getFieldNames();
  }
}
