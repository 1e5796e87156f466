package dev.freshet.rules.rel;

import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A top-down walk of a plan that knows, at each node, which of its columns the plan above reads, for the passes
 * that rewrite a join by what is read above it (RestrictScalarComparisons, ComparedRowsState): no single rule sees
 * that. A projection reads its input's columns its used expressions name; a filter those and its condition's; a
 * union passes the same columns to each input; an aggregate reads its keys and its calls' arguments; a join those
 * used above and its condition's; anything else all of its inputs.
 *
 * <p>With {@code linearOnly} (a rewrite that drops rows whose weights cancel, which only operators linear in the
 * rows may not see: projections, filters, unions, inner joins), joins of other kinds and aggregates read all of
 * their inputs' columns (nothing below them is rewritten so), and the walk does not go below other operators.
 */
public final class UsedColumns {

  private UsedColumns() {
  }

  /** A join's rewrite, given the join with its inputs already rewritten and the columns read above it. */
  @FunctionalInterface
  public interface JoinRewrite {
    RelNode apply(Join join, ImmutableBitSet used);
  }

  /** {@code rel} with each join rewritten by {@code joins}, bottom-up, where the plan above reads {@code used}. */
  public static RelNode rewrite(RelNode rel, ImmutableBitSet used, boolean linearOnly, JoinRewrite joins) {
    return new Walk(linearOnly, joins).rewrite(rel, used);
  }

  private record Walk(boolean linearOnly, JoinRewrite joins) {
    RelNode rewrite(RelNode rel, ImmutableBitSet used) {
      return switch (rel) {
        case Project project -> {
          ImmutableBitSet.Builder read = ImmutableBitSet.builder();
          for (int i : used) {
            read.addAll(RelOptUtil.InputFinder.bits(project.getProjects().get(i)));
          }
          yield copyWith(project, List.of(rewrite(project.getInput(), read.build())));
        }
        case Filter filter -> copyWith(filter, List.of(rewrite(filter.getInput(),
            used.union(RelOptUtil.InputFinder.bits(filter.getCondition())))));
        case Union union -> copyWith(union, union.getInputs().stream().map(input -> rewrite(input, used)).toList());
        case Aggregate aggregate -> copyWith(aggregate, List.of(rewrite(aggregate.getInput(),
            linearOnly ? all(aggregate.getInput()) : read(aggregate))));
        case Join join -> {
          int leftCount = join.getLeft().getRowType().getFieldCount();
          boolean all = linearOnly && join.getJoinType() != JoinRelType.INNER;
          ImmutableBitSet read = all ? all(join) : used.union(RelOptUtil.InputFinder.bits(join.getCondition()));
          RelNode left = rewrite(join.getLeft(), read.intersect(ImmutableBitSet.range(leftCount)));
          RelNode right = rewrite(join.getRight(), read.get(leftCount, Integer.MAX_VALUE).shift(-leftCount));
          yield joins.apply((Join) copyWith(join, List.of(left, right)), used);
        }
        default -> linearOnly ? rel : copyWith(rel, rel.getInputs().stream()
            .map(input -> rewrite(input, all(input))).toList());
      };
    }
  }

  private static ImmutableBitSet all(RelNode rel) {
    return ImmutableBitSet.range(rel.getRowType().getFieldCount());
  }

  /** The columns of its input an aggregate reads: group keys, arguments, filters, orderings. */
  public static ImmutableBitSet read(Aggregate aggregate) {
    ImmutableBitSet.Builder read = aggregate.getGroupSet().rebuild();
    for (AggregateCall call : aggregate.getAggCallList()) {
      read.addAll(call.getArgList());
      if (call.filterArg >= 0) {
        read.set(call.filterArg);
      }
      call.getCollation().getFieldCollations().forEach(f -> read.set(f.getFieldIndex()));
    }
    return read.build();
  }

  private static RelNode copyWith(RelNode rel, List<RelNode> inputs) {
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) != rel.getInputs().get(i)) {
        return rel.copy(rel.getTraitSet(), inputs);
      }
    }
    return rel;
  }
}
