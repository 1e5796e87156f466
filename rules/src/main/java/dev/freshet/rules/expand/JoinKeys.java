package dev.freshet.rules.expand;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A join condition split the way an outer join is maintained: equality conjuncts between an
 * expression of the left input and one of the right ({@code =} or {@code IS NOT DISTINCT FROM}),
 * conjuncts that read one side only, and conjuncts that mix both sides otherwise. Field references
 * are the join's: right-side expressions are over fields {@code left count ..}.
 *
 * @param leftKeys the left expression of each equality
 * @param rightKeys the right expression of each equality, in the same order
 * @param operators {@code =} or {@code IS NOT DISTINCT FROM}, per equality
 * @param leftOnly conjuncts that read left fields only (or none)
 * @param rightOnly conjuncts that read right fields only
 * @param mixed conjuncts that read both sides and are not equalities of one expression per side
 */
public record JoinKeys(List<RexNode> leftKeys, List<RexNode> rightKeys, List<SqlOperator> operators,
    List<RexNode> leftOnly, List<RexNode> rightOnly, List<RexNode> mixed) {

  public JoinKeys {
    leftKeys = List.copyOf(leftKeys);
    rightKeys = List.copyOf(rightKeys);
    operators = List.copyOf(operators);
    leftOnly = List.copyOf(leftOnly);
    rightOnly = List.copyOf(rightOnly);
    mixed = List.copyOf(mixed);
  }

  /** Splits {@code join}'s condition. */
  public static JoinKeys of(Join join) {
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int total = leftCount + join.getRight().getRowType().getFieldCount();
    ImmutableBitSet leftBits = ImmutableBitSet.range(0, leftCount);
    ImmutableBitSet rightBits = ImmutableBitSet.range(leftCount, total);
    List<RexNode> leftKeys = new ArrayList<>();
    List<RexNode> rightKeys = new ArrayList<>();
    List<SqlOperator> operators = new ArrayList<>();
    List<RexNode> leftOnly = new ArrayList<>();
    List<RexNode> rightOnly = new ArrayList<>();
    List<RexNode> mixed = new ArrayList<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
      ImmutableBitSet bits = RelOptUtil.InputFinder.bits(conjunct);
      if (leftBits.contains(bits)) {
        leftOnly.add(conjunct);
      } else if (rightBits.contains(bits)) {
        rightOnly.add(conjunct);
      } else if (equality(conjunct).isPresent()) {
        RexCall call = equality(conjunct).get();
        RexNode a = call.getOperands().get(0);
        RexNode b = call.getOperands().get(1);
        ImmutableBitSet aBits = RelOptUtil.InputFinder.bits(a);
        ImmutableBitSet bBits = RelOptUtil.InputFinder.bits(b);
        if (leftBits.contains(aBits) && rightBits.contains(bBits)) {
          leftKeys.add(a);
          rightKeys.add(b);
          operators.add(call.getOperator());
        } else if (leftBits.contains(bBits) && rightBits.contains(aBits)) {
          leftKeys.add(b);
          rightKeys.add(a);
          operators.add(call.getOperator());
        } else {
          mixed.add(conjunct);
        }
      } else {
        mixed.add(conjunct);
      }
    }
    return new JoinKeys(leftKeys, rightKeys, operators, leftOnly, rightOnly, mixed);
  }

  private static Optional<RexCall> equality(RexNode conjunct) {
    if ((conjunct.getKind() == SqlKind.EQUALS || conjunct.getKind() == SqlKind.IS_NOT_DISTINCT_FROM)
        && conjunct instanceof RexCall call && call.getOperands().size() == 2) {
      return Optional.of(call);
    }
    return Optional.empty();
  }

  /**
   * True if each row of {@code join}'s left input matches at most one row of its right input: the
   * condition is equalities of right fields (plus left-only conjuncts) on which the right input is
   * unique. Then {@code A ▷ R = A − π_A(A ⋈ R)}, the identity anti-joins are maintained by. Keys
   * compared with {@code IS NOT DISTINCT FROM} must be unique with NULLs counted.
   */
  public static boolean matchesAtMostOnce(Join join) {
    JoinKeys keys = of(join);
    if (!keys.mixed().isEmpty() || !keys.rightOnly().isEmpty() || keys.leftKeys().isEmpty()) {
      return false;
    }
    int leftCount = join.getLeft().getRowType().getFieldCount();
    ImmutableBitSet.Builder columns = ImmutableBitSet.builder();
    boolean ignoreNulls = true;
    for (int i = 0; i < keys.rightKeys().size(); i++) {
      if (!(keys.rightKeys().get(i) instanceof org.apache.calcite.rex.RexInputRef ref)) {
        return false;
      }
      columns.set(ref.getIndex() - leftCount);
      ignoreNulls &= keys.operators().get(i).getKind() == SqlKind.EQUALS;
    }
    var mq = join.getCluster().getMetadataQuery();
    return Boolean.TRUE.equals(mq.areColumnsUnique(join.getRight(), columns.build(), ignoreNulls));
  }

  /**
   * Why an outer join with this condition is not expanded, or empty when it is: the expansion needs
   * at least one equality, and no other comparison of the two sides (a semi-join on the keys' distinct
   * values decides which rows have a partner).
   */
  public Optional<String> notExpandable() {
    if (!mixed.isEmpty()) {
      return Optional.of("its ON condition compares the two sides other than by equality");
    }
    if (leftKeys.isEmpty()) {
      return Optional.of("its ON condition has no equality between the two sides");
    }
    return Optional.empty();
  }
}
