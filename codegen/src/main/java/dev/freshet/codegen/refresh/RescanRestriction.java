package dev.freshet.codegen.refresh;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * The input of the groups to aggregate again (a MIN whose minimum left, a COUNT(DISTINCT) that lost a value),
 * restricted to those groups where the group's columns come from: a semi-join of the groups' keys with the input's
 * deepest relation that provides all of them, through projections, filters, aggregates on them, either branch of a
 * UNION ALL, and the left side of inner, left, semi and anti joins (or the right of an inner one). Restricted at the
 * top, the whole input was joined first and its groups picked last, and a small window runs the joins as printed:
 * TPC-H Q16 after a part left a group joined all of {@code part ⋈ partsupp} (100-200 ms) to count one group's
 * suppliers again. Restricting a join's side by its own columns keeps exactly the rows of the groups kept.
 */
final class RescanRestriction {

  private RescanRestriction() {
  }

  /**
   * {@code input}, with the same row type, keeping the rows whose fields {@code keys} equal a row of {@code keyScan}
   * (field j of it for key j; IS NOT DISTINCT FROM where a key may be NULL).
   */
  static RelNode restrict(RelNode input, List<Integer> keys, RelNode keyScan) {
    return switch (input) {
      case Project project when keys.stream().allMatch(k -> project.getProjects().get(k) instanceof RexInputRef) ->
          project.copy(project.getTraitSet(), List.of(restrict(project.getInput(),
              keys.stream().map(k -> ((RexInputRef) project.getProjects().get(k)).getIndex()).toList(), keyScan)));
      case Filter filter -> filter.copy(filter.getTraitSet(), List.of(restrict(filter.getInput(), keys, keyScan)));
      case Aggregate aggregate when aggregate.getGroupType() == Aggregate.Group.SIMPLE
          && keys.stream().allMatch(k -> k < aggregate.getGroupCount()) ->
          aggregate.copy(aggregate.getTraitSet(), List.of(restrict(aggregate.getInput(),
              keys.stream().map(k -> aggregate.getGroupSet().nth(k)).toList(), keyScan)));
      case Union union when union.all -> {
        List<RelNode> branches = new ArrayList<>();
        union.getInputs().forEach(branch -> branches.add(restrict(branch, keys, keyScan)));
        yield union.copy(union.getTraitSet(), branches);
      }
      case Join join when join.getJoinType() != JoinRelType.RIGHT && join.getJoinType() != JoinRelType.FULL
          && keys.stream().allMatch(k -> k < join.getLeft().getRowType().getFieldCount()) ->
          join.copy(join.getTraitSet(), List.of(restrict(join.getLeft(), keys, keyScan), join.getRight()));
      case Join join when join.getJoinType() == JoinRelType.INNER
          && keys.stream().allMatch(k -> k >= join.getLeft().getRowType().getFieldCount()) -> {
        int left = join.getLeft().getRowType().getFieldCount();
        yield join.copy(join.getTraitSet(), List.of(join.getLeft(),
            restrict(join.getRight(), keys.stream().map(k -> k - left).toList(), keyScan)));
      }
      default -> semiJoin(input, keys, keyScan);
    };
  }

  private static RelNode semiJoin(RelNode input, List<Integer> keys, RelNode keyScan) {
    RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
    b.push(input).push(keyScan);
    List<RexNode> conditions = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      RexNode left = b.field(2, 0, keys.get(j));
      RexNode right = b.field(2, 1, j);
      conditions.add(left.getType().isNullable() ? b.isNotDistinctFrom(left, right) : b.equals(left, right));
    }
    return b.join(JoinRelType.SEMI, conditions).build();
  }
}
