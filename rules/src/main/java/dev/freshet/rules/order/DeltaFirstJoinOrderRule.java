package dev.freshet.rules.order;

import dev.freshet.rules.rel.ChangeTables;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that turns an inner {@link MultiJoin} of a delta term back into joins, left-deep,
 * starting from the change table: ΔR first, then, step by step, the input that shares a join
 * condition with those already joined (in query order among several), as a delta query is meant to
 * run — from the few changed rows, through index lookups, into the large tables.
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
        used.set(inputOf(offsets, field));
      }
      inputsOf.add(used);
    }

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
    while (order.size() < n) {
      int next = -1;
      for (int i = 0; i < n && next < 0; i++) {
        if (joined.get(i)) {
          continue;
        }
        for (BitSet used : inputsOf) {
          if (used.get(i) && used.intersects(joined)) {
            next = i;
            break;
          }
        }
      }
      if (next < 0) { // nothing connected: a cross join, in query order
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
      List<RexNode> condition = new ArrayList<>();
      for (int c = 0; c < conjuncts.size(); c++) {
        BitSet used = (BitSet) inputsOf.get(c).clone();
        used.andNot(inPlan);
        if (!applied[c] && used.isEmpty() && inputsOf.get(c).get(i)) {
          condition.add(conjuncts.get(c).accept(remap));
          applied[c] = true;
        }
      }
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

  private static int inputOf(int[] offsets, int field) {
    int i = 0;
    while (offsets[i + 1] <= field) {
      i++;
    }
    return i;
  }

  /** Whether a scan of a change table ({@link ChangeTables#TEMP_SCHEMA}) is under {@code rel}. */
  private static boolean readsChangeTable(RelNode node) {
    RelNode rel = node.stripped();
    if (rel instanceof TableScan scan) {
      List<String> name = scan.getTable().getQualifiedName();
      return name.size() == 2 && name.get(0).equals(ChangeTables.TEMP_SCHEMA);
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
