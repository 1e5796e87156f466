package dev.freshet.planner.normalize;

import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;

/**
 * Calcite's {@link RelDecorrelator#decorrelateQuery(RelNode, RelBuilder)}, step for step, except its last check: Calcite
 * asserts that the decorrelated plan has the type of the correlated one, nullability included, and refuses the query
 * (FR008, "AssertionError in Calcite while removing its sub-queries") when a column of a type it sees as {@code ANY}
 * (jsonb, inet, arrays: {@link dev.freshet.planner.types.PostgresNamedType}) came out NOT NULL where it was nullable,
 * as when a filter above an outer join rejects its padded rows (property soak seeds 641 and 659: {@code … JOIN t2
 * b … RIGHT JOIN t2 c … WHERE b.j1 > c.j1 AND … AND NOT EXISTS (… r.p2 = a.p2)}: the jsonb column {@code b.j1} came
 * out NOT NULL, the filter having made the join inner). Here a column may come out NOT NULL where it was nullable;
 * {@link StepwiseDecorrelator} casts the result back to the type the plan above reads. Any other difference, a
 * nullable column that was NOT NULL among them, fails as Calcite's check does.
 */
final class NullabilityTolerantDecorrelator extends RelDecorrelator {

  private NullabilityTolerantDecorrelator(CorelMap map, RelNode root, RelBuilder relBuilder) {
    super(map, root.getCluster().getPlanner().getContext(), relBuilder);
  }

  /** {@code root} without correlates, of its type but perhaps for the nullability of some columns. */
  static RelNode withoutCorrelates(RelNode root, RelBuilder relBuilder) {
    CorelMap map = new CorelMapBuilder().build(root);
    if (!map.hasCorrelation()) {
      return root;
    }
    NullabilityTolerantDecorrelator decorrelator = new NullabilityTolerantDecorrelator(map, root, relBuilder);
    RelNode decorrelated = decorrelator.removeCorrelationViaRule(root);
    // as Calcite: decorrelated further when the rules left a correlation (its map, rebuilt by the rules)
    if (new CorelMapBuilder().build(decorrelated).hasCorrelation()) {
      decorrelated = decorrelator.decorrelate(decorrelated, null);
    }
    if (!equalSansNullability(root.getCluster().getTypeFactory(), root.getRowType(), decorrelated.getRowType())) {
      throw new AssertionError("Decorrelation produced a relation with a different type; before: "
          + root.getRowType().getFullTypeString() + " after: " + decorrelated.getRowType().getFullTypeString());
    }
    return RelOptUtil.propagateRelHints(decorrelated, true);
  }

  private static boolean equalSansNullability(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
    List<RelDataTypeField> left = a.getFieldList();
    List<RelDataTypeField> right = b.getFieldList();
    if (left.size() != right.size()) {
      return false;
    }
    for (int i = 0; i < left.size(); i++) {
      RelDataType before = left.get(i).getType();
      RelDataType after = right.get(i).getType();
      // NOT NULL where it was nullable only: the cast back widens it; the other way, it would assert a column NOT NULL
      // that may hold NULLs, so that is refused as Calcite refuses it
      if (!SqlTypeUtil.equalSansNullability(factory, before, after) || after.isNullable() && !before.isNullable()) {
        return false;
      }
    }
    return true;
  }
}
