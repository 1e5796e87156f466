package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.immutables.value.Value;

/**
 * Planner rule that restricts an aggregate joined on its group keys to the keys a selective input on
 * the other side of the join can supply (a semi-join reduction, as "magic sets" do for recursive
 * queries):
 * <pre>{@code
 * O ⋈[O.c = A.k] A,  A = γ[k](X)      becomes      O ⋈[O.c = A.k] γ[k](X ⋈[X.k = S.c] π[c](S))
 * }</pre>
 * where {@code S} is the filtered input of {@code O} (reached through inner joins and projections)
 * that supplies {@code O.c}, and {@code c} is unique in {@code S}. The join may also be outer, semi or
 * anti with {@code A} on the side it does not preserve.
 *
 * <p>Exact: every row of {@code O} has a value of {@code c} that {@code S} holds, so a group of
 * {@code A} whose key {@code S} lacks joins no row of {@code O}; restricting {@code X} to the keys of
 * {@code S} removes whole groups only (the semi-join is on group keys) and, {@code c} being unique in
 * {@code S}, duplicates no row of {@code X}. A NULL key joins nothing on either side.
 *
 * <p>Why: an aggregate below a join is maintained as a state table (DESIGN.md §4), one row per group.
 * TPC-H Q17 keeps the average quantity of every one of 200,000 parts where the query reads the 200 of
 * one brand and container; a refresh then updates the state of every part the changed line items
 * name. Reduced, the state holds only the parts the filter admits, and a change to the filtered
 * table brings its keys' groups in or out (the join's delta does that).
 *
 * <p>Applied only when the filter is estimated to keep at most a quarter of its input's rows: for a
 * filter that keeps almost everything the extra join costs more than the smaller state saves.
 */
@Value.Enclosing
public class AggregateKeyReductionRule extends RelRule<AggregateKeyReductionRule.Config>
    implements TransformationRule {

  /** The largest estimated share of rows a filter may keep for its keys to be worth a reduction. */
  static final double MAX_SELECTIVITY = 0.25;

  protected AggregateKeyReductionRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Join join = call.rel(0);
    final RelMetadataQuery mq = call.getMetadataQuery();
    for (boolean aggregateOnRight : new boolean[] {true, false}) {
      if (!reducible(join.getJoinType(), aggregateOnRight)) {
        continue;
      }
      Optional<RelNode> reduced = reduce(join, aggregateOnRight, call.builder(), mq);
      if (reduced.isPresent()) {
        call.transformTo(reduced.get());
        return;
      }
    }
  }

  /** The join with its aggregate input on the given side reduced, if that side is one and a reducer exists. */
  private static Optional<RelNode> reduce(Join join, boolean aggregateOnRight, RelBuilder b, RelMetadataQuery mq) {
    RelNode aggregateSide = (aggregateOnRight ? join.getRight() : join.getLeft()).stripped();
    RelNode otherSide = aggregateOnRight ? join.getLeft() : join.getRight();
    Project above = null;
    if (aggregateSide instanceof Project p && p.getInput().stripped() instanceof Aggregate) {
      above = p;
    }
    Aggregate aggregate = above != null ? (Aggregate) above.getInput().stripped()
        : aggregateSide instanceof Aggregate a ? a : null;
    if (aggregate == null || aggregate.getGroupType() != Aggregate.Group.SIMPLE || aggregate.getGroupCount() == 0
        || alreadyReduced(aggregate)) {
      return Optional.empty();
    }
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int aggregateOffset = aggregateOnRight ? leftCount : 0;
    int otherOffset = aggregateOnRight ? 0 : leftCount;
    int aggregateWidth = aggregateSide.getRowType().getFieldCount();
    int otherWidth = otherSide.getRowType().getFieldCount();

    // Equalities between a group key of the aggregate and a column of the other side, traced to their reducer.
    Reducer chosen = null;
    List<int[]> pairs = new ArrayList<>(); // {group key ordinal in the aggregate, column ordinal in the reducer}
    for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
      if (conjunct.getKind() != SqlKind.EQUALS) {
        continue;
      }
      List<RexNode> operands = ((RexCall) conjunct).getOperands();
      if (!(operands.get(0) instanceof RexInputRef r0) || !(operands.get(1) instanceof RexInputRef r1)) {
        continue;
      }
      for (RexInputRef[] order : new RexInputRef[][] {{r0, r1}, {r1, r0}}) {
        int a = order[0].getIndex() - aggregateOffset;
        int o = order[1].getIndex() - otherOffset;
        if (a < 0 || a >= aggregateWidth || o < 0 || o >= otherWidth) {
          continue;
        }
        int key = groupKeyOrdinal(above, aggregate, a);
        Optional<Reducer> reducer = Reducer.trace(otherSide, o);
        if (key < 0 || reducer.isEmpty()) {
          continue;
        }
        if (chosen == null) {
          chosen = reducer.get();
        }
        if (chosen.source().stripped() == reducer.get().source().stripped()) {
          pairs.add(new int[] {key, reducer.get().column()});
        }
      }
    }
    if (chosen == null || !worthIt(chosen.source(), pairs, mq)) {
      return Optional.empty();
    }

    // γ[k](X ⋈ π[c](S)): X's columns, then the reducer's keys, projected back to X's columns.
    RelNode input = aggregate.getInput();
    int inputWidth = input.getRowType().getFieldCount();
    b.push(input);
    b.push(chosen.source());
    List<RexNode> keyColumns = new ArrayList<>();
    for (int[] pair : pairs) {
      keyColumns.add(b.field(pair[1]));
    }
    b.project(keyColumns, List.of(), true);
    List<RexNode> on = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      int inputColumn = aggregate.getGroupSet().nth(pairs.get(i)[0]);
      on.add(b.equals(b.field(2, 0, inputColumn), b.field(2, 1, i)));
    }
    b.join(JoinRelType.INNER, on);
    List<RexNode> inputColumns = new ArrayList<>();
    for (int i = 0; i < inputWidth; i++) {
      inputColumns.add(b.field(i));
    }
    b.project(inputColumns, input.getRowType().getFieldNames(), true);
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      calls.add(b.aggregateCall(c));
    }
    b.aggregate(b.groupKey(aggregate.getGroupSet()), calls);
    // The inner join narrows nothing the aggregate reads, but keep the row type exactly as it was.
    b.convert(aggregate.getRowType(), false);
    if (above != null) {
      b.project(above.getProjects(), above.getRowType().getFieldNames(), true);
    }
    RelNode reducedSide = b.build();
    b.push(aggregateOnRight ? join.getLeft() : reducedSide);
    b.push(aggregateOnRight ? reducedSide : join.getRight());
    b.join(join.getJoinType(), join.getCondition());
    return Optional.of(b.build());
  }

  /**
   * True if a join of this type reads only the groups of its aggregate input that meet a row of the
   * other input: an inner join either way; an outer, semi or anti join when the aggregate is the side
   * that is not preserved (a group meeting no row adds no row and removes none).
   */
  static boolean reducible(JoinRelType type, boolean aggregateOnRight) {
    return switch (type) {
      case INNER -> true;
      case LEFT, SEMI, ANTI -> aggregateOnRight;
      case RIGHT -> !aggregateOnRight;
      default -> false;
    };
  }

  /** The group key ordinal (within the group set) column {@code a} of the aggregate side is, or -1. */
  private static int groupKeyOrdinal(Project above, Aggregate aggregate, int a) {
    int column = a;
    if (above != null) {
      if (!(above.getProjects().get(a) instanceof RexInputRef ref)) {
        return -1;
      }
      column = ref.getIndex();
    }
    return column < aggregate.getGroupCount() ? column : -1;
  }

  /**
   * True if the aggregate's input is already restricted by a reducer: an inner join to a projection
   * of a filter, as this rule builds it (the rule would otherwise fire again on its own result).
   */
  private static boolean alreadyReduced(Aggregate aggregate) {
    RelNode input = aggregate.getInput().stripped();
    if (input instanceof Project p) {
      input = p.getInput().stripped();
    }
    return input instanceof Join j && j.getJoinType() == JoinRelType.INNER
        && j.getRight().stripped() instanceof Project keys && keys.getInput().stripped() instanceof Filter;
  }

  /** True if the reducer's keys are unique in it and its filter is selective. */
  private static boolean worthIt(RelNode source, List<int[]> pairs, RelMetadataQuery mq) {
    ImmutableBitSet.Builder columns = ImmutableBitSet.builder();
    pairs.forEach(p -> columns.set(p[1]));
    if (!Boolean.TRUE.equals(mq.areColumnsUnique(source, columns.build()))) {
      return false; // a key held twice would count the group's rows twice
    }
    Filter filter = (Filter) source.stripped();
    if (!RexUtil.isDeterministic(filter.getCondition())) {
      return false; // the keys it admits could differ between two evaluations
    }
    Double selectivity = mq.getSelectivity(filter.getInput(), filter.getCondition());
    return selectivity != null && selectivity <= MAX_SELECTIVITY;
  }

  /**
   * The filtered input {@code source} of a join tree that supplies a column, and that column's ordinal
   * in it, found through inner joins and projections of plain columns.
   */
  record Reducer(RelNode source, int column) {

    static Optional<Reducer> trace(RelNode rel, int column) {
      RelNode node = rel.stripped();
      if (node instanceof Filter) {
        return Optional.of(new Reducer(rel, column));
      }
      if (node instanceof Project p) {
        return p.getProjects().get(column) instanceof RexInputRef ref
            ? trace(p.getInput(), ref.getIndex()) : Optional.empty();
      }
      if (node instanceof Join j && j.getJoinType() == JoinRelType.INNER) {
        int leftCount = j.getLeft().getRowType().getFieldCount();
        return column < leftCount ? trace(j.getLeft(), column) : trace(j.getRight(), column - leftCount);
      }
      return Optional.empty();
    }
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableAggregateKeyReductionRule.Config.of()
        .withDescription("AggregateKeyReductionRule")
        .withOperandSupplier(b0 -> b0.operand(Join.class)
            .predicate(j -> j.getJoinType() != JoinRelType.FULL).anyInputs())
        .as(Config.class);

    @Override
    default AggregateKeyReductionRule toRule() {
      return new AggregateKeyReductionRule(this);
    }
  }
}
