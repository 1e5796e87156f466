package dev.freshet.codegen.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Makes the types of VALUES explicit before printing. PostgreSQL types a bare {@code NULL} in VALUES
 * as text, so {@code VALUES (NULL)} under a UNION or an aggregate fails ("UNION types integer and text
 * cannot be matched"), and the empty VALUES Calcite makes of a contradiction,
 * {@code (VALUES (NULL)) AS t WHERE 1 = 0}, has text columns. Columns holding a NULL get a CAST to
 * their type; an empty VALUES becomes {@code SELECT CAST(NULL AS type), … WHERE FALSE}.
 */
final class TypeValuesShuttle extends RelShuttleImpl {

  @Override
  public RelNode visit(LogicalValues values) {
    RexBuilder rex = values.getCluster().getRexBuilder();
    List<RelDataTypeField> fields = values.getRowType().getFieldList();
    List<String> names = values.getRowType().getFieldNames();
    if (values.getTuples().isEmpty()) {
      List<RexNode> nulls = new ArrayList<>();
      fields.forEach(f -> nulls.add(rex.makeAbstractCast(f.getType(), rex.makeNullLiteral(f.getType()), false)));
      RelNode row = LogicalProject.create(LogicalValues.createOneRow(values.getCluster()), List.of(), nulls,
          names, Set.of());
      return LogicalFilter.create(row, rex.makeLiteral(false));
    }
    List<RexNode> columns = new ArrayList<>();
    boolean typed = false;
    for (int i = 0; i < fields.size(); i++) {
      final int column = i;
      RexNode ref = rex.makeInputRef(values, i);
      // A column of the NULL type has no type to name: a cast above it gives one (UnionNullBranchShuttle).
      if (fields.get(i).getType().getSqlTypeName() != SqlTypeName.NULL
          && values.getTuples().stream().anyMatch(t -> t.get(column).isNull())) {
        columns.add(rex.makeAbstractCast(fields.get(i).getType(), ref, false));
        typed = true;
      } else {
        columns.add(ref);
      }
    }
    return typed ? LogicalProject.create(values, List.of(), columns, names, Set.of()) : values;
  }
}
