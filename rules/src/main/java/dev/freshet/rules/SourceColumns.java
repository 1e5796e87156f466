package dev.freshet.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The source tables a plan scans and, for each, the columns it reads: what change capture must copy
 * into the buffer. The planner trims unused fields, so a scan read through a projection needs only the
 * columns the projection uses; otherwise all of them.
 */
public final class SourceColumns {

  private SourceColumns() {
  }

  /** Qualified table name → column names read, in table order. */
  public static Map<List<String>, SortedSet<Integer>> analyze(RelNode rel) {
    Map<List<String>, SortedSet<Integer>> result = new LinkedHashMap<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan scan) {
          SortedSet<Integer> columns = result.computeIfAbsent(scan.getTable().getQualifiedName(),
              k -> new TreeSet<>());
          if (parent instanceof Project project) {
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
            used.forEach(columns::add);
          } else {
            for (int i = 0; i < scan.getRowType().getFieldCount(); i++) {
              columns.add(i);
            }
          }
        }
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
    return result;
  }
}
