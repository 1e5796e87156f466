package dev.freshet.rules.order;

import dev.freshet.rules.rel.ChangeTables;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.immutables.value.Value;

/**
 * Planner rule that turns an inner {@link MultiJoin} of a delta term back into joins, left-deep,
 * starting from the change table: ΔR first, then, step by step, an input that shares a join
 * condition with those already joined, or a column the equalities make equal to one of theirs
 * ({@link ColumnClasses}: joined by that implied equality), as a delta query is meant to run — from the few changed rows,
 * through index lookups, into the large tables. Among several, a filtered input joined on a unique key of it
 * comes first (a lookup that drops rows, which the terms starting alike share), then the other change tables, a
 * filtered one first (a hash join of two small tables; TPC-H Q18's changed orders met their one changed state group
 * only after their customers and 41,556 line items), then any input joined on a unique key (a lookup), then the
 * others (joins that may multiply rows); in query order within each.
 * <pre>{@code
 * MultiJoin(part, supplier, ΔL, partsupp, orders, nation)
 *   →  Project(original field order,
 *        ((((ΔL ⋈ part) ⋈ supplier) ⋈ partsupp) ⋈ orders) ⋈ nation)
 * }</pre>
 * The printed term is one flat {@code FROM ΔR JOIN … JOIN …} that reads in the order it is meant to
 * run. PostgreSQL reorders it from its estimates unless told not to ({@code join_collapse_limit = 1}):
 * this order made TPC-H Q9 two to three times as fast at SF-1 but Q2, Q7, Q8 and Q17 slower
 * (docs/benchmarks.md), so each program's first refreshes measure both and it keeps the faster
 * (catalog V23, {@code freshet.note_join_order_trial}). A term without a change table keeps the query's
 * order.
 *
 * @see JoinOrderRules#DELTA_FIRST_JOIN_ORDER
 */
@Value.Enclosing
public class DeltaFirstJoinOrderRule extends RelRule<DeltaFirstJoinOrderRule.Config>
    implements TransformationRule {

  protected DeltaFirstJoinOrderRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final MultiJoin multiJoin = call.rel(0);
    final List<RelNode> inputs = multiJoin.getInputs();
    final int n = inputs.size();
    final int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) {
      offsets[i + 1] = offsets[i] + inputs.get(i).getRowType().getFieldCount();
    }
    final List<RexNode> conjuncts = new ArrayList<>(RelOptUtil.conjunctions(multiJoin.getJoinFilter()));
    final List<BitSet> inputsOf = new ArrayList<>();
    for (RexNode conjunct : conjuncts) {
      BitSet used = new BitSet();
      for (int field : RelOptUtil.InputFinder.bits(conjunct)) {
        used.set(ColumnClasses.inputOf(offsets, field));
      }
      inputsOf.add(used);
    }

    final ColumnClasses classes = ColumnClasses.of(conjuncts, offsets[n]);

    // The order: the first change table, then greedily what the joined inputs are connected to.
    final List<Integer> order = new ArrayList<>();
    final BitSet joined = new BitSet();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (readsChangeTable(inputs.get(i))) {
        start = i;
        break;
      }
    }
    order.add(start);
    joined.set(start);
    final RelMetadataQuery mq = multiJoin.getCluster().getMetadataQuery();
    while (order.size() < n) {
      int next = -1;
      int nextRank = Integer.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        if (joined.get(i)) {
          continue;
        }
        int rank = rank(mq, inputs.get(i), keysJoined(conjuncts, inputsOf, offsets, classes, joined, i));
        if (rank < nextRank) { // the lowest rank, then query order
          next = i;
          nextRank = rank;
        }
      }
      if (nextRank == NOT_CONNECTED) { // nothing connected: a cross join, in query order
        next = joined.nextClearBit(0);
      }
      order.add(next);
      joined.set(next);
    }

    // New position of each original field.
    final int[] newIndex = new int[offsets[n]];
    int position = 0;
    for (int i : order) {
      for (int f = offsets[i]; f < offsets[i + 1]; f++) {
        newIndex[f] = position++;
      }
    }
    final RexShuttle remap = new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
      }
    };

    final RelBuilder b = call.builder();
    final RexBuilder rex = multiJoin.getCluster().getRexBuilder();
    final boolean[] applied = new boolean[conjuncts.size()];
    final BitSet inPlan = new BitSet();
    b.push(inputs.get(order.get(0)));
    inPlan.set(order.get(0));
    for (int k = 1; k < n; k++) {
      int i = order.get(k);
      inPlan.set(i);
      List<RexNode> original = new ArrayList<>();
      for (int c = 0; c < conjuncts.size(); c++) {
        BitSet used = (BitSet) inputsOf.get(c).clone();
        used.andNot(inPlan);
        if (!applied[c] && used.isEmpty() && inputsOf.get(c).get(i)) {
          original.add(conjuncts.get(c));
          applied[c] = true;
        }
      }
      List<RexNode> condition = new ArrayList<>();
      for (RexNode conjunct : original) {
        condition.add(conjunct.accept(remap));
      }
      // equalities implied by the query's, where its own do not join i to what is before it
      condition.addAll(classes.missingLinks(rex, offsets, inPlan, i, original, remap));
      b.push(inputs.get(i));
      b.join(JoinRelType.INNER, RexUtil.composeConjunction(rex, condition));
    }
    List<RexNode> rest = new ArrayList<>();
    for (int c = 0; c < conjuncts.size(); c++) {
      if (!applied[c]) {
        rest.add(conjuncts.get(c).accept(remap));
      }
    }
    if (multiJoin.getPostJoinFilter() != null) {
      rest.add(multiJoin.getPostJoinFilter().accept(remap));
    }
    if (!rest.isEmpty()) {
      b.filter(rest);
    }
    List<RexNode> fields = new ArrayList<>();
    for (int f = 0; f < offsets[n]; f++) {
      fields.add(b.field(newIndex[f]));
    }
    b.project(fields, multiJoin.getRowType().getFieldNames(), true);
    call.transformTo(b.build());
  }

  /**
   * A filtered input looked up by its key: fewer rows after it. Before the change tables: terms that start so
   * share the lookup ({@code SharedDeltaLookups}: TPC-H Q9's changed line items of green parts, done once).
   */
  private static final int FILTERING_LOOKUP = 0;
  /** Another change table, filtered: a hash join of two small tables that keeps fewer rows than either. */
  private static final int FILTERED_CHANGES = 1;
  /** Another change table: a hash join of two small tables, before any lookup multiplies the rows to probe it. */
  private static final int CHANGES = 2;
  /** An input looked up by its key: at most as many rows after it. */
  private static final int LOOKUP = 3;
  /** Any other input joined to what is joined: maybe more rows after it. */
  private static final int CONNECTED = 4;
  private static final int NOT_CONNECTED = 5;

  /**
   * How soon input {@code input} should follow, given the columns of it ({@code keys}) that equalities compare with
   * what is joined (null when no conjunct connects them): a join on a unique key of it cannot multiply the rows
   * (one lookup per row), and one that filters it also drops rows, so such joins come before those that may
   * multiply (TPC-H Q8's term of the changed orders: their customers, nations and region first, which keep a
   * fifth of them, then the line items).
   */
  private static int rank(RelMetadataQuery mq, RelNode input, ImmutableBitSet keys) {
    if (keys == null) {
      return NOT_CONNECTED;
    }
    if (readsChangeTable(input)) {
      return filters(input) ? FILTERED_CHANGES : CHANGES;
    }
    if (keys.isEmpty() || !Boolean.TRUE.equals(mq.areColumnsUnique(input, keys))) {
      return CONNECTED;
    }
    return filters(input) ? FILTERING_LOOKUP : LOOKUP;
  }

  /**
   * The columns of input {@code i} that equalities of two columns compare with the inputs {@code joined}, directly
   * or through other columns ({@link ColumnClasses}), or null when nothing connects {@code i} to them.
   */
  private static ImmutableBitSet keysJoined(List<RexNode> conjuncts, List<BitSet> inputsOf, int[] offsets,
      ColumnClasses classes, BitSet joined, int i) {
    ImmutableBitSet.Builder keys = null;
    for (int f = offsets[i]; f < offsets[i + 1]; f++) {
      if (classes.meetsAny(f, offsets, joined)) {
        if (keys == null) {
          keys = ImmutableBitSet.builder();
        }
        keys.set(f - offsets[i]);
      }
    }
    for (int c = 0; c < conjuncts.size(); c++) {
      BitSet used = inputsOf.get(c);
      if (!used.get(i) || !used.intersects(joined)) {
        continue;
      }
      if (keys == null) {
        keys = ImmutableBitSet.builder();
      }
      if (conjuncts.get(c).getKind() == SqlKind.EQUALS
          && conjuncts.get(c) instanceof RexCall call
          && call.getOperands().get(0) instanceof RexInputRef a && call.getOperands().get(1) instanceof RexInputRef b) {
        for (RexInputRef ref : List.of(a, b)) {
          if (ColumnClasses.inputOf(offsets, ref.getIndex()) == i) {
            keys.set(ref.getIndex() - offsets[i]);
          }
        }
      }
    }
    return keys == null ? null : keys.build();
  }

  /** Whether {@code node} filters its table: a Filter under its projections. */
  private static boolean filters(RelNode node) {
    RelNode rel = node.stripped();
    return switch (rel) {
      case Filter filter -> true;
      case Project project -> filters(project.getInput());
      default -> false;
    };
  }

  /** Whether a scan of a change table ({@link ChangeTables#TEMP_SCHEMA}) is under {@code rel}. */
  private static boolean readsChangeTable(RelNode node) {
    RelNode rel = node.stripped();
    if (rel instanceof TableScan scan) {
      return ChangeTables.isChangeTable(scan.getTable().getQualifiedName());
    }
    for (RelNode input : rel.getInputs()) {
      if (readsChangeTable(input)) {
        return true;
      }
    }
    return false;
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableDeltaFirstJoinOrderRule.Config.of()
        .withDescription("DeltaFirstJoinOrderRule")
        .withOperandSupplier(b0 -> b0.operand(MultiJoin.class)
            .predicate(m -> !m.isFullOuterJoin()
                && m.getJoinTypes().stream().allMatch(t -> t == JoinRelType.INNER))
            .anyInputs())
        .as(Config.class);

    @Override
    default DeltaFirstJoinOrderRule toRule() {
      return new DeltaFirstJoinOrderRule(this);
    }
  }
}
