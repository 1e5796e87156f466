package dev.freshet.codegen.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;

/**
 * Puts a projection over each join that is a union branch, so that the branch prints its columns under
 * the plan's names ({@code "t1"."i0" AS "i00"}): a union's first branch names its columns in SQL, and a
 * join printed bare selects {@code "t2"."i0", "t1"."i0"}, whose {@code ORDER BY "i0"} above is
 * ambiguous to PostgreSQL (found by the property soak, seed 5).
 */
final class UnionBranchNamesShuttle extends RelShuttleImpl {

  @Override
  public RelNode visit(LogicalUnion union) {
    Union visited = (Union) super.visit(union);
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (RelNode input : visited.getInputs()) {
      if (input.stripped() instanceof Join) {
        RexBuilder rex = input.getCluster().getRexBuilder();
        List<RexNode> columns = new ArrayList<>();
        for (int i = 0; i < input.getRowType().getFieldCount(); i++) {
          columns.add(rex.makeInputRef(input, i));
        }
        inputs.add(LogicalProject.create(input, List.of(), columns, input.getRowType().getFieldNames(), Set.of()));
        changed = true;
      } else {
        inputs.add(input);
      }
    }
    return changed ? visited.copy(visited.getTraitSet(), inputs) : visited;
  }
}
