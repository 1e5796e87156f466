package dev.freshet.codegen.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Casts a union branch's untyped NULL columns to the union's type before printing. Calcite types the
 * NULL of {@code SELECT tags … UNION ALL SELECT NULL} as the NULL type when the other branch has a type
 * it does not model (a PostgreSQL type carried by name), and a bare NULL in VALUES is text to
 * PostgreSQL: "UNION types text[] and text cannot be matched".
 */
final class UnionNullBranchShuttle extends RelShuttleImpl {

  @Override
  public RelNode visit(LogicalUnion union) {
    Union visited = (Union) super.visit(union);
    List<RelDataTypeField> fields = visited.getRowType().getFieldList();
    RexBuilder rex = visited.getCluster().getRexBuilder();
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (RelNode input : visited.getInputs()) {
      List<RelDataTypeField> own = input.getRowType().getFieldList();
      if (own.stream().noneMatch(f -> f.getType().getSqlTypeName() == SqlTypeName.NULL)) {
        inputs.add(input);
        continue;
      }
      List<RexNode> columns = new ArrayList<>();
      for (int i = 0; i < own.size(); i++) {
        RexNode ref = rex.makeInputRef(input, i);
        columns.add(own.get(i).getType().getSqlTypeName() == SqlTypeName.NULL
            && fields.get(i).getType().getSqlTypeName() != SqlTypeName.NULL
            ? rex.makeAbstractCast(fields.get(i).getType(), ref, false) : ref);
      }
      inputs.add(LogicalProject.create(input, List.of(), columns, input.getRowType().getFieldNames(), Set.of()));
      changed = true;
    }
    return changed ? visited.copy(visited.getTraitSet(), inputs) : visited;
  }
}
